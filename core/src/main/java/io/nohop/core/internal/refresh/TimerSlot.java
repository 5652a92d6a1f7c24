package io.nohop.core.internal.refresh;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One re-armable timer on a shared scheduler: at most one run is pending; arming again replaces it.
 *
 * <p>Concurrency: arming, cancelling and firing take this object's lock only to swap the pending run,
 * never while the task runs. A run that was replaced or cancelled after the scheduler had already
 * started it finds itself stale and does nothing. The slot counts as idle from the moment its run
 * starts, so a task may arm its own slot again. A task that throws is logged (a
 * {@link ScheduledExecutorService} would drop the exception silently).
 */
final class TimerSlot {
    private static final Logger LOG = LoggerFactory.getLogger(TimerSlot.class);

    private final ScheduledExecutorService scheduler;
    private final String role;
    private ScheduledFuture<?> pending;
    private Firing ticket;
    private boolean closed;

    /**
     * @param scheduler runs the timer
     * @param role what the timer is for, in log lines
     */
    TimerSlot(ScheduledExecutorService scheduler, String role) {
        this.scheduler = scheduler;
        this.role = role;
    }

    /**
     * Replaces any pending run with {@code task} after {@code delay} (negative: at once).
     *
     * @return false when the slot is closed or the scheduler refused the task (shut down)
     */
    synchronized boolean arm(Duration delay, Runnable task) {
        return armNanos(nanos(delay), task);
    }

    /**
     * {@link #arm(Duration, Runnable)} with the delay in nanoseconds (negative: now), for the refresh timer, armed at
     * every poll, which then makes no Duration.
     */
    synchronized boolean armNanos(long delayNanos, Runnable task) {
        cancel();
        if (closed) {
            return false;
        }
        Firing mine = new Firing(task);
        try {
            pending = scheduler.schedule(mine, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("scheduler refused the {} timer", role);
            return false;
        }
        ticket = mine;
        return true;
    }

    /** Arms only when no run is pending. @return true when this call armed it */
    synchronized boolean armIfIdle(Duration delay, Runnable task) {
        return pending == null && arm(delay, task);
    }

    synchronized void cancel() {
        if (pending != null) {
            pending.cancel(false);
        }
        pending = null;
        ticket = null;
    }

    /** Cancels the pending run and refuses every later one. */
    synchronized void close() {
        cancel();
        closed = true;
    }

    /** One arming's run; also its ticket, so that a replaced or cancelled run recognises itself as stale. */
    private final class Firing implements Runnable {
        private final Runnable task;

        Firing(Runnable task) {
            this.task = task;
        }

        @Override
        public void run() {
            fire(this);
        }
    }

    private void fire(Firing mine) {
        synchronized (this) {
            if (closed || ticket != mine) {
                return;
            }
            pending = null;
            ticket = null;
        }
        try {
            mine.task.run();
        } catch (RuntimeException e) {
            LOG.error("key refresh {} timer failed ({})", role, e.getClass().getName());
        }
    }

    private static long nanos(Duration delay) {
        if (delay.isNegative()) {
            return 0;
        }
        try {
            return delay.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
