package io.nohop.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a verifier's key sources have done since it was built, and the bounds it was built with: a
 * cheap, immutable snapshot ({@link TokenVerifier#stats()}) for metrics and status pages. Counters only
 * grow; read two snapshots and subtract for a rate. Key freshness right now is {@link VerifierHealth}.
 *
 * @param takenAt when the snapshot was taken, by the verifier's clock (the instant to compute key ages against)
 * @param refreshesSucceeded fetches whose key set was accepted
 * @param refreshesNotModified fetches answered 304 Not Modified (the keys held were confirmed)
 * @param refreshFailures failed fetches by failure code ({@code timeout}, {@code http_status}, ...): every
 *                        code nohop reports is present, 0 until it happens, in a fixed order
 * @param keysAdded kids that appeared in a key set
 * @param keysRemoved kids that left a key set
 * @param keyMaterialChanges kids that came back with different key material
 * @param keysRefused keys a key set held but that nohop refused (reported once per key and reason)
 * @param unknownKidRefreshesSuppressed refreshes a token with an unknown kid asked for, refused by the rate limit
 * @param maxStaleness the configured staleness bound ({@code maxStaleness})
 * @param maxRefreshInterval the configured ceiling of the refresh interval ({@code maxRefreshInterval})
 */
public record VerifierStats(Instant takenAt, long refreshesSucceeded, long refreshesNotModified,
                            Map<String, Long> refreshFailures, long keysAdded, long keysRemoved,
                            long keyMaterialChanges, long keysRefused, long unknownKidRefreshesSuppressed,
                            Duration maxStaleness, Duration maxRefreshInterval) {
    /**
     * Checks that nothing is null and no count is negative; copies the map, keeping its order.
     *
     * @param takenAt when the snapshot was taken
     * @param refreshesSucceeded accepted fetches
     * @param refreshesNotModified fetches answered 304
     * @param refreshFailures failed fetches by failure code
     * @param keysAdded kids added
     * @param keysRemoved kids removed
     * @param keyMaterialChanges kids with new material
     * @param keysRefused keys refused
     * @param unknownKidRefreshesSuppressed unknown-kid refreshes refused by the rate limit
     * @param maxStaleness the staleness bound
     * @param maxRefreshInterval the refresh interval ceiling
     */
    public VerifierStats {
        Objects.requireNonNull(takenAt, "takenAt");
        Objects.requireNonNull(maxStaleness, "maxStaleness");
        Objects.requireNonNull(maxRefreshInterval, "maxRefreshInterval");
        refreshFailures = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(refreshFailures,
                "refreshFailures")));
        for (Long n : refreshFailures.values()) {
            requireCount(n);
        }
        for (long n : new long[] {refreshesSucceeded, refreshesNotModified, keysAdded, keysRemoved,
            keyMaterialChanges, keysRefused, unknownKidRefreshesSuppressed}) {
            requireCount(n);
        }
    }

    private static void requireCount(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("counts must not be negative: " + n);
        }
    }

    /**
     * All failed fetches, whatever the code.
     *
     * @return the sum of {@link #refreshFailures()}
     */
    public long refreshesFailed() {
        long sum = 0;
        for (long n : refreshFailures.values()) {
            sum += n;
        }
        return sum;
    }
}
