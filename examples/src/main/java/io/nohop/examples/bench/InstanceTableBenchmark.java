package io.nohop.examples.bench;

import io.nohop.keys.server.internal.InstanceTable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.SplittableRandom;

/**
 * What the endpoint spends per answered JWKS request on its instance table ({@link InstanceTable#record}):
 * a fleet of {@code instances} named verifiers, all known to the table, polling in a random order, as a
 * fleet with jittered refreshes does (issue 11). At 100,000 instances every poll lands on entries no
 * cache holds, which is what this measures; at 1,000 they all fit.
 *
 * <pre>
 * java -jar examples/target/benchmarks.jar InstanceTableBenchmark -f 2 -wi 3 -w 2s -i 5 -r 2s -bm avgt -tu ns
 * </pre>
 */
@State(Scope.Benchmark)
public class InstanceTableBenchmark {
    /** Creates the benchmark state (JMH instantiates it). */
    public InstanceTableBenchmark() {
    }

    /** Fleet size: the table's capacity and the number of distinct names polling. */
    @Param({"1000", "100000"})
    public int instances;

    // A long stretch of a random poll order, so that the order does not repeat within an iteration's cache reach.
    private static final int ORDER_LENGTH = 1 << 22;

    private InstanceTable table;
    private String[] names;
    private int[] order;
    private int next;
    private long now;

    /** Fills the table with every name once, then draws the poll order. */
    @Setup
    public void setup() {
        SplittableRandom random = new SplittableRandom(42);
        table = new InstanceTable(instances);
        names = new String[instances];
        for (int i = 0; i < instances; i++) {
            // The shape of a default instance name (VerifierIdentity): a short random token.
            names[i] = "v-" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
            table.record(names[i], true, ++now, InstanceTable.PRESENTED_NONE, 1);
        }
        order = new int[ORDER_LENGTH];
        for (int i = 0; i < ORDER_LENGTH; i++) {
            order[i] = random.nextInt(instances);
        }
    }

    /**
     * One answered poll of a known instance.
     *
     * @return the table's size, so that the call is not dead code
     */
    @Benchmark
    public int recordKnownInstance() {
        String name = names[order[next++ & (ORDER_LENGTH - 1)]];
        table.record(name, true, ++now, 1, 2);
        return instances;
    }
}
