package io.nohop.core;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts a verifier's key-set events for {@link TokenVerifier#stats()}. It listens to the key sources
 * beside the user's listener (never instead of it) and is always on: the events are rare and off the
 * request path, but for {@code unknownKidRefreshSuppressed}, a single add on a token already rejected.
 *
 * <p>Thread-safe: every count is a {@link LongAdder}; the code table is fixed at construction. A
 * snapshot is not atomic across counters (each is read once), which metrics do not need.
 */
final class StatsCounter implements VerifierListener {
    /** The failure codes a refresh is counted under: {@link RefreshFailure}'s, in its order. */
    static final List<String> FAILURE_CODES = Arrays.stream(RefreshFailure.values()).map(RefreshFailure::code).toList();

    private final Clock clock;
    private final Duration maxStaleness;
    private final Duration maxRefreshInterval;
    private final LongAdder succeeded = new LongAdder();
    private final LongAdder notModified = new LongAdder();
    private final Map<String, LongAdder> failures = new LinkedHashMap<>();
    private final LongAdder added = new LongAdder();
    private final LongAdder removed = new LongAdder();
    private final LongAdder materialChanged = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder suppressed = new LongAdder();

    StatsCounter(Clock clock, Duration maxStaleness, Duration maxRefreshInterval) {
        this.clock = clock;
        this.maxStaleness = maxStaleness;
        this.maxRefreshInterval = maxRefreshInterval;
        for (String code : FAILURE_CODES) {
            failures.put(code, new LongAdder());
        }
    }

    VerifierStats snapshot() {
        Map<String, Long> failed = new LinkedHashMap<>();
        failures.forEach((code, n) -> failed.put(code, n.sum()));
        return new VerifierStats(clock.instant(), succeeded.sum(), notModified.sum(), failed, added.sum(),
                removed.sum(), materialChanged.sum(), refused.sum(), suppressed.sum(), maxStaleness,
                maxRefreshInterval);
    }

    @Override
    public void refreshSucceeded(URI jwksUri, int keyCount, Duration took) {
        succeeded.increment();
    }

    @Override
    public void refreshNotModified(URI jwksUri) {
        notModified.increment();
    }

    @Override
    public void refreshFailed(URI jwksUri, RefreshFailure failure, String detail, int consecutiveFailures,
                              Instant nextAttempt) {
        failures.get(failure.code()).increment();
    }

    @Override
    public void keysAdded(URI jwksUri, Set<String> kids) {
        added.add(kids.size());
    }

    @Override
    public void keysRemoved(URI jwksUri, Set<String> kids) {
        removed.add(kids.size());
    }

    @Override
    public void keyMaterialChanged(URI jwksUri, String kid) {
        materialChanged.increment();
    }

    @Override
    public void keyRefused(URI jwksUri, String kid, String why) {
        refused.increment();
    }

    @Override
    public void unknownKidRefreshSuppressed(URI jwksUri) {
        suppressed.increment();
    }
}
