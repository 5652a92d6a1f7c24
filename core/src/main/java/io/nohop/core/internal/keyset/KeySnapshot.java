package io.nohop.core.internal.keyset;

import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable set of usable verification keys, as one accepted JWKS document produced it. The
 * verifier reads the current snapshot through one volatile reference, so a request never takes a lock.
 *
 * <p>{@link #usableUntil()} is the staleness bound: after it, the verifier fails closed with
 * {@code keys_unavailable} instead of trusting keys it has not been able to confirm for too long.
 */
public final class KeySnapshot {
    // Before EMPTY: static fields initialise in order, and EMPTY's constructor reads this.
    private static final JwsAlgorithm[] ALGORITHMS = JwsAlgorithm.values();

    /** No keys at all: every token is answered with {@code keys_unavailable}. */
    public static final KeySnapshot EMPTY = new KeySnapshot(List.of(), Instant.EPOCH, Instant.EPOCH);

    private final List<VerificationKey> keys;
    // Read on every token and every refresh, so kept in fields of the snapshot itself: the map is never
    // handed out (no read-only wrapper to pass through on each lookup), and emptiness is a flag (the list
    // is not reached to ask). At a fleet simulation's 100,000 sources each object reached is a cache miss.
    private final boolean empty;
    private final Map<String, VerificationKey> byKid;
    // Asked once per refresh (the unknown-kid gate judges its waiting kids against it): built once per
    // key set, not once per 304.
    private final Set<String> kids;
    // For tokens that name no kid, worked out once per key set instead of once per token: per algorithm
    // (by ordinal) the only key that fits it, or null; and whether several fit (then none is chosen).
    private final VerificationKey[] soleFitting;
    private final boolean[] severalFitting;
    private final Instant loadedAt;
    private final Instant usableUntil;
    private final long usableUntilMillis;

    private KeySnapshot(List<VerificationKey> keys, Instant loadedAt, Instant usableUntil) {
        this.keys = List.copyOf(keys);
        Map<String, VerificationKey> map = new HashMap<>();
        for (VerificationKey key : this.keys) {
            if (key.kid() != null && map.put(key.kid(), key) != null) {
                throw new IllegalArgumentException("duplicate kid in a snapshot");
            }
        }
        this.empty = this.keys.isEmpty();
        this.byKid = map;
        Set<String> named = new LinkedHashSet<>();
        for (VerificationKey key : this.keys) {
            if (key.kid() != null) {
                named.add(key.kid());
            }
        }
        this.kids = Collections.unmodifiableSet(named);
        this.soleFitting = new VerificationKey[ALGORITHMS.length];
        this.severalFitting = new boolean[ALGORITHMS.length];
        for (JwsAlgorithm algorithm : ALGORITHMS) {
            VerificationKey sole = null;
            boolean several = false;
            for (VerificationKey key : this.keys) {
                if (key.fits(algorithm)) {
                    several = several || sole != null;
                    sole = several ? null : key;
                }
            }
            soleFitting[algorithm.ordinal()] = sole;
            severalFitting[algorithm.ordinal()] = several;
        }
        this.loadedAt = Objects.requireNonNull(loadedAt, "loadedAt");
        this.usableUntil = Objects.requireNonNull(usableUntil, "usableUntil");
        this.usableUntilMillis = saturatedMillis(usableUntil);
    }

    private KeySnapshot(KeySnapshot base, Instant loadedAt, Instant usableUntil) {
        this.keys = base.keys;
        this.empty = base.empty;
        this.byKid = base.byKid;
        this.kids = base.kids;
        this.soleFitting = base.soleFitting;
        this.severalFitting = base.severalFitting;
        this.loadedAt = loadedAt;
        this.usableUntil = Objects.requireNonNull(usableUntil, "usableUntil");
        this.usableUntilMillis = saturatedMillis(usableUntil);
    }

    private static long saturatedMillis(Instant instant) {
        try {
            return instant.toEpochMilli();
        } catch (ArithmeticException beyondLong) {
            return instant.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /**
     * @param keys usable keys with distinct kids (the loader has already refused duplicates)
     * @param loadedAt when the document was obtained (fetched, or written to the cache file)
     * @param usableUntil the instant after which these keys must no longer be trusted
     * @return a snapshot
     */
    public static KeySnapshot of(List<VerificationKey> keys, Instant loadedAt, Instant usableUntil) {
        return new KeySnapshot(keys, loadedAt, usableUntil);
    }

    /**
     * The same keys with new timestamps, for a conditional GET answered 304 (nothing to re-parse).
     *
     * @param loadedAt when the endpoint confirmed the keys
     * @param usableUntil the new staleness bound
     * @return a snapshot sharing this one's keys
     */
    public KeySnapshot renewed(Instant loadedAt, Instant usableUntil) {
        return new KeySnapshot(this, loadedAt, usableUntil);
    }

    /** @return every usable key, in document order */
    public List<VerificationKey> keys() {
        return keys;
    }

    /** @return the kids of the keys that have one, in document order */
    public Set<String> kids() {
        return kids;
    }

    /**
     * @param kid a key id
     * @return the key with that id, or null
     */
    public VerificationKey byKid(String kid) {
        return byKid.get(kid);
    }

    /**
     * The key a token selects: the one with the token's kid, or, for a token that names no kid, the
     * only key that fits its algorithm. Constant time: nothing is scanned per token.
     *
     * @param kid the token's kid, or null when it names none
     * @param algorithm the header's algorithm (used only when {@code kid} is null; the caller checks
     *                  that a key found by kid fits)
     * @return the selected key, or null when none is found or, without a kid, several fit
     *         ({@link #severalFit} tells the two apart)
     */
    public VerificationKey select(String kid, JwsAlgorithm algorithm) {
        return kid != null ? byKid.get(kid) : soleFitting[algorithm.ordinal()];
    }

    /**
     * @param algorithm the header's algorithm
     * @return true when more than one key fits it, so a token without a kid selects none (ambiguous)
     */
    public boolean severalFit(JwsAlgorithm algorithm) {
        return severalFitting[algorithm.ordinal()];
    }

    /** @return true when there are no keys */
    public boolean isEmpty() {
        return empty;
    }

    /** @return when the keys were obtained */
    public Instant loadedAt() {
        return loadedAt;
    }

    /**
     * @param epochMillis an instant in milliseconds since the epoch
     * @return true when there are keys and {@code epochMillis} is before the staleness bound
     */
    public boolean isUsableAt(long epochMillis) {
        return !empty && epochMillis < usableUntilMillis;
    }

    /** @return the staleness bound: after it the keys must not be used */
    public Instant usableUntil() {
        return usableUntil;
    }

    @Override
    public String toString() {
        return "KeySnapshot[kids=" + kids() + ", loadedAt=" + loadedAt + ", usableUntil=" + usableUntil + "]";
    }
}
