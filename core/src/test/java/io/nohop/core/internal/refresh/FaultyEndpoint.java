package io.nohop.core.internal.refresh;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP server on loopback whose answers the test scripts: key sets (with ETag, 304 on a match,
 * Cache-Control), error statuses, garbage, oversized bodies, a hung endpoint, a slow-drip body, or no
 * server at all ({@link #stop()}: connection refused). Every request is recorded with the test
 * clock's instant.
 */
final class FaultyEndpoint implements AutoCloseable {
    static final String JWKS_PATH = "/jwks.json";
    static final String METADATA_PATH = "/.well-known/openid-configuration";
    private static final String ARRIVED = "arrived";

    static {
        // Headers and body go out in separate writes; without TCP_NODELAY each answer with a body
        // waits ~40 ms for a delayed ACK (Nagle), which would make the property tests crawl.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** One scripted way to answer. */
    @FunctionalInterface
    interface Answer {
        void write(HttpExchange exchange, FaultyEndpoint endpoint) throws IOException;
    }

    /**
     * One request as the server saw it.
     *
     * @param at the test clock when it arrived
     * @param path the request path
     * @param ifNoneMatch the If-None-Match header
     * @param ifModifiedSince the If-Modified-Since header
     * @param accept the Accept header
     * @param status the status answered (0 when none was, e.g. a hang)
     * @param userAgent the User-Agent header
     * @param instance the Nohop-Instance header
     */
    record Request(Instant at, String path, Optional<String> ifNoneMatch, Optional<String> ifModifiedSince,
                   Optional<String> accept, int status, Optional<String> userAgent, Optional<String> instance) {
    }

    private final Clock clock;
    private final HttpServer server;
    private final ExecutorService handlers;
    private final CountDownLatch released = new CountDownLatch(1);
    private final List<Request> requests = new ArrayList<>();
    private volatile Answer jwksAnswer = status(404);
    private volatile Answer metadataAnswer = status(404);
    private volatile boolean stopped;

    FaultyEndpoint(Clock clock) throws IOException {
        this.clock = clock;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.handlers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-endpoint");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        server.start();
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    URI jwksUri() {
        return base().resolve(JWKS_PATH);
    }

    String issuer() {
        return base().toString();
    }

    void answerKeys(Answer answer) {
        jwksAnswer = answer;
    }

    void answerMetadata(Answer answer) {
        metadataAnswer = answer;
    }

    synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    synchronized List<Request> requests(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    /** Closes the listening socket: from now on connections are refused. */
    void stop() {
        if (!stopped) {
            stopped = true;
            released.countDown();
            server.stop(0);
        }
    }

    @Override
    public void close() {
        stop();
        handlers.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        Answer answer = path.equals(JWKS_PATH) ? jwksAnswer : path.equals(METADATA_PATH) ? metadataAnswer : status(404);
        exchange.setAttribute(ARRIVED, clock.instant());
        try {
            answer.write(exchange, this);
        } finally {
            exchange.close();
        }
    }

    /**
     * Records the request, then sends the status line: recorded first, so a test that has seen the
     * answer always sees the record too.
     */
    void respond(HttpExchange exchange, int status, long length) throws IOException {
        record(exchange, status);
        exchange.sendResponseHeaders(status, length);
    }

    /** Records a request that will never be answered. */
    void record(HttpExchange exchange, int status) {
        synchronized (this) {
            requests.add(new Request((Instant) exchange.getAttribute(ARRIVED), exchange.getRequestURI().getPath(),
                    Optional.ofNullable(exchange.getRequestHeaders().getFirst("If-None-Match")),
                    Optional.ofNullable(exchange.getRequestHeaders().getFirst("If-Modified-Since")),
                    Optional.ofNullable(exchange.getRequestHeaders().getFirst("Accept")),
                    status,
                    Optional.ofNullable(exchange.getRequestHeaders().getFirst("User-Agent")),
                    Optional.ofNullable(exchange.getRequestHeaders().getFirst("Nohop-Instance"))));
        }
    }

    // ------------------------------------------------------------ answers

    /** A document with a strong ETag derived from its content; 304 when the request names that ETag. */
    static Answer document(String body, Map<String, String> headers) {
        String etag = "\"" + Integer.toHexString(body.hashCode()) + "\"";
        return (exchange, endpoint) -> {
            exchange.getResponseHeaders().set("ETag", etag);
            headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
                endpoint.respond(exchange, 304, -1);
                return;
            }
            send(exchange, endpoint, 200, body.getBytes(StandardCharsets.UTF_8));
        };
    }

    static Answer document(String body) {
        return document(body, Map.of());
    }

    static Answer documentWithMaxAge(String body, long seconds) {
        return document(body, Map.of("Cache-Control", "public, max-age=" + seconds));
    }

    /** The same body every time, 200, no validators. */
    static Answer body(int status, String body) {
        return (exchange, endpoint) -> send(exchange, endpoint, status, body.getBytes(StandardCharsets.UTF_8));
    }

    static Answer status(int status) {
        return status(status, Map.of());
    }

    static Answer status(int status, Map<String, String> headers) {
        return (exchange, endpoint) -> {
            headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            endpoint.respond(exchange, status, -1);
        };
    }

    /** Accepts the request and never answers (until the endpoint is closed). */
    static Answer hang() {
        return (exchange, endpoint) -> {
            endpoint.record(exchange, 0);
            endpoint.awaitRelease(Long.MAX_VALUE);
        };
    }

    /** Sends headers announcing {@code length} bytes, then one byte every 20 ms of real time. */
    static Answer slowDrip(int length) {
        return (exchange, endpoint) -> {
            endpoint.respond(exchange, 200, length);
            OutputStream out = exchange.getResponseBody();
            for (int i = 0; i < length; i++) {
                out.write(' ');
                out.flush();
                if (endpoint.awaitRelease(20)) {
                    return;
                }
            }
        };
    }

    /** A 200 body of {@code length} bytes; chunked (no Content-Length) unless {@code declareLength}. */
    static Answer oversized(int length, boolean declareLength) {
        return (exchange, endpoint) -> {
            byte[] chunk = new byte[8192];
            java.util.Arrays.fill(chunk, (byte) ' ');
            endpoint.respond(exchange, 200, declareLength ? length : 0);
            OutputStream out = exchange.getResponseBody();
            try {
                for (int left = length; left > 0; left -= chunk.length) {
                    out.write(chunk, 0, Math.min(left, chunk.length));
                }
            } catch (IOException e) {
                // The client hung up once it had seen enough: that is the point.
            }
        };
    }

    /** @return true when released (the endpoint is closing) */
    private boolean awaitRelease(long millis) {
        try {
            return released.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private static void send(HttpExchange exchange, FaultyEndpoint endpoint, int status, byte[] body)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        endpoint.respond(exchange, status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
