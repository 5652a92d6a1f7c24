package io.nohop.core.internal.refresh;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Lets callers' threads wait for a source's progress: first keys ({@code awaitFirstKeys}), or "a fetch
 * round that started after I asked has ended" ({@code awaitKid}). Rounds are counted; every change a
 * waiter may care about signals.
 *
 * <p>Waits are bounded in real elapsed time ({@link System#nanoTime()}): they bound how long a caller's
 * thread is held, which a test clock cannot shorten.
 */
final class RoundProgress {
    private final AtomicLong started = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    void roundStarted() {
        started.incrementAndGet();
    }

    void roundCompleted() {
        completed.incrementAndGet();
        signal();
    }

    /** @return a mark that {@link #completedSince(long)} passes once a round that starts from now on has ended */
    long nextRound() {
        return started.get() + 1;
    }

    boolean completedSince(long mark) {
        return completed.get() >= mark;
    }

    void signal() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until {@code done} holds (checked at every signal) or {@code maxWait} has passed.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    void await(Duration maxWait, BooleanSupplier done) throws InterruptedException {
        long budget = saturatedNanos(maxWait);
        long begin = System.nanoTime();
        lock.lock();
        try {
            while (!done.getAsBoolean()) {
                long left = budget - (System.nanoTime() - begin);
                if (left <= 0) {
                    return;
                }
                changed.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    private static long saturatedNanos(Duration d) {
        try {
            return Math.max(0, d.toNanos());
        } catch (ArithmeticException e) {
            return d.isNegative() ? 0 : Long.MAX_VALUE;
        }
    }
}
