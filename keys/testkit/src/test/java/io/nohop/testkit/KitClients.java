package io.nohop.testkit;

import io.nohop.core.TokenRejectedException;
import io.nohop.core.TokenVerifier;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** What the kit's tests use to look at a running kit from outside: a verifier and raw HTTP. */
final class KitClients {
    /** How long a poll waits for what a real socket or thread decides, on a machine that may be busy. */
    static final Duration PATIENCE = Duration.ofSeconds(30);

    private KitClients() {
    }

    /**
     * A verifier as a service under test would configure it: the kit's URI, issuer and audience, and
     * refresh bounds below the kit's max-age so it follows every change within about a second.
     */
    static TokenVerifier verifier(URI jwksUri, String issuer, String audience) throws InterruptedException {
        TokenVerifier verifier = TokenVerifier.builder()
                .jwksUri(jwksUri)
                .issuer(issuer)
                .audience(audience)
                .requiredType("at+jwt")
                .minRefreshInterval(Duration.ofMillis(100))
                .maxRefreshInterval(Duration.ofSeconds(1))
                .initialRetryDelay(Duration.ofMillis(100))
                // Generous: the shared build machine can be slow, and no test here measures speed.
                .connectTimeout(Duration.ofSeconds(2))
                .fetchTimeout(Duration.ofSeconds(5))
                .build();
        if (!verifier.awaitKeys(Duration.ofSeconds(30))) {
            verifier.close();
            throw new AssertionError("the verifier got no keys from " + jwksUri + " within 30 s");
        }
        return verifier;
    }

    /** The rejection code, or empty when accepted. */
    static Optional<String> rejection(TokenVerifier verifier, String token) {
        try {
            verifier.verify(token);
            return Optional.empty();
        } catch (TokenRejectedException e) {
            return Optional.of(e.reason().code());
        }
    }

    /** A response as read off the wire. */
    record Response(int status, String head, String body) {
        Optional<String> header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return Optional.of(line.substring(colon + 1).trim());
                }
            }
            return Optional.empty();
        }
    }

    /**
     * One GET on a fresh connection that the server closes (no keep-alive, no client threads), with
     * an overall read timeout.
     */
    static Response get(URI uri, String extraHeaders, Duration timeout) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nConnection: close\r\n" + extraHeaders + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int end = all.indexOf("\r\n\r\n");
            if (end < 0) {
                throw new IOException("no complete response head: " + all);
            }
            String head = all.substring(0, end);
            int status = Integer.parseInt(head.substring(9, 12));
            return new Response(status, head, all.substring(end + 4));
        }
    }

    /** Whether a connection to the URI's port is refused. */
    static boolean refused(URI uri) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 1000);
            return false;
        } catch (ConnectException e) {
            return true;
        }
    }

    /**
     * Polls a condition that a real socket or thread decides, every 50 ms, up to a deadline.
     *
     * @return whether it held before the deadline
     */
    static boolean eventually(Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        return true;
    }
}
