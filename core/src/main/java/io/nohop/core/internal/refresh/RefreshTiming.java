package io.nohop.core.internal.refresh;

import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When to fetch next. Two rules, both jittered so that a fleet started together does not hit the
 * endpoint in lock-step:
 * <ul>
 * <li>after a confirmation (200 or 304): the freshness lifetime is the endpoint's max-age clamped to
 *     [minRefresh, maxRefresh] (defaultRefresh without one); the next refresh runs ahead of expiry, at a
 *     random 75–95% of the lifetime, never sooner than minRefresh;</li>
 * <li>after the n-th consecutive failure: exponential backoff from initialRetryDelay, doubling, capped
 *     at maxRefresh, with full jitter over the window — except that it never goes below half the initial
 *     retry delay, so an unlucky draw near zero cannot turn a failing endpoint into a tight retry loop.
 *     A {@code Retry-After} the server sent is honoured as a lower bound, still capped at maxRefresh.</li>
 * </ul>
 *
 * <p>The random generator may be shared by the sources of one verifier, whose fetch rounds may run on
 * several threads: every draw takes its lock.
 */
final class RefreshTiming {
    static final double EARLIEST_FRACTION = 0.75;
    static final double LATEST_FRACTION = 0.95;

    private final Duration minRefresh;
    private final Duration defaultRefresh;
    private final Duration maxRefresh;
    private final Duration initialRetryDelay;
    // Computed once: Duration.dividedBy goes through BigDecimal, and every retry asks for the floor.
    private final Duration retryDelayFloor;
    private final RandomGenerator random;

    RefreshTiming(RefreshOptions options, RandomGenerator random) {
        this.minRefresh = options.minRefresh();
        this.maxRefresh = options.maxRefresh();
        this.defaultRefresh = clamp(options.defaultRefresh());
        this.initialRetryDelay = min(options.initialRetryDelay(), maxRefresh);
        this.retryDelayFloor = initialRetryDelay.dividedBy(2);
        this.random = random;
    }

    /**
     * @param declared the lifetime the response declared, if any
     * @return how long a confirmation keeps the keys FRESH
     */
    Duration lifetime(Optional<Duration> declared) {
        return declared.map(this::clamp).orElse(defaultRefresh);
    }

    /**
     * @param lifetime the freshness lifetime just granted
     * @return the delay until the next refresh: 75–95% of the lifetime, at least minRefresh
     */
    Duration refreshDelay(Duration lifetime) {
        double fraction = EARLIEST_FRACTION + (LATEST_FRACTION - EARLIEST_FRACTION) * draw();
        return max(minRefresh, Duration.ofMillis((long) (lifetime.toMillis() * fraction)));
    }

    /**
     * @param consecutiveFailures failures so far, including the one just seen (at least 1)
     * @return the largest retry delay for that failure: initialRetryDelay × 2^(n−1), capped at maxRefresh
     */
    Duration retryDelayCeiling(int consecutiveFailures) {
        int doublings = Math.max(0, consecutiveFailures - 1);
        if (doublings >= 40) {
            return maxRefresh;
        }
        long millis = initialRetryDelay.toMillis();
        long ceiling = millis > (Long.MAX_VALUE >> doublings) ? Long.MAX_VALUE : millis << doublings;
        return min(maxRefresh, Duration.ofMillis(ceiling));
    }

    /** @return the smallest retry delay: half the initial retry delay */
    Duration retryDelayFloor() {
        return retryDelayFloor;
    }

    /**
     * @param consecutiveFailures failures so far, including the one just seen (at least 1)
     * @param retryAfter the delay the server asked for, if any
     * @return the delay until the retry
     */
    Duration retryDelay(int consecutiveFailures, Optional<Duration> retryAfter) {
        Duration ceiling = retryDelayCeiling(consecutiveFailures);
        Duration floor = min(retryDelayFloor(), ceiling);
        long span = ceiling.toMillis() - floor.toMillis();
        Duration jittered = floor.plusMillis((long) (span * draw()));
        Duration delay = retryAfter.map(asked -> max(asked, jittered)).orElse(jittered);
        return min(delay, maxRefresh);
    }

    private double draw() {
        synchronized (random) {
            return random.nextDouble();
        }
    }

    private Duration clamp(Duration d) {
        return max(minRefresh, min(maxRefresh, d));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
