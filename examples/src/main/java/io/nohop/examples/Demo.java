package io.nohop.examples;

import ch.qos.logback.classic.Level;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.nohop.core.PinnedRoots;
import io.nohop.core.TokenVerifier;
import io.nohop.core.VerifierHealth;
import io.nohop.core.VerifierListener;
import io.nohop.keys.KeyRecord;
import io.nohop.keys.RootKey;
import io.nohop.keys.RotationRequest;
import io.nohop.keys.SigningKeyStore;
import io.nohop.keys.StoreConfig;
import io.nohop.keys.TokenIssuer;
import io.nohop.keys.TokenRequest;
import io.nohop.keys.server.JwksServer;
import io.nohop.keys.server.StorePublication;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Quick start demo ({@code mvn -q -Pdemo -DskipTests verify}): a key endpoint, an issuer and a
 * resource service, all in this process on 127.0.0.1, and what happens to requests when keys rotate,
 * the endpoint goes down, a "mirror" in its place serves a tampered key set, the service restarts
 * during the outage, and a key is revoked. The service pins the store's root key: it reads the signed
 * key set ({@code /.well-known/jwks.jwt}) and nothing the root did not sign.
 *
 * <p>Everything it writes lives in one temporary folder, deleted at the end; every thread it starts
 * is stopped. Timings are shrunk from production defaults (refresh bound R = 1 s instead of 1 h,
 * publish lead L = 3 s instead of 24 h) so that a rotation completes in seconds; the rules are the same.
 */
public final class Demo {
    /** The {@code iss} of every token the demo issues. */
    public static final String ISSUER = "https://auth.example";
    /** The audience the demo service accepts. */
    public static final String AUDIENCE = "orders";

    // The demo's schedule, shrunk: R is the verifiers' refresh bound, L >= 2R the publish lead, S the
    // skew, T the longest token lifetime. The store refuses L < 2R, like `nohop rotate` does.
    static final Duration REFRESH_BOUND = Duration.ofSeconds(1);
    static final Duration PUBLISH_LEAD = Duration.ofSeconds(3);
    static final Duration SKEW = Duration.ofSeconds(1);
    static final Duration MAX_TOKEN_LIFETIME = Duration.ofMinutes(2);
    static final Duration TOKEN_TTL = Duration.ofMinutes(1);
    static final Duration MAX_STALENESS = Duration.ofMinutes(1);
    // Every wait below is bounded by this; a step that takes longer fails the demo instead of hanging.
    static final Duration STEP_LIMIT = Duration.ofSeconds(10);

    private final PrintStream out;
    private final long startNanos = System.nanoTime();

    private Demo(PrintStream out) {
        this.out = out;
    }

    /**
     * Runs the demo and exits 0 when every step showed what it should, 1 otherwise.
     *
     * @param args ignored
     * @throws Exception if a component cannot start
     */
    public static void main(String[] args) throws Exception {
        // The demo narrates the verifier's key events itself (through a VerifierListener); in a service
        // the same events go to its log at INFO/WARN. Errors still show.
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.nohop")).setLevel(Level.ERROR);
        Outcome outcome = run(System.out);
        if (!outcome.asExpected()) {
            System.out.println("UNEXPECTED: " + outcome);
            System.exit(1);
        }
    }

    /**
     * Runs every step once, narrating to {@code out}.
     *
     * @param out where to narrate
     * @return what happened at each step
     * @throws Exception if a component cannot start or a step exceeds its time limit
     */
    public static Outcome run(PrintStream out) throws Exception {
        return new Demo(out).run();
    }

