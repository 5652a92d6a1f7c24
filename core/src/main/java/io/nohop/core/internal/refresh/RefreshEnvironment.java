package io.nohop.core.internal.refresh;

import io.nohop.core.VerifierListener;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.random.RandomGenerator;

/**
 * What every key source of one verifier shares and takes from outside, so that tests drive it all:
 * time, timers, the threads that run fetches, jitter, and the listener.
 *
 * @param clock time source
 * @param scheduler runs timers (refresh, retry, status changes, deferred unknown-kid refreshes); in tests
 *                  a controllable fake
 * @param fetchExecutor runs the blocking fetch rounds, one at a time per source; in tests a direct executor
 * @param random jitter source (shared: {@link RefreshTiming} draws from it under its lock)
 * @param listener the user's listener; every call is guarded (a listener may throw)
 */
public record RefreshEnvironment(Clock clock, ScheduledExecutorService scheduler, Executor fetchExecutor,
                                 RandomGenerator random, VerifierListener listener) {
    /** Checks that nothing is null. */
    public RefreshEnvironment {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(fetchExecutor, "fetchExecutor");
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(listener, "listener");
    }
}
