package io.nohop.core.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes the threads nohop starts: daemons (a verifier must never keep a JVM alive) named
 * {@code nohop-ROLE-N}, so that a thread dump says whose they are and tests can check that
 * {@code close()} stopped them.
 */
public final class DaemonThreads implements ThreadFactory {
    private final String prefix;
    private final AtomicInteger counter = new AtomicInteger();
    // Threads made so far and not yet seen dead: what joinAll waits for.
    private final List<Thread> made = new ArrayList<>();

    private DaemonThreads(String role) {
        this.prefix = "nohop-" + role + "-";
    }

    /**
     * @param role what the threads do, e.g. {@code refresh} or {@code http}
     * @return a factory of daemon threads named {@code nohop-ROLE-N}
     */
    public static DaemonThreads named(String role) {
        return new DaemonThreads(role);
    }

    @Override
    public Thread newThread(Runnable task) {
        Thread thread = new Thread(task, prefix + counter.incrementAndGet());
        thread.setDaemon(true);
        synchronized (made) {
            made.removeIf(t -> !t.isAlive() && t.getState() == Thread.State.TERMINATED);
            made.add(thread);
        }
        return thread;
    }

    /**
     * Waits until every thread this factory made has ended. An executor's {@code awaitTermination}
     * is not enough: its last worker reports termination just before its thread actually ends.
     *
     * @param maxWait the longest to wait in total
     * @return true when all have ended
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean joinAll(Duration maxWait) throws InterruptedException {
        List<Thread> threads;
        synchronized (made) {
            threads = new ArrayList<>(made);
        }
        long deadline = System.nanoTime() + maxWait.toNanos();
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            if (left > 0 && t.getState() != Thread.State.NEW) {
                t.join(Math.max(1, left / 1_000_000));
            }
        }
        return threads.stream().noneMatch(Thread::isAlive);
    }
}