    /**
     * What the demo observed; {@link #asExpected()} says whether nohop behaved as documented.
     *
     * @param validAccepted genuine tokens answered 200 at the start, of {@code validSent}
     * @param validSent genuine tokens sent at the start
     * @param rejections the rejection code each bad token got, by description
     * @param rotationSent requests sent across the key switch
     * @param rotationRejected of those, not answered 200
     * @param signingKeyChanged whether tokens after the switch were verified with the new key
     * @param oldKeyTokenAcceptedAfterSwitch whether a token of the retiring key was still accepted
     * @param outageSent requests sent while the key endpoint was down
     * @param outageRejected of those, not answered 200
     * @param staleDuringOutage whether health turned STALE during the outage
     * @param mirrorRefusal the refresh failure code the service's health showed for the mirror's tampered key set
     * @param mirrorSent requests sent while the mirror served the tampered key set
     * @param mirrorRejected of those, not answered 200
     * @param restartedFromCacheFile whether the restarted service had keys before the endpoint came back
     * @param restartedServiceAccepted whether the restarted service accepted a genuine token during the outage
     * @param freshAfterRecovery whether health was FRESH again once the endpoint was back
     * @param revokedKeyCode the code a token of the revoked key got after the next refresh
     * @param successorAcceptedAfterRevoke whether a token of the successor key was accepted after the revocation
     * @param tempFolderDeleted whether the temporary folder is gone
     */
    public record Outcome(int validAccepted, int validSent, Map<String, String> rejections, int rotationSent,
                          int rotationRejected, boolean signingKeyChanged, boolean oldKeyTokenAcceptedAfterSwitch,
                          int outageSent, int outageRejected, boolean staleDuringOutage,
                          String mirrorRefusal, int mirrorSent, int mirrorRejected, boolean restartedFromCacheFile, boolean restartedServiceAccepted, boolean freshAfterRecovery,
                          String revokedKeyCode, boolean successorAcceptedAfterRevoke, boolean tempFolderDeleted) {
        /** The rejection each bad token must get. */
        public static final Map<String, String> EXPECTED_REJECTIONS = expectedRejections();

        private static Map<String, String> expectedRejections() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put(WRONG_KEY, "bad_signature");
            m.put(ALG_NONE, "unsupported_algorithm");
            m.put(WRONG_AUDIENCE, "audience_mismatch");
            m.put(EXPIRED, "expired");
            return Map.copyOf(m);
        }

