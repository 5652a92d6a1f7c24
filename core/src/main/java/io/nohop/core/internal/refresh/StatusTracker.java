package io.nohop.core.internal.refresh;

import io.nohop.core.VerifierHealth;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Notices when a source's status (FRESH, STALE, DOWN) changes and reports it once. Status is a pure
 * function of the state and the clock ({@link KeyCacheState#statusAt}), so it changes only where the
 * state changes — after a restore and after every refresh result, where the source calls
 * {@link #check()} — and at the instants it changes by itself (freshness ends, or the refresh due at
 * its end has had its fetch time; the staleness bound passes), for which this class keeps one timer armed. {@code health()} only reads the state: asking
 * never reports anything.
 *
 * <p>Concurrency: {@link #check()} may run on the fetch round and on the timer at once; the last
 * reported status is swapped atomically, so each change is reported by exactly one of them.
 */
final class StatusTracker {
    private final Supplier<KeyCacheState> state;
    private final Clock clock;
    private final TimerSlot timer;
    private final SourceEvents events;
    // A field with a VarHandle, not an AtomicReference: read at every refresh round, and one object fewer to reach.
    private volatile VerifierHealth.Status reported = VerifierHealth.Status.DOWN;
    private static final VarHandle REPORTED;

    static {
        try {
            REPORTED = MethodHandles.lookup().findVarHandle(StatusTracker.class, "reported", VerifierHealth.Status.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    private Optional<Instant> armedFor = Optional.empty();
    // One object for every arming (a method reference evaluated there would be a new one each time).
    private final Runnable timerDue = this::timerFired;

    StatusTracker(Supplier<KeyCacheState> state, Clock clock, TimerSlot timer, SourceEvents events) {
        this.state = state;
        this.clock = clock;
        this.timer = timer;
        this.events = events;
    }

    /** Reports the status if it changed since the last report, and arms the timer for the next change. */
    void check() {
        KeyCacheState s = state.get();
        Instant now = clock.instant();
        VerifierHealth.Status current = s.statusAt(now);
        // A plain read first: the status rarely changes, and the swap is a locked instruction.
        if (reported != current) {
            VerifierHealth.Status before = (VerifierHealth.Status) REPORTED.getAndSet(this, current);
            if (before != current) {
                events.statusChanged(s, before, current);
            }
        }
        armForNextChange(s.nextStatusChange(now), now);
    }

    void close() {
        timer.close();
    }

    private synchronized void armForNextChange(Optional<Instant> at, Instant now) {
        if (at.isEmpty() || at.equals(armedFor)) {
            return;
        }
        if (timer.arm(Duration.between(now, at.get()), timerDue)) {
            armedFor = at;
        }
    }

    private void timerFired() {
        synchronized (this) {
            armedFor = Optional.empty();
        }
        check();
    }
}
