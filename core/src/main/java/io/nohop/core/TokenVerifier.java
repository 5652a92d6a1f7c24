package io.nohop.core;

import io.nohop.core.internal.crypto.SignatureEngine;
import io.nohop.core.internal.json.JsonParseException;
import io.nohop.core.internal.json.StrictJson;
import io.nohop.core.internal.jws.CompactJws;
import io.nohop.core.internal.jws.HeaderMemo;
import io.nohop.core.internal.keyset.InvalidKeySetException;
import io.nohop.core.internal.keyset.JwsAlgorithm;
import io.nohop.core.internal.keyset.KeySetLoader;
import io.nohop.core.internal.keyset.LoadedKeySet;
import io.nohop.core.internal.keyset.VerificationKey;
import io.nohop.core.internal.refresh.EndpointUriRule;
import io.nohop.core.internal.refresh.VerifierIdentity;
import org.jspecify.annotations.Nullable;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Provider;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * Verifies signed JWTs in memory against public keys: no request ever makes a network call, and a
 * request waits for one only in the unknown-kid case below.
 *
 * <pre>{@code
 * try (TokenVerifier verifier = TokenVerifier.builder()
 *         .jwksUri(URI.create("https://keys.internal/.well-known/jwks.json"))
 *         .issuer("https://auth.example")
 *         .audience("orders")
 *         .build()) {                       // never blocks on the network
 *     VerifiedToken token = verifier.verify(jwt);   // memory only
 * } catch (TokenRejectedException e) {
 *     // 401, or 503 when e.reason() == RejectionReason.KEYS_UNAVAILABLE
 * }
 * }</pre>
 *
 * <p>{@link #verify(String)} takes the steps of docs/DESIGN.md, numbered the same in the code: 1 the
 * size cap; 2 the result cache, when enabled ({@code ResultCache}); 3 strict compact-JWS form and the
 * header rules (algorithm allowlist, no {@code none}/{@code HS*}/JWE/{@code crit}/{@code b64:false})
 * and a JSON payload ({@code CompactJws}); 4 key selection from the key sets, never from the token,
 * and 5 the unknown-kid refresh request and its bounded wait ({@code KeySelector}); 6 the signature; 7 the claims
 * ({@code VerificationPolicy}); 8 the verified token. The rejection reason is that of the first
 * failing step.
 *
 * <p>Concurrency: thread-safe, and {@code verify} takes no lock. Everything it reads is fixed at build
 * time, except each key source's current key set — one volatile read per source, an immutable
 * snapshot — and the result cache (Caffeine, lock-free on a hit). Background refresh runs on the
 * verifier's own scheduler and fetch threads ({@code KeySources}); {@link #close()} stops and joins
 * them.
 *
 * <p>The one wait: a token whose kid no key set holds may wait, at most
 * {@link Builder#waitForUnknownKid(Duration)} (default 1 s), for a key-set fetch that is already in flight
 * or that the kid has just triggered (rate-limited: one per minimum refresh interval), so that an issuer
 * signing with a key the moment it publishes it is accepted at first sight. A kid the rate limit does
 * not let fetch, or that a recent fetch did not find, is rejected at once; tokens whose kid is held
 * (every token of an issuer that pre-publishes its keys, as a nohop key store does) never wait.
 */
public final class TokenVerifier implements AutoCloseable {
    private static final int MAX_JSON_DEPTH = 32;

    private final KeySources sources;
    private final KeySelector keySelector;
    private final VerificationPolicy policy;
    private final int maxTokenBytes;
    private final Clock clock;
    private final GuardedListener listener;
    private final boolean listening;
    private final StatsCounter stats;
    private final @Nullable ResultCache resultCache;
    private final SignatureEngine engine;
    /** The headers of tokens this verifier accepted lately (step 3 skips decoding a header seen before). */
    private final HeaderMemo headerMemo = new HeaderMemo();

    private TokenVerifier(Builder b, SignatureEngine engine) {
        this.engine = engine;
        this.policy = b.policy();
        this.maxTokenBytes = b.maxTokenBytes;
        this.clock = b.clock;
        this.listener = new GuardedListener(b.listener);
        this.listening = b.listener != VerifierListener.NONE;
        this.resultCache = ResultCache.create(b.resultCacheSize, policy, b.clock);
        this.stats = new StatsCounter(b.clock, b.maxStaleness, b.maxRefresh);
        // The key sources report to the counters behind stats(), then to the user's listener, guarded.
        this.sources = KeySources.assemble(b, engine, listening ? VerifierListener.combine(stats, listener) : stats);
        this.keySelector = new KeySelector(sources.all(), b.unknownKidWait(), b.clock);
    }

    /**
     * Starts a builder.
     *
     * @return a new builder with the documented defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Verifies a compact JWS token. Touches memory only, except that a token with an unknown kid may
     * wait a bounded time for a key-set fetch already coming (see the class description and
     * {@link Builder#waitForUnknownKid(Duration)}); never throws anything but a rejection for any token
     * text.
     *
     * @param token the token, without a {@code Bearer } prefix
     * @return the verified token
     * @throws TokenRejectedException with a stable {@link RejectionReason} when the token is not accepted
     * @throws NullPointerException if {@code token} is null
     */
    public VerifiedToken verify(String token) throws TokenRejectedException {
        Objects.requireNonNull(token, "token");
        if (!listening) {
            VerifiedToken verified = verifyToken(token);
            if (verified == null) {
                throw unknownKey();
            }
            return verified;
        }
        long start = System.nanoTime();
        VerifiedToken verified;
        try {
            verified = verifyToken(token);
            if (verified == null) {
                throw unknownKey();
            }
        } catch (TokenRejectedException e) {
            listener.tokenRejected(e.reason(), System.nanoTime() - start);
            throw e;
        }
        listener.tokenAccepted(verified.keyIdOrEmpty(), System.nanoTime() - start);
        return verified;
    }

    /**
     * The cheapest rejection an attacker can ask for, thrown from {@link #verify}'s own frame: an exception leaving a
     * compiled frame costs the runtime a search for its handler, and thrown in {@link #verifyToken} it left one
     * frame more.
     */
    private static TokenRejectedException unknownKey() {
        return new TokenRejectedException(RejectionReason.UNKNOWN_KEY, KeySelector.NO_KEY_WITH_KID);
    }

    /** Steps 1-8; null when no key has the token's kid (step 5's {@code unknown_key}, which {@link #verify} throws). */
    private @Nullable VerifiedToken verifyToken(String token) throws TokenRejectedException {
        // 1. Size, before anything is read.
        if (token.length() > maxTokenBytes) {
            throw new TokenRejectedException(RejectionReason.TOO_LARGE, "the token is larger than the size cap");
        }
        if (resultCache != null) {
            // 2. An exact-string hit skips parsing and the signature, never the time checks.
            VerifiedToken hit = resultCache.hit(token);
            if (hit != null) {
                return hit;
            }
        }
        // 3. Strict form and header rules (CompactJws); the payload must be a JSON object.
        CompactJws jws = CompactJws.parse(token, policy.algorithms, headerMemo);
        JwsAlgorithm algorithm = jws.algorithm();
        String kid = jws.kid();
        long now = clock.millis();
        Map<String, Object> claims;
        Object unverifiedIssuer;
        if (kid != null && keySelector.noSourceHolds(kid)) {
            // Headed for unknown_key (step 5), the cheapest rejection an attacker can ask for: a malformed
            // payload must still be reported first, so the payload is checked — without building the claims,
            // which would cost most of this rejection. Only iss is read, and only when a source is bound to an issuer.
            // The signature's form is checked now too: a malformed token must not reach the refresh request and
            // the wait of step 5.
            requireCanonicalSignature(jws);
            claims = null;
            unverifiedIssuer = checkJson(jws.payload(), keySelector.routesByIssuer());
        } else {
            claims = parseJson(jws.payload(), "the payload is not a JSON object");
            unverifiedIssuer = claims.get("iss");
        }
        // 4-5. Key selection: from the key sets only, never from the token.
        // On the unknown-kid path the signature's form is known good: the selector's rejection goes straight to the
        // caller, not through a handler that would catch and throw it again.
        KeySelector.Selected selected = claims == null
                ? keySelector.select(kid, algorithm, unverifiedIssuer, now)
                : select(jws, unverifiedIssuer, now);
        if (selected == null) {
            return null;
        }
        VerificationKey key = selected.key();
        if (claims == null) {
            // The kid arrived meanwhile (a refresh, or the configured unknown-kid wait); the payload is known good.
            claims = parseJson(jws.payload(), "the payload is not a JSON object");
        }
        // 6. Signature, decoded only now that a key was found for it (a malformed one is still step 3's malformed).
        if (!key.verify(engine, algorithm, jws.signingInput(), jws.signingInputLength(), signature(jws))) {
            throw new TokenRejectedException(RejectionReason.BAD_SIGNATURE, "the signature does not verify");
        }
        // 7. Claims.
        VerifiedToken verified = policy.check(jws.header(), jws.type(), claims, algorithm, key.kid(), selected.source().issuer(), now);
        jws.rememberHeader(headerMemo);
        if (resultCache != null) {
            resultCache.remember(token, verified, key, selected.source(), algorithm, jws.kid() != null);
        }
        // 8. The verified token.
        return verified;
    }

    /**
     * Steps 4-5 for a token whose signature's form was not checked yet: the signature's form (step 3) is checked
     * here only when no key is found, so that a malformed signature is reported before any later step's code; the
     * accepting path checks it by decoding it (step 6). Null as {@link KeySelector#select} returns it: no key has
     * the token's kid.
     */
    private KeySelector.@Nullable Selected select(CompactJws jws, @Nullable Object unverifiedIssuer, long now)
            throws TokenRejectedException {
        KeySelector.Selected selected;
        try {
            selected = keySelector.select(jws.kid(), jws.algorithm(), unverifiedIssuer, now);
        } catch (TokenRejectedException e) {
            requireCanonicalSignature(jws);
            throw e;
        }
        if (selected == null) {
            requireCanonicalSignature(jws);
        }
        return selected;
    }

    /** Step 3's form rule for the signature, on a path that rejects the token before decoding it. */
    private static void requireCanonicalSignature(CompactJws jws) throws TokenRejectedException {
        if (!jws.signatureIsCanonical()) {
            throw new TokenRejectedException(RejectionReason.MALFORMED, CompactJws.NOT_BASE64URL);
        }
    }

    private static byte[] signature(CompactJws jws) throws TokenRejectedException {
        byte[] signature = jws.signature();
        if (signature == null) {
            throw new TokenRejectedException(RejectionReason.MALFORMED, CompactJws.NOT_BASE64URL);
        }
        return signature;
    }

    private static @Nullable String checkJson(byte[] json, boolean readIssuer) throws TokenRejectedException {
        try {
            return StrictJson.validateObject(json, 0, json.length, MAX_JSON_DEPTH, readIssuer ? "iss" : null);
        } catch (JsonParseException e) {
            throw new TokenRejectedException(RejectionReason.MALFORMED, "the payload is not a JSON object");
        }
    }

    private static Map<String, Object> parseJson(byte[] json, String detail) throws TokenRejectedException {
        try {
            return StrictJson.parseObject(json, MAX_JSON_DEPTH);
        } catch (JsonParseException e) {
            throw new TokenRejectedException(RejectionReason.MALFORMED, detail);
        }
    }

    /**
     * Waits until every key source has usable keys, for readiness probes and command-line tools.
     * {@link #verify(String)} never waits; before keys arrive it rejects with {@code keys_unavailable}.
     *
     * @param timeout the longest to wait
     * @return true when keys are usable from every source, false when the timeout passed first
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitKeys(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        return sources.awaitKeys(timeout);
    }

    /**
     * Which crypto provider checks the signatures of each algorithm this verifier accepts, fixed when it
     * was built ({@link Builder#cryptoProvider}, {@link Builder#preferNativeCrypto()}, or the JDK's
     * installed providers, with EdDSA through BouncyCastle's pure-Java Ed25519 when bcprov is on the
     * class path). For health pages and start-up logs: a service can show, and an operator check, that
     * native crypto is in use.
     *
     * @return algorithm name (e.g. {@code ES256}) → provider name and version (e.g.
     *         {@code AmazonCorrettoCryptoProvider 2.5.0}, {@code SunEC 17}, {@code BouncyCastle 1.87 (pure Java)}),
     *         for every allowed algorithm; unmodifiable
     */
    public Map<String, String> signatureProviders() {
        return engine.describe(policy.algorithms);
    }

    // Tests run the same vectors through every engine.
    SignatureEngine signatureEngine() {
        return engine;
    }

    /**
     * Key freshness right now. Cheap: reads the sources' state, does no I/O.
     *
     * @return a health snapshot; status is the worst over all sources
     */
    public VerifierHealth health() {
        return sources.health();
    }

    /**
     * What the key sources have done since the verifier was built (fetches by outcome and failure code,
     * key-set changes, suppressed unknown-kid refreshes) and the bounds it was built with. Cheap: sums a
     * few counters, does no I/O; for metrics ({@code VerifierMetrics}) and status pages.
     *
     * @return a snapshot; counters only grow
     */
    public VerifierStats stats() {
        return stats.snapshot();
    }

    /**
     * Stops background refresh and every thread the verifier started. Idempotent. Verification after
     * close keeps using the keys held at the time.
     */
    @Override
    public void close() {
        sources.close();
    }

    /**
     * Configures a {@link TokenVerifier}. Each setter checks its argument at once (the message names
     * the bad value); settings that contradict each other are refused by {@link #build()}. Not
     * thread-safe; a builder may build several verifiers.
     *
     * <p>Options that name what to trust add up, one call at a time: {@link #jwks}, {@link #jwksUri},
     * {@link #trustIssuer}, {@link #discoverIssuer}, {@link #issuer}, {@link #audience},
     * {@link #requireClaims} and {@link #require}. Every other option holds one value and may be set
     * once: a second call throws {@link IllegalStateException} naming the value already set (as
     * Caffeine's builder does), because it would silently drop the first. {@link #algorithms} is one of
     * them: it replaces the default allowlist with one list.
     *
     * <p>Strict by default: a verifier must be told which issuers and audiences to accept, or be told
     * explicitly to accept any ({@link #allowAnyIssuer()}, {@link #allowAnyAudience()}).
     */
    public static final class Builder {
        /** Default size cap: 8 KiB. */
        public static final int DEFAULT_MAX_TOKEN_BYTES = 8 * 1024;
        /** Default allowed clock skew: 60 s. */
        public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
        /** Largest allowed clock skew: 10 min. */
        public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(10);
        /** Default maximum token lifetime: 24 h. */
        public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofHours(24);
        /** Default floor of the refresh interval and minimum gap between unknown-kid refreshes: 30 s. */
        public static final Duration DEFAULT_MIN_REFRESH = Duration.ofSeconds(30);
        /** Default freshness lifetime when the endpoint sends no max-age: 5 min. */
        public static final Duration DEFAULT_REFRESH = Duration.ofMinutes(5);
        /** Default ceiling of the refresh interval (and of the retry backoff): 1 h. */
        public static final Duration DEFAULT_MAX_REFRESH = Duration.ofHours(1);
        /** Default staleness bound: 24 h. */
        public static final Duration DEFAULT_MAX_STALENESS = Duration.ofHours(24);
        /** Default first retry delay after a failed fetch: 1 s. */
        public static final Duration DEFAULT_INITIAL_RETRY_DELAY = Duration.ofSeconds(1);
        /**
         * Default time a kid that a refresh did not find is remembered as absent: 1 min. Short, so
         * that a key signing a moment before the endpoint published it (an emergency rotation) is
         * looked for again soon; the unknown-kid rate limit, not this, is what bounds the load.
         */
        public static final Duration DEFAULT_NEGATIVE_KID_TTL = Duration.ofMinutes(1);
        /** Default connect timeout: 5 s. */
        public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
        /** Default total time for one fetch: 10 s. */
        public static final Duration DEFAULT_FETCH_TIMEOUT = Duration.ofSeconds(10);
        /** Default JWKS body cap: 256 KiB. */
        public static final int DEFAULT_MAX_JWKS_BYTES = 256 * 1024;
        /**
         * Default longest wait of a token with an unknown kid for a key-set fetch already coming: 1 s (or
         * the fetch timeout, when that is shorter). Long enough for one fetch from a remote issuer, short
         * enough that a genuine new key is accepted within about a second of its first token.
         */
        public static final Duration DEFAULT_UNKNOWN_KID_WAIT = Duration.ofSeconds(1);

        // Package-private: read by the TokenVerifier constructor and KeySources.assemble; written only by
        // the setters below. Null means "not set" (the default applies).
        final List<LoadedKeySet> fixedKeySets = new ArrayList<>();
        final List<SourceRoots<URI>> jwksUris = new ArrayList<>();
        final List<SourceRoots<Map.Entry<String, URI>>> boundUris = new ArrayList<>();
        final List<SourceRoots<String>> discoveredIssuers = new ArrayList<>();
        final Set<String> issuers = new LinkedHashSet<>();
        final Set<String> audiences = new LinkedHashSet<>();
        boolean anyIssuer;
        boolean anyAudience;
        EnumSet<JwsAlgorithm> algorithms = EnumSet.allOf(JwsAlgorithm.class);
        int maxTokenBytes = DEFAULT_MAX_TOKEN_BYTES;
        Duration clockSkew = DEFAULT_CLOCK_SKEW;
        Duration maxLifetime = DEFAULT_MAX_LIFETIME;
        @Nullable String requiredType;
        final List<String> requiredClaims = new ArrayList<>();
        final List<VerificationPolicy.NamedPredicate> predicates = new ArrayList<>();
        Clock clock = Clock.systemUTC();
        VerifierListener listener = VerifierListener.NONE;
        Duration minRefresh = DEFAULT_MIN_REFRESH;
        Duration defaultRefresh = DEFAULT_REFRESH;
        Duration maxRefresh = DEFAULT_MAX_REFRESH;
        Duration maxStaleness = DEFAULT_MAX_STALENESS;
        Duration initialRetryDelay = DEFAULT_INITIAL_RETRY_DELAY;
        Duration negativeKidTtl = DEFAULT_NEGATIVE_KID_TTL;
        Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        Duration fetchTimeout = DEFAULT_FETCH_TIMEOUT;
        int maxJwksBytes = DEFAULT_MAX_JWKS_BYTES;
        @Nullable String instanceName;
        boolean unsafeAllowPlainHttp;
        @Nullable Path cacheFile;
        Duration unknownKidWait = DEFAULT_UNKNOWN_KID_WAIT;
        @Nullable ScheduledExecutorService scheduler;
        @Nullable Executor executor;
        @Nullable RandomGenerator random;
        int resultCacheSize;
        @Nullable Provider cryptoProvider;
        boolean preferNativeCrypto;
        // Single-valued options set so far: setting one twice is refused, as Caffeine's builder does.
        private final Set<String> assigned = new HashSet<>();
        // The roots pinned per JWKS URI and per discovered issuer: pinned once, like a single-valued option.
        private final Map<Object, PinnedRoots> pinned = new HashMap<>();

        /**
         * A refreshing source as configured, and the roots it pins (empty: it reads a plain JWKS).
         *
         * @param source a JWKS URI ({@code jwksUri}), an issuer and its JWKS URI ({@code trustIssuer}), or an
         *               issuer ({@code discoverIssuer})
         * @param roots the pinned roots, if any
         * @param <T> the source's type
         */
        record SourceRoots<T>(T source, Optional<PinnedRoots> roots) { }

        private Builder() {
        }

        /**
         * Records that a single-valued option is set. A second call would silently drop the first
         * value, which is almost always a mistake (two configuration sources disagreeing), so it is
         * refused, naming the value already set.
         */
        private <T> T once(String option, @Nullable T current, T value) {
            if (!assigned.add(option)) {
                throw new IllegalStateException(option + " was already set to " + current
                        + ("listener".equals(option) ? " (combine several with VerifierListener.combine)" : ""));
            }
            return value;
        }

        /**
         * Trusts the keys of a fixed JWKS document (no refresh). The document is checked at once;
         * keys nohop will not use (too short, wrong use, private members, duplicate kid, ...) are
         * refused and logged, one by one.
         *
         * @param jwksJson a JWKS document, {@code {"keys":[...]}}
         * @return this builder
         * @throws IllegalArgumentException when the document is not a JWKS or holds no usable key
         */
        public Builder jwks(String jwksJson) {
            Objects.requireNonNull(jwksJson, "jwksJson");
            try {
                fixedKeySets.add(KeySetLoader.load(jwksJson.getBytes(StandardCharsets.UTF_8)));
            } catch (InvalidKeySetException e) {
                throw new IllegalArgumentException("unusable key set: " + e.getMessage(), e);
            }
            return this;
        }

        /**
         * Trusts the keys published at a JWKS endpoint, fetched and refreshed in the background. The
         * keys vouch for any issuer this verifier accepts ({@link #issuer(String)}). To accept only key
         * sets that a key store's root signed, whatever carried them, use {@link #jwksUri(URI, PinnedRoots)}.
         *
         * @param jwksUri an {@code https} URI ({@code http} only to loopback, unless {@link #unsafeAllowPlainHttp()})
         * @return this builder
         * @throws IllegalArgumentException when the URI is not absolute http(s)
         */
        public Builder jwksUri(URI jwksUri) {
            jwksUris.add(new SourceRoots<>(checkHttpUri(jwksUri), Optional.empty()));
            return this;
        }

        /**
         * Trusts the keys of a signed key set ({@code application/jwk-set+jwt}, e.g. {@code nohop serve}'s
         * {@code /.well-known/jwks.jwt}) only when one of {@code roots} signed it: nothing unsigned or signed
         * by another key is ever accepted, whatever the endpoint, a mirror, a proxy or the cache file says.
         * A refused document is a failed refresh with its {@link RefreshFailure} code ({@code unsigned},
         * {@code bad_signature}, {@code wrong_type}, {@code expired_set}, {@code rollback}, ...) in health,
         * events and metrics; the last good keys stay. Past the held set's {@code exp} with nothing newer,
         * the source is DOWN ({@code keys_unavailable}). The keys vouch for any issuer this verifier accepts;
         * every other refreshing source that could vouch for the same tokens must pin roots too
         * (checked by {@link #build()}).
         *
         * @param signedJwksUri where the signed key set is served ({@code https}; {@code http} only to loopback,
         *                      unless {@link #unsafeAllowPlainHttp()})
         * @param roots the roots that may sign it
         * @return this builder
         * @throws IllegalArgumentException when the URI is not absolute http(s)
         * @throws IllegalStateException when this URI was already pinned to other roots
         */
        public Builder jwksUri(URI signedJwksUri, PinnedRoots roots) {
            URI uri = checkHttpUri(signedJwksUri);
            jwksUris.add(new SourceRoots<>(uri, Optional.of(pin(uri, "jwksUri " + uri, roots))));
            return this;
        }

        /**
         * Trusts one issuer with its own JWKS endpoint: its keys only vouch for tokens whose
         * {@code iss} is exactly {@code issuer}. Call once per issuer to trust several.
         *
         * @param issuer the exact {@code iss} value
         * @param jwksUri that issuer's JWKS endpoint
         * @return this builder
         * @throws IllegalArgumentException when the issuer is blank or the URI is not absolute http(s)
         */
        public Builder trustIssuer(String issuer, URI jwksUri) {
            String iss = checkText(issuer, "issuer");
            boundUris.add(new SourceRoots<>(Map.entry(iss, checkHttpUri(jwksUri)), Optional.empty()));
            issuers.add(iss);
            return this;
        }

        /**
         * Trusts one issuer with its own signed key set, accepted only when one of {@code roots} signed it
         * and its {@code iss} is exactly {@code issuer} (as {@link #jwksUri(URI, PinnedRoots)} explains); its
         * keys only vouch for tokens whose {@code iss} is exactly {@code issuer}.
         *
         * @param issuer the exact {@code iss} value
         * @param signedJwksUri where that issuer's signed key set is served
         * @param roots the roots that may sign it
         * @return this builder
         * @throws IllegalArgumentException when the issuer is blank or the URI is not absolute http(s)
         * @throws IllegalStateException when this URI was already pinned to other roots
         */
        public Builder trustIssuer(String issuer, URI signedJwksUri, PinnedRoots roots) {
            String iss = checkText(issuer, "issuer");
            URI uri = checkHttpUri(signedJwksUri);
            boundUris.add(new SourceRoots<>(Map.entry(iss, uri), Optional.of(pin(uri, "JWKS URI " + uri, roots))));
            issuers.add(iss);
            return this;
        }

        /**
         * Trusts one issuer whose JWKS URI is found in its OpenID metadata
         * ({@code issuer + /.well-known/openid-configuration}), discovered in the background.
         *
         * @param issuer the exact {@code iss} value, an absolute http(s) URI
         * @return this builder
         * @throws IllegalArgumentException when the issuer is not an absolute http(s) URI
         */
        public Builder discoverIssuer(String issuer) {
            String iss = checkText(issuer, "issuer");
            checkHttpUri(URI.create(iss));
            discoveredIssuers.add(new SourceRoots<>(iss, Optional.empty()));
            issuers.add(iss);
            return this;
        }

        /**
         * Trusts one issuer whose signed key set is found through its OpenID metadata: the metadata's
         * {@code signed_jwks_uri} (never its plain {@code jwks_uri}: metadata without {@code signed_jwks_uri}
         * is a failed refresh, {@code bad_metadata}), accepted only when one of {@code roots} signed it and
         * its {@code iss} is exactly {@code issuer} (as {@link #jwksUri(URI, PinnedRoots)} explains).
         *
         * @param issuer the exact {@code iss} value, an absolute http(s) URI
         * @param roots the roots that may sign its key set
         * @return this builder
         * @throws IllegalArgumentException when the issuer is not an absolute http(s) URI
         * @throws IllegalStateException when this issuer was already pinned to other roots
         */
        public Builder discoverIssuer(String issuer, PinnedRoots roots) {
            String iss = checkText(issuer, "issuer");
            checkHttpUri(URI.create(iss));
            discoveredIssuers.add(new SourceRoots<>(iss, Optional.of(pin(iss, "discovered issuer " + iss, roots))));
            issuers.add(iss);
            return this;
        }

        /**
         * Pins roots for one place (a JWKS URI or a discovered issuer). Pinned once: the same place pinned to
         * other roots (other keys, in any order) is refused, naming the roots already pinned, as a
         * single-valued option set twice is.
         */
        private PinnedRoots pin(Object place, String what, PinnedRoots roots) {
            Objects.requireNonNull(roots, "roots");
            PinnedRoots earlier = pinned.putIfAbsent(place, roots);
            if (earlier != null && !Set.copyOf(earlier.kids()).equals(Set.copyOf(roots.kids()))) {
                throw new IllegalStateException(what + " was already pinned to " + earlier + ", not " + roots);
            }
            return roots;
        }

        /**
         * Accepts tokens whose {@code iss} is exactly this value (no normalisation). May be called
         * several times.
         *
         * @param issuer the exact {@code iss} value
         * @return this builder
         * @throws IllegalArgumentException when blank
         */
        public Builder issuer(String issuer) {
            issuers.add(checkText(issuer, "issuer"));
            return this;
        }

        /**
         * Accepts tokens from any issuer (and tokens without {@code iss}). An escape hatch: prefer
         * {@link #issuer(String)}.
         *
         * @return this builder
         */
        public Builder allowAnyIssuer() {
            anyIssuer = once("allowAnyIssuer", anyIssuer, true);
            return this;
        }

        /**
         * Accepts tokens whose {@code aud} (a string or an array) contains one of these values.
         *
         * @param audience one or more accepted audiences
         * @return this builder
         * @throws IllegalArgumentException when none is given or one is blank
         */
        public Builder audience(String... audience) {
            if (audience.length == 0) {
                throw new IllegalArgumentException("audience needs at least one value");
            }
            for (String a : audience) {
                audiences.add(checkText(a, "audience"));
            }
            return this;
        }

        /**
         * Accepts tokens meant for any audience (and tokens without {@code aud}). An escape hatch:
         * prefer {@link #audience(String...)}.
         *
         * @return this builder
         */
        public Builder allowAnyAudience() {
            anyAudience = once("allowAnyAudience", anyAudience, true);
            return this;
        }

        /**
         * Limits the accepted algorithms. Default: every supported one — RS256, RS384, RS512, PS256,
         * PS384, PS512, ES256, ES384, ES512, EdDSA (Ed25519). {@code none} and {@code HS*} are never
         * accepted.
         *
         * @param names JWS algorithm names, case-sensitive
         * @return this builder
         * @throws IllegalArgumentException when empty or a name is not a supported algorithm
         * @throws IllegalStateException when the allowlist was already set (pass every algorithm in one call)
         */
        public Builder algorithms(String... names) {
            Objects.requireNonNull(names, "algorithms");
            if (names.length == 0) {
                throw new IllegalArgumentException("algorithms needs at least one algorithm");
            }
            EnumSet<JwsAlgorithm> set = EnumSet.noneOf(JwsAlgorithm.class);
            for (String name : names) {
                JwsAlgorithm a = JwsAlgorithm.byName(Objects.requireNonNull(name, "algorithms: an algorithm name"));
                if (a == null) {
                    throw new IllegalArgumentException("unsupported algorithm: '" + name + "' (supported: "
                            + EnumSet.allOf(JwsAlgorithm.class) + ")");
                }
                set.add(a);
            }
            algorithms = once("algorithms", algorithms, set);
            return this;
        }

        /**
         * The size cap, checked before any parsing. Default 8 KiB.
         *
         * @param bytes the largest accepted token length, 1 to 1 MiB
         * @return this builder
         * @throws IllegalArgumentException when out of range
         */
        public Builder maxTokenBytes(int bytes) {
            if (bytes < 1 || bytes > 1024 * 1024) {
                throw new IllegalArgumentException("maxTokenBytes must be between 1 and 1048576: " + bytes);
            }
            maxTokenBytes = once("maxTokenBytes", maxTokenBytes, bytes);
            return this;
        }

        /**
         * How far clocks may disagree when checking {@code exp}, {@code nbf} and {@code iat}. Default 60 s.
         *
         * @param skew 0 to 10 min
         * @return this builder
         * @throws IllegalArgumentException when negative or over 10 min
         */
        public Builder clockSkew(Duration skew) {
            clockSkew = once("clockSkew", clockSkew, checkRange(skew, Duration.ZERO, MAX_CLOCK_SKEW, "clockSkew"));
            return this;
        }

        /**
         * The longest accepted token lifetime, {@code exp - iat} (or {@code exp - now} without
         * {@code iat}). Default 24 h.
         *
         * @param lifetime positive
         * @return this builder
         * @throws IllegalArgumentException when not positive
         */
        public Builder maxLifetime(Duration lifetime) {
            maxLifetime = once("maxLifetime", maxLifetime, checkPositive(lifetime, "maxLifetime"));
            return this;
        }

        /**
         * Requires the {@code typ} header, e.g. {@code at+jwt} for RFC 9068 access tokens. Compared
         * case-insensitively, with an optional {@code application/} prefix (RFC 7515 §4.1.9). Default:
         * {@code typ} is not checked.
         *
         * @param type the media type
         * @return this builder
         * @throws IllegalArgumentException when blank
         */
        public Builder requiredType(String type) {
            requiredType = once("requiredType", requiredType, checkText(type, "type"));
            return this;
        }

        /**
         * Claims that must be present (not null); a token without one is rejected with {@code missing_claim}.
         *
         * @param names claim names
         * @return this builder
         * @throws IllegalArgumentException when a name is blank
         */
        public Builder requireClaims(String... names) {
            Objects.requireNonNull(names, "requireClaims");
            for (String n : names) {
                requiredClaims.add(checkText(n, "claim name"));
            }
            return this;
        }

        /**
         * A rule of your own, checked after every built-in rule passed. A predicate that returns
         * false (or throws) rejects the token with {@code invalid_claim}.
         *
         * @param description what the rule requires, for the rejection detail (not attacker text)
         * @param predicate the rule
         * @return this builder
         */
        public Builder require(String description, Predicate<VerifiedToken> predicate) {
            predicates.add(new VerificationPolicy.NamedPredicate(checkText(description, "description"),
                    Objects.requireNonNull(predicate, "predicate")));
            return this;
        }

        /**
         * The time source for claim checks and key freshness. Default {@link Clock#systemUTC()}.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = once("clock", this.clock, Objects.requireNonNull(clock, "clock"));
            return this;
        }

        /**
         * Receives verification outcomes and key-set events. Default: none (no cost).
         *
         * @param listener the listener; exceptions it throws are caught and logged. For several, pass
         *                 {@link VerifierListener#combine}
         * @return this builder
         * @throws IllegalStateException when a listener was already set
         */
        public Builder listener(VerifierListener listener) {
            this.listener = once("listener", this.listener, Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * The floor of the refresh interval, and the minimum gap between refreshes triggered by
         * unknown kids. Default 30 s.
         *
         * @param interval positive, at most 1 day; below a few seconds only for tests and demos
         * @return this builder
         */
        public Builder minRefreshInterval(Duration interval) {
            minRefresh = once("minRefreshInterval", minRefresh,
                    checkRange(interval, Duration.ofMillis(1), Duration.ofDays(1), "minRefreshInterval"));
            return this;
        }

        /**
         * The freshness lifetime used when the endpoint sends no {@code Cache-Control: max-age}
         * (clamped between the min and max refresh intervals). Default 5 min.
         *
         * @param interval positive
         * @return this builder
         */
        public Builder defaultRefreshInterval(Duration interval) {
            defaultRefresh = once("defaultRefreshInterval", defaultRefresh,
                    checkPositive(interval, "defaultRefreshInterval"));
            return this;
        }

        /**
         * The ceiling of the refresh interval: the endpoint's max-age is clamped to it, and so is the
         * retry backoff during an outage. Default 1 h.
         *
         * @param interval positive
         * @return this builder
         */
        public Builder maxRefreshInterval(Duration interval) {
            maxRefresh = once("maxRefreshInterval", maxRefresh, checkPositive(interval, "maxRefreshInterval"));
            return this;
        }

        /**
         * How long the last good keys are served while the endpoint fails. Past it the verifier is
         * DOWN and rejects every token with {@code keys_unavailable} (fail closed). Default 24 h.
         *
         * @param staleness positive, and at least the max refresh interval (checked by {@link #build()})
         * @return this builder
         */
        public Builder maxStaleness(Duration staleness) {
            maxStaleness = once("maxStaleness", maxStaleness, checkPositive(staleness, "maxStaleness"));
            return this;
        }

        /**
         * The first retry delay after a failed fetch; it doubles per consecutive failure (with full
         * jitter) up to the max refresh interval. Default 1 s.
         *
         * @param delay positive
         * @return this builder
         */
        public Builder initialRetryDelay(Duration delay) {
            initialRetryDelay = once("initialRetryDelay", initialRetryDelay,
                    checkPositive(delay, "initialRetryDelay"));
            return this;
        }

        /**
         * How long a kid that a refresh did not find is remembered as absent, so repeated made-up kids
         * trigger no refresh. Default 1 min.
         *
         * @param ttl positive
         * @return this builder
         */
        public Builder negativeKidTtl(Duration ttl) {
            negativeKidTtl = once("negativeKidTtl", negativeKidTtl, checkPositive(ttl, "negativeKidTtl"));
            return this;
        }

        /**
         * Connect timeout for the JWKS endpoint. Default 5 s.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            connectTimeout = once("connectTimeout", connectTimeout, checkPositive(timeout, "connectTimeout"));
            return this;
        }

        /**
         * Total time allowed for one fetch, headers and body. Default 10 s.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder fetchTimeout(Duration timeout) {
            fetchTimeout = once("fetchTimeout", fetchTimeout, checkPositive(timeout, "fetchTimeout"));
            return this;
        }

        /**
         * Key set responses longer than this are refused. Default 256 KiB.
         *
         * @param bytes 1 KiB to 16 MiB
         * @return this builder
         */
        public Builder maxJwksBytes(int bytes) {
            if (bytes < 1024 || bytes > 16 * 1024 * 1024) {
                throw new IllegalArgumentException("maxJwksBytes must be between 1024 and 16777216: " + bytes);
            }
            maxJwksBytes = once("maxJwksBytes", maxJwksBytes, bytes);
            return this;
        }

        /**
         * The name this verifier gives itself on every key-set fetch (JWKS and discovery), as the
         * {@code Nohop-Instance} header next to {@code User-Agent: nohop/<version>}: the key endpoint's
         * admin listener ({@code nohop serve --admin-bind}, {@code nohop status}) then shows which
         * instances hold the current key set, by this name. Choose something an operator recognises,
         * such as the service and pod ({@code orders-7f9c}). It travels in clear and anyone can send
         * any name: never put a secret in it, and never treat it as proof of who is calling. Default: a
         * random name per verifier (8 lower-case base32 characters), kept for the verifier's life and
         * logged once at INFO when it is built.
         *
         * @param name 1 to 64 visible ASCII characters (letters, digits, punctuation; no spaces)
         * @return this builder
         * @throws IllegalArgumentException when the name is empty, too long or holds other characters
         */
        public Builder instanceName(String name) {
            Objects.requireNonNull(name, "name");
            instanceName = once("instanceName", instanceName, VerifierIdentity.checkName(name));
            return this;
        }

        /**
         * Persists every accepted key set to this file (written atomically) and, at start, serves a
         * key set confirmed within the staleness bound at once, so a restart during an endpoint outage
         * keeps authenticating. One file serves every key source of the verifier (several
         * {@code trustIssuer} / {@code discoverIssuer}): it holds one entry per source, keyed by the
         * source's JWKS URI (or issuer metadata URL), and each source restores its own entry. A file or
         * entry that cannot be used is logged with why and ignored (the source then fetches as without
         * a file); a file that cannot be written is logged and the keys stay in memory. Give each
         * verifier (each process) its own file. Default: not persisted.
         *
         * @param file the cache file; its directory is created if missing
         * @return this builder
         */
        public Builder cacheFile(Path file) {
            cacheFile = once("cacheFile", cacheFile, Objects.requireNonNull(file, "file"));
            return this;
        }

        /**
         * Allows plain {@code http} JWKS URIs to hosts other than loopback (without it, plain http is
         * allowed only to {@code localhost} and the IP literals of 127.0.0.0/8 and {@code ::1}, decided
         * by address without a DNS lookup). Unsafe: anyone on the path can then substitute keys.
         *
         * @return this builder
         */
        public Builder unsafeAllowPlainHttp() {
            unsafeAllowPlainHttp = once("unsafeAllowPlainHttp", unsafeAllowPlainHttp, true);
            return this;
        }

        /**
         * How long a token with an unknown kid may wait for a key-set fetch, so that an issuer that signs
         * with a key the moment it publishes it (no pre-publication: Spring Authorization Server and many
         * third-party issuers) is accepted at the key's first token instead of rejected until a refresh.
         * Default {@link #DEFAULT_UNKNOWN_KID_WAIT} (1 s, or {@link #fetchTimeout} when shorter); zero turns
         * waiting off, and {@code verify} then never waits (a new key's first tokens are rejected with
         * {@code unknown_key} until the fetch they triggered has landed).
         *
         * <p>A token waits only while a fetch that may bring its kid is actually coming: one in flight, or
         * the refresh its kid (or another unknown kid) has just triggered. Unknown kids trigger at most one
         * refresh per {@link #minRefreshInterval} (scheduled refreshes do not count against it, so a key
         * first seen right after one is fetched at once). A kid the rate limit does not let fetch, or that
         * a recent fetch did not find ({@link #negativeKidTtl}), is rejected at once; at most 64 requests
         * per key source wait at once, the others are rejected at once. So a flood of made-up kids holds
         * request threads only for the length of one fetch per interval, and tokens whose kid is held never
         * wait. The wait is one bound over all key sources.
         *
         * @param maxWait 0 (never wait) to 10 s, at most {@link #fetchTimeout} (checked by {@link #build()})
         * @return this builder
         */
        public Builder waitForUnknownKid(Duration maxWait) {
            unknownKidWait = once("waitForUnknownKid", unknownKidWait,
                    checkRange(maxWait, Duration.ZERO, Duration.ofSeconds(10), "waitForUnknownKid"));
            return this;
        }

        /**
         * The scheduler for refresh timers. Default: one daemon thread owned (and stopped) by the verifier.
         * A scheduler given here is not shut down by {@link TokenVerifier#close()}.
         *
         * @param scheduler the scheduler
         * @return this builder
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = once("scheduler", this.scheduler, Objects.requireNonNull(scheduler, "scheduler"));
            return this;
        }

        /**
         * Runs the blocking fetches. Default: one daemon thread owned (and stopped) by the verifier.
         * An executor given here is not shut down by {@link TokenVerifier#close()}.
         *
         * @param executor the executor
         * @return this builder
         */
        public Builder executor(Executor executor) {
            this.executor = once("executor", this.executor, Objects.requireNonNull(executor, "executor"));
            return this;
        }

        /**
         * Keeps up to {@code maxEntries} accepted tokens, keyed by the exact token string, so a client
         * that reuses one access token for many requests pays for one signature check. A hit still
         * re-checks {@code exp}, {@code nbf}, {@code iat} and the user predicates against the clock,
         * and that the verifying key is still in the current key set; an entry never outlives the
         * token's {@code exp}. Rejections are never cached. Default: off (0).
         *
         * @param maxEntries 0 (off) to 10,000,000
         * @return this builder
         */
        public Builder resultCache(int maxEntries) {
            if (maxEntries < 0 || maxEntries > 10_000_000) {
                throw new IllegalArgumentException("resultCache size must be between 0 and 10000000: " + maxEntries);
            }
            resultCacheSize = once("resultCache", resultCacheSize, maxEntries);
            return this;
        }

        /**
         * Checks every signature with this JCA provider — a native one such as the Amazon Corretto Crypto
         * Provider (AWS-LC), an HSM's, or a FIPS provider — for this verifier only: the provider is never
         * installed globally. Keys are still decoded by the JDK's own key factories, so which keys a key set
         * may hold does not depend on the provider, and nohop's own checks (exact signature lengths, ECDSA
         * ranges, the whole PKCS#1 v1.5 and PSS encodings, small-order Ed25519 keys) run in front of it, so
         * neither does any decision. {@link #build()} refuses a provider that lacks an allowed algorithm: it
         * needs {@code SHA256withECDSAinP1363Format} and its 384/512 siblings (ES*), {@code Ed25519} (EdDSA),
         * and for RS* and PS* the raw RSA operation ({@code Cipher RSA/ECB/NoPadding}: nohop hashes and
         * checks the PKCS#1 v1.5 and PSS encodings itself);
         * restrict {@link #algorithms} to what it offers. Default: the JDK's installed providers (see
         * {@link #preferNativeCrypto()} for the native one without naming it).
         *
         * @param provider the provider
         * @return this builder
         * @throws IllegalStateException when a provider was already set
         */
        public Builder cryptoProvider(Provider provider) {
            cryptoProvider = once("cryptoProvider", cryptoProvider, Objects.requireNonNull(provider, "provider"));
            return this;
        }

        /**
         * Checks signatures with the Amazon Corretto Crypto Provider (ACCP: AWS-LC, native) when it is on
         * the class path and healthy here, else with the JDK's providers. An explicit opt-in, never
         * detection: loading ACCP extracts and loads a native library (and on JDK 24+ needs
         * {@code --enable-native-access=ALL-UNNAMED}), which a library must not do because a jar appeared
         * on the class path. Which one verifies is logged once per JVM (with why, when ACCP cannot load:
         * another OS or CPU, a missing jar, a failed self-test) and shown by
         * {@link TokenVerifier#signatureProviders()}. Add
         * {@code software.amazon.cryptools:AmazonCorrettoCryptoProvider} with the classifier
         * {@code linux-x86_64} (or {@code linux-aarch64}). Measured on one machine (docs/crypto-providers.md):
         * RS256 about 2× and ES256 about 15× faster than the JDK, EdDSA about 17×. Default: off.
         *
         * @return this builder
         * @throws IllegalStateException when already called
         */
        public Builder preferNativeCrypto() {
            preferNativeCrypto = once("preferNativeCrypto", preferNativeCrypto, true);
            return this;
        }

        // Tests fix the jitter.
        Builder random(RandomGenerator random) {
            this.random = once("random", this.random, Objects.requireNonNull(random, "random"));
            return this;
        }

        /**
         * Builds the verifier and starts fetching keys in the background. Never blocks on the network;
         * use {@link TokenVerifier#awaitKeys(Duration)} to wait for the first key set.
         *
         * @return a verifier; close it to stop the background refresh
         * @throws IllegalStateException when the settings are incomplete or contradict each other
         * @throws IllegalArgumentException when a key endpoint is plain {@code http} to a host other than
         *         loopback ({@code localhost}, 127.0.0.0/8, {@code ::1}) and {@link #unsafeAllowPlainHttp()}
         *         was not called
         */
        public TokenVerifier build() {
            int sourceCount = fixedKeySets.size() + jwksUris.size() + boundUris.size() + discoveredIssuers.size();
            if (sourceCount == 0) {
                throw new IllegalStateException("no keys: call jwks(...), jwksUri(...), trustIssuer(...) or discoverIssuer(...)");
            }
            if (issuers.isEmpty() && !anyIssuer) {
                throw new IllegalStateException("no issuer: call issuer(...), or allowAnyIssuer() to accept any");
            }
            if (!issuers.isEmpty() && anyIssuer) {
                throw new IllegalStateException("issuer(...) and allowAnyIssuer() contradict each other");
            }
            if (audiences.isEmpty() && !anyAudience) {
                throw new IllegalStateException("no audience: call audience(...), or allowAnyAudience() to accept any");
            }
            if (!audiences.isEmpty() && anyAudience) {
                throw new IllegalStateException("audience(...) and allowAnyAudience() contradict each other");
            }
            if (minRefresh.compareTo(maxRefresh) > 0) {
                throw new IllegalStateException("minRefreshInterval (" + minRefresh + ") exceeds maxRefreshInterval ("
                        + maxRefresh + ")");
            }
            if (maxStaleness.compareTo(maxRefresh) < 0) {
                throw new IllegalStateException("maxStaleness (" + maxStaleness + ") is shorter than maxRefreshInterval ("
                        + maxRefresh + "): keys would go DOWN between two scheduled refreshes");
            }
            if (assigned.contains("waitForUnknownKid") && unknownKidWait.compareTo(fetchTimeout) > 0) {
                throw new IllegalStateException("waitForUnknownKid (" + unknownKidWait + ") exceeds fetchTimeout ("
                        + fetchTimeout + ")");
            }
            checkPinnedRoots();
            if (cryptoProvider != null && preferNativeCrypto) {
                throw new IllegalStateException("cryptoProvider(" + cryptoProvider.getName()
                        + ") and preferNativeCrypto() contradict each other: choose one");
            }
            SignatureEngine engine = cryptoProvider != null ? SignatureEngine.withProvider(cryptoProvider)
                    : preferNativeCrypto ? SignatureEngine.preferNative() : SignatureEngine.defaults();
            engine.requireAlgorithms(algorithms);
            TokenVerifier verifier = new TokenVerifier(this, engine);
            verifier.listener.verifierBuilt(verifier);
            verifier.sources.start();
            return verifier;
        }

        /** @return the unknown-kid wait in effect: as set, or the default shortened to the fetch timeout */
        Duration unknownKidWait() {
            if (assigned.contains("waitForUnknownKid") || unknownKidWait.compareTo(fetchTimeout) <= 0) {
                return unknownKidWait;
            }
            return fetchTimeout;
        }

        /**
         * Where any source pins roots: every root can sign with an allowed algorithm (a signed key set goes
         * through the token allowlist), and no refreshing source that pins nothing could vouch for the
         * tokens a pinned source vouches for — else a key set that no pinned root signed, fetched by that
         * source, could still make such a token valid. An unbound source ({@code jwksUri}) vouches for every
         * issuer; a bound one only for its own.
         */
        private void checkPinnedRoots() {
            if (pinned.isEmpty()) {
                return;
            }
            for (PinnedRoots roots : Set.copyOf(pinned.values())) {
                for (VerificationKey root : roots.keys()) {
                    boolean signable = false;
                    for (JwsAlgorithm a : algorithms) {
                        signable |= root.fits(a);
                    }
                    if (!signable) {
                        throw new IllegalStateException("pinned root " + root.kid() + (root.pinnedAlgorithm() != null
                                ? " signs with " + root.pinnedAlgorithm() : " is a " + root.keyType() + " key")
                                + ", and algorithms " + algorithms + " has none it signs with: no key set it signs could "
                                + "be accepted");
                    }
                }
            }
            Set<String> pinnedIssuers = new HashSet<>();
            boundUris.stream().filter(s -> s.roots().isPresent()).forEach(s -> pinnedIssuers.add(s.source().getKey()));
            discoveredIssuers.stream().filter(s -> s.roots().isPresent()).forEach(s -> pinnedIssuers.add(s.source()));
            String advice = ": its keys could make a token valid that no pinned root vouches for (pin roots for it "
                    + "too, or bind it to an issuer of its own with trustIssuer or discoverIssuer)";
            for (SourceRoots<URI> s : jwksUris) {
                if (s.roots().isEmpty()) {
                    throw new IllegalStateException("jwksUri " + s.source() + " pins no root while other sources do"
                            + advice);
                }
            }
            for (SourceRoots<Map.Entry<String, URI>> s : boundUris) {
                if (s.roots().isEmpty() && pinnedIssuers.contains(s.source().getKey())) {
                    throw new IllegalStateException("trustIssuer(" + s.source().getKey() + ", " + s.source().getValue()
                            + ") pins no root while another source pins roots for that issuer" + advice);
                }
            }
            for (SourceRoots<String> s : discoveredIssuers) {
                if (s.roots().isEmpty() && pinnedIssuers.contains(s.source())) {
                    throw new IllegalStateException("discoverIssuer(" + s.source()
                            + ") pins no root while another source pins roots for that issuer" + advice);
                }
            }
        }

        VerificationPolicy policy() {
            long skew = clockSkew.toMillis();
            return new VerificationPolicy(EnumSet.copyOf(algorithms), anyIssuer ? Set.of() : issuers,
                    anyAudience ? Set.of() : audiences, skew, maxLifetime.toMillis(), requiredType, requiredClaims,
                    predicates);
        }

        private static String checkText(String value, String what) {
            Objects.requireNonNull(value, what);
            if (value.isBlank()) {
                throw new IllegalArgumentException(what + " must not be blank: '" + value + "'");
            }
            return value;
        }

        private static URI checkHttpUri(URI uri) {
            return EndpointUriRule.requireHttpUri(uri, "jwksUri");
        }

        private static Duration checkPositive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive: " + d);
            }
            // The verifier counts these in milliseconds: a longer one would fail build() with a bare overflow.
            try {
                d.toMillis();
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(what + " must be at most " + MAX_MILLIS_DURATION + ": " + d, e);
            }
            return d;
        }

        /** The longest duration a count of milliseconds holds (about 292 million years). */
        private static final Duration MAX_MILLIS_DURATION = Duration.ofMillis(Long.MAX_VALUE);

        private static Duration checkRange(Duration d, Duration min, Duration max, String what) {
            Objects.requireNonNull(d, what);
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ": " + d);
            }
            return d;
        }
    }
}
