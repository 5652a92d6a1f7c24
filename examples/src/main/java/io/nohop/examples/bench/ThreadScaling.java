package io.nohop.examples.bench;

import io.nohop.core.TokenRejectedException;
import io.nohop.core.TokenVerifier;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;

/**
 * Issue 14's "throughput on 2 threads ≥ 1.9× one thread", measured so that other load on a shared machine
 * does not decide it: one shared verifier verifies on one thread, then on two threads at once, in turn,
 * and each thread reports its own CPU time per verification. When two threads need no more CPU per
 * verification than one (no lock, no contended cache line, no allocation stall), two free cores give
 * twice the throughput; the ratio {@code 2 × cpu(1 thread) / cpu(2 threads)} is that scaling. The
 * wall-clock throughput itself is for JMH on a quiet machine: {@code -t 1} against {@code -t 2}.
 */
final class ThreadScaling {
    private static final long BATCH_CPU_NANOS = 200_000_000L;

    private ThreadScaling() {
    }

    static void run(long seconds, List<AutoCloseable> toClose) throws Exception {
        System.out.printf(Locale.ROOT, "java %s: thread CPU µs per verification, one thread vs each of two at once%n",
                System.getProperty("java.version"));
        String[][] cases = {{"RS256", "ACCP"}, {"ES256", "ACCP"}, {"EdDSA", "ACCP"}, {"RS256", "JDK"}, {"EdDSA", "JDK"}};
        long perCase = Math.max(4, seconds / cases.length);
        for (String[] c : cases) {
            BenchTokens.Fixture f = BenchTokens.fixture(c[0]);
            TokenVerifier verifier = NohopVerifiers.forFixture(f, 0, c[1]);
            toClose.add(verifier);
            List<Double> one = new ArrayList<>();
            List<Double> two = new ArrayList<>();
            long end = System.nanoTime() + perCase * 1_000_000_000L;
            int round = 0;
            while (System.nanoTime() < end) {
                double single = measure(verifier, f.token, 1);
                double pair = measure(verifier, f.token, 2);
                if (++round > 1) {
                    one.add(single);
                    two.add(pair);
                }
            }
            if (one.isEmpty()) {
                System.out.println(c[0] + " " + c[1] + ": no round after warm-up: run longer");
                continue;
            }
            Collections.sort(one);
            Collections.sort(two);
            double m1 = one.get(one.size() / 2);
            double m2 = two.get(two.size() / 2);
            System.out.printf(Locale.ROOT, "%-6s %-5s 1 thread %8.3f   2 threads %8.3f (median of %d rounds)   scaling %.2f×%n",
                    c[0], c[1], m1, m2, one.size(), 2 * m1 / m2);
        }
    }

    /** @return the mean over {@code threads} threads of each one's CPU µs per verification */
    private static double measure(TokenVerifier verifier, String token, int threads) throws Exception {
        CyclicBarrier start = new CyclicBarrier(threads);
        double[] perThread = new double[threads];
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int index = t;
            Thread thread = new Thread(() -> {
                ThreadMXBean mx = ManagementFactory.getThreadMXBean();
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                long begin = mx.getCurrentThreadCpuTime();
                long ops = 0;
                while (mx.getCurrentThreadCpuTime() - begin < BATCH_CPU_NANOS) {
                    for (int i = 0; i < 32; i++) {
                        try {
                            verifier.verify(token);
                        } catch (TokenRejectedException e) {
                            throw new IllegalStateException("the fixture was rejected: " + e.reason(), e);
                        }
                    }
                    ops += 32;
                }
                perThread[index] = (mx.getCurrentThreadCpuTime() - begin) / 1000.0 / ops;
            }, "verify-" + t);
            running.add(thread);
            thread.start();
        }
        for (Thread thread : running) {
            thread.join();
        }
        double sum = 0;
        for (double v : perThread) {
            sum += v;
        }
        return sum / threads;
    }
}
