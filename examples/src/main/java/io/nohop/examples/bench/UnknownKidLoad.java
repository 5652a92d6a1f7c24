package io.nohop.examples.bench;

import com.sun.net.httpserver.HttpServer;
import io.nohop.core.RejectionReason;
import io.nohop.core.TokenRejectedException;
import io.nohop.core.TokenVerifier;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The unknown-kid path under load, against a JWKS endpoint on loopback that answers as Spring
 * Authorization Server does ({@code Cache-Control: no-cache, no-store, max-age=0, must-revalidate})
 * after a configurable delay (a remote issuer's latency), with real time and the verifier's own threads:
 * <ul>
 *   <li>{@code flood}: threads verifying tokens with made-up kids (a new kid per call), in one-second
 *       slices alternating between a verifier with the default wait and one with
 *       {@code waitForUnknownKid(0)} (so that both see the same background load); reports rejections
 *       per second, the latency distribution of one rejection, the requests that took at least 1 ms and
 *       the thread time in them, and the fetches each endpoint saw;</li>
 *   <li>{@code accept}: trials of an issuer that adds a key and signs with it at once, right after the
 *       verifier's first fetch (the worst moment): whether the key's first token was accepted, and the
 *       time from that first token to the first accepted one (a new verifier per trial).</li>
 * </ul>
 * Both run with the builder's default unknown-kid wait and with {@code waitForUnknownKid(0)}.
 * Not a JMH benchmark: the waits and fetches are the point, and they are real I/O on real threads.
 *
 * <pre>java -cp examples/target/benchmarks.jar io.nohop.examples.bench.UnknownKidLoad \
 *     [floodSecondsPerMode=10] [threads=8] [latencyMs=50] [floodMinRefreshMs=1000] [acceptTrials=10]</pre>
 */
public final class UnknownKidLoad {
    private static final String ALGORITHM = "ES256";

    static {
        // Headers and body go out in separate writes: without TCP_NODELAY every answer with a body waits
        // ~40 ms for a delayed ACK, which would be measured as fetch time.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private UnknownKidLoad() {
    }

    /**
     * Runs the flood (both modes interleaved) and the accept trials (each mode) and prints the figures.
     *
     * @param args optional, in order: flood seconds per mode, flood threads, endpoint delay (ms) for every fetch
     *             after the first, the flood verifier's minimum refresh interval (ms), accept trials
     * @throws Exception if the endpoint cannot start or keys cannot be made
     */
    public static void main(String[] args) throws Exception {
        int seconds = arg(args, 0, 10);
        int threads = arg(args, 1, 8);
        int latencyMs = arg(args, 2, 50);
        int floodMinRefreshMs = arg(args, 3, 1000);
        int trials = arg(args, 4, 10);
        System.out.printf(Locale.ROOT, "java %s, %d cores; endpoint delay %d ms per fetch after the first%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), latencyMs);
        floods(seconds, threads, latencyMs, Duration.ofMillis(floodMinRefreshMs));
        accept("default wait", true, trials, latencyMs);
        accept("waitForUnknownKid(0)", false, trials, latencyMs);
    }

    private static int arg(String[] args, int i, int otherwise) {
        return args.length > i ? Integer.parseInt(args[i]) : otherwise;
    }

    private static void floods(int seconds, int threads, int latencyMs, Duration minRefresh) throws Exception {
        KeyPair pair = BenchTokens.newKeyPair(ALGORITHM);
        String jwk = BenchTokens.jwk(ALGORITHM, "genuine", pair.getPublic());
        String genuine = token(pair, "genuine");
        String rest = genuine.substring(genuine.indexOf('.'));
        String[] modes = {"default wait", "waitForUnknownKid(0)"};
        Endpoint[] endpoints = {new Endpoint(latencyMs), new Endpoint(latencyMs)};
        TokenVerifier[] verifiers = new TokenVerifier[2];
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int m = 0; m < 2; m++) {
                endpoints[m].publish(jwk);
                verifiers[m] = builder(endpoints[m], m == 0).minRefreshInterval(minRefresh).build();
                if (!verifiers[m].awaitKeys(Duration.ofSeconds(10))) {
                    throw new IllegalStateException("no keys from the loopback endpoint");
                }
            }
            int[] fetchesBefore = {endpoints[0].fetches.get(), endpoints[1].fetches.get()};
            Histogram[] histograms = {new Histogram(), new Histogram()};
            long[] wallNanos = new long[2];
            // One-second slices, the two modes alternating (and alternating which goes first), so that both
            // see the same background load on a shared machine.
            for (int round = 0; round < seconds; round++) {
                for (int k = 0; k < 2; k++) {
                    int m = (round + k) % 2;
                    long start = System.nanoTime();
                    long deadline = start + TimeUnit.SECONDS.toNanos(1);
                    List<Future<Histogram>> results = new ArrayList<>();
                    for (int t = 0; t < threads; t++) {
                        String prefix = "flood-" + round + "-" + t + "-";
                        TokenVerifier verifier = verifiers[m];
                        results.add(pool.submit(() -> floodThread(verifier, prefix, rest, deadline)));
                    }
                    for (Future<Histogram> f : results) {
                        histograms[m].add(f.get());
                    }
                    wallNanos[m] += System.nanoTime() - start;
                }
            }
            for (int m = 0; m < 2; m++) {
                Histogram all = histograms[m];
                double took = wallNanos[m] / 1e9;
                System.out.printf(Locale.ROOT, "flood  %-22s %d threads, %.1f s, minRefresh %d ms: %,d rejections "
                                + "(%,.0f/s), %d fetches; per request p50 %s, p99 %s, p99.9 %s, max %s; %,d took >= 1 ms, "
                                + "%.2f thread-s in them%s%n", modes[m], threads, took, minRefresh.toMillis(), all.count,
                        all.count / took, endpoints[m].fetches.get() - fetchesBefore[m], micros(all.percentile(0.50)),
                        micros(all.percentile(0.99)), micros(all.percentile(0.999)), micros(all.max),
                        all.atLeast(1_000_000), all.slowNanos / 1e9,
                        all.errors > 0 ? "; " + all.errors + " NOT unknown_key" : "");
            }
        } finally {
            pool.shutdown();
            for (int m = 0; m < 2; m++) {
                if (verifiers[m] != null) {
                    verifiers[m].close();
                }
                endpoints[m].close();
            }
        }
    }

    private static Histogram floodThread(TokenVerifier verifier, String prefix, String rest, long deadline) {
        Histogram h = new Histogram();
        for (int i = 0; System.nanoTime() < deadline; i++) {
            String header = "{\"alg\":\"" + ALGORITHM + "\",\"typ\":\"" + BenchTokens.TYPE + "\",\"kid\":\""
                    + prefix + i + "\"}";
            String token = B64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + rest;
            long t0 = System.nanoTime();
            try {
                verifier.verify(token);
                h.errors++;
            } catch (TokenRejectedException e) {
                if (e.reason() != RejectionReason.UNKNOWN_KEY) {
                    h.errors++;
                }
            }
            h.record(System.nanoTime() - t0);
        }
        return h;
    }

    private static void accept(String mode, boolean waits, int trials, int latencyMs) throws Exception {
        int acceptedAtFirstSight = 0;
        long[] toAccept = new long[trials];
        for (int trial = 0; trial < trials; trial++) {
            KeyPair old = BenchTokens.newKeyPair(ALGORITHM);
            KeyPair added = BenchTokens.newKeyPair(ALGORITHM);
            try (Endpoint endpoint = new Endpoint(latencyMs)) {
                String oldJwk = BenchTokens.jwk(ALGORITHM, "old", old.getPublic());
                endpoint.publish(oldJwk);
                try (TokenVerifier verifier = builder(endpoint, waits).build()) {
                    if (!verifier.awaitKeys(Duration.ofSeconds(10))) {
                        throw new IllegalStateException("no keys from the loopback endpoint");
                    }
                    // The issuer adds a key and signs with it at once, right after the verifier's fetch.
                    endpoint.publish(oldJwk, BenchTokens.jwk(ALGORITHM, "added-" + trial, added.getPublic()));
                    String token = token(added, "added-" + trial);
                    long firstSight = System.nanoTime();
                    boolean first = true;
                    while (true) {
                        try {
                            verifier.verify(token);
                            break;
                        } catch (TokenRejectedException e) {
                            if (e.reason() != RejectionReason.UNKNOWN_KEY
                                    || System.nanoTime() - firstSight > TimeUnit.SECONDS.toNanos(60)) {
                                throw e;
                            }
                            first = false;
                            Thread.onSpinWait();
                        }
                    }
                    toAccept[trial] = System.nanoTime() - firstSight;
                    if (first) {
                        acceptedAtFirstSight++;
                    }
                }
            }
        }
        Arrays.sort(toAccept);
        System.out.printf(Locale.ROOT, "accept %-22s %d trials: first token accepted in %d; first token to first "
                        + "acceptance: min %s, median %s, max %s%n", mode, trials, acceptedAtFirstSight,
                millis(toAccept[0]), millis(toAccept[trials / 2]), millis(toAccept[trials - 1]));
    }

    private static TokenVerifier.Builder builder(Endpoint endpoint, boolean waits) {
        TokenVerifier.Builder b = TokenVerifier.builder().jwksUri(endpoint.uri()).issuer(BenchTokens.ISSUER)
                .audience(BenchTokens.AUDIENCE);
        return waits ? b : b.waitForUnknownKid(Duration.ZERO);
    }

    /** A token valid now (the benchmark fixtures' clock is fixed; this load uses the real one). */
    private static String token(KeyPair pair, String kid) throws GeneralSecurityException {
        long now = System.currentTimeMillis() / 1000;
        String claims = "{\"iss\":\"" + BenchTokens.ISSUER + "\",\"sub\":\"load\",\"aud\":\"" + BenchTokens.AUDIENCE
                + "\",\"iat\":" + now + ",\"exp\":" + (now + 600) + "}";
        return BenchTokens.sign(ALGORITHM, kid, pair.getPrivate(), claims);
    }

    private static String micros(long nanos) {
        return String.format(Locale.ROOT, "%.1f µs", nanos / 1e3);
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }

    /** A JWKS endpoint on loopback, answering as Spring Authorization Server does, delayed after the first fetch. */
    private static final class Endpoint implements AutoCloseable {
        final AtomicInteger fetches = new AtomicInteger();
        private final AtomicReference<byte[]> body = new AtomicReference<>();
        private final HttpServer server;
        private final ExecutorService handlers = Executors.newCachedThreadPool();

        Endpoint(int latencyMs) throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            server.setExecutor(handlers);
            server.createContext("/jwks.json", exchange -> {
                if (fetches.incrementAndGet() > 1 && latencyMs > 0) {
                    try {
                        Thread.sleep(latencyMs);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                byte[] bytes = body.get();
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.getResponseHeaders().set("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate");
                exchange.sendResponseHeaders(200, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            });
            server.start();
        }

        void publish(String... jwks) {
            body.set(("{\"keys\":[" + String.join(",", jwks) + "]}").getBytes(StandardCharsets.UTF_8));
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json");
        }

        @Override
        public void close() {
            server.stop(0);
            handlers.shutdownNow();
        }
    }

    /** Log-linear latency histogram: 64 buckets per power of two (about 1.6% resolution). */
    private static final class Histogram {
        private static final int SUB = 64;
        private final long[] counts = new long[64 * SUB];
        long count;
        long max;
        long errors;
        long slowNanos;

        void record(long nanos) {
            long v = Math.max(1, nanos);
            int exp = 63 - Long.numberOfLeadingZeros(v);
            int sub = exp < 6 ? (int) (v & (SUB - 1)) : (int) ((v >>> (exp - 6)) & (SUB - 1));
            counts[exp * SUB + sub]++;
            count++;
            if (nanos >= 1_000_000) {
                slowNanos += nanos;
            }
            max = Math.max(max, nanos);
        }

        void add(Histogram other) {
            for (int i = 0; i < counts.length; i++) {
                counts[i] += other.counts[i];
            }
            count += other.count;
            max = Math.max(max, other.max);
            errors += other.errors;
            slowNanos += other.slowNanos;
        }

        long percentile(double p) {
            long rank = (long) Math.ceil(p * count);
            long seen = 0;
            for (int i = 0; i < counts.length; i++) {
                seen += counts[i];
                if (seen >= rank && counts[i] > 0) {
                    return upper(i);
                }
            }
            return max;
        }

        long atLeast(long nanos) {
            long n = 0;
            for (int i = 0; i < counts.length; i++) {
                if (lower(i) >= nanos) {
                    n += counts[i];
                }
            }
            return n;
        }

        private static long lower(int i) {
            int exp = i / SUB;
            int sub = i % SUB;
            return exp < 6 ? sub : (1L << exp) | ((long) sub << (exp - 6));
        }

        private static long upper(int i) {
            int exp = i / SUB;
            return exp < 6 ? lower(i) : lower(i) + (1L << (exp - 6)) - 1;
        }
    }
}
