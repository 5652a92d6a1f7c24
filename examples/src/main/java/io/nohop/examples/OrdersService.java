package io.nohop.examples;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.nohop.core.TokenRejectedException;
import io.nohop.core.TokenVerifier;
import io.nohop.core.VerifiedToken;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small resource service on the JDK's HTTP server that authenticates every request in memory with
 * a {@link TokenVerifier}: {@code GET /orders} answers 200 with the caller's subject and the kid that
 * verified the token, or a {@link BearerAuth.Refusal}.
 */
public final class OrdersService implements AutoCloseable {
    /** The audience the orders service accepts. */
    public static final String AUDIENCE = "orders";

    private final HttpServer server;
    private final ExecutorService workers;
    private final TokenVerifier verifier;

    private OrdersService(HttpServer server, ExecutorService workers, TokenVerifier verifier) {
        this.server = server;
        this.workers = workers;
        this.verifier = verifier;
    }

    /**
     * The service's authentication rules, given where its keys come from and whom it trusts: its own
     * audience, and RFC 9068 access tokens only ({@code typ: at+jwt}). Deployments and tests add the
     * refresh timings, a cache file and a listener to the builder.
     *
     * @param jwksUri the key endpoint
     * @param issuer the trusted {@code iss}
     * @return a builder holding the service's rules
     */
    public static TokenVerifier.Builder verifierFor(URI jwksUri, String issuer) {
        return TokenVerifier.builder().jwksUri(jwksUri).issuer(issuer).audience(AUDIENCE).requiredType("at+jwt");
    }

    /**
     * Starts the service on a free loopback port.
     *
     * @param verifier the verifier; closed with the service
     * @return the running service
     * @throws IOException if no loopback port can be bound
     */
    public static OrdersService start(TokenVerifier verifier) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        AtomicInteger n = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "orders-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        OrdersService service = new OrdersService(server, workers, verifier);
        server.setExecutor(workers);
        server.createContext("/orders", service::handle);
        server.start();
        return service;
    }

    /**
     * The URI of {@code GET /orders}.
     *
     * @return the URI on the bound loopback port
     */
    public URI ordersUri() {
        InetSocketAddress a = server.getAddress();
        return URI.create(httpUrl(a) + "/orders");
    }

    /**
     * The verifier this service authenticates with.
     *
     * @return the verifier
     */
    public TokenVerifier verifier() {
        return verifier;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Optional<String> token = BearerAuth.token(exchange.getRequestHeaders().getFirst("Authorization"));
            if (token.isEmpty()) {
                refuse(exchange, BearerAuth.Refusal.noToken());
                return;
            }
            VerifiedToken verified;
            try {
                verified = verifier.verify(token.get());
            } catch (TokenRejectedException e) {
                refuse(exchange, BearerAuth.Refusal.of(e));
                return;
            }
            // The subject is the issuer's text: written by a JSON writer, never pasted into JSON as is.
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("subject", verified.subject());
            body.put("kid", verified.keyId().orElse(""));
            send(exchange, 200, JSONObjectUtils.toJSONString(body));
        }
    }

    private static void refuse(HttpExchange exchange, BearerAuth.Refusal refusal) throws IOException {
        exchange.getResponseHeaders().set(refusal.header(), refusal.value());
        send(exchange, refusal.status(), refusal.body());
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /**
     * The {@code http://HOST:PORT} of a bound address, with an IPv6 host in brackets.
     *
     * @param address a bound address
     * @return the URL, without a trailing slash
     */
    public static String httpUrl(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return "http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** Stops the server at once and closes the verifier (its background refresh stops). */
    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
        verifier.close();
    }
}
