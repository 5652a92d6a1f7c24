package io.nohop.core.internal.refresh;

import io.nohop.core.VerifierHealth;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Notices when a source's status (FRESH, STALE, DOWN) changes and reports it once. Status is a pure
 * function of the state and the clock ({@link KeyCacheState#statusAt}), so it changes only where the
 * state changes — after a restore and after every refresh result, where the source calls
 * {@link #check()} — and at the instants it changes by itself (freshness ends, or the refresh due at
 * its end has had its fetch time; the staleness bound passes). {@code health()} only reads the state:
 * asking never reports anything.
 *
 * <p>A timer watches for the instants of change only where nothing else will look in time. When the
 * refresh the state schedules is due no later than the next change, that refresh looks: its round
 * calls {@link #check()} when it ends, and a round that does not end inside the executor's
 * {@code execute} (a fetch thread) is watched by {@link #guard()} until it does. So in the steady state
 * (each confirmation schedules its refresh before freshness ends) no status timer is armed or
 * cancelled per refresh; one is armed after a failure whose retry comes after the next change, while a
 * round is out on a fetch thread, and when no refresh is scheduled. A timer no longer needed is
 * cancelled when the round it watched ends.
 *
 * <p>Concurrency: {@link #check()} may run on the fetch round and on the timer at once; the last
 * reported status is swapped atomically, so each change is reported by exactly one of them.
 */
final class StatusTracker {
    private final Supplier<KeyCacheState> state;
    private final BooleanSupplier roundOutstanding;
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

    /**
     * @param state the source's current state
     * @param roundOutstanding whether a fetch round was requested and has not ended
     * @param clock the source's clock
     * @param timer the timer for instants of change nothing else looks at
     * @param events where changes are reported
     */
    StatusTracker(Supplier<KeyCacheState> state, BooleanSupplier roundOutstanding, Clock clock, TimerSlot timer,
                  SourceEvents events) {
        this.state = state;
        this.roundOutstanding = roundOutstanding;
        this.clock = clock;
        this.timer = timer;
        this.events = events;
    }

    /**
     * Reports the status if it changed since the last report, and arms the timer for the next change
     * unless the refresh the state schedules comes first (see the class description). Called by every
     * round as it ends (whatever its result) and at start; after it, the source arms its refresh timer for
     * the state's next refresh.
     */
    void check() {
        update(false);
    }

    /**
     * Like {@link #check()}, but always arms the timer for the next change: a round is out on another
     * thread (or was refused), and the refresh it stands for cannot look in time if it does not end in time.
     */
    void guard() {
        update(true);
    }

    private void update(boolean always) {
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
        Optional<Instant> next = s.nextStatusChange(now);
        if (always || !refreshComesFirst(s, next)) {
            armForNextChange(next, now);
        } else {
            disarm();
        }
    }

    // The refresh the state schedules is due no later than the next change: the round it starts looks then.
    private static boolean refreshComesFirst(KeyCacheState s, Optional<Instant> nextChange) {
        Instant refresh = s.nextRefreshAt();
        return nextChange.isEmpty() || refresh != null && !refresh.isAfter(nextChange.get());
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

    // A guard left from a round that has ended would only fire to find nothing changed.
    private synchronized void disarm() {
        if (armedFor.isPresent()) {
            timer.cancel();
            armedFor = Optional.empty();
        }
    }

    private void timerFired() {
        synchronized (this) {
            armedFor = Optional.empty();
        }
        // A round still out may not end before the next change either: keep watching until it does.
        update(roundOutstanding.getAsBoolean());
    }
}
