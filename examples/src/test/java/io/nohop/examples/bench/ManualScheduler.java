package io.nohop.examples.bench;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A scheduler that runs nothing by itself: {@link #runDue()} runs, on the test's thread, every task
 * whose delay has passed on the test's {@link Clock}. The verifier's refresh timers thus fire when
 * the test moves its clock, never on their own.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    private final Clock clock;
    private final List<Task> tasks = new ArrayList<>();
    private boolean shutdown;

    ManualScheduler(Clock clock) {
        this.clock = clock;
    }

    /** Runs every task due now, including tasks that those schedule for now. */
    void runDue() {
        for (int guard = 0; guard < 10_000; guard++) {
            Task next;
            synchronized (this) {
                next = tasks.stream().filter(t -> t.dueMillis <= clock.millis())
                        .min(Comparator.comparingLong(t -> t.dueMillis)).orElse(null);
                if (next == null) {
                    return;
                }
                tasks.remove(next);
            }
            next.run();
        }
        throw new IllegalStateException("tasks keep scheduling tasks due now");
    }

    @Override
    public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        Task task = new Task(command, clock.millis() + Math.max(0, unit.toMillis(delay)));
        if (!shutdown) {
            tasks.add(task);
        }
        return task;
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("the verifier schedules Runnables only");
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException("the verifier schedules one-shot timers only");
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("the verifier schedules one-shot timers only");
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void shutdown() {
        shutdown = true;
        tasks.clear();
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown();
        return List.of();
    }

    @Override
    public synchronized boolean isShutdown() {
        return shutdown;
    }

    @Override
    public synchronized boolean isTerminated() {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isShutdown();
    }

    private final class Task implements ScheduledFuture<Object>, Runnable {
        private final Runnable command;
        private final long dueMillis;
        private final CompletableFuture<Object> done = new CompletableFuture<>();

        Task(Runnable command, long dueMillis) {
            this.command = command;
            this.dueMillis = dueMillis;
        }

        @Override
        public void run() {
            if (done.isDone()) {
                return;
            }
            try {
                command.run();
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
                throw e;
            }
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueMillis - clock.millis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(getDelay(TimeUnit.MILLISECONDS), other.getDelay(TimeUnit.MILLISECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            synchronized (ManualScheduler.this) {
                tasks.remove(this);
            }
            return done.cancel(false);
        }

        @Override
        public boolean isCancelled() {
            return done.isCancelled();
        }

        @Override
        public boolean isDone() {
            return done.isDone();
        }

        @Override
        public Object get() throws InterruptedException, ExecutionException {
            return done.get();
        }

        @Override
        public Object get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException,
                TimeoutException {
            return done.get(timeout, unit);
        }
    }
}
