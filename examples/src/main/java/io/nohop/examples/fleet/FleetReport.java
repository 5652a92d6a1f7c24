package io.nohop.examples.fleet;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the two runs of a day (jitter on, jitter off) into what the issue asks for: a table per
 * scenario (steady state, planned rotation, outage, restart with and without cache files), a CSV with
 * one row per minute and run, the documents the admin listener answered, and the chart.
 */
final class FleetReport {
    /** After the outage: the span whose peak is "the peak during recovery". */
    static final Duration RECOVERY = Duration.ofHours(1);
    /** A restart's stampede: the first fetch of every restarted verifier falls in it. */
    static final Duration STAMPEDE = Duration.ofMinutes(1);
    /** After the stampede: the span whose peak shows whether the fleet keeps polling in step. */
    static final Duration ECHOES = Duration.ofHours(1);

    private FleetReport() {
    }

    /**
     * One scenario's figures for one run.
     *
     * @param name the scenario
     * @param span the endpoint's load over it
     * @param spread how fast the fleet followed (or null where nothing follows)
     */
    record Scenario(String name, FleetRun.Span span, FleetRun.Spread spread) {
    }

    /**
     * @param r a run
     * @return its scenarios, in the day's order
     */
    static List<Scenario> scenarios(FleetRun r) {
        FleetParameters p = r.p();
        Duration restartWith = p.restartWithCacheAt();
        Duration restartWithout = p.restartWithoutCacheAt();
        return List.of(
                new Scenario("steady state (day start to publication)", r.span(Duration.ZERO, p.publishAt()), null),
                new Scenario("planned rotation (publication to outage; spread: holding the new key)",
                        r.span(p.publishAt(), p.outageAt()), r.spread(r.heldNewKeyAt(), p.publishAt())),
                new Scenario("endpoint outage (" + FleetParameters.text(p.outageFor()) + ")",
                        r.span(p.outageAt(), p.outageEnd()), null),
                new Scenario("recovery (" + FleetParameters.text(RECOVERY) + " after the outage; spread: first confirmed refresh)",
                        r.span(p.outageEnd(), p.outageEnd().plus(RECOVERY)), r.spread(r.recoveredAt(), p.outageEnd())),
                new Scenario("restart with cache files: the stampede (first " + FleetParameters.text(STAMPEDE)
                        + "; spread: usable keys)", r.span(restartWith, restartWith.plus(STAMPEDE)),
                        r.spread(r.usableAfterRestartWithCache(), restartWith)),
                new Scenario("restart with cache files: its echoes (" + FleetParameters.text(STAMPEDE) + " to "
                        + FleetParameters.text(ECHOES) + " later)",
                        r.span(restartWith.plus(STAMPEDE), restartWith.plus(ECHOES)), null),
                new Scenario("restart without cache files: the stampede (first " + FleetParameters.text(STAMPEDE)
                        + "; spread: usable keys)", r.span(restartWithout, restartWithout.plus(STAMPEDE)),
                        r.spread(r.usableAfterRestartWithoutCache(), restartWithout)),
                new Scenario("restart without cache files: its echoes (" + FleetParameters.text(STAMPEDE) + " to "
                        + FleetParameters.text(ECHOES) + " later)",
                        r.span(restartWithout.plus(STAMPEDE), restartWithout.plus(ECHOES)), null),
                new Scenario("whole day", r.day(), null));
    }

    /**
     * Prints the scenarios of both runs side by side.
     *
     * @param on the run with jitter
     * @param off the run without
     * @param out where to
     */
    static void print(FleetRun on, FleetRun off, PrintStream out) {
        List<Scenario> a = scenarios(on);
        List<Scenario> b = scenarios(off);
        out.println("| scenario | jitter | req/s mean | req/s peak | 304 share | failed requests | tokens rejected (unknown_key / keys_unavailable) | 50 % / 99 % / 100 % of the fleet after |");
        out.println("|---|---|---:|---:|---:|---:|---:|---:|");
        for (int i = 0; i < a.size(); i++) {
            row(out, a.get(i), "on");
            row(out, b.get(i), "off");
        }
    }

