package io.nohop.examples.dashboard;

import ch.qos.logback.classic.Level;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nohop.core.TokenVerifier;
import io.nohop.core.micrometer.VerifierMetrics;
import io.nohop.examples.Demo;
import io.nohop.examples.OrdersService;
import io.nohop.keys.KeyRecord;
import io.nohop.keys.RotationRequest;
import io.nohop.keys.SigningKeyStore;
import io.nohop.keys.StoreConfig;
import io.nohop.keys.TokenIssuer;
import io.nohop.keys.TokenRequest;
import io.nohop.keys.server.JwksServer;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The run behind {@code docs/dashboards/nohop.png}: the demo's story (an orders service verifying
 * every request in memory; rotation, an endpoint outage, revocation, made-up kids), stretched to
 * about five minutes and under steady load, with the service's verifier metrics exposed for
 * Prometheus to scrape ({@code GET /metrics}).
 *
 * <p>The key endpoint is {@code nohop serve} from the jar, in its own process, so that the endpoint's
 * own metrics are scraped too when the jar has {@code serve --admin-bind} (pass its arguments with
 * {@code --serve-admin-args}). Timings are shrunk from production: the endpoint's max-age and the
 * verifier's max refresh interval are 5 s, its maxStaleness 60 s, the publish lead 15 s.
 *
 * <pre>
 * java -cp … io.nohop.examples.dashboard.DashboardRun --nohop-jar keys/target/nohop.jar
 *      [--metrics-port N] [--seconds 300] [--serve-admin-args "--admin-bind 127.0.0.1:9464"]
 * </pre>
 *
 * <p>Prints one line per phase with its offset from the start, and {@code run: START END} (epoch
 * seconds) last, for the renderer. Exits 0 when it ran to the end.
 */
public final class DashboardRun {
    static final Duration MAX_AGE = Duration.ofSeconds(5);
    static final Duration MAX_STALENESS = Duration.ofSeconds(60);
    static final Duration PUBLISH_LEAD = Duration.ofSeconds(15);
    static final String ISSUER = "https://auth.example";
    // Requests per second of each kind.
    static final int GENUINE_PER_SECOND = 30;
    static final int FLOOD_PER_SECOND = 100;

    // Seconds the load runs before the scenario's clock starts: JIT warm-up, kept out of the recording.
    static final int WARM_UP_SECONDS = 15;

    private final PrintStream out;
    private long start = System.nanoTime();

    private DashboardRun(PrintStream out) {
        this.out = out;
    }

