package io.nohop.examples.fleet;

import io.nohop.core.internal.refresh.VerifierIdentity;
import io.nohop.keys.server.internal.InstanceTable;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * How much heap the endpoint's instance table holds when full: the heap in use after a full
 * collection, with and without a table filled with default instance names (as {@code nohop serve
 * --admin-bind} fills it from a fleet of verifiers that set no name). A measurement, not an estimate
 * from object layouts: it includes the map's entries, the names and the per-instance records.
 */
final class InstanceTableMemory {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private InstanceTableMemory() {
    }

    /**
     * @param entries how many instances
     * @param bytes heap they hold
     */
    record Measured(int entries, long bytes) {
    }

    /**
     * Fills a table and measures what it holds: the heap in use after a full collection while the table
     * is reachable, minus the same once it is released. Measured by release rather than by growth, so
     * that garbage a collection leaves behind (or frees) between the two readings of one attempt is the
     * same on both sides; the median of three attempts is kept.
     *
     * @param entries how many instances to record
     * @return the measurement
     * @throws IllegalStateException if the heap readings make no sense (a table that holds nothing)
     */
    static Measured measure(int entries) {
        long[] attempts = new long[3];
        for (int attempt = 0; attempt < attempts.length; attempt++) {
            InstanceTable[] held = {new InstanceTable(entries)};
            SplittableRandom random = new SplittableRandom(attempt);
            for (int i = 0; i < entries; i++) {
                held[0].record(VerifierIdentity.random(random).instanceName(), true, 1_000L + i, 1, 1);
            }
            long with = usedAfterGc();
            if (held[0].size() != entries) {
                throw new IllegalStateException("the table must hold every entry here: " + held[0].size());
            }
            held[0] = null;
            attempts[attempt] = with - usedAfterGc();
        }
        Arrays.sort(attempts);
        long median = attempts[1];
        if (median <= 0) {
            throw new IllegalStateException("heap readings around the table make no sense: " + Arrays.toString(attempts));
        }
        return new Measured(entries, median);
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return MEMORY.getHeapMemoryUsage().getUsed();
    }
}