    private static void row(PrintStream out, Scenario s, String jitter) {
        FleetRun.Span span = s.span();
        out.printf(Locale.ROOT, "| %s | %s | %,.1f | %,d | %.1f %% | %,d | %,d (%,d / %,d) | %s |%n", s.name(), jitter,
                span.mean(), span.peak(), 100 * span.notModifiedShare(), span.failed(), span.rejected(),
                span.rejectedUnknownKey(), span.rejectedUnavailable(), spread(s.spread()));
    }

    private static String spread(FleetRun.Spread s) {
        if (s == null) {
            return "";
        }
        return seconds(s.p50()) + " / " + seconds(s.p99()) + " / " + seconds(s.p100())
                + (s.never() > 0 ? " (" + s.never() + " never)" : "");
    }

    private static String seconds(double s) {
        return Double.isNaN(s) ? "never" : String.format(Locale.ROOT, "%.0f s", s);
    }

    /**
     * Writes {@code fleet.csv}: per run and minute of the day, the endpoint's load, the tokens
     * rejected, the share of the fleet that has held the new key, and the census the admin listener
     * shows (empty where none was taken that minute).
     *
     * @param dir where
     * @param runs the runs
     * @throws IOException if it cannot be written
     */
    static void csv(Path dir, List<FleetRun> runs) throws IOException {
        StringBuilder s = new StringBuilder(400_000);
        s.append("jitter,minute,requests_per_s_mean,requests_per_s_peak,answers_200,answers_304,failed,")
                .append("rejected_unknown_key,rejected_keys_unavailable,fleet_held_new_key,")
                .append("pollers_current,pollers_previous,pollers_older,instances_in_table\n");
        for (FleetRun r : runs) {
            int minutes = r.p().hours() * 60;
            long[] held = r.heldNewKeyAt().clone();
            Arrays.sort(held);
            int firstHeld = 0;
            while (firstHeld < held.length && held[firstHeld] < 0) {
                firstHeld++;
            }
            int heldSoFar = firstHeld;
            for (int m = 0; m < minutes; m++) {
                FleetRun.Span span = r.span(Duration.ofMinutes(m), Duration.ofMinutes(m + 1));
                long endMillis = r.dayStartMillis() + (m + 1) * 60_000L;
                while (heldSoFar < held.length && held[heldSoFar] < endMillis) {
                    heldSoFar++;
                }
                int slot = (int) ((r.dayStartMillis() - r.originMillis()) / 60_000) + m;
                s.append(r.jitterOn() ? "on" : "off").append(',').append(m).append(',')
                        .append(String.format(Locale.ROOT, "%.2f", span.mean())).append(',').append(span.peak())
                        .append(',').append(span.full()).append(',').append(span.notModified()).append(',')
                        .append(span.failed()).append(',').append(span.rejectedUnknownKey()).append(',')
                        .append(span.rejectedUnavailable()).append(',')
                        .append(String.format(Locale.ROOT, "%.5f", (double) (heldSoFar - firstHeld) / held.length));
                if (r.tableSize()[slot] >= 0) {
                    s.append(',').append(r.pollersCurrent()[slot]).append(',').append(r.pollersPrevious()[slot])
                            .append(',').append(r.pollersOlder()[slot]).append(',').append(r.tableSize()[slot]);
                } else {
                    s.append(",,,,");
                }
                s.append('\n');
            }
        }
        Files.writeString(dir.resolve("fleet.csv"), s, StandardCharsets.UTF_8);
    }

    /**
     * Writes what the admin listener answered during the rotation of the jitter run.
     *
     * @param dir where
     * @param run the run
     * @throws IOException if they cannot be written
     */
    static void documents(Path dir, FleetRun run) throws IOException {
        for (Map.Entry<String, String> d : run.documents().entrySet()) {
            Files.writeString(dir.resolve(d.getKey()), d.getValue() + (d.getValue().endsWith("\n") ? "" : "\n"),
                    StandardCharsets.UTF_8);
        }
    }
}
