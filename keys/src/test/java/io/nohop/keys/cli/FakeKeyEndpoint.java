package io.nohop.keys.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback HTTP endpoint (JDK HttpServer, port 0) whose answers a test sets path by path, to misbehave in
 * one way at a time. Answers a matching If-None-Match with 304 when the route says so.
 */
final class FakeKeyEndpoint implements AutoCloseable {

    /** One path's answer. */
    record Route(int status, Map<String, String> headers, byte[] body, boolean notModified) {
        static Route json(String body) {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Type", "application/json");
            headers.put("Cache-Control", "public, max-age=300");
            headers.put("ETag", "\"v1\"");
            return new Route(200, headers, body.getBytes(StandardCharsets.UTF_8), true);
        }

        Route withHeader(String name, String value) {
            Map<String, String> changed = new LinkedHashMap<>(headers);
            if (value == null) {
                changed.remove(name);
            } else {
                changed.put(name, value);
            }
            return new Route(status, changed, body, notModified);
        }

        Route withStatus(int newStatus) {
            return new Route(newStatus, headers, body, notModified);
        }

        Route without304() {
            return new Route(status, headers, body, false);
        }
    }

    private final HttpServer server;
    private final Map<String, Route> routes = new ConcurrentHashMap<>();

    FakeKeyEndpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", exchange -> {
            Route route = routes.get(exchange.getRequestURI().getPath());
            try (exchange) {
                if (route == null) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                route.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
                String etag = route.headers().get("ETag");
                String ifNoneMatch = exchange.getRequestHeaders().getFirst("If-None-Match");
                if (route.notModified() && etag != null && etag.equals(ifNoneMatch)) {
                    exchange.sendResponseHeaders(304, -1);
                    return;
                }
                exchange.sendResponseHeaders(route.status(), route.body().length == 0 ? -1 : route.body().length);
                exchange.getResponseBody().write(route.body());
            }
        });
        server.start();
    }

    FakeKeyEndpoint route(String path, Route route) {
        routes.put(path, route);
        return this;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
