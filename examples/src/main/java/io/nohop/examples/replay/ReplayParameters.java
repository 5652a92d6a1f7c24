package io.nohop.examples.replay;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything that shapes a replay run, printed at the top of its output so that a run can be repeated.
 *
 * @param rate offered load, requests per second (open loop: arrivals do not wait for answers)
 * @param durationSeconds length of each architecture's run
 * @param incidentStart second at which the incident starts
 * @param endpointDownAt second at which B's key endpoint goes from slow to down
 * @param incidentEnd second at which the incident ends (A's auth service fast again, B's endpoint back)
 * @param serviceThreads request threads of the service under load (both architectures)
 * @param clientDeadline how long a caller waits for the service before counting the request failed
 * @param authWorkers A: the auth service's fixed worker pool
 * @param authLatency A: the auth service's time per call when healthy
 * @param authAddedLatency A: what the incident adds to each call
 * @param callTimeout A: the service's timeout per call to the auth service
 * @param attempts A: calls per request at most (1 + retries)
 * @param keysMaxAge B: the key endpoint's {@code Cache-Control: max-age}
 * @param endpointSlowDelay B: how long the slow key endpoint stalls each fetch
 * @param out where the CSV and the chart go
 */
public record ReplayParameters(int rate, int durationSeconds, int incidentStart, int endpointDownAt, int incidentEnd,
                               int serviceThreads, Duration clientDeadline, int authWorkers, Duration authLatency,
                               Duration authAddedLatency, Duration callTimeout, int attempts, Duration keysMaxAge,
                               Duration endpointSlowDelay, Path out) {

    /**
     * The default run: about 30 s per architecture.
     *
     * @return the defaults
     */
    public static ReplayParameters defaults() {
        return new ReplayParameters(200, 30, 8, 14, 20, 64, Duration.ofSeconds(1), 8, Duration.ofMillis(2),
                Duration.ofMillis(50), Duration.ofMillis(250), 3, Duration.ofSeconds(2), Duration.ofSeconds(3),
                Path.of("target", "replay"));
    }

    /**
     * The short run for tests: 10 s per architecture, same load and faults, shorter phases.
     *
     * @return the short-run parameters
     */
    public static ReplayParameters shortRun() {
        ReplayParameters d = defaults();
        return new ReplayParameters(d.rate, 10, 2, 4, 6, d.serviceThreads, d.clientDeadline, d.authWorkers,
                d.authLatency, d.authAddedLatency, d.callTimeout, d.attempts, d.keysMaxAge, d.endpointSlowDelay, d.out);
    }

    /**
     * Checks that the numbers describe a run that ends and fits this machine.
     *
     * @param rate see the record description
     * @param durationSeconds see the record description
     * @param incidentStart see the record description
     * @param endpointDownAt see the record description
     * @param incidentEnd see the record description
     * @param serviceThreads see the record description
     * @param clientDeadline see the record description
     * @param authWorkers see the record description
     * @param authLatency see the record description
     * @param authAddedLatency see the record description
     * @param callTimeout see the record description
     * @param attempts see the record description
     * @param keysMaxAge see the record description
     * @param endpointSlowDelay see the record description
     * @param out see the record description
     */
    public ReplayParameters {
        check(rate >= 1 && rate <= 2000, "--rate must be 1..2000 requests per second: " + rate);
        check(durationSeconds >= 3 && durationSeconds <= 600, "--duration must be 3..600 s: " + durationSeconds);
        check(0 <= incidentStart && incidentStart <= endpointDownAt && endpointDownAt <= incidentEnd
                && incidentEnd <= durationSeconds, "need 0 <= incident start <= endpoint down <= incident end <= duration");
        check(serviceThreads >= 1 && serviceThreads <= 512, "--service-threads must be 1..512");
        check(authWorkers >= 1 && authWorkers <= 256, "--auth-workers must be 1..256");
        check(attempts >= 1 && attempts <= 10, "--attempts must be 1..10");
        check(positiveAtMost(clientDeadline, 30_000) && positiveAtMost(callTimeout, 30_000)
                && positiveAtMost(keysMaxAge, 600_000) && positiveAtMost(endpointSlowDelay, 30_000)
                && !authLatency.isNegative() && authLatency.toMillis() <= 10_000
                && !authAddedLatency.isNegative() && authAddedLatency.toMillis() <= 10_000,
                "durations must be positive and at most a few seconds");
        check(keysMaxAge.toMillis() % 1000 == 0, "--keys-max-age must be whole seconds");
    }

    /**
     * Tells whether the command line asks for the usage text instead of a run.
     *
     * @param args the command line
     * @return true when it holds {@code --help} or {@code -h}
     */
    public static boolean isHelpRequest(String... args) {
        return List.of(args).contains("--help") || List.of(args).contains("-h");
    }

    /**
     * The usage text: every option with what it sets and its default.
     *
     * @return lines ending with a line break
     */
    public static String usage() {
        ReplayParameters d = defaults();
        ReplayParameters s = shortRun();
        String[][] options = {
            {"--short", "", "10 s per architecture instead of " + d.durationSeconds + ", phases shortened to match"
                + " (incident " + s.incidentStart + "-" + s.incidentEnd + " s); other options apply on top"},
            {"--rate", "N", "offered load, requests per second, open loop (default " + d.rate + ")"},
            {"--duration", "S", "seconds per architecture (default " + d.durationSeconds + ")"},
            {"--incident-start", "S", "second the incident starts (default " + d.incidentStart + ")"},
            {"--endpoint-down-at", "S", "B: second the key endpoint goes from slow to down (default " + d.endpointDownAt + ")"},
            {"--incident-end", "S", "second the incident ends (default " + d.incidentEnd + ")"},
            {"--service-threads", "N", "request threads of the service, both architectures (default " + d.serviceThreads + ")"},
            {"--client-deadline-ms", "MS", "how long a caller waits before counting a request failed (default "
                + d.clientDeadline.toMillis() + ")"},
            {"--auth-workers", "N", "A: the auth service's worker pool (default " + d.authWorkers + ")"},
            {"--auth-latency-ms", "MS", "A: the auth service's time per call when healthy (default " + d.authLatency.toMillis() + ")"},
            {"--auth-added-latency-ms", "MS", "A: what the incident adds to each call (default " + d.authAddedLatency.toMillis() + ")"},
            {"--call-timeout-ms", "MS", "A: the service's timeout per auth call (default " + d.callTimeout.toMillis() + ")"},
            {"--attempts", "N", "A: calls per request at most, 1 + retries (default " + d.attempts + ")"},
            {"--keys-max-age-s", "S", "B: the key endpoint's Cache-Control max-age (default " + d.keysMaxAge.toSeconds() + ")"},
            {"--endpoint-slow-delay-ms", "MS", "B: how long the slow key endpoint stalls each fetch (default "
                + d.endpointSlowDelay.toMillis() + ")"},
            {"--out", "DIR", "where replay.csv and replay.svg go (default " + d.out + ")"},
            {"--help", "", "print this text and exit"},
        };
        StringBuilder text = new StringBuilder("usage: Replay [--short] [--OPTION VALUE]...\n"
                + "The incident replay: the same load and incident against (A) a central auth service and (B) nohop.\n");
        for (String[] option : options) {
            text.append(String.format("  %-31s %s%n", option[0] + (option[1].isEmpty() ? "" : " " + option[1]), option[2]));
        }
        return text.append("Through Maven: mvn -q -Pdemo -DskipTests verify -Ddemo.mainClass=io.nohop.examples.replay.Replay"
                + " -Dexec.args=\"--short --rate 100\"\n").toString();
    }

    /**
     * Reads {@code --name value} options over the defaults ({@code --short} first switches to the short run).
     *
     * @param args the command line
     * @return the parameters
     * @throws IllegalArgumentException on an unknown option or a bad value
     */
    public static ReplayParameters parse(String... args) {
        List<String> list = new ArrayList<>(List.of(args));
        list.removeIf(String::isBlank);
        ReplayParameters p = list.remove("--short") ? shortRun() : defaults();
        if (list.size() % 2 != 0) {
            throw new IllegalArgumentException("options take one value each: " + list);
        }
        int rate = p.rate;
        int duration = p.durationSeconds;
        int start = p.incidentStart;
        int down = p.endpointDownAt;
        int end = p.incidentEnd;
        int serviceThreads = p.serviceThreads;
        Duration deadline = p.clientDeadline;
        int authWorkers = p.authWorkers;
        Duration authLatency = p.authLatency;
        Duration added = p.authAddedLatency;
        Duration callTimeout = p.callTimeout;
        int attempts = p.attempts;
        Duration maxAge = p.keysMaxAge;
        Duration slow = p.endpointSlowDelay;
        Path out = p.out;
        for (int i = 0; i < list.size(); i += 2) {
            String name = list.get(i);
            String value = list.get(i + 1);
            switch (name) {
                case "--rate" -> rate = integer(name, value);
                case "--duration" -> duration = integer(name, value);
                case "--incident-start" -> start = integer(name, value);
                case "--endpoint-down-at" -> down = integer(name, value);
                case "--incident-end" -> end = integer(name, value);
                case "--service-threads" -> serviceThreads = integer(name, value);
                case "--client-deadline-ms" -> deadline = Duration.ofMillis(integer(name, value));
                case "--auth-workers" -> authWorkers = integer(name, value);
                case "--auth-latency-ms" -> authLatency = Duration.ofMillis(integer(name, value));
                case "--auth-added-latency-ms" -> added = Duration.ofMillis(integer(name, value));
                case "--call-timeout-ms" -> callTimeout = Duration.ofMillis(integer(name, value));
                case "--attempts" -> attempts = integer(name, value);
                case "--keys-max-age-s" -> maxAge = Duration.ofSeconds(integer(name, value));
                case "--endpoint-slow-delay-ms" -> slow = Duration.ofMillis(integer(name, value));
                case "--out" -> out = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        return new ReplayParameters(rate, duration, start, down, end, serviceThreads, deadline, authWorkers,
                authLatency, added, callTimeout, attempts, maxAge, slow, out);
    }

    /**
     * The options that repeat this run.
     *
     * @return a command-line fragment
     */
    public String asOptions() {
        return "--rate " + rate + " --duration " + durationSeconds + " --incident-start " + incidentStart
                + " --endpoint-down-at " + endpointDownAt + " --incident-end " + incidentEnd
                + " --service-threads " + serviceThreads + " --client-deadline-ms " + clientDeadline.toMillis()
                + " --auth-workers " + authWorkers + " --auth-latency-ms " + authLatency.toMillis()
                + " --auth-added-latency-ms " + authAddedLatency.toMillis() + " --call-timeout-ms " + callTimeout.toMillis()
                + " --attempts " + attempts + " --keys-max-age-s " + keysMaxAge.toSeconds()
                + " --endpoint-slow-delay-ms " + endpointSlowDelay.toMillis() + " --out " + out;
    }

    /**
     * The auth service's capacity in calls per second, healthy and during the incident.
     *
     * @param incident whether the added latency applies
     * @return workers divided by time per call
     */
    public double authCapacity(boolean incident) {
        double seconds = (authLatency.toNanos() + (incident ? authAddedLatency.toNanos() : 0)) / 1e9;
        return seconds <= 0 ? Double.POSITIVE_INFINITY : authWorkers / seconds;
    }

    private static int integer(String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs a whole number: '" + value + "'", e);
        }
    }

    private static boolean positiveAtMost(Duration d, long maxMillis) {
        return !d.isNegative() && !d.isZero() && d.toMillis() <= maxMillis;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
