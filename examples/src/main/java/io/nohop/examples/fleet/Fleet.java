package io.nohop.examples.fleet;

import ch.qos.logback.classic.Level;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The fleet in virtual time (issue 11): 100,000 verifiers — core's real refresh code — against one key
 * endpoint for 24 virtual hours, once with jitter and once without.
 */
public final class Fleet {
    private Fleet() {
    }

    /**
     * Runs the simulation; exits 2 on a bad option.
     *
     * @param args options, see {@link FleetParameters#parse}
     * @throws Exception if a run fails or the output cannot be written
     */
    public static void main(String[] args) throws Exception {
        FleetParameters p;
        try {
            p = FleetParameters.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("fleet: " + e.getMessage());
            System.exit(2);
            return;
        }
        // 100,000 verifiers log every outage failure and status change; the report says what matters.
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.nohop")).setLevel(Level.OFF);
        run(p, System.out);
    }

    /**
     * Runs both days (jitter on and off, in parallel when two cores are there) and prints a summary.
     *
     * @param p the parameters
     * @param out where the report goes
     * @return the two runs: jitter on, then off
     * @throws Exception if a run fails
     */
    public static List<FleetRun> run(FleetParameters p, PrintStream out) throws Exception {
        long began = System.nanoTime();
        out.println("Fleet " + p.asOptions());
        ExecutorService runs = Executors.newFixedThreadPool(Math.min(2, Runtime.getRuntime().availableProcessors()));
        FleetRun a;
        FleetRun b;
        try {
            FleetKeys keys = FleetKeys.generate(runs);
            Future<FleetRun> on = runs.submit(() -> FleetSimulation.run(p, true, keys));
            Future<FleetRun> off = runs.submit(() -> FleetSimulation.run(p, false, keys));
            a = on.get();
            b = off.get();
        } finally {
            runs.shutdownNow();
        }
        for (FleetRun r : List.of(a, b)) {
            out.printf(Locale.ROOT, "jitter %s: %,d timer tasks in %.1f s (thread CPU %.1f s)%n",
                    r.jitterOn() ? "on" : "off", r.tasksRun(), r.wallNanos() / 1e9, r.cpuNanos() / 1e9);
        }
        FleetReport.print(a, b, out);
        Files.createDirectories(p.out());
        FleetReport.csv(p.out(), List.of(a, b));
        FleetReport.documents(p.out(), a);
        Files.writeString(p.out().resolve("fleet.svg"), FleetChart.svg(a, b), StandardCharsets.UTF_8);
        out.println("wrote fleet.csv, fleet.svg and " + String.join(", ", new TreeSet<>(a.documents().keySet())) + " to " + p.out());
        InstanceTableMemory.Measured m = InstanceTableMemory.measure(SimulatedAdminListener.TABLE_SIZE);
        out.printf(Locale.ROOT, "instance table: %,d entries (default names) hold %.1f MB, %d bytes per entry%n",
                m.entries(), m.bytes() / 1e6, m.bytes() / m.entries());
        out.printf(Locale.ROOT, "total %.1f s%n", (System.nanoTime() - began) / 1e9);
        return List.of(a, b);
    }

    static String seconds(Duration d) {
        return FleetParameters.text(d);
    }
}
