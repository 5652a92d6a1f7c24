package io.nohop.examples.fleet;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * What one simulated day produced: the endpoint's counters per second (slot 0 is the start of the
 * warm-up) and, per verifier, the instants that mark how fast the fleet followed each event (epoch
 * millis, -1 for never).
 *
 * @param p the parameters of the run
 * @param jitterOn whether core's refresh timing drew its jitter
 * @param originMillis the instant of slot 0
 * @param dayStartMillis the start of the measured day
 * @param requests requests that reached the endpoint, by arrival second
 * @param full 200 answers (a whole key set), by second
 * @param notModified 304 answers, by second
 * @param refused requests refused during the outage, by second
 * @param timeouts requests whose answer came after the verifier's fetch timeout, by arrival second
 * @param rejectedUnknownKey tokens rejected with {@code unknown_key}, by second
 * @param rejectedUnavailable tokens rejected with {@code keys_unavailable}, by second
 * @param heldNewKeyAt per verifier, when it first held the key the rotation published
 * @param recoveredAt per verifier, its first confirmed refresh after the outage
 * @param usableAfterRestartWithCache per verifier, when it had usable keys after the restart with cache files,
 *                                    shifted as if it had restarted at the wave's start (so the spread
 *                                    counts from each verifier's own restart)
 * @param usableAfterRestartWithoutCache the same after the restart without cache files
 * @param tasksRun timer tasks the scheduler ran
 * @param wallNanos how long the run took on this machine
 * @param cpuNanos CPU time of the thread that ran it (the machine may have been shared)
 * @param pollersCurrent per minute (slot 0: the start of the warm-up), instances the endpoint's
 *                       census counts on the current set ({@code nohop_endpoint_pollers{set="current"}}), -1
 *                       where none was taken
 * @param pollersPrevious the same for {@code set="previous"}
 * @param pollersOlder the same for {@code set="older"}
 * @param tableSize per minute, entries in the instance table ({@code nohop_endpoint_instances}), -1 where
 *                  no census was taken
 * @param documents what {@code GET /status} and {@code GET /metrics} answered at chosen instants, by file name
 */
public record FleetRun(FleetParameters p, boolean jitterOn, long originMillis, long dayStartMillis, int[] requests,
                       int[] full, int[] notModified, int[] refused, int[] timeouts, int[] rejectedUnknownKey,
                       int[] rejectedUnavailable, long[] heldNewKeyAt, long[] recoveredAt,
                       long[] usableAfterRestartWithCache, long[] usableAfterRestartWithoutCache, long tasksRun,
                       long wallNanos, long cpuNanos, long[] pollersCurrent, long[] pollersPrevious,
                       long[] pollersOlder, int[] tableSize, Map<String, String> documents) {

    /**
     * Totals over a span of the day.
     *
     * @param seconds its length
     * @param requests requests that reached the endpoint
     * @param full 200 answers
     * @param notModified 304 answers
     * @param failed refused or timed out
     * @param peak the most requests in one second
     * @param rejectedUnknownKey tokens rejected with {@code unknown_key}
     * @param rejectedUnavailable tokens rejected with {@code keys_unavailable}
     */
    public record Span(int seconds, long requests, long full, long notModified, long failed, int peak,
                       long rejectedUnknownKey, long rejectedUnavailable) {
        /** @return mean requests per second */
        public double mean() {
            return seconds == 0 ? 0 : (double) requests / seconds;
        }

        /** @return 304s among the answers, 0 to 1 */
        public double notModifiedShare() {
            long answers = full + notModified;
            return answers == 0 ? 0 : (double) notModified / answers;
        }

        /** @return tokens rejected for any reason */
        public long rejected() {
            return rejectedUnknownKey + rejectedUnavailable;
        }
    }

    /**
     * How fast the fleet followed an event: seconds until 50, 99 and 100 % of the fleet had done it.
     *
     * @param p50 seconds until half the fleet had
     * @param p99 seconds until 99 %
     * @param p100 seconds until every verifier had ({@code NaN} if some never did)
     * @param never verifiers that never did within the day
     */
    public record Spread(double p50, double p99, double p100, int never) {
    }

    /**
     * @param from offset from the start of the day, inclusive
     * @param to offset from the start of the day, exclusive (clamped to the day)
     * @return totals over that span
     */
    public Span span(Duration from, Duration to) {
        int a = slot(from);
        int b = Math.min(requests.length, slot(to));
        long req = 0;
        long ok = 0;
        long nm = 0;
        long failed = 0;
        long unknown = 0;
        long unavailable = 0;
        int peak = 0;
        for (int s = a; s < b; s++) {
            req += requests[s];
            ok += full[s];
            nm += notModified[s];
            failed += refused[s] + timeouts[s];
            unknown += rejectedUnknownKey[s];
            unavailable += rejectedUnavailable[s];
            peak = Math.max(peak, requests[s]);
        }
        return new Span(Math.max(0, b - a), req, ok, nm, failed, peak, unknown, unavailable);
    }

    /** @return totals over the whole measured day */
    public Span day() {
        return span(Duration.ZERO, Duration.ofHours(p.hours()));
    }

    /**
     * @param instants per verifier, epoch millis or -1
     * @param since the event's instant, as an offset from the start of the day
     * @return seconds from the event until 50, 99 and 100 % of the fleet
     */
    public Spread spread(long[] instants, Duration since) {
        long from = dayStartMillis + since.toMillis();
        long[] sorted = instants.clone();
        Arrays.sort(sorted);
        int never = 0;
        while (never < sorted.length && sorted[never] < 0) {
            never++;
        }
        int n = sorted.length;
        return new Spread(at(sorted, never, (n + 1) / 2, from), at(sorted, never, (int) Math.ceil(n * 0.99), from),
                never > 0 ? Double.NaN : (sorted[n - 1] - from) / 1000.0, never);
    }

    // The k-th verifier (1-based) in time order; the ones that never did count as last.
    private static double at(long[] sorted, int never, int k, long from) {
        int index = never + k - 1;
        return index >= sorted.length ? Double.NaN : Math.max(0, sorted[index] - from) / 1000.0;
    }

    /**
     * @param since an offset from the start of the day
     * @return the counter slot of that second
     */
    public int slot(Duration since) {
        return (int) ((dayStartMillis - originMillis + since.toMillis()) / 1000);
    }
}
