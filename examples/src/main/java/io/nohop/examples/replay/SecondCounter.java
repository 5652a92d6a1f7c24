package io.nohop.examples.replay;

import java.util.concurrent.atomic.AtomicIntegerArray;

/** Counts events per second of a run; events before {@link #start} or after the last second are not counted. */
final class SecondCounter {
    private final AtomicIntegerArray counts;
    private volatile long startNanos;
    private volatile boolean started;

    SecondCounter(int seconds) {
        counts = new AtomicIntegerArray(seconds);
    }

    void start(long nanos) {
        startNanos = nanos;
        started = true;
    }

    void record() {
        if (!started) {
            return;
        }
        long second = (System.nanoTime() - startNanos) / 1_000_000_000L;
        if (second >= 0 && second < counts.length()) {
            counts.incrementAndGet((int) second);
        }
    }

    int at(int second) {
        return counts.get(second);
    }
}