    /**
     * Runs the scenario.
     *
     * @param args {@code --nohop-jar PATH} (required), {@code --metrics-port N} (default 0: any free
     *     port, printed), {@code --seconds N} (default 300), {@code --serve-admin-args "…"}
     * @throws Exception if a component cannot start
     */
    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.nohop")).setLevel(Level.ERROR);
        Path jar = null;
        int metricsPort = 0;
        int seconds = 300;
        List<String> adminArgs = List.of();
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--nohop-jar" -> jar = Path.of(required(args[i], value));
                case "--metrics-port" -> metricsPort = Integer.parseInt(required(args[i], value));
                case "--seconds" -> seconds = Integer.parseInt(required(args[i], value));
                case "--serve-admin-args" -> adminArgs = Arrays.stream(required(args[i], value).trim().split("\\s+"))
                        .filter(s -> !s.isEmpty()).toList();
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
            i++;
        }
        if (jar == null || !Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("--nohop-jar must name the built keys/target/nohop.jar: " + jar);
        }
        if (seconds < 280) {
            throw new IllegalArgumentException("--seconds must be at least 280 (the scenario's last phase): " + seconds);
        }
        new DashboardRun(System.out).run(jar, metricsPort, seconds, adminArgs);
    }

    private static String required(String flag, String value) {
        if (value == null) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return value;
    }

    private void run(Path jar, int metricsPort, int seconds, List<String> adminArgs) throws Exception {
        Path dir = Files.createTempDirectory("nohop-dashboard-run-");
        char[] passphrase = randomPassphrase();
        List<AutoCloseable> open = new ArrayList<>();
        try {
            SigningKeyStore store = SigningKeyStore.create(dir.resolve("store"), StoreConfig.builder().issuer(ISSUER)
                    .refreshBound(MAX_AGE).publishLead(PUBLISH_LEAD).clockSkew(Duration.ofSeconds(5))
                    .maxTokenLifetime(Duration.ofMinutes(30)).rotationPeriod(Duration.ofHours(1)).build(),
                    passphrase, Clock.systemUTC());
            String firstKid = store.snapshot().records().get(0).kid();
            TokenIssuer issuer = TokenIssuer.create(store, passphrase, Clock.systemUTC(), Duration.ofMillis(200));
            open.add(issuer);

            Endpoint endpoint = new Endpoint(jar, dir.resolve("store"), adminArgs);
            open.add(endpoint);
            endpoint.start(0);
            URI jwksUri = URI.create(endpoint.url + JwksServer.JWKS_PATH);

            PrometheusMeterRegistry registry = registry();
            VerifierMetrics metrics = new VerifierMetrics(registry);
            TokenVerifier verifier = OrdersService.verifierFor(jwksUri, ISSUER)
                    .clockSkew(Duration.ofSeconds(5))
                    .minRefreshInterval(Duration.ofSeconds(1))
                    .maxRefreshInterval(MAX_AGE)
                    .initialRetryDelay(Duration.ofMillis(500))
                    .connectTimeout(Duration.ofSeconds(2))
                    .fetchTimeout(Duration.ofSeconds(5))
                    .maxStaleness(MAX_STALENESS)
                    .listener(metrics)
                    .build();
            OrdersService service = OrdersService.start(verifier);
            open.add(0, service);
            HttpServer metricsServer = metricsServer(registry, metricsPort);
            open.add(0, () -> metricsServer.stop(0));
            if (!verifier.awaitKeys(Duration.ofSeconds(30))) {
                throw new IllegalStateException("the service got no keys from " + jwksUri);
            }
            say("setup", "key endpoint (nohop serve, pid " + endpoint.pid() + ") " + endpoint.url
                    + (endpoint.adminArgs.isEmpty() ? "" : " " + String.join(" ", endpoint.adminArgs))
                    + "; orders service " + service.ordersUri() + "; metrics http://127.0.0.1:"
                    + metricsServer.getAddress().getPort() + "/metrics");

            Load load = new Load(service.ordersUri(), issuer);
            open.add(0, load);
            load.start();
            say("warm-up", WARM_UP_SECONDS + " s of load before the clock starts");
            at(WARM_UP_SECONDS);
            start = System.nanoTime();
            long runStart = Instant.now().getEpochSecond();
            say("steady", GENUINE_PER_SECOND + " genuine requests/s; 1/s each: expired, other audience, bad signature,"
                    + " and a token of the first key");

            at(20);
            load.flood(true);
            say("flood", FLOOD_PER_SECOND + " requests/s with made-up kids (unknown_key; refreshes they ask for are rate-limited)");
            at(45);
            load.flood(false);
            say("flood", "over");

            at(60);
            KeyRecord next = store.rotate(RotationRequest.standard(), passphrase).orElseThrow();
            say("rotate", "new key " + next.kid().substring(0, 8) + " published, signs from " + next.activateAt()
                    + " (lead " + PUBLISH_LEAD.toSeconds() + " s)");

            at(100);
            endpoint.stop();
            say("outage", "key endpoint stopped: STALE after the max-age, DOWN (503 keys_unavailable) "
                    + MAX_STALENESS.toSeconds() + " s after the last confirmation");

            at(240);
            endpoint.start(endpoint.port);
            say("recover", "key endpoint back on port " + endpoint.port);

            at(265);
            store.revoke(firstKid, Optional.of("dashboard run"), false, passphrase);
            say("revoke", "first key " + firstKid.substring(0, 8) + " revoked: its tokens get unknown_key after the next refresh");

            at(seconds);
            load.close();
            long runEnd = Instant.now().getEpochSecond();
            say("done", "load stopped");
            out.println("run: " + runStart + " " + runEnd);
        } finally {
            for (AutoCloseable c : open) {
                try {
                    c.close();
                } catch (Exception e) {
                    out.println("while stopping: " + e);
                }
            }
            Arrays.fill(passphrase, '\0');
            Demo.deleteRecursively(dir);
        }
    }

    /**
     * The registry as a service would set it up: Prometheus format, and a percentile histogram for
     * verification times with buckets from 1 µs, so that a p99 in microseconds can be computed (the
     * default timer buckets start at 1 ms); bucket boundaries at the README's objectives.
     */
    private static PrometheusMeterRegistry registry() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (!id.getName().equals("nohop.verifications")) {
                    return config;
                }
                return DistributionStatisticConfig.builder()
                        .percentilesHistogram(true)
                        .minimumExpectedValue((double) TimeUnit.MICROSECONDS.toNanos(1))
                        .maximumExpectedValue((double) TimeUnit.SECONDS.toNanos(1))
                        .serviceLevelObjectives(nanos(250), nanos(2_500), nanos(3_000), nanos(4_000), nanos(7_000))
                        .build().merge(config);
            }
        });
        return registry;
    }

    private static double nanos(long micros) {
        return TimeUnit.MICROSECONDS.toNanos(micros);
    }

    /**
     * The configured bounds as gauges, under the names the alert rules use. VerifierMetrics registers
     * them itself once issue 13's metrics land; Micrometer then keeps its gauges and ignores these.
     */
    private static HttpServer metricsServer(PrometheusMeterRegistry registry, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        server.createContext("/metrics", exchange -> {
            try (exchange) {
                byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream o = exchange.getResponseBody()) {
                    o.write(body);
                }
            }
        });
        server.start();
        return server;
    }

    /** Waits (on the real clock: the scenario is wall-clock time for Prometheus) until an offset. */
    private void at(int second) {
        long target = start + TimeUnit.SECONDS.toNanos(second);
        long left;
        while ((left = target - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    private void say(String phase, String text) {
        out.printf("%6.1fs  %-8s %s%n", (System.nanoTime() - start) / 1e9, phase, text);
    }

    private static char[] randomPassphrase() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).toCharArray();
    }

    /** {@code nohop serve} in its own process; stopped with SIGTERM, started again on the same port. */
    private static final class Endpoint implements AutoCloseable {
        private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+):(\\d+)");
        private final Path jar;
        private final Path store;
        private final List<String> adminArgs;
        private Process process;
        String url;
        int port;

        Endpoint(Path jar, Path store, List<String> adminArgs) {
            this.jar = jar;
            this.store = store;
            this.adminArgs = adminArgs;
        }

        void start(int wanted) throws IOException {
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> command = new ArrayList<>(List.of(java, "-jar", jar.toString(), "serve", "--store",
                    store.toString(), "--bind", "127.0.0.1", "--port", Integer.toString(wanted), "--max-age",
                    MAX_AGE.toSeconds() + "s"));
            command.addAll(adminArgs);
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String first = stdout.readLine();
            Matcher m = first == null ? null : LISTENING.matcher(first);
            if (m == null || !m.find()) {
                process.destroyForcibly();
                throw new IOException("nohop serve did not start: " + first);
            }
            port = Integer.parseInt(m.group(2));
            url = m.group(1) + ":" + port;
            // Keep reading so that the process never blocks on a full pipe.
            Thread drain = new Thread(() -> {
                try {
                    while (stdout.readLine() != null) {
                        // discarded
                    }
                } catch (IOException e) {
                    // the process ended
                }
            }, "serve-stdout");
            drain.setDaemon(true);
            drain.start();
        }

        long pid() {
            return process.pid();
        }

        void stop() throws InterruptedException {
            if (process != null) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
                process = null;
            }
        }

        @Override
        public void close() {
            try {
                stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Open-loop requests to the orders service: genuine tokens, a few bad ones, and on demand a flood of made-up kids. */
    private static final class Load implements AutoCloseable {
        private final URI orders;
        private final TokenIssuer issuer;
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemon("load-timer"));
        private final ExecutorService clientThreads = Executors.newFixedThreadPool(4, daemon("load-client"));
        private final HttpClient http;
        private final AtomicReference<String> genuine = new AtomicReference<>();
        private final AtomicReference<String> expired = new AtomicReference<>();
        private final AtomicReference<String> otherAudience = new AtomicReference<>();
        private final AtomicReference<String> forged = new AtomicReference<>();
        private final String firstKeyToken;
        private final RSAKey attacker;
        private final SecureRandom random = new SecureRandom();
        private volatile boolean flooding;

        Load(URI orders, TokenIssuer issuer) throws Exception {
            this.orders = orders;
            this.issuer = issuer;
            this.http = HttpClient.newBuilder().executor(clientThreads).connectTimeout(Duration.ofSeconds(1)).build();
            this.attacker = new RSAKeyGenerator(2048).generate();
            this.firstKeyToken = issuer.issue(request("frank", OrdersService.AUDIENCE, Duration.ofMinutes(30)));
            refreshTokens();
            // A token that expires in a second, kept: past exp + skew it is an expired token.
            expired.set(issuer.issue(request("erin", OrdersService.AUDIENCE, Duration.ofSeconds(1))));
        }

        void start() {
            timer.scheduleAtFixedRate(this::tick, 0, 1_000_000 / GENUINE_PER_SECOND, TimeUnit.MICROSECONDS);
            timer.scheduleAtFixedRate(this::everySecond, 1, 1, TimeUnit.SECONDS);
            timer.scheduleAtFixedRate(this::floodTick, 0, 1_000_000 / FLOOD_PER_SECOND, TimeUnit.MICROSECONDS);
        }

        void flood(boolean on) {
            flooding = on;
        }

        private void tick() {
            send(genuine.get());
        }

        private void everySecond() {
            try {
                refreshTokens();
            } catch (Exception e) {
                // No key signs for a moment, or the store is busy: keep the previous tokens.
            }
            send(expired.get());
            send(otherAudience.get());
            send(forged.get());
            send(firstKeyToken);
        }

        private void floodTick() {
            if (flooding) {
                send(madeUpKid(genuine.get()));
            }
        }

        private void refreshTokens() throws Exception {
            genuine.set(issuer.issue(request("alice", OrdersService.AUDIENCE, Duration.ofMinutes(5))));
            otherAudience.set(issuer.issue(request("bob", "billing", Duration.ofMinutes(5))));
            forged.set(forge(genuine.get()));
        }

        private void send(String token) {
            if (token == null) {
                return;
            }
            HttpRequest request = HttpRequest.newBuilder(orders).timeout(Duration.ofSeconds(5))
                    .header("Authorization", "Bearer " + token).GET().build();
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        }

        private String forge(String token) throws ParseException, JOSEException {
            SignedJWT original = SignedJWT.parse(token);
            SignedJWT forgedJwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256)
                    .keyID(original.getHeader().getKeyID()).type(new JOSEObjectType("at+jwt")).build(),
                    original.getJWTClaimsSet());
            forgedJwt.sign(new RSASSASigner(attacker));
            return forgedJwt.serialize();
        }

        /** The genuine token's payload and signature under a header naming a kid nobody published. */
        private String madeUpKid(String token) {
            byte[] kid = new byte[16];
            random.nextBytes(kid);
            String header = "{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\""
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(kid) + "\"}";
            return Base64.getUrlEncoder().withoutPadding().encodeToString(header.getBytes(StandardCharsets.UTF_8))
                    + token.substring(token.indexOf('.'));
        }

        private static TokenRequest request(String subject, String audience, Duration ttl) {
            return TokenRequest.builder().subject(subject).audience(audience).ttl(ttl).claim("scope", "orders:read").build();
        }

        @Override
        public void close() {
            timer.shutdownNow();
            clientThreads.shutdownNow();
            try {
                timer.awaitTermination(5, TimeUnit.SECONDS);
                clientThreads.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static java.util.concurrent.ThreadFactory daemon(String name) {
            return r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            };
        }
    }
}
