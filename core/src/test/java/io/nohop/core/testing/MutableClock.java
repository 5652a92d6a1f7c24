package io.nohop.core.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that moves only when a test says so. One copy for every module's tests: core publishes its
 * test classes as a test-jar that keys and examples use in test scope.
 */
public final class MutableClock extends Clock {

    private volatile Instant now;

    /**
     * A clock standing at {@code start}.
     *
     * @param start the first instant it reads
     */
    public MutableClock(Instant start) {
        this.now = start;
    }

    /**
     * A clock standing at an ISO-8601 instant such as {@code 2026-01-01T00:00:00Z}.
     *
     * @param instant the first instant it reads
     * @return the clock
     */
    public static MutableClock at(String instant) {
        return new MutableClock(Instant.parse(instant));
    }

    /**
     * Moves the clock forward (or back, for a negative duration).
     *
     * @param d how far
     */
    public void advance(Duration d) {
        now = now.plus(d);
    }

    /**
     * Puts the clock at an instant.
     *
     * @param instant the instant it reads from now on
     */
    public void set(Instant instant) {
        now = instant;
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public long millis() {
        return now.toEpochMilli();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /** Tests read instants, not zoned times: the zone stays UTC. */
    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
