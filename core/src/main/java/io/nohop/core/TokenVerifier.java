package io.nohop.core;

import io.nohop.core.internal.LogText;
import io.nohop.core.internal.json.JsonParseException;
import io.nohop.core.internal.json.StrictJson;
import io.nohop.core.internal.jws.CompactJws;
import io.nohop.core.internal.keys.DroppedKey;
import io.nohop.core.internal.keys.FixedKeySource;
import io.nohop.core.internal.keys.InvalidKeySetException;
import io.nohop.core.internal.keys.JwsAlgorithm;
import io.nohop.core.internal.keys.KeySetLoader;
import io.nohop.core.internal.keys.KeySnapshot;
import io.nohop.core.internal.keys.KeySource;
import io.nohop.core.internal.keys.LoadedKeySet;
import io.nohop.core.internal.keys.VerificationKey;
import io.nohop.core.internal.refresh.DaemonThreads;
import io.nohop.core.internal.refresh.EndpointUriRule;
import io.nohop.core.internal.refresh.KeyCache;
import io.nohop.core.internal.refresh.RefreshEnvironment;
import io.nohop.core.internal.refresh.RefreshOptions;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Verifies signed JWTs in memory against public keys: no request ever waits on the network.
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
 * <p>{@link #verify(String)} applies, in order: the size cap; strict compact-JWS form; the header
 * rules (algorithm allowlist, no {@code none}/{@code HS*}/JWE/{@code crit}/{@code b64:false}, keys
 * never taken from the token); key selection by {@code kid}; the signature; then the claims. The
 * rejection reason is that of the first failing step. Thread-safe; {@link #close()} stops the
 * background refresh.
 */
public final class TokenVerifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TokenVerifier.class);
    private static final int MAX_JSON_DEPTH = 32;

    private final List<SourceEntry> sources;
    private final VerificationPolicy policy;
    private final int maxTokenBytes;
    private final Clock clock;
    private final VerifierListener listener;
    private final boolean listening;
    private final Duration unknownKidWait;
    private final List<OwnedExecutor> ownedExecutors;
    private final Optional<KeyCache> keyCache;
    private final Cache<String, CachedVerification> resultCache;
    private volatile long lastListenerFailureLog = System.nanoTime() - TimeUnit.MINUTES.toNanos(2);

    /** An executor the verifier made, and the factory that knows its threads (to join them on close). */
    private record OwnedExecutor(ExecutorService executor, DaemonThreads threads) { }

    /** A key source and the issuer its keys vouch for (null: any trusted issuer). */
    private record SourceEntry(KeySource source, String issuer) { }

    /** An accepted token, with the key that verified it, so a hit can check the key is still trusted. */
    private record CachedVerification(VerifiedToken token, VerificationKey key, SourceEntry entry,
                                      JwsAlgorithm algorithm, boolean namedKid) { }

    private TokenVerifier(Builder b, List<SourceEntry> sources, VerifierListener listener,
                          List<OwnedExecutor> ownedExecutors, Optional<KeyCache> keyCache) {
        this.sources = List.copyOf(sources);
        this.policy = b.policy();
        this.maxTokenBytes = b.maxTokenBytes;
        this.clock = b.clock;
        this.listener = listener;
        this.listening = b.listener != VerifierListener.NONE;
        this.unknownKidWait = b.unknownKidWait;
        this.ownedExecutors = List.copyOf(ownedExecutors);
        this.keyCache = keyCache;
        this.resultCache = b.resultCacheSize == 0 ? null : newResultCache(b.resultCacheSize, b.clock, policy.skewMillis);
    }

    private static Cache<String, CachedVerification> newResultCache(int size, Clock clock, long skewMillis) {
        // Caffeine's clock is ours, so expiry follows the same time as the claim checks (and tests).
        return Caffeine.newBuilder()
                .maximumSize(size)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .expireAfter(Expiry.creating((String token, CachedVerification v) -> Duration.ofMillis(
                        Math.max(0, v.token().expiresAtMillis() + skewMillis - clock.millis()))))
                .executor(Runnable::run)
                .build();
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
     * Verifies a compact JWS token. Touches memory only (unless waiting for unknown kids was
     * explicitly enabled), never blocks on the network and never throws anything but a rejection
     * for any token text.
     *
     * @param token the token, without a {@code Bearer } prefix
     * @return the verified token
     * @throws TokenRejectedException with a stable {@link RejectionReason} when the token is not accepted
     * @throws NullPointerException if {@code token} is null
     */
    public VerifiedToken verify(String token) throws TokenRejectedException {
        Objects.requireNonNull(token, "token");
        if (!listening) {
            return verifyToken(token);
        }
        long start = System.nanoTime();
        VerifiedToken verified;
        try {
            verified = verifyToken(token);
        } catch (TokenRejectedException e) {
            try {
                listener.tokenRejected(e.reason(), System.nanoTime() - start);
            } catch (RuntimeException listenerFailure) {
                listenerFailed(listenerFailure);
            }
            throw e;
        }
        try {
            listener.tokenAccepted(verified.keyId().orElse(""), System.nanoTime() - start);
        } catch (RuntimeException listenerFailure) {
            listenerFailed(listenerFailure);
        }
        return verified;
    }

    /** A listener must never change an outcome; its failures are logged at most once a minute. */
    private void listenerFailed(RuntimeException e) {
        long now = System.nanoTime();
        long last = lastListenerFailureLog;
        if (now - last > TimeUnit.MINUTES.toNanos(1)) {
            lastListenerFailureLog = now;
            LOG.warn("verifier listener {} threw; ignored", listener.getClass().getName(), e);
        }
    }

    private VerifiedToken verifyToken(String token) throws TokenRejectedException {
        if (resultCache != null && token.length() <= maxTokenBytes) {
            // Step 2 of the path: an exact-string hit skips parsing and the signature, never the time checks.
            CachedVerification hit = resultCache.getIfPresent(token);
            if (hit != null) {
                if (stillAcceptable(hit)) {
                    return hit.token();
                }
                // The full path below gives the precise reason (expired, key gone, keys unavailable...).
                resultCache.invalidate(token);
            }
        }
        // 1-3. Size, strict form, header rules.
        CompactJws jws = CompactJws.parse(token, maxTokenBytes, policy.algorithms);
        Map<String, Object> header = jws.header();
        JwsAlgorithm algorithm = jws.algorithm();
        Map<String, Object> claims = parseJson(jws.payload(), "the payload is not a JSON object");
        // 4. Key selection: from the key set only, never from the token.
        long now = clock.millis();
        String kid = jws.kid();
        Object unverifiedIssuer = claims.get("iss");
        VerificationKey key = null;
        SourceEntry keyEntry = null;
        boolean anyCandidate = false;
        boolean anyCandidateUsable = false;
        int fitting = 0;
        for (SourceEntry entry : sources) {
            if (!couldHold(entry, unverifiedIssuer)) {
                continue;
            }
            anyCandidate = true;
            KeySnapshot snapshot = entry.source.snapshot();
            if (!snapshot.isUsableAt(now)) {
                continue;
            }
            anyCandidateUsable = true;
            VerificationKey found = kid != null ? snapshot.byKid(kid) : snapshot.onlyKeyFitting(algorithm);
            if (found != null) {
                if (kid != null) {
                    key = found;
                    keyEntry = entry;
                    break;
                }
                fitting++;
                key = found;
                keyEntry = entry;
            } else if (kid == null && hasSeveralFitting(snapshot, algorithm)) {
                fitting += 2;
            }
        }
        if (!anyCandidate) {
            // Every key source is bound to another issuer: no key here can vouch for this token.
            throw reject(RejectionReason.UNKNOWN_KEY, "no key source serves the token's issuer");
        }
        if (!anyCandidateUsable) {
            throw reject(RejectionReason.KEYS_UNAVAILABLE, "no usable key set (not loaded yet, or past the staleness bound)");
        }
        if (kid == null && fitting != 1) {
            throw reject(RejectionReason.UNKNOWN_KEY, "the token names no kid and not exactly one key fits");
        }
        if (key == null) {
            key = unknownKid(kid, unverifiedIssuer, algorithm);
            keyEntry = entryHolding(key);
        }
        if (!key.fits(algorithm)) {
            throw reject(RejectionReason.UNSUPPORTED_ALGORITHM, "the key does not fit the token's algorithm");
        }
        // 5. Signature.
        byte[] signingInput = token.getBytes(StandardCharsets.US_ASCII);
        if (!key.verify(algorithm, signingInput, jws.signingInputLength(), jws.signature())) {
            throw reject(RejectionReason.BAD_SIGNATURE, "the signature does not verify");
        }
        // 6. Claims.
        VerifiedToken verified = policy.check(header, claims, algorithm, key.kid(), keyEntry.issuer, now);
        if (resultCache != null) {
            resultCache.put(token, new CachedVerification(verified, key, keyEntry, algorithm, kid != null));
        }
        return verified;
    }

    private boolean stillAcceptable(CachedVerification hit) {
        long now = clock.millis();
        KeySnapshot snapshot = hit.entry().source.snapshot();
        if (!snapshot.isUsableAt(now)) {
            return false;
        }
        // The key must still be the one the set selects: a key that left the set (or was replaced)
        // invalidates every result it produced, from the refresh that removed it on.
        VerificationKey current = hit.namedKid() ? snapshot.byKid(hit.key().kid())
                : snapshot.onlyKeyFitting(hit.algorithm());
        return current == hit.key() && policy.stillValid(hit.token(), now);
    }

    private VerificationKey unknownKid(String kid, Object unverifiedIssuer, JwsAlgorithm algorithm)
            throws TokenRejectedException {
        for (SourceEntry entry : sources) {
            if (couldHold(entry, unverifiedIssuer)) {
                entry.source.unknownKid(kid);
            }
        }
        if (!unknownKidWait.isZero()) {
            long now = clock.millis();
            for (SourceEntry entry : sources) {
                if (!couldHold(entry, unverifiedIssuer)) {
                    continue;
                }
                try {
                    KeySnapshot after = entry.source.awaitKid(kid, unknownKidWait);
                    if (after.isUsableAt(now) && after.byKid(kid) != null) {
                        return after.byKid(kid);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw reject(RejectionReason.UNKNOWN_KEY, "no key with the token's kid");
    }

    private SourceEntry entryHolding(VerificationKey key) {
        for (SourceEntry entry : sources) {
            if (entry.source.snapshot().keys().contains(key)) {
                return entry;
            }
        }
        throw new IllegalStateException("a key was selected from no source");
    }

    private static boolean couldHold(SourceEntry entry, Object unverifiedIssuer) {
        // A source bound to one issuer only holds keys for tokens that claim that issuer; the claim is
        // checked again after the signature, so this is a routing decision, not a trust decision.
        return entry.issuer == null || entry.issuer.equals(unverifiedIssuer);
    }

    private static boolean hasSeveralFitting(KeySnapshot snapshot, JwsAlgorithm algorithm) {
        int n = 0;
        for (VerificationKey k : snapshot.keys()) {
            if (k.fits(algorithm) && ++n > 1) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, Object> parseJson(byte[] json, String detail) throws TokenRejectedException {
        try {
            return StrictJson.parseObject(json, MAX_JSON_DEPTH);
        } catch (JsonParseException e) {
            throw reject(RejectionReason.MALFORMED, detail);
        }
    }

    static TokenRejectedException reject(RejectionReason reason, String detail) {
        return new TokenRejectedException(reason, detail);
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
        long deadline = System.nanoTime() + timeout.toNanos();
        for (SourceEntry entry : sources) {
            long left = deadline - System.nanoTime();
            if (!entry.source.awaitFirstKeys(Duration.ofNanos(Math.max(0, left)))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Key freshness right now. Cheap: reads the sources' state, does no I/O.
     *
     * @return a health snapshot; status is the worst over all sources
     */
    public VerifierHealth health() {
        List<VerifierHealth.Source> parts = new ArrayList<>();
        VerifierHealth.Status worst = VerifierHealth.Status.FRESH;
        for (SourceEntry entry : sources) {
            VerifierHealth.Source h = entry.source.health();
            parts.add(h);
            if (h.status().compareTo(worst) > 0) {
                worst = h.status();
            }
        }
        return new VerifierHealth(worst, parts);
    }

    /**
     * Stops background refresh and every thread the verifier started. Idempotent. Verification after
     * close keeps using the keys held at the time.
     */
    @Override
    public void close() {
        for (SourceEntry entry : sources) {
            entry.source.close();
        }
        // After the sources: they have aborted their exchanges; this stops the shared HTTP client's threads.
        keyCache.ifPresent(KeyCache::close);
        for (OwnedExecutor owned : ownedExecutors) {
            owned.executor().shutdownNow();
        }
        // Join (bounded) so that "closed" means the threads are gone, not merely asked to stop:
        // awaitTermination alone returns just before the last worker thread actually ends.
        boolean interrupted = false;
        for (OwnedExecutor owned : ownedExecutors) {
            try {
                if (!owned.executor().awaitTermination(5, TimeUnit.SECONDS)
                        || !owned.threads().joinAll(Duration.ofSeconds(5))) {
                    LOG.warn("a verifier thread did not stop within 5 s of close()");
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Configures a {@link TokenVerifier}. Each setter checks its argument at once (the message names
     * the bad value); settings that contradict each other are refused by {@link #build()}. Not
     * thread-safe; a builder may build several verifiers.
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

        private final List<String> fixedKeySets = new ArrayList<>();
        private final List<URI> jwksUris = new ArrayList<>();
        private final List<Map.Entry<String, URI>> boundUris = new ArrayList<>();
        private final List<String> discoveredIssuers = new ArrayList<>();
        private final Set<String> issuers = new LinkedHashSet<>();
        private final Set<String> audiences = new LinkedHashSet<>();
        private boolean anyIssuer;
        private boolean anyAudience;
        private EnumSet<JwsAlgorithm> algorithms = EnumSet.allOf(JwsAlgorithm.class);
        private int maxTokenBytes = DEFAULT_MAX_TOKEN_BYTES;
        private Duration clockSkew = DEFAULT_CLOCK_SKEW;
        private Duration maxLifetime = DEFAULT_MAX_LIFETIME;
        private String requiredType;
        private final List<String> requiredClaims = new ArrayList<>();
        private final List<VerificationPolicy.NamedPredicate> predicates = new ArrayList<>();
        private Clock clock = Clock.systemUTC();
        private VerifierListener listener = VerifierListener.NONE;
        private Duration minRefresh = DEFAULT_MIN_REFRESH;
        private Duration defaultRefresh = DEFAULT_REFRESH;
        private Duration maxRefresh = DEFAULT_MAX_REFRESH;
        private Duration maxStaleness = DEFAULT_MAX_STALENESS;
        private Duration initialRetryDelay = DEFAULT_INITIAL_RETRY_DELAY;
        private Duration negativeKidTtl = DEFAULT_NEGATIVE_KID_TTL;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration fetchTimeout = DEFAULT_FETCH_TIMEOUT;
        private int maxJwksBytes = DEFAULT_MAX_JWKS_BYTES;
        private boolean allowInsecureHttp;
        private Path cacheFile;
        private Duration unknownKidWait = Duration.ZERO;
        private ScheduledExecutorService scheduler;
        private Executor executor;
        private RandomGenerator random;
        private int resultCacheSize;

        private Builder() {
        }

        /**
         * Trusts the keys of a fixed JWKS document (no refresh). The document is checked at once;
         * keys nohop will not use (too short, wrong use, private members, duplicate kid, ...) are
         * dropped and logged, one by one.
         *
         * @param jwksJson a JWKS document, {@code {"keys":[...]}}
         * @return this builder
         * @throws IllegalArgumentException when the document is not a JWKS or holds no usable key
         */
        public Builder jwks(String jwksJson) {
            Objects.requireNonNull(jwksJson, "jwksJson");
            try {
                KeySetLoader.load(jwksJson.getBytes(StandardCharsets.UTF_8));
            } catch (InvalidKeySetException e) {
                throw new IllegalArgumentException("unusable key set: " + e.getMessage(), e);
            }
            fixedKeySets.add(jwksJson);
            return this;
        }

        /**
         * Trusts the keys published at a JWKS endpoint, fetched and refreshed in the background. The
         * keys vouch for any issuer this verifier accepts ({@link #issuer(String)}).
         *
         * @param jwksUri an {@code https} URI ({@code http} only to loopback, unless {@link #unsafeAllowPlainHttp()})
         * @return this builder
         * @throws IllegalArgumentException when the URI is not absolute http(s)
         */
        public Builder jwksUri(URI jwksUri) {
            jwksUris.add(checkHttpUri(jwksUri));
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
            boundUris.add(Map.entry(iss, checkHttpUri(jwksUri)));
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
            discoveredIssuers.add(iss);
            issuers.add(iss);
            return this;
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
            anyIssuer = true;
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
            anyAudience = true;
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
         */
        public Builder algorithms(String... names) {
            if (names.length == 0) {
                throw new IllegalArgumentException("algorithms needs at least one algorithm");
            }
            EnumSet<JwsAlgorithm> set = EnumSet.noneOf(JwsAlgorithm.class);
            for (String name : names) {
                JwsAlgorithm a = JwsAlgorithm.byName(name);
                if (a == null) {
                    throw new IllegalArgumentException("unsupported algorithm: '" + name + "' (supported: "
                            + EnumSet.allOf(JwsAlgorithm.class) + ")");
                }
                set.add(a);
            }
            algorithms = set;
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
            maxTokenBytes = bytes;
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
            clockSkew = checkRange(skew, Duration.ZERO, MAX_CLOCK_SKEW, "clockSkew");
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
            maxLifetime = checkPositive(lifetime, "maxLifetime");
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
            requiredType = checkText(type, "type");
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
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Receives verification outcomes and key-set events. Default: none (no cost).
         *
         * @param listener the listener; exceptions it throws are caught and logged
         * @return this builder
         */
        public Builder listener(VerifierListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
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
            minRefresh = checkRange(interval, Duration.ofMillis(1), Duration.ofDays(1), "minRefreshInterval");
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
            defaultRefresh = checkPositive(interval, "defaultRefreshInterval");
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
            maxRefresh = checkPositive(interval, "maxRefreshInterval");
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
            maxStaleness = checkPositive(staleness, "maxStaleness");
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
            initialRetryDelay = checkPositive(delay, "initialRetryDelay");
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
            negativeKidTtl = checkPositive(ttl, "negativeKidTtl");
            return this;
        }

        /**
         * Connect timeout for the JWKS endpoint. Default 5 s.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            connectTimeout = checkPositive(timeout, "connectTimeout");
            return this;
        }

        /**
         * Total time allowed for one fetch, headers and body. Default 10 s.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder fetchTimeout(Duration timeout) {
            fetchTimeout = checkPositive(timeout, "fetchTimeout");
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
            maxJwksBytes = bytes;
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
            cacheFile = Objects.requireNonNull(file, "file");
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
            allowInsecureHttp = true;
            return this;
        }

        /**
         * Opt-in for issuers that sign with a key before publishing it: a token with an unknown kid
         * waits up to {@code maxWait} for the refresh it triggers. Never the default: it puts the
         * network back on the request path. Default: zero (no wait).
         *
         * @param maxWait 0 to 10 s
         * @return this builder
         */
        public Builder waitForUnknownKid(Duration maxWait) {
            unknownKidWait = checkRange(maxWait, Duration.ZERO, Duration.ofSeconds(10), "waitForUnknownKid");
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
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
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
            this.executor = Objects.requireNonNull(executor, "executor");
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
            resultCacheSize = maxEntries;
            return this;
        }

        // Tests fix the jitter.
        Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
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
            if (!unknownKidWait.isZero() && unknownKidWait.compareTo(fetchTimeout) > 0) {
                throw new IllegalStateException("waitForUnknownKid (" + unknownKidWait + ") exceeds fetchTimeout ("
                        + fetchTimeout + ")");
            }
            // Key-set events are guarded by the source itself, per call; verification events in verify().
            List<OwnedExecutor> owned = new ArrayList<>();
            List<SourceEntry> built = new ArrayList<>();
            for (String doc : fixedKeySets) {
                built.add(new SourceEntry(new FixedKeySource(loadFixed(doc)), null));
            }
            boolean refreshing = !jwksUris.isEmpty() || !boundUris.isEmpty() || !discoveredIssuers.isEmpty();
            Optional<KeyCache> cache = Optional.empty();
            if (refreshing) {
                RefreshOptions options = refreshOptions();
                // One HTTP client (with its own threads) and one cache file for all sources of this verifier.
                KeyCache keys = new KeyCache(refreshEnvironment(listener, owned), connectTimeout,
                        Optional.ofNullable(cacheFile));
                cache = Optional.of(keys);
                try {
                    for (URI uri : jwksUris) {
                        built.add(new SourceEntry(keys.forJwksUri(uri, options), null));
                    }
                    for (Map.Entry<String, URI> e : boundUris) {
                        built.add(new SourceEntry(keys.forJwksUri(e.getValue(), options), e.getKey()));
                    }
                    for (String iss : discoveredIssuers) {
                        built.add(new SourceEntry(keys.discovering(iss, options), iss));
                    }
                } catch (RuntimeException e) {
                    // A URI refused by the loopback rule: stop what was started for it.
                    keys.close();
                    owned.forEach(o -> o.executor().shutdownNow());
                    throw e;
                }
            }
            TokenVerifier verifier = new TokenVerifier(this, built, listener, owned, cache);
            for (SourceEntry entry : built) {
                entry.source.start();
            }
            return verifier;
        }

        private RefreshOptions refreshOptions() {
            return new RefreshOptions(minRefresh, defaultRefresh, maxRefresh, maxStaleness, initialRetryDelay,
                    negativeKidTtl, fetchTimeout, maxJwksBytes, allowInsecureHttp);
        }

        private RefreshEnvironment refreshEnvironment(VerifierListener events, List<OwnedExecutor> owned) {
            ScheduledExecutorService s = scheduler;
            if (s == null) {
                DaemonThreads threads = DaemonThreads.named("jwks-scheduler");
                ScheduledThreadPoolExecutor own = new ScheduledThreadPoolExecutor(1, threads);
                own.setRemoveOnCancelPolicy(true);
                owned.add(new OwnedExecutor(own, threads));
                s = own;
            }
            Executor e = executor;
            if (e == null) {
                DaemonThreads threads = DaemonThreads.named("jwks-fetch");
                ExecutorService own = Executors.newSingleThreadExecutor(threads);
                owned.add(new OwnedExecutor(own, threads));
                e = own;
            }
            RandomGenerator r = random != null ? random : RandomGeneratorFactory.getDefault().create();
            return new RefreshEnvironment(clock, s, e, r, events);
        }

        private static LoadedKeySet loadFixed(String doc) {
            try {
                LoadedKeySet loaded = KeySetLoader.load(doc.getBytes(StandardCharsets.UTF_8));
                for (DroppedKey dropped : loaded.dropped()) {
                    LOG.warn("key set: dropped key {}: {}", LogText.escape(dropped.kid()), dropped.reason());
                }
                return loaded;
            } catch (InvalidKeySetException e) {
                // jwks(...) already loaded it once; a second failure cannot happen with the same text.
                throw new IllegalStateException("unusable key set: " + e.getMessage(), e);
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
            return d;
        }

        private static Duration checkRange(Duration d, Duration min, Duration max, String what) {
            Objects.requireNonNull(d, what);
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ": " + d);
            }
            return d;
        }
    }
}
