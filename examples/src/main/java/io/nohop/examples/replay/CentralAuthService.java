package io.nohop.examples.replay;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.nohop.core.TokenRejectedException;
import io.nohop.core.TokenVerifier;
import io.nohop.examples.BearerAuth;
import io.nohop.examples.OrdersService;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Architecture A, the one of the July 2018 incident: every request asks a central auth service over
 * HTTP. The auth service is a JDK {@link HttpServer} with a fixed worker pool and an unbounded queue
 * (the executor's), which spends a fixed time per call (a session or database lookup) and then
 * checks the token's signature itself. Callers give each call a timeout and retry at once when it
 * passes, as many clients do by default. A call that timed out is still in the auth service's queue and
 * is still served later: wasted work that the retry adds to.
 */
final class CentralAuthService implements Architecture {
    private final ReplayParameters p;
    private final TokenVerifier authServiceVerifier;
    private final HttpServer server;
    private final ExecutorService workers;
    private final ExecutorService clientThreads;
    private final HttpClient client;
    private final URI authenticateUri;
    private final SecondCounter calls;
    private volatile long addedNanos;

    CentralAuthService(ReplayParameters p, TokenVerifier authServiceVerifier) throws IOException {
        this.p = p;
        this.authServiceVerifier = authServiceVerifier;
        this.calls = new SecondCounter(p.durationSeconds() + 5);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        this.workers = Executors.newFixedThreadPool(p.authWorkers(), DaemonThreads.named("auth-service"));
        // Counted when the server hands the request to its pool: the moment a call reaches the service.
        server.setExecutor(task -> {
            calls.record();
            workers.execute(task);
        });
        server.createContext("/authenticate", this::handle);
        server.start();
        InetSocketAddress a = server.getAddress();
        this.authenticateUri = URI.create(OrdersService.httpUrl(a) + "/authenticate");
        this.clientThreads = Executors.newCachedThreadPool(DaemonThreads.named("auth-client"));
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(clientThreads)
                .connectTimeout(p.callTimeout()).build();
    }

    @Override
    public String name() {
        return "A";
    }

    @Override
    public String description() {
        return "every request asks a central auth service over HTTP (" + p.authWorkers() + " workers, "
                + p.authLatency().toMillis() + " ms per call; callers time out after " + p.callTimeout().toMillis()
                + " ms and try up to " + p.attempts() + " times)";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                TimeUnit.NANOSECONDS.sleep(p.authLatency().toNanos() + addedNanos);
            } catch (InterruptedException e) {
                // The run is over: answer nothing.
                Thread.currentThread().interrupt();
                return;
            }
            int status;
            try {
                authServiceVerifier.verify(BearerAuth.token(exchange.getRequestHeaders().getFirst("Authorization"))
                        .orElse(""));
                status = 200;
            } catch (TokenRejectedException e) {
                status = 401;
            }
            exchange.sendResponseHeaders(status, -1);
        }
    }

    @Override
    public boolean authenticate(String token) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(authenticateUri).timeout(p.callTimeout())
                .header("Authorization", "Bearer " + token).GET().build();
        for (int attempt = 1; attempt <= p.attempts(); attempt++) {
            try {
                int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200) {
                    return true;
                }
                if (status == 401) {
                    return false;
                }
            } catch (IOException e) {
                // Timed out, refused or reset: the naive client retries at once, which is the point.
            }
        }
        return false;
    }

    @Override
    public void incidentStarts() {
        addedNanos = p.authAddedLatency().toNanos();
    }

    @Override
    public void endpointGoesDown() {
        // A has no key endpoint; its auth service stays slow until the incident ends.
    }

    @Override
    public void incidentEnds() {
        addedNanos = 0;
    }

    @Override
    public SecondCounter upstreamCalls() {
        return calls;
    }

    @Override
    public String keyStatus() {
        return "";
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
        clientThreads.shutdownNow();
    }
}
