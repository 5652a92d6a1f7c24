package io.nohop.testkit.internal;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.nohop.keys.KeyRecord;
import io.nohop.keys.NoActiveKeyException;
import io.nohop.keys.RotationRequest;
import io.nohop.keys.SigningAlgorithm;
import io.nohop.keys.SigningKeyStore;
import io.nohop.keys.StoreConfig;
import io.nohop.keys.StoreException;
import io.nohop.keys.TokenIssuer;
import io.nohop.keys.TokenRequest;
import io.nohop.keys.server.JwksServer;
import io.nohop.keys.server.Publication;
import io.nohop.keys.server.PublicationSource;
import io.nohop.keys.server.StorePublication;
import io.nohop.testkit.NohopIssuerExtension;
import io.nohop.testkit.TokenDefect;
import io.nohop.testkit.TokenSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One running kit: a key store in a temporary folder, the real {@link JwksServer} serving it, a
 * {@link TokenIssuer} signing with it, and the {@link EndpointRelay} that gives the endpoint a stable
 * address the test can stop, start and slow down. Everything is on the loopback interface.
 *
 * <p>Built only from nohop-keys' public API. Two things that API cannot do, and how the kit does them:
 * <ul>
 *   <li>tokens a nohop issuer never mints (already expired, {@code nbf} in the future, another
 *       {@code iss}) are signed by a second key held in memory ({@link LocalSigningKey}), which the
 *       endpoint publishes beside the store's keys;</li>
 *   <li>the low PBKDF2 work factor comes from the keys module's documented test-only system property,
 *       set for the moment the store is created (see {@link #createStore}).</li>
 * </ul>
 */
public final class RunningIssuer implements AutoCloseable {
    /** The keys module's test knob, read only while a store is created (keys/README.md, "Test knob"). */
    static final String TEST_ONLY_ITERATIONS_PROPERTY = "io.nohop.keys.internal.testOnlyPbkdf2Iterations";
    static final String TEST_ONLY_ITERATIONS = "1000";
    private static final Object STORE_CREATION = new Object();
    private static final String ACCESS_TOKEN_TYPE = "at+jwt";
    private static final Duration TIME_DEFECT_DISTANCE = Duration.ofHours(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Settings settings;
    private final Path folder;
    private final String issuer;
    private final URI jwksUri;
    private final SigningKeyStore store;
    private final TokenIssuer tokens;
    private final EndpointRelay relay;
    private final JwksServer server;
    private final LocalSigningKey publishedLocalKey;
    private final LocalSigningKey forgerKey;
    private final char[] passphrase;

    /**
     * What the kit is started with; checked by the public builder.
     *
     * @param algorithm the store's algorithm
     * @param issuer the {@code iss}, or empty for the endpoint's own URL
     * @param audience the default audience
     * @param maxAge the endpoint's max-age, also the store's refresh bound R
     * @param publishLead the store's publish lead L
     * @param clock what the store, the issuer and the endpoint read as now
     */
    public record Settings(SigningAlgorithm algorithm, Optional<String> issuer, String audience, Duration maxAge,
                           Duration publishLead, Clock clock) {
    }

    private RunningIssuer(Settings settings, Path folder, String issuer, SigningKeyStore store, TokenIssuer tokens,
                          EndpointRelay relay, JwksServer server, LocalSigningKey publishedLocalKey,
                          LocalSigningKey forgerKey, char[] passphrase) {
        this.settings = settings;
        this.passphrase = passphrase;
        this.folder = folder;
        this.issuer = issuer;
        this.store = store;
        this.tokens = tokens;
        this.relay = relay;
        this.server = server;
        this.publishedLocalKey = publishedLocalKey;
        this.forgerKey = forgerKey;
        this.jwksUri = URI.create(baseUrl(relay.address()) + JwksServer.JWKS_PATH);
    }

    /**
     * Starts everything; on failure stops what was started and deletes the folder.
     *
     * @param settings the settings
     * @return the running kit
     * @throws IOException if no loopback port or temporary folder can be had
     * @throws Exception if the store cannot be created or the endpoint cannot start
     */
    public static RunningIssuer start(Settings settings) throws Exception {
        Path folder = Files.createTempDirectory("nohop-testkit-");
        EndpointRelay relay = null;
        JwksServer server = null;
        TokenIssuer tokens = null;
        try {
            relay = EndpointRelay.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            String base = baseUrl(relay.address());
            String issuer = settings.issuer().orElse(base);
            char[] passphrase = randomPassphrase();
            SigningKeyStore store = createStore(folder.resolve("store"), StoreConfig.builder()
                    .algorithm(settings.algorithm())
                    .issuer(issuer)
                    .maxTokenLifetime(TokenSpec.MAX_LIFETIME)
                    .refreshBound(settings.maxAge())
                    .publishLead(settings.publishLead())
                    .rotationPeriod(Duration.ofDays(30))
                    .build(), passphrase, settings.clock());
            // Re-read the store for every token, so rotate() and revoke() take effect at once.
            tokens = TokenIssuer.create(store, passphrase, settings.clock(), Duration.ZERO);
            LocalSigningKey published = LocalSigningKey.generate(settings.algorithm());
            LocalSigningKey forger = LocalSigningKey.generate(settings.algorithm());
            PublicationSource storeKeys = StorePublication.of(store);
            PublicationSource source = now -> withLocalKey(storeKeys.publicationAt(now), published.publicJwk());
            server = JwksServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), source,
                    new JwksServer.Settings().clock(settings.clock()).maxAge(settings.maxAge()).reloadInterval(Duration.ofMillis(200))
                            .threads(2).publicUrl(base));
            relay.target(server.address());
            return new RunningIssuer(settings, folder, issuer, store, tokens, relay, server, published, forger,
                    passphrase);
        } catch (Exception | Error e) {
            if (relay != null) {
                relay.close();
            }
            if (server != null) {
                server.close();
            }
            if (tokens != null) {
                tokens.close();
            }
            deleteRecursively(folder);
            throw e;
        }
    }

    /**
     * Creates the store with the keys module's test-only work factor, unless the property is already
     * set (then that value is used). The property is global to the JVM, so creation is serialised and
     * the property is cleared again at once; a real store must never be created while it is set.
     */
    private static SigningKeyStore createStore(Path dir, StoreConfig config, char[] passphrase, Clock clock)
            throws StoreException {
        synchronized (STORE_CREATION) {
            boolean set = System.getProperty(TEST_ONLY_ITERATIONS_PROPERTY) == null;
            if (set) {
                System.setProperty(TEST_ONLY_ITERATIONS_PROPERTY, TEST_ONLY_ITERATIONS);
            }
            try {
                return SigningKeyStore.create(dir, config, passphrase, clock);
            } finally {
                if (set) {
                    System.clearProperty(TEST_ONLY_ITERATIONS_PROPERTY);
                }
            }
        }
    }

    private static Publication withLocalKey(Publication p, JWK key) throws ParseException {
        List<JWK> keys = new ArrayList<>(JWKSet.parse(p.jwksJson()).getKeys());
        keys.add(key);
        String json = JSONObjectUtils.toJSONString(new JWKSet(keys).toJSONObject(true));
        return new Publication(json, p.keyCount() + 1, p.activeKid(), p.nextTransition(), p.issuer(), p.keys());
    }

    /**
     * The JWKS URI.
     *
     * @return {@code http://127.0.0.1:PORT/.well-known/jwks.json}
     */
    public URI jwksUri() {
        return jwksUri;
    }

    /**
     * The issuer.
     *
     * @return the {@code iss} of the kit's tokens
     */
    public String issuer() {
        return issuer;
    }

    /**
     * The default audience.
     *
     * @return the audience of tokens whose spec names none
     */
    public String audience() {
        return settings.audience();
    }

    /**
     * The kid of the key that signs now.
     *
     * @return the kid
     */
    public String activeKid() {
        try {
            return store.snapshot().activeAt(settings.clock().instant()).map(KeyRecord::kid)
                    .orElseThrow(() -> new IllegalStateException("no key signs now (the signing key was revoked"
                            + " and no successor is active yet): rotate(Duration.ZERO) first"));
        } catch (StoreException e) {
            throw new IllegalStateException("the kit's key store cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * A genuine token from the store's issuer.
     *
     * @param spec what it says
     * @return the compact JWS
     */
    public String token(TokenSpec spec) {
        return issue(spec, spec.audiences().isEmpty() ? List.of(settings.audience()) : spec.audiences());
    }

    private String issue(TokenSpec spec, List<String> audiences) {
        TokenRequest.Builder request = TokenRequest.builder().subject(spec.subject()).ttl(spec.lifetime());
        audiences.forEach(request::audience);
        spec.claims().forEach(request::claim);
        if (!spec.scopes().isEmpty()) {
            request.claim("scope", String.join(" ", spec.scopes()));
        }
        try {
            return tokens.issue(request.build());
        } catch (NoActiveKeyException e) {
            throw new IllegalStateException("no key signs now: " + e.getMessage()
                    + " (after revoking the signing key, rotate(Duration.ZERO) gives one at once)", e);
        } catch (StoreException e) {
            throw new IllegalStateException("the kit's issuer cannot sign: " + e.getMessage(), e);
        }
    }

    /**
     * A token with exactly one defect.
     *
     * @param defect what is wrong with it
     * @param spec what it says otherwise
     * @return the compact JWS
     */
    public String defectiveToken(TokenDefect defect, TokenSpec spec) {
        Instant now = settings.clock().instant();
        return switch (defect) {
            case WRONG_AUDIENCE -> issue(spec, List.of(NohopIssuerExtension.WRONG_AUDIENCE));
            case BAD_SIGNATURE -> {
                String genuine = token(spec);
                String signingInput = genuine.substring(0, genuine.lastIndexOf('.'));
                yield signingInput + "." + forgerKey.signature(signingInput);
            }
            case EXPIRED -> {
                Instant exp = now.minus(TIME_DEFECT_DISTANCE);
                yield signedLocally(claims(spec, issuer, exp.minus(spec.lifetime()), exp, Optional.empty()));
            }
            case NOT_YET_VALID -> {
                Instant nbf = now.plus(TIME_DEFECT_DISTANCE);
                yield signedLocally(claims(spec, issuer, now, nbf.plus(spec.lifetime()), Optional.of(nbf)));
            }
            case WRONG_ISSUER -> signedLocally(claims(spec, NohopIssuerExtension.WRONG_ISSUER, now, now.plus(spec.lifetime()),
                    Optional.empty()));
        };
    }

    private String signedLocally(Map<String, Object> claims) {
        return publishedLocalKey.sign(publishedLocalKey.kid(), ACCESS_TOKEN_TYPE, claims);
    }

    private Map<String, Object> claims(TokenSpec spec, String iss, Instant iat, Instant exp, Optional<Instant> nbf) {
        Map<String, Object> claims = new LinkedHashMap<>(spec.claims());
        if (!spec.scopes().isEmpty()) {
            claims.put("scope", String.join(" ", spec.scopes()));
        }
        claims.put("iss", iss);
        claims.put("sub", spec.subject());
        List<String> audiences = spec.audiences().isEmpty() ? List.of(settings.audience()) : spec.audiences();
        claims.put("aud", audiences.size() == 1 ? audiences.get(0) : audiences);
        claims.put("iat", iat.getEpochSecond());
        nbf.ifPresent(t -> claims.put("nbf", t.getEpochSecond()));
        claims.put("exp", exp.getEpochSecond());
        byte[] jti = new byte[16];
        RANDOM.nextBytes(jti);
        claims.put("jti", Base64URL.encode(jti).toString());
        return claims;
    }

    /**
     * Rotates; a lead below 2 × max-age is forced, as an emergency rotation is.
     *
     * @param lead how long before it signs the new key is published
     * @return the new key
     */
    public KeyRecord rotate(Duration lead) {
        boolean belowSafeLead = lead.compareTo(settings.maxAge().multipliedBy(2)) < 0;
        try {
            KeyRecord created = store.rotate(RotationRequest.standard().withPublishLead(lead).withForce(belowSafeLead),
                    passphrase).orElseThrow(() -> new IllegalStateException("the store did not rotate"));
            server.reload();
            return created;
        } catch (StoreException e) {
            throw new IllegalStateException("rotation refused: " + e.getMessage(), e);
        }
    }

    /**
     * Revokes a key, forced (even the key that signs now), and publishes the change at once.
     *
     * @param kid a kid of the kit's store
     */
    public void revoke(String kid) {
        try {
            if (store.snapshot().record(kid).isEmpty()) {
                throw new IllegalArgumentException("unknown kid " + kid + ": not a key of the kit's store");
            }
            store.revoke(kid, Optional.of("revoked by the test (nohop-testkit)"), true, passphrase);
            server.reload();
        } catch (StoreException e) {
            throw new IllegalStateException("cannot revoke " + kid + ": " + e.getMessage(), e);
        }
    }

    /** Stops the endpoint: connections are refused and open ones cut. */
    public void stopEndpoint() {
        relay.stop();
    }

    /** Starts the endpoint again on the same port. */
    public void startEndpoint() {
        try {
            relay.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + relay.address() + " again (taken by another process?): "
                    + e.getMessage(), e);
        }
    }

    /**
     * Whether the endpoint is listening.
     *
     * @return true unless stopped
     */
    public boolean endpointRunning() {
        return relay.isListening();
    }

    /**
     * Delays every response of the endpoint from now on.
     *
     * @param delay zero for none
     */
    public void slowEndpoint(Duration delay) {
        relay.delay(delay);
    }

    /** Stops the endpoint, the server and the issuer, and deletes the temporary folder. */
    @Override
    public void close() {
        try {
            relay.close();
        } finally {
            try {
                server.close();
            } finally {
                tokens.close();
                Arrays.fill(passphrase, '\0');
                deleteRecursively(folder);
            }
        }
    }

    /**
     * The store's folder (inside the kit's temporary folder).
     *
     * @return the folder, deleted by {@link #close()}
     */
    public Path folder() {
        return folder;
    }

    static String baseUrl(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return "http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private static char[] randomPassphrase() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64URL.encode(bytes).toString().toCharArray();
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(dir)) {
            paths = walk.sorted(Comparator.reverseOrder()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        for (Path p : paths) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + p, e);
            }
        }
    }
}
