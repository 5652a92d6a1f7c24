package io.nohop.core.internal.refresh;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Lets callers' threads wait for a source's progress: first keys ({@code awaitFirstKeys}), or the
 * refresh an unknown kid rides on ({@code awaitKid}). The source signals at every change a waiter may
 * care about (a state published, a round ended, a requested refresh that will not come); each waiter
 * re-checks its own condition.
 *
 * <p>Waits are bounded in real elapsed time ({@link System#nanoTime()}): they bound how long a caller's
 * thread is held, which a test clock cannot shorten.
 */
final class RoundProgress {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // Callers inside await. A signal with nobody waiting (nearly every one: a source signals at every
    // refresh, a caller waits only for first keys or an unknown kid) skips the lock. No wake-up is lost:
    // a waiter counts itself before it checks its condition, a signaller changes what the condition reads
    // before it reads the count, and both are volatile, so at least one of them sees the other.
    private volatile int waiting;

    void signal() {
        if (waiting == 0) {
            return;
        }
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
        await(done, () -> budget - (System.nanoTime() - begin));
    }

    /**
     * Waits until {@code done} holds (checked at every signal) or {@code nanosLeft}, asked again at every
     * signal, says no time is left.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    void await(BooleanSupplier done, LongSupplier nanosLeft) throws InterruptedException {
        lock.lock();
        try {
            // Written under the lock only, so a plain increment of the volatile is safe.
            waiting++;
            while (!done.getAsBoolean()) {
                long left = nanosLeft.getAsLong();
                if (left <= 0) {
                    return;
                }
                changed.awaitNanos(left);
            }
        } finally {
            waiting--;
            lock.unlock();
        }
    }

    static long saturatedNanos(Duration d) {
        try {
            return Math.max(0, d.toNanos());
        } catch (ArithmeticException e) {
            return d.isNegative() ? 0 : Long.MAX_VALUE;
        }
    }
}
