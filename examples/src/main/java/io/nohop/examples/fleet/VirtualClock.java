package io.nohop.examples.fleet;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Virtual time in whole milliseconds, moved only by the {@link VirtualScheduler} that owns it. One
 * simulation runs on one thread, so the time is a plain field.
 */
final class VirtualClock extends Clock {
    private long millis;

    VirtualClock(long startMillis) {
        this.millis = startMillis;
    }

    void set(long epochMillis) {
        this.millis = epochMillis;
    }

    @Override
    public long millis() {
        return millis;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("virtual time is UTC");
    }
}
