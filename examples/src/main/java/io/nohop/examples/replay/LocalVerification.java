package io.nohop.examples.replay;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.nohop.core.TokenRejectedException;
import io.nohop.core.TokenVerifier;
import io.nohop.examples.OrdersService;
import io.nohop.keys.server.StorePublication;
import io.nohop.keys.SigningKeyStore;
import io.nohop.keys.server.JwksServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Architecture B: every request is verified in memory by a nohop {@link TokenVerifier} with keys
 * cached from a key endpoint. The endpoint is a real {@link JwksServer} behind a small fault-injecting
 * front on loopback, which the incident first makes slow (each fetch stalls longer than the
 * verifier's fetch timeout) and then takes down (connections refused), and finally brings back on the
 * same port.
 */
final class LocalVerification implements Architecture {
    private final ReplayParameters p;
    private final JwksServer keys;
    private final HttpClient frontClient;
    private final ExecutorService frontClientThreads;
    private final SecondCounter calls;
    private final InetSocketAddress frontAddress;
    private final TokenVerifier verifier;
    private volatile long stallNanos;
    private HttpServer front;
    private ExecutorService frontWorkers;

    LocalVerification(ReplayParameters p, SigningKeyStore store, String issuer, String audience) throws Exception {
        this.p = p;
        this.calls = new SecondCounter(p.durationSeconds() + 5);
        this.keys = JwksServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                StorePublication.of(store), new JwksServer.Settings().maxAge(p.keysMaxAge()).threads(2));
        this.frontClientThreads = Executors.newFixedThreadPool(2, DaemonThreads.named("key-front-client"));
        this.frontClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(frontClientThreads)
                .connectTimeout(Duration.ofSeconds(1)).build();
        startFront(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.frontAddress = front.getAddress();
        URI jwksUri = URI.create(OrdersService.httpUrl(frontAddress) + JwksServer.JWKS_PATH);
        this.verifier = TokenVerifier.builder()
                .jwksUri(jwksUri)
                .issuer(issuer)
                .audience(audience)
                .requiredType("at+jwt")
                // Refresh bounds shrunk so that a 30-second run sees several refreshes and retries.
                .minRefreshInterval(Duration.ofMillis(500))
                .defaultRefreshInterval(p.keysMaxAge())
                .maxRefreshInterval(p.keysMaxAge())
                .initialRetryDelay(Duration.ofMillis(250))
                .connectTimeout(Duration.ofMillis(500))
                .fetchTimeout(Duration.ofSeconds(1))
                .maxStaleness(Duration.ofMinutes(5))
                .build();
        if (!verifier.awaitKeys(Duration.ofSeconds(10))) {
            close();
            throw new IllegalStateException("B: the verifier got no keys from " + jwksUri + " within 10 s");
        }
    }

    private synchronized void startFront(InetSocketAddress address) throws IOException {
        HttpServer server = HttpServer.create(address, 64);
        ExecutorService pool = Executors.newFixedThreadPool(4, DaemonThreads.named("key-front"));
        server.setExecutor(task -> {
            calls.record();
            pool.execute(task);
        });
        server.createContext("/", this::forward);
        server.start();
        front = server;
        frontWorkers = pool;
    }

    private synchronized void stopFront() {
        if (front != null) {
            front.stop(0);
            frontWorkers.shutdownNow();
            front = null;
            frontWorkers = null;
        }
    }

    /** Passes the request to the real endpoint after the stall, keeping the caching headers both ways. */
    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                TimeUnit.NANOSECONDS.sleep(stallNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(keys.boundUrl()
                    + exchange.getRequestURI().getRawPath())).timeout(Duration.ofSeconds(2)).GET();
            String ifNoneMatch = exchange.getRequestHeaders().getFirst("If-None-Match");
            if (ifNoneMatch != null) {
                request.header("If-None-Match", ifNoneMatch);
            }
            HttpResponse<byte[]> response;
            try {
                response = frontClient.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            for (String name : List.of("Content-Type", "Cache-Control", "ETag")) {
                response.headers().firstValue(name).ifPresent(v -> exchange.getResponseHeaders().set(name, v));
            }
            byte[] body = response.body();
            if (response.statusCode() == 304 || body.length == 0) {
                exchange.sendResponseHeaders(response.statusCode(), -1);
            } else {
                exchange.sendResponseHeaders(response.statusCode(), body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    @Override
    public String name() {
        return "B";
    }

    @Override
    public String description() {
        return "every request is verified in memory by nohop; keys cached from a key endpoint (max-age "
                + p.keysMaxAge().toSeconds() + " s) that stalls " + p.endpointSlowDelay().toMillis()
                + " ms per fetch, then goes down";
    }

    @Override
    public boolean authenticate(String token) {
        try {
            verifier.verify(token);
            return true;
        } catch (TokenRejectedException e) {
            return false;
        }
    }

    @Override
    public void incidentStarts() {
        stallNanos = p.endpointSlowDelay().toNanos();
    }

    @Override
    public void endpointGoesDown() {
        stopFront();
    }

    @Override
    public void incidentEnds() {
        stallNanos = 0;
        try {
            startFront(frontAddress);
        } catch (IOException e) {
            throw new IllegalStateException("B: cannot bring the key endpoint back on " + frontAddress, e);
        }
    }

    @Override
    public SecondCounter upstreamCalls() {
        return calls;
    }

    @Override
    public String keyStatus() {
        return verifier.health().status().name();
    }

    @Override
    public void close() {
        verifier.close();
        stopFront();
        keys.close();
        frontClientThreads.shutdownNow();
    }
}
