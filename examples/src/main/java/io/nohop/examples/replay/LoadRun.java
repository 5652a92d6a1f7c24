package io.nohop.examples.replay;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Drives one architecture with an open-loop load: request i arrives at {@code i / rate} seconds
 * whether or not earlier ones were answered (a closed loop would slow down with the system and hide
 * the queue). Each arrival goes to the service's request pool (fixed threads, unbounded queue, like a
 * servlet container's) and is timed from its scheduled arrival, so time spent queueing counts.
 *
 * <p>Bounded: {@code rate × duration} arrivals, then at most the client deadline plus 2 s for stragglers;
 * whatever is unanswered by then counts as failed at the deadline.
 */
final class LoadRun {
    private static final long PENDING = -1;

    private LoadRun() {
    }

    /** What one second of arrivals saw. */
    record Second(int second, String phase, int offered, int succeeded, int failed, double p50Millis,
                  double p99Millis, int upstreamCalls, String keyStatus) {
        double successRate() {
            return offered == 0 ? 0 : (double) succeeded / offered;
        }
    }

    /** Everything measured in one run. */
    record Result(String architecture, String description, List<Second> seconds, long[] latencyNanos,
                  boolean[] succeeded, int rate) {
        /**
         * The requests that arrived in {@code [fromSecond, toSecond)}.
         *
         * @return succeeded count, offered count and the p99 latency in ms
         */
        Window window(int fromSecond, int toSecond) {
            int from = fromSecond * rate;
            int to = Math.min(toSecond * rate, latencyNanos.length);
            int ok = 0;
            long[] lat = Arrays.copyOfRange(latencyNanos, from, to);
            for (int i = from; i < to; i++) {
                ok += succeeded[i] ? 1 : 0;
            }
            Arrays.sort(lat);
            return new Window(to - from, ok, percentileMillis(lat, 0.50), percentileMillis(lat, 0.99));
        }
    }

    /** A summary over several seconds. */
    record Window(int offered, int succeeded, double p50Millis, double p99Millis) {
        double successRate() {
            return offered == 0 ? 0 : (double) succeeded / offered;
        }
    }

    static Result run(ReplayParameters p, Architecture arch, List<String> tokens) throws InterruptedException {
        int n = p.rate() * p.durationSeconds();
        long interval = 1_000_000_000L / p.rate();
        long deadline = p.clientDeadline().toNanos();
        // One word per request: PENDING, or latency << 1 | succeeded. One CAS decides who records it.
        AtomicLongArray outcome = new AtomicLongArray(n);
        for (int i = 0; i < n; i++) {
            outcome.set(i, PENDING);
        }
        String[] keyStatus = new String[p.durationSeconds()];
        CountDownLatch answered = new CountDownLatch(n);
        ThreadPoolExecutor service = new ThreadPoolExecutor(p.serviceThreads(), p.serviceThreads(), 0,
                TimeUnit.SECONDS, new LinkedBlockingQueue<>(), DaemonThreads.named("service-" + arch.name()));
        ScheduledExecutorService timeline = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("timeline"));
        try {
            warmUp(p, arch, tokens, service);
            long start = System.nanoTime() + 50_000_000L;
            arch.upstreamCalls().start(start);
            schedule(timeline, start, p.incidentStart(), arch::incidentStarts);
            if (p.endpointDownAt() < p.incidentEnd()) {
                schedule(timeline, start, p.endpointDownAt(), arch::endpointGoesDown);
            }
            schedule(timeline, start, p.incidentEnd(), arch::incidentEnds);
            for (int i = 0; i < n; i++) {
                long arrival = start + i * interval;
                parkUntil(arrival);
                if (i % p.rate() == 0) {
                    keyStatus[i / p.rate()] = arch.keyStatus();
                }
                String token = tokens.get(i % tokens.size());
                int index = i;
                service.execute(() -> {
                    boolean ok;
                    try {
                        ok = arch.authenticate(token);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        ok = false;
                    } catch (RuntimeException e) {
                        ok = false;
                    }
                    long latency = System.nanoTime() - arrival;
                    // The caller gave up at its deadline: a later answer is a failure it never saw.
                    boolean inTime = latency <= deadline;
                    outcome.compareAndSet(index, PENDING, (Math.min(latency, deadline) << 1) | (ok && inTime ? 1 : 0));
                    answered.countDown();
                });
            }
            answered.await(deadline + 2_000_000_000L, TimeUnit.NANOSECONDS);
        } finally {
            service.shutdownNow();
            timeline.shutdownNow();
        }
        long[] latency = new long[n];
        boolean[] succeeded = new boolean[n];
        for (int i = 0; i < n; i++) {
            outcome.compareAndSet(i, PENDING, deadline << 1);
            long v = outcome.get(i);
            latency[i] = v >>> 1;
            succeeded[i] = (v & 1) == 1;
        }
        List<Second> seconds = new ArrayList<>();
        for (int s = 0; s < p.durationSeconds(); s++) {
            int from = s * p.rate();
            int to = from + p.rate();
            long[] lat = Arrays.copyOfRange(latency, from, to);
            Arrays.sort(lat);
            int ok = 0;
            for (int i = from; i < to; i++) {
                ok += succeeded[i] ? 1 : 0;
            }
            seconds.add(new Second(s, phase(p, arch, s), p.rate(), ok, p.rate() - ok, percentileMillis(lat, 0.50),
                    percentileMillis(lat, 0.99), arch.upstreamCalls().at(s), keyStatus[s] == null ? "" : keyStatus[s]));
        }
        return new Result(arch.name(), arch.description(), List.copyOf(seconds), latency, succeeded, p.rate());
    }

    /**
     * One second of the same load, not recorded: JIT compilation and connection set-up are not part of
     * the incident, and without this the first second of each run would show them.
     */
    private static void warmUp(ReplayParameters p, Architecture arch, List<String> tokens, ExecutorService service)
            throws InterruptedException {
        long interval = 1_000_000_000L / p.rate();
        CountDownLatch done = new CountDownLatch(p.rate());
        long start = System.nanoTime();
        for (int i = 0; i < p.rate(); i++) {
            parkUntil(start + i * interval);
            String token = tokens.get(i % tokens.size());
            service.execute(() -> {
                try {
                    arch.authenticate(token);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    // A warm-up call that fails changes nothing measured.
                } finally {
                    done.countDown();
                }
            });
        }
        done.await(p.clientDeadline().toNanos() + 2_000_000_000L, TimeUnit.NANOSECONDS);
    }

    private static void parkUntil(long nanoTime) {
        for (long wait = nanoTime - System.nanoTime(); wait > 0; wait = nanoTime - System.nanoTime()) {
            LockSupport.parkNanos(wait);
        }
    }

    private static void schedule(ScheduledExecutorService timeline, long start, int second, Runnable event) {
        long delay = start + second * 1_000_000_000L - System.nanoTime();
        timeline.schedule(event, Math.max(0, delay), TimeUnit.NANOSECONDS);
    }

    static String phase(ReplayParameters p, Architecture arch, int second) {
        if (second < p.incidentStart()) {
            return "before";
        }
        if (second >= p.incidentEnd()) {
            return "after";
        }
        if ("A".equals(arch.name())) {
            return "auth slow";
        }
        return second < p.endpointDownAt() ? "keys slow" : "keys down";
    }

    /** Nearest-rank percentile of sorted nanoseconds, in milliseconds. */
    static double percentileMillis(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }
}
