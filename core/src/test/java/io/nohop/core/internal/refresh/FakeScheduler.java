package io.nohop.core.internal.refresh;

import io.nohop.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A scheduler driven by the test: tasks wait with their due instant until {@link #advance(Duration)}
 * moves the {@link MutableClock} forward, then run on the test's thread, in due order (ties in
 * submission order), with the clock set to each task's due instant while it runs.
 */
final class FakeScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    // A source that keeps scheduling zero-delay work forever is a bug; fail the test instead of hanging.
    private static final int MAX_TASKS_PER_ADVANCE = 200_000;

    private final MutableClock clock;
    private final PriorityQueue<Task<?>> queue =
            new PriorityQueue<>(Comparator.<Task<?>, Instant>comparing(t -> t.due).thenComparingLong(t -> t.seq));
    private long seq;
    private boolean shutdown;

    FakeScheduler(MutableClock clock) {
        this.clock = clock;
    }

    /** Runs everything due now, including what those tasks schedule for now. */
    void runDue() {
        advance(Duration.ZERO);
    }

    void advance(Duration d) {
        advanceTo(clock.instant().plus(d));
    }

    void advanceTo(Instant target) {
        int ran = 0;
        while (true) {
            Task<?> next;
            synchronized (this) {
                next = queue.peek();
                while (next != null && next.isCancelled()) {
                    queue.poll();
                    next = queue.peek();
                }
                if (next == null || next.due.isAfter(target)) {
                    break;
                }
                queue.poll();
            }
            if (next.due.isAfter(clock.instant())) {
                clock.set(next.due);
            }
            next.run();
            if (++ran > MAX_TASKS_PER_ADVANCE) {
                throw new AssertionError("runaway scheduling: more than " + MAX_TASKS_PER_ADVANCE + " tasks");
            }
        }
        if (target.isAfter(clock.instant())) {
            clock.set(target);
        }
    }

    /** @return due instants of the tasks still waiting, in order */
    synchronized List<Instant> pending() {
        List<Task<?>> tasks = new ArrayList<>(queue);
        tasks.removeIf(Task::isCancelled);
        tasks.sort(queue.comparator());
        List<Instant> due = new ArrayList<>();
        for (Task<?> t : tasks) {
            due.add(t.due);
        }
        return due;
    }

    @Override
    public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return add(() -> {
            command.run();
            return null;
        }, delay, unit);
    }

    @Override
    public synchronized <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return add(callable, delay, unit);
    }

    private <V> Task<V> add(Callable<V> body, long delay, TimeUnit unit) {
        if (shutdown) {
            throw new java.util.concurrent.RejectedExecutionException("shut down");
        }
        Task<V> task = new Task<>(clock.instant().plusNanos(unit.toNanos(Math.max(0, delay))), seq++, body);
        queue.add(task);
        return task;
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException("not used by nohop");
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("not used by nohop");
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public synchronized void shutdown() {
        shutdown = true;
    }

    @Override
    public synchronized List<Runnable> shutdownNow() {
        shutdown = true;
        queue.clear();
        return List.of();
    }

    @Override
    public synchronized boolean isShutdown() {
        return shutdown;
    }

    @Override
    public synchronized boolean isTerminated() {
        return shutdown && queue.isEmpty();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isTerminated();
    }

    private final class Task<V> implements ScheduledFuture<V> {
        final Instant due;
        final long seq;
        final Callable<V> body;
        private volatile boolean cancelled;
        private volatile boolean done;
        private V result;

        Task(Instant due, long seq, Callable<V> body) {
            this.due = due;
            this.seq = seq;
            this.body = body;
        }

        void run() {
            try {
                result = body.call();
            } catch (Exception e) {
                throw new AssertionError("scheduled task threw", e);
            } finally {
                done = true;
            }
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(Duration.between(clock.instant(), due));
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (done) {
                return false;
            }
            cancelled = true;
            return true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return done || cancelled;
        }

        @Override
        public V get() throws ExecutionException {
            if (!done) {
                throw new IllegalStateException("fake tasks run only when the test advances time");
            }
            return result;
        }

        @Override
        public V get(long timeout, TimeUnit unit) throws ExecutionException, TimeoutException {
            return get();
        }
    }
}
