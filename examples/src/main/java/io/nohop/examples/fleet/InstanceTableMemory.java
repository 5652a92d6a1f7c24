package io.nohop.examples.fleet;

import io.nohop.core.internal.refresh.VerifierIdentity;
import io.nohop.keys.server.internal.InstanceTable;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
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
     * Fills a table and measures it (best of three, as a collection may leave garbage behind).
     *
     * @param entries how many instances to record
     * @return the measurement
     */
    static Measured measure(int entries) {
        long best = Long.MAX_VALUE;
        for (int attempt = 0; attempt < 3; attempt++) {
            long before = usedAfterGc();
            InstanceTable table = new InstanceTable(entries);
            SplittableRandom random = new SplittableRandom(attempt);
            for (int i = 0; i < entries; i++) {
                table.record(VerifierIdentity.random(random).instanceName(), true, 1_000L + i, 1, 1);
            }
            long after = usedAfterGc();
            if (table.size() == 0) {
                throw new IllegalStateException("the table must still be reachable here");
            }
            best = Math.min(best, after - before);
        }
        return new Measured(entries, best);
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return MEMORY.getHeapMemoryUsage().getUsed();
    }
}
