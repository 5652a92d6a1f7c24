package io.nohop.examples.replay;

import ch.qos.logback.classic.Level;
import io.nohop.core.TokenVerifier;
import io.nohop.examples.Demo;
import io.nohop.keys.SigningKeyStore;
import io.nohop.keys.StoreConfig;
import io.nohop.keys.TokenIssuer;
import io.nohop.keys.TokenRequest;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The incident replay: the same open-loop load, through the same incident timeline, against two
 * architectures on loopback — (A) every request asks a central auth service over HTTP, whose calls get
 * slower mid-run; (B) every request is verified in process by nohop, whose key endpoint gets slow and
 * then goes down mid-run. Prints the parameters, a per-second table and the incident's headline
 * figures, and writes {@code replay.csv} and {@code replay.svg} to the output folder.
 *
 * <p>Options: {@code --short} (10 s per architecture instead of 30), {@code --out DIR} (default
 * {@code target/replay}), and every parameter of {@link ReplayParameters#asOptions()};
 * {@code --help} prints them all ({@link ReplayParameters#usage()}).
 */
public final class Replay {
    private static final String ISSUER = Demo.ISSUER;
    private static final String AUDIENCE = Demo.AUDIENCE;

    private Replay() {
    }

    /**
     * Runs the replay; exits 2 on a bad option.
     *
     * @param args options, see the class comment
     * @throws Exception if a component cannot start or the output cannot be written
     */
    public static void main(String[] args) throws Exception {
        if (ReplayParameters.isHelpRequest(args)) {
            System.out.print(ReplayParameters.usage());
            return;
        }
        ReplayParameters p;
        try {
            p = ReplayParameters.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("replay: " + e.getMessage() + " (see --help)");
            System.exit(2);
            return;
        }
        // Key refresh failures are the point of run B; the table shows them, the log need not repeat them.
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.nohop")).setLevel(Level.ERROR);
        run(p, System.out);
    }

    /**
     * What a run produced.
     *
     * @param a architecture A's measurements
     * @param b architecture B's measurements
     * @param csv the CSV file
     * @param chart the SVG file
     */
    public record Report(LoadRun.Result a, LoadRun.Result b, Path csv, Path chart) {
        /**
         * Share of requests that succeeded in a window.
         *
         * @param architecture "A" or "B"
         * @param fromSecond first second, inclusive
         * @param toSecond last second, exclusive
         * @return 0 to 1
         */
        public double successRate(String architecture, int fromSecond, int toSecond) {
            return result(architecture).window(fromSecond, toSecond).successRate();
        }

        /**
         * Requests that failed over the whole run.
         *
         * @param architecture "A" or "B"
         * @return the count
         */
        public int failed(String architecture) {
            return result(architecture).seconds().stream().mapToInt(LoadRun.Second::failed).sum();
        }

        /**
         * Requests offered in a window.
         *
         * @param architecture "A" or "B"
         * @param fromSecond first second, inclusive
         * @param toSecond last second, exclusive
         * @return the count
         */
        public int offered(String architecture, int fromSecond, int toSecond) {
            return result(architecture).window(fromSecond, toSecond).offered();
        }

        /**
         * Calls that reached the auth service (A) or the key endpoint (B) in a window.
         *
         * @param architecture "A" or "B"
         * @param fromSecond first second, inclusive
         * @param toSecond last second, exclusive
         * @return the count
         */
        public int upstreamCalls(String architecture, int fromSecond, int toSecond) {
            return result(architecture).seconds().subList(fromSecond, toSecond).stream()
                    .mapToInt(LoadRun.Second::upstreamCalls).sum();
        }

        private LoadRun.Result result(String architecture) {
            return switch (architecture) {
                case "A" -> a;
                case "B" -> b;
                default -> throw new IllegalArgumentException("architecture A or B: " + architecture);
            };
        }
    }

    /**
     * Runs A, then B, and writes the CSV and the chart.
     *
     * @param p the parameters
     * @param out where to print
     * @return the measurements and the files written
     * @throws Exception if a component cannot start or the output cannot be written
     */
    public static Report run(ReplayParameters p, PrintStream out) throws Exception {
        Instant began = Instant.now();
        out.println("nohop incident replay, " + began);
        out.println("parameters: " + p.asOptions());
        out.printf(Locale.ROOT, "  load: %d req/s open loop for %d s per architecture; service: %d request threads, "
                + "caller deadline %d ms%n", p.rate(), p.durationSeconds(), p.serviceThreads(), p.clientDeadline().toMillis());
        out.printf(Locale.ROOT, "  incident: seconds %d..%d. A: auth service %d ms -> %d ms per call (capacity %.0f -> %.0f "
                + "calls/s with %d workers). B: key endpoint stalls %d ms per fetch from %d s, down from %d s%n",
                p.incidentStart(), p.incidentEnd(), p.authLatency().toMillis(),
                p.authLatency().plus(p.authAddedLatency()).toMillis(), p.authCapacity(false), p.authCapacity(true),
                p.authWorkers(), p.endpointSlowDelay().toMillis(), p.incidentStart(), p.endpointDownAt());
        // Other work on the machine shows up as latency in both runs: the load average says how much there was.
        out.printf(Locale.ROOT, "  machine: %d cores, load average %.1f, Java %s%n", Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), System.getProperty("java.version"));

        Path dir = Files.createTempDirectory("nohop-replay-");
        LoadRun.Result a;
        LoadRun.Result b;
        try {
            char[] passphrase = randomPassphrase();
            SigningKeyStore store = SigningKeyStore.create(dir.resolve("store"),
                    StoreConfig.builder().issuer(ISSUER).build(), passphrase, Clock.systemUTC());
            List<String> tokens = tokens(store, passphrase);
            String jwks = store.snapshot().jwksJsonAt(Instant.now());

            out.println("running A for " + p.durationSeconds() + " s ...");
            try (TokenVerifier authServiceVerifier = TokenVerifier.builder().jwks(jwks).issuer(ISSUER)
                    .audience(AUDIENCE).requiredType("at+jwt").build();
                 CentralAuthService central = new CentralAuthService(p, authServiceVerifier)) {
                a = LoadRun.run(p, central, tokens);
            }
            out.println("running B for " + p.durationSeconds() + " s ...");
            try (LocalVerification local = new LocalVerification(p, store, ISSUER, AUDIENCE)) {
                b = LoadRun.run(p, local, tokens);
            }
        } finally {
            Demo.deleteRecursively(dir);
        }

        printTable(p, a, b, out);
        Files.createDirectories(p.out());
        Path csv = p.out().resolve("replay.csv");
        Path chart = p.out().resolve("replay.svg");
        Files.writeString(csv, csv(p, a, b), StandardCharsets.UTF_8);
        Files.writeString(chart, ReplayChart.svg(p, a, b), StandardCharsets.UTF_8);
        out.println("wrote " + csv + " and " + chart + " (" + Duration.between(began, Instant.now()).toSeconds()
                + " s in all)");
        return new Report(a, b, csv, chart);
    }

    private static List<String> tokens(SigningKeyStore store, char[] passphrase) throws Exception {
        // Clients hold tokens they got earlier; issuing is not part of what is measured.
        List<String> tokens = new ArrayList<>();
        try (TokenIssuer issuer = TokenIssuer.create(store, passphrase)) {
            for (int i = 0; i < 64; i++) {
                tokens.add(issuer.issue(TokenRequest.builder().subject("user-" + i).audience(AUDIENCE)
                        .ttl(Duration.ofMinutes(30)).build()));
            }
        }
        return tokens;
    }

    private static void printTable(ReplayParameters p, LoadRun.Result a, LoadRun.Result b, PrintStream out) {
        out.println();
        out.println("        |            A: central auth service             |      B: in-process verification (nohop)");
        out.println("  sec   | offered    ok  fail  p50 ms   p99 ms auth calls | offered    ok  fail  p50 ms   p99 ms key calls keys");
        for (int s = 0; s < p.durationSeconds(); s++) {
            LoadRun.Second x = a.seconds().get(s);
            LoadRun.Second y = b.seconds().get(s);
            out.printf(Locale.ROOT, "  %3d %s | %7d %5d %5d %7.2f %8.2f %10d | %7d %5d %5d %7.2f %8.2f %9d %s%n",
                    s, s >= p.incidentStart() && s < p.incidentEnd() ? "*" : " ",
                    x.offered(), x.succeeded(), x.failed(), x.p50Millis(), x.p99Millis(), x.upstreamCalls(),
                    y.offered(), y.succeeded(), y.failed(), y.p50Millis(), y.p99Millis(), y.upstreamCalls(), y.keyStatus());
        }
        out.println("  (* incident; latency is from the scheduled arrival; a request unanswered at the caller's deadline "
                + "counts as failed at the deadline)");
        LoadRun.Window ia = a.window(p.incidentStart(), p.incidentEnd());
        LoadRun.Window ib = b.window(p.incidentStart(), p.incidentEnd());
        int authCalls = a.seconds().subList(p.incidentStart(), p.incidentEnd()).stream()
                .mapToInt(LoadRun.Second::upstreamCalls).sum();
        int keyCalls = b.seconds().subList(p.incidentStart(), p.incidentEnd()).stream()
                .mapToInt(LoadRun.Second::upstreamCalls).sum();
        out.println();
        out.printf(Locale.ROOT, "during the incident (%d s, %d requests each):%n", p.incidentEnd() - p.incidentStart(),
                ia.offered());
        out.printf(Locale.ROOT, "  A: %s succeeded, p50 %s, p99 %s; %d calls reached the auth service (%.2f per request)%n",
                ReplayChart.percent(ia.successRate()), ReplayChart.millis(ia.p50Millis()), ReplayChart.millis(ia.p99Millis()),
                authCalls, ia.offered() == 0 ? 0 : (double) authCalls / ia.offered());
        out.printf(Locale.ROOT, "  B: %s succeeded, p50 %s, p99 %s; %d calls reached the key endpoint%n",
                ReplayChart.percent(ib.successRate()), ReplayChart.millis(ib.p50Millis()), ReplayChart.millis(ib.p99Millis()),
                keyCalls);
        out.printf(Locale.ROOT, "  A after the incident: %s; B after the incident: %s%n",
                recovery(p, a), recovery(p, b));
    }

    private static String recovery(ReplayParameters p, LoadRun.Result r) {
        for (int s = p.incidentEnd(); s < p.durationSeconds(); s++) {
            if (r.seconds().get(s).successRate() >= 0.99) {
                return "back to >= 99% success " + (s - p.incidentEnd()) + " s after the fix";
            }
        }
        return "not back to 99% success by the end of the run";
    }

    static String csv(ReplayParameters p, LoadRun.Result a, LoadRun.Result b) {
        StringBuilder s = new StringBuilder();
        s.append("architecture,second,phase,offered,succeeded,failed,success_rate,p50_ms,p99_ms,upstream_calls,key_status\n");
        for (LoadRun.Result r : List.of(a, b)) {
            for (LoadRun.Second x : r.seconds()) {
                s.append(String.format(Locale.ROOT, "%s,%d,%s,%d,%d,%d,%.4f,%.3f,%.3f,%d,%s%n", r.architecture(),
                        x.second(), x.phase(), x.offered(), x.succeeded(), x.failed(), x.successRate(), x.p50Millis(),
                        x.p99Millis(), x.upstreamCalls(), x.keyStatus()));
            }
        }
        return s.toString();
    }

    private static char[] randomPassphrase() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).toCharArray();
    }
}
