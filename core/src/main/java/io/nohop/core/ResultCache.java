package io.nohop.core;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.nohop.core.internal.keyset.JwsAlgorithm;
import io.nohop.core.internal.keyset.KeySnapshot;
import io.nohop.core.internal.keyset.VerificationKey;
import org.jspecify.annotations.Nullable;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Step 2 of the verification path (docs/DESIGN.md): accepted tokens kept by their exact string, so a
 * token seen again skips parsing and the signature — never the time checks, the user predicates, or
 * the check that its key is still the one its key set selects.
 *
 * <p>Thread-safe: Caffeine's concurrent map, read without a lock on a hit; an entry is immutable.
 * Expiry follows the verifier's clock (Caffeine's ticker is that clock), so an entry never outlives
 * the token's {@code exp} plus the skew. Maintenance runs on the calling thread (no executor).
 */
final class ResultCache {
    /** An accepted token, with the key that verified it and the source that held the key. */
    private record Entry(VerifiedToken token, VerificationKey key, TrustedSource source, JwsAlgorithm algorithm,
                         boolean namedKid) { }

    /**
     * A token string as the cache key. Its hash covers only the length and the last
     * {@value #HASHED_TAIL} characters — the end of the signature, random for every genuine token —
     * so a lookup with a String a server has just made from the request's bytes costs tens of
     * nanoseconds instead of hashing all ~900 characters ({@code String.hashCode} is not vectorised on
     * JDK 17). Equality is the whole string ({@code String.equals}, vectorised). Only verified tokens
     * are ever inserted, so an attacker cannot fill a hash bucket, and a lookup that collides costs one
     * comparison that fails at the first differing byte.
     */
    private static final class TokenKey {
        static final int HASHED_TAIL = 16;

        final String token;
        final int hash;

        TokenKey(String token) {
            this.token = token;
            int length = token.length();
            int h = length;
            for (int i = Math.max(0, length - HASHED_TAIL); i < length; i++) {
                h = 31 * h + token.charAt(i);
            }
            this.hash = h;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof TokenKey k && hash == k.hash && token.equals(k.token);
        }
    }

    private final Cache<TokenKey, Entry> entries;
    private final VerificationPolicy policy;
    private final Clock clock;

    private ResultCache(int maxEntries, VerificationPolicy policy, Clock clock) {
        this.policy = policy;
        this.clock = clock;
        long skewMillis = policy.skewMillis;
        this.entries = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .expireAfter(Expiry.creating((TokenKey token, Entry e) -> Duration.ofMillis(
                        Math.max(0, e.token().expiresAtMillis() + skewMillis - clock.millis()))))
                .executor(Runnable::run)
                .build();
    }

    /**
     * @param maxEntries 0 for no cache
     * @param policy the verifier's claim rules, re-checked on every hit
     * @param clock the verifier's clock
     * @return a cache, or null when {@code maxEntries} is 0 (the verifier then skips step 2 with one null check)
     */
    static @Nullable ResultCache create(int maxEntries, VerificationPolicy policy, Clock clock) {
        return maxEntries == 0 ? null : new ResultCache(maxEntries, policy, clock);
    }

    /**
     * The verified token for an exact token string accepted before, if it is still acceptable now.
     * An entry that is no longer acceptable is dropped: the full path then gives the precise reason
     * (expired, key gone, keys unavailable, predicate failed).
     *
     * @param token the token string
     * @return the cached verified token, or null to take the full path
     */
    @Nullable VerifiedToken hit(String token) {
        TokenKey key = new TokenKey(token);
        Entry hit = entries.getIfPresent(key);
        if (hit == null) {
            return null;
        }
        if (stillAcceptable(hit)) {
            return hit.token();
        }
        entries.invalidate(key);
        return null;
    }

    /**
     * Keeps an accepted token. Rejections are never kept.
     *
     * @param token the exact token string
     * @param verified what the full path returned
     * @param key the key that verified it
     * @param source the source that held the key
     * @param algorithm the header's algorithm
     * @param namedKid whether the token named a kid (the key was selected by kid, not as the only fitting key)
     */
    // Key and source come apart, not as the KeySelector.Selected pair, so the pair never escapes.
    void remember(String token, VerifiedToken verified, VerificationKey key, TrustedSource source,
                  JwsAlgorithm algorithm, boolean namedKid) {
        entries.put(new TokenKey(token), new Entry(verified, key, source, algorithm, namedKid));
    }

    private boolean stillAcceptable(Entry hit) {
        long now = clock.millis();
        KeySnapshot snapshot = hit.source().source().snapshot();
        if (!snapshot.isUsableAt(now)) {
            return false;
        }
        // The key must still be the one the set selects: a key that left the set (or was replaced)
        // invalidates every result it produced, from the refresh that removed it on.
        VerificationKey current = snapshot.select(hit.namedKid() ? hit.key().kid() : null, hit.algorithm());
        return current == hit.key() && policy.stillValid(hit.token(), now);
    }
}
