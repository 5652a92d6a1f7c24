package io.nohop.core.internal.refresh;

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
        return thread;
    }
}
