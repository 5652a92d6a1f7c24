package io.nohop.core.internal.refresh;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RefreshTimingPropertyTest {
    private static final Duration MIN = Duration.ofSeconds(30);
    private static final Duration DEFAULT = Duration.ofMinutes(5);
    private static final Duration MAX = Duration.ofHours(1);
    private static final Duration INITIAL_RETRY_DELAY = Duration.ofSeconds(10);

    private static RefreshTiming timing(long seed) {
        return new RefreshTiming(new RefreshOptions(MIN, DEFAULT, MAX, Duration.ofHours(24), INITIAL_RETRY_DELAY,
                Duration.ofMinutes(5), Duration.ofSeconds(10), 1024, false), new SplittableRandom(seed));
    }

    @Property(tries = 200)
    void theLifetimeIsTheDeclaredMaxAgeClampedToTheBounds(@ForAll @LongRange(min = 0, max = 10_000_000) long maxAge,
                                                           @ForAll long seed) {
        Duration lifetime = timing(seed).lifetime(Optional.of(Duration.ofSeconds(maxAge)));
        Duration expected = Duration.ofSeconds(Math.max(MIN.toSeconds(), Math.min(MAX.toSeconds(), maxAge)));
        assertEquals(expected, lifetime);
    }

    @Property(tries = 200)
    void theRefreshRunsAt75To95PercentOfTheLifetimeButNeverBeforeTheMinimum(
            @ForAll @LongRange(min = 30, max = 3600) long lifetimeSeconds, @ForAll long seed) {
        Duration lifetime = Duration.ofSeconds(lifetimeSeconds);
        Duration delay = timing(seed).refreshDelay(lifetime);
        Duration low = Expect.scaled(lifetime, 0.75);
        Duration high = Expect.scaled(lifetime, 0.95);
        Expect.between(delay, low.compareTo(MIN) < 0 ? MIN : low, high.compareTo(MIN) < 0 ? MIN : high);
    }

    @Property(tries = 200)
    void retriesBackOffExponentiallyWithJitterWithinTheBounds(@ForAll @IntRange(min = 1, max = 100) int failures,
                                                              @ForAll long seed) {
        RefreshTiming timing = timing(seed);
        Duration ceiling = Duration.ofMillis(Math.min(MAX.toMillis(),
                INITIAL_RETRY_DELAY.toMillis() * (1L << Math.min(failures - 1, 20))));
        assertEquals(ceiling, timing.retryDelayCeiling(failures));
        Expect.between(timing.retryDelay(failures, Optional.empty()), INITIAL_RETRY_DELAY.dividedBy(2), ceiling);
    }

    @Property(tries = 200)
    void retryAfterIsALowerBoundCappedAtTheMaximum(@ForAll @IntRange(min = 1, max = 30) int failures,
                                                   @ForAll @LongRange(min = 0, max = 1_000_000) long retryAfter,
                                                   @ForAll long seed) {
        Duration asked = Duration.ofSeconds(retryAfter);
        Duration delay = timing(seed).retryDelay(failures, Optional.of(asked));
        Expect.between(delay, asked.compareTo(MAX) < 0 ? asked : MAX, MAX);
    }

    @Property(tries = 50)
    void theJitterActuallySpreads(@ForAll long seed) {
        RefreshTiming timing = timing(seed);
        java.util.Set<Duration> delays = new java.util.HashSet<>();
        for (int i = 0; i < 20; i++) {
            delays.add(timing.retryDelay(6, Optional.empty()));
        }
        assertEquals(true, delays.size() > 10, delays.toString());
    }
}