        /**
         * Whether every step showed the documented behaviour.
         *
         * @return true when nothing unexpected happened
         */
        public boolean asExpected() {
            return validSent > 0 && validAccepted == validSent && EXPECTED_REJECTIONS.equals(rejections)
                    && rotationSent > 0 && rotationRejected == 0 && signingKeyChanged && oldKeyTokenAcceptedAfterSwitch
                    && outageSent > 0 && outageRejected == 0 && staleDuringOutage
                    && "bad_signature".equals(mirrorRefusal) && mirrorSent > 0 && mirrorRejected == 0
                    && restartedFromCacheFile && restartedServiceAccepted && freshAfterRecovery
                    && "unknown_key".equals(revokedKeyCode) && successorAcceptedAfterRevoke && tempFolderDeleted;
        }
    }

    static final String WRONG_KEY = "signed by another key under our kid";
    static final String ALG_NONE = "\"alg\":\"none\", signature stripped";
    static final String WRONG_AUDIENCE = "genuine token for audience \"billing\"";
    static final String EXPIRED = "genuine token, expired";

    private Outcome run() throws Exception {
        Path dir = Files.createTempDirectory("nohop-demo-");
        Resources res = new Resources();
        try {
            return steps(dir, res);
        } finally {
            res.close();
            deleteRecursively(dir);
        }
    }

    /** Everything that runs, so that it is stopped whatever happens. */
    private static final class Resources implements AutoCloseable {
        JwksServer endpoint;
        HttpServer mirror;
        OrdersService service;
        TokenIssuer issuer;
        ExecutorService clientThreads;

        @Override
        public void close() {
            if (service != null) {
                service.close();
                service = null;
            }
            if (endpoint != null) {
                endpoint.close();
                endpoint = null;
            }
            if (mirror != null) {
                mirror.stop(0);
                mirror = null;
            }
            if (issuer != null) {
                issuer.close();
                issuer = null;
            }
            if (clientThreads != null) {
                clientThreads.shutdownNow();
                clientThreads = null;
            }
        }
    }

    private Outcome steps(Path dir, Resources res) throws Exception {
        out.println("nohop demo: key endpoint, issuer and service on 127.0.0.1; files in " + dir);

        // --- setup ------------------------------------------------------------------------------------
        char[] passphrase = randomPassphrase();
        StoreConfig config = StoreConfig.builder().issuer(ISSUER).refreshBound(REFRESH_BOUND)
                .publishLead(PUBLISH_LEAD).clockSkew(SKEW).maxTokenLifetime(MAX_TOKEN_LIFETIME)
                .rotationPeriod(Duration.ofHours(1)).build();
        SigningKeyStore store = SigningKeyStore.create(dir.resolve("store"), config, passphrase, Clock.systemUTC());
        String firstKid = store.snapshot().records().get(0).kid();
        JwksServer.Settings endpointSettings = new JwksServer.Settings().maxAge(REFRESH_BOUND)
                .reloadInterval(Duration.ofMillis(200)).threads(2);
        res.endpoint = JwksServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                StorePublication.of(store), endpointSettings);
        InetSocketAddress endpointAddress = res.endpoint.address();
        URI jwksUri = URI.create(res.endpoint.boundUrl() + JwksServer.SIGNED_JWKS_PATH);
        res.issuer = TokenIssuer.create(store, passphrase, Clock.systemUTC(), Duration.ofMillis(200));
        TokenIssuer issuer = res.issuer;
        RootKey root = store.rootKey().orElseThrow();
        PinnedRoots pinned = PinnedRoots.of(root.publicJwkJson());
        step("setup", "key store created (RS256, key " + shortKid(firstKid) + ", root key " + shortKid(root.kid())
                + " signs the published set); endpoint " + jwksUri);

        Instant shortTokenIssued = Instant.now();
        String shortLived = issuer.issue(request("carol", AUDIENCE, Duration.ofSeconds(1)));

        Path cacheFile = dir.resolve("service-keys.json");
        KeyEvents events = new KeyEvents();
        res.service = OrdersService.start(verifier(jwksUri, pinned, cacheFile, events));
        require(res.service.verifier().awaitKeys(STEP_LIMIT), "the service got no keys");
        step("setup", "orders service " + res.service.ordersUri() + " verifies every request in memory; it pins root "
                + shortKid(root.kid()) + " and refreshes keys in the background (every <= " + seconds(REFRESH_BOUND)
                + ") into " + cacheFile.getFileName());
        res.clientThreads = Executors.newFixedThreadPool(2, daemon("demo-client"));
        Client client = new Client(res.clientThreads);

        // --- genuine and bad tokens ----------------------------------------------------------------------
        int validSent = 0;
        int validAccepted = 0;
        for (String who : List.of("alice", "bob", "dave")) {
            Answer a = client.get(res.service.ordersUri(), issuer.issue(request(who, AUDIENCE, TOKEN_TTL)));
            validSent++;
            validAccepted += a.ok() ? 1 : 0;
            step("request", "GET /orders as " + who + " -> " + a.describe());
        }
        String genuine = issuer.issue(request("erin", AUDIENCE, TOKEN_TTL));
        Map<String, String> rejections = new LinkedHashMap<>();
        rejections.put(WRONG_KEY, client.get(res.service.ordersUri(), forgeWithOtherKey(genuine)).code());
        rejections.put(ALG_NONE, client.get(res.service.ordersUri(), stripToAlgNone(genuine)).code());
        rejections.put(WRONG_AUDIENCE, client.get(res.service.ordersUri(),
                issuer.issue(request("erin", "billing", TOKEN_TTL))).code());
        // A 1-second token, past its exp plus the verifier's clock skew.
        waitUntil(shortTokenIssued.plus(Duration.ofSeconds(1)).plus(SKEW).plusMillis(200));
        rejections.put(EXPIRED, client.get(res.service.ordersUri(), shortLived).code());
        for (Map.Entry<String, String> r : rejections.entrySet()) {
            step("reject", pad(r.getKey(), 40) + " -> 401 " + r.getValue());
        }

        // --- planned rotation --------------------------------------------------------------------------
        String oldKeyToken = issuer.issue(request("frank", AUDIENCE, TOKEN_TTL));
        KeyRecord next = store.rotate(RotationRequest.standard(), passphrase).orElseThrow();
        Instant rotatedAt = Instant.now();
        String nextKid = next.kid();
        step("rotate", "new key " + shortKid(nextKid) + " published now, signs from " + clockTime(next.activateAt())
                + " (lead L = " + seconds(PUBLISH_LEAD) + " >= 2 x refresh bound R = " + seconds(REFRESH_BOUND) + ")");
        int rotationSent = 0;
        int rotationRejected = 0;
        Instant switchSeenAt = null;
        Instant rotationEnd = next.activateAt().plusSeconds(1);
        while (Instant.now().isBefore(rotationEnd)) {
            Answer a = client.get(res.service.ordersUri(), issuer.issue(request("alice", AUDIENCE, TOKEN_TTL)));
            rotationSent++;
            if (!a.ok()) {
                rotationRejected++;
                step("rotate", "request rejected across the switch: " + a.describe());
            } else if (switchSeenAt == null && nextKid.equals(a.kid())) {
                switchSeenAt = Instant.now();
            }
            Thread.sleep(100);
        }
        Instant fetched = events.added.get(nextKid);
        if (fetched != null) {
            step("rotate", "the service fetched " + shortKid(nextKid) + " " + between(rotatedAt, fetched)
                    + " after it was published, " + (fetched.isBefore(next.activateAt())
                    ? between(fetched, next.activateAt()) + " before it signed anything"
                    : "AFTER it began signing"));
        }
        step("rotate", rotationSent + " requests across the switch, one every 100 ms: " + (rotationSent - rotationRejected)
                + " accepted, " + rotationRejected + " rejected; tokens signed by " + shortKid(nextKid) + " from "
                + (switchSeenAt == null ? "never" : clockTime(switchSeenAt)));
        Answer oldAfterSwitch = client.get(res.service.ordersUri(), oldKeyToken);
        step("rotate", "a token signed by " + shortKid(firstKid) + " before the switch -> " + oldAfterSwitch.describe()
                + " (the old key stays published until its tokens expire)");

        // --- the key endpoint goes down ---------------------------------------------------------------
        res.endpoint.close();
        res.endpoint = null;
        Instant downAt = Instant.now();
        step("outage", "key endpoint stopped (connections to " + endpointAddress.getPort() + " refused)");
        TokenVerifier first = res.service.verifier();
        boolean stale = waitFor(STEP_LIMIT, () -> first.health().status() == VerifierHealth.Status.STALE);
        VerifierHealth.Source h = first.health().sources().get(0);
        step("outage", "health FRESH -> " + h.status() + " after " + between(downAt, Instant.now()) + " ("
                + h.consecutiveFailures() + " failed refresh" + (h.consecutiveFailures() == 1 ? "" : "es")
                + "; serving the last good keys, retrying with backoff)");
        int outageSent = 0;
        int outageRejected = 0;
        for (int i = 0; i < 10; i++) {
            Answer a = client.get(res.service.ordersUri(), issuer.issue(request("bob", AUDIENCE, TOKEN_TTL)));
            outageSent++;
            outageRejected += a.ok() ? 0 : 1;
            Thread.sleep(150);
        }
        step("outage", outageSent + " requests during the outage: " + (outageSent - outageRejected)
                + " accepted from cached keys, " + outageRejected + " rejected");

        // --- a "mirror" in the endpoint's place serves a tampered key set -----------------------------
        String genuineSet = store.snapshot().signedKeySet().orElseThrow().compactSerialization();
        res.mirror = mirror(endpointAddress, withAttackerKey(genuineSet));
        String refusal = "";
        boolean refused = waitFor(STEP_LIMIT, () -> first.health().sources().get(0).lastError()
                .filter(e -> !e.startsWith("unreachable")).isPresent());
        if (refused) {
            String error = first.health().sources().get(0).lastError().orElseThrow();
            refusal = error.substring(0, error.indexOf(':'));
        }
        int mirrorSent = 0;
        int mirrorRejected = 0;
        for (int i = 0; i < 3; i++) {
            Answer a = client.get(res.service.ordersUri(), issuer.issue(request("carol", AUDIENCE, TOKEN_TTL)));
            mirrorSent++;
            mirrorRejected += a.ok() ? 0 : 1;
            Thread.sleep(100);
        }
        step("mirror", "a mirror answering on port " + endpointAddress.getPort() + " serves the key set with an "
                + "attacker's key added -> refused (" + refusal + "); " + mirrorSent + " requests meanwhile: "
                + (mirrorSent - mirrorRejected) + " accepted, " + mirrorRejected + " rejected");
        res.mirror.stop(0);
        res.mirror = null;

        // --- restart the service during the outage ----------------------------------------------------
        res.service.close();
        res.service = null;
        res.service = OrdersService.start(verifier(jwksUri, pinned, cacheFile, events));
        TokenVerifier second = res.service.verifier();
        boolean fromCache = second.awaitKeys(Duration.ofSeconds(2));
        Answer afterRestart = client.get(res.service.ordersUri(), issuer.issue(request("dave", AUDIENCE, TOKEN_TTL)));
        VerifierHealth.Source h2 = second.health().sources().get(0);
        step("restart", "orders service restarted while the endpoint is down: " + h2.keyCount() + " keys from "
                + cacheFile.getFileName() + " at once, health " + h2.status() + "; request -> " + afterRestart.describe());

        // --- the endpoint comes back ------------------------------------------------------------------
        res.endpoint = JwksServer.start(endpointAddress, StorePublication.of(store), endpointSettings);
        Instant upAt = Instant.now();
        boolean fresh = waitFor(STEP_LIMIT, () -> second.health().status() == VerifierHealth.Status.FRESH);
        step("recover", "key endpoint back on port " + endpointAddress.getPort() + "; health FRESH again after "
                + between(upAt, Instant.now()));

        // --- emergency revocation ---------------------------------------------------------------------
        Answer beforeRevoke = client.get(res.service.ordersUri(), oldKeyToken);
        store.revoke(firstKid, Optional.of("demo: pretend its private key leaked"), false, passphrase);
        Instant revokedAt = Instant.now();
        step("revoke", "until now a token of " + shortKid(firstKid) + " -> " + beforeRevoke.describe() + "; revoked "
                + shortKid(firstKid) + " (its successor " + shortKid(nextKid) + " signs)");
        Answer[] lastOld = new Answer[1];
        waitFor(STEP_LIMIT, () -> {
            lastOld[0] = client.get(res.service.ordersUri(), oldKeyToken);
            return !lastOld[0].ok();
        });
        Instant dropped = events.removed.get(firstKid);
        Answer successor = client.get(res.service.ordersUri(), issuer.issue(request("alice", AUDIENCE, TOKEN_TTL)));
        step("revoke", "the service dropped " + shortKid(firstKid) + " "
                + (dropped == null ? "?" : between(revokedAt, dropped)) + " later, at its next refresh: its token -> "
                + lastOld[0].describe() + "; a token of " + shortKid(nextKid) + " -> " + successor.describe());

        // --- stop everything --------------------------------------------------------------------------
        res.close();
        deleteRecursively(dir);
        boolean deleted = !Files.exists(dir);
        step("done", "everything stopped, " + dir + (deleted ? " deleted" : " NOT deleted") + "; "
                + between(startNanos, System.nanoTime()) + " in all");
        return new Outcome(validAccepted, validSent, rejections, rotationSent, rotationRejected, switchSeenAt != null,
                oldAfterSwitch.ok(), outageSent, outageRejected, stale, refusal, mirrorSent, mirrorRejected, fromCache,
                afterRestart.ok(), fresh, lastOld[0].code(), successor.ok(), deleted);
    }

    private static TokenVerifier verifier(URI signedJwksUri, PinnedRoots pinned, Path cacheFile,
                                          VerifierListener listener) {
        return TokenVerifier.builder()
                .jwksUri(signedJwksUri, pinned)                   // only what the store's root signed
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .requiredType("at+jwt")
                .clockSkew(SKEW)
                // Shrunk like the store's schedule: refresh within R, retry quickly, stay usable 1 min.
                .minRefreshInterval(Duration.ofMillis(200))
                .maxRefreshInterval(REFRESH_BOUND)
                .initialRetryDelay(Duration.ofMillis(200))
                .maxStaleness(MAX_STALENESS)
                .connectTimeout(Duration.ofMillis(500))
                .fetchTimeout(Duration.ofSeconds(1))
                .cacheFile(cacheFile)
                .listener(listener)
                .build();
    }

    /** Remembers when the service first saw each key appear and disappear. */
    private static final class KeyEvents implements VerifierListener {
        final Map<String, Instant> added = new ConcurrentHashMap<>();
        final Map<String, Instant> removed = new ConcurrentHashMap<>();

        @Override
        public void keysAdded(URI jwksUri, Set<String> kids) {
            Instant now = Instant.now();
            kids.forEach(k -> added.putIfAbsent(k, now));
        }

        @Override
        public void keysRemoved(URI jwksUri, Set<String> kids) {
            Instant now = Instant.now();
            kids.forEach(k -> removed.putIfAbsent(k, now));
        }
    }

    private static TokenRequest request(String subject, String audience, Duration ttl) {
        return TokenRequest.builder().subject(subject).audience(audience).ttl(ttl).claim("scope", "orders:read").build();
    }

    /** The same claims and kid, signed by a key the attacker made: the signature cannot verify. */
    private static String forgeWithOtherKey(String genuine) throws ParseException, JOSEException {
        SignedJWT original = SignedJWT.parse(genuine);
        RSAKey attackerKey = new RSAKeyGenerator(2048).generate();
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(original.getHeader().getKeyID()).type(new JOSEObjectType("at+jwt")).build(),
                original.getJWTClaimsSet());
        forged.sign(new RSASSASigner(attackerKey));
        return forged.serialize();
    }

    /**
     * What a compromised mirror or CDN might serve: the genuine signed key set with an attacker's key
     * added to its {@code keys}, header and signature left as they were (it has no root key to sign with).
     */
    private static String withAttackerKey(String signedSet) throws JOSEException {
        String[] parts = signedSet.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String attackerKey = new RSAKeyGenerator(2048).keyID("mallory").generate().toPublicJWK().toJSONString();
        String tampered = payload.replace("\"keys\":[", "\"keys\":[" + attackerKey + ",");
        return parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(tampered.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    }

    /** A plain HTTP server in the endpoint's place, serving one document as the signed key set. */
    private static HttpServer mirror(InetSocketAddress address, String document) throws IOException {
        HttpServer mirror = HttpServer.create(address, 16);
        byte[] body = document.getBytes(StandardCharsets.US_ASCII);
        mirror.createContext(JwksServer.SIGNED_JWKS_PATH, exchange -> {
            exchange.getResponseHeaders().set("Content-Type", JwksServer.SIGNED_JWKS_TYPE);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        mirror.start();
        return mirror;
    }

    /** The classic: claim the token is unsigned and drop the signature. */
    private static String stripToAlgNone(String genuine) {
        String header = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\",\"typ\":\"at+jwt\"}".getBytes(StandardCharsets.US_ASCII));
        String payload = genuine.substring(genuine.indexOf('.') + 1, genuine.lastIndexOf('.'));
        return header + "." + payload + ".";
    }

    /** A status line as the demo's client saw it. */
    private record Answer(int status, String kid, String code) {
        boolean ok() {
            return status == 200;
        }

        String describe() {
            return ok() ? "200 (key " + shortKid(kid) + ")" : status + " " + code;
        }
    }

    /** GET /orders with a bearer token, on loopback, bounded by timeouts. */
    private static final class Client {
        private static final Pattern KID = Pattern.compile("\"kid\":\"([^\"]*)\"");
        private static final Pattern REASON = Pattern.compile("\"reason\":\"([^\"]*)\"");
        private final HttpClient http;

        Client(ExecutorService threads) {
            this.http = HttpClient.newBuilder().executor(threads).connectTimeout(Duration.ofSeconds(1)).build();
        }

        Answer get(URI uri, String token) {
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2))
                    .header("Authorization", "Bearer " + token).GET().build();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                String body = response.body();
                return new Answer(response.statusCode(), find(KID, body), find(REASON, body));
            } catch (IOException e) {
                return new Answer(0, "", "no answer (" + e.getClass().getSimpleName() + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Answer(0, "", "interrupted");
            }
        }

        private static String find(Pattern p, String text) {
            Matcher m = p.matcher(text);
            return m.find() ? m.group(1) : "";
        }
    }

    private void step(String name, String text) {
        out.printf("%5.1fs  %-8s %s%n", (System.nanoTime() - startNanos) / 1e9, name, text);
    }

    private static void require(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException(what + " within " + STEP_LIMIT.toSeconds() + " s");
        }
    }

    private static boolean waitFor(Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    private static void waitUntil(Instant when) throws InterruptedException {
        long millis = Duration.between(Instant.now(), when).toMillis();
        if (millis > 0) {
            Thread.sleep(Math.min(millis, STEP_LIMIT.toMillis()));
        }
    }

    private static char[] randomPassphrase() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).toCharArray();
    }

    static String shortKid(String kid) {
        return kid == null || kid.length() <= 8 ? String.valueOf(kid) : kid.substring(0, 8);
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : String.format("%.1f s", d.toMillis() / 1000.0);
    }

    private static String between(Instant from, Instant to) {
        return String.format("%.1f s", Duration.between(from, to).toMillis() / 1000.0);
    }

    private static String between(long fromNanos, long toNanos) {
        return String.format("%.1f s", (toNanos - fromNanos) / 1e9);
    }

    private static String clockTime(Instant t) {
        return LocalTime.ofInstant(t, ZoneId.systemDefault()).truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Deletes a folder and everything in it; nothing when it does not exist.
     *
     * @param dir the folder
     * @throws UncheckedIOException when something cannot be deleted
     */
    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
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
