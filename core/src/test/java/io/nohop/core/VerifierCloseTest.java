package io.nohop.core;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerifierCloseTest {

    private static java.util.Set<Thread> nohopThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("nohop-"))
                .collect(Collectors.toSet());
    }

    /** The nohop threads alive now that were not alive before: only this verifier's, whatever other tests left. */
    private static List<String> startedSince(java.util.Set<Thread> before) {
        return nohopThreads().stream().filter(t -> !before.contains(t)).map(Thread::getName)
                .sorted().collect(Collectors.toList());
    }

    @Test
    void close_afterKeysFetched_leavesNoNohopThreadRunning() throws Exception {
        byte[] jwks = new JWKSet(new ECKeyGenerator(Curve.P_256).keyID("k").generate().toPublicJWK()).toString()
                .getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        server.createContext("/jwks", exchange -> {
            exchange.sendResponseHeaders(200, jwks.length);
            exchange.getResponseBody().write(jwks);
            exchange.close();
        });
        server.start();
        try {
            java.util.Set<Thread> before = nohopThreads();
            TokenVerifier verifier = TokenVerifier.builder()
                    .jwksUri(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks"))
                    .issuer("i").audience("a").build();
            assertTrue(verifier.awaitKeys(Duration.ofSeconds(10)));
            assertTrue(!startedSince(before).isEmpty(), "the verifier runs background threads while open");
            verifier.close();
            assertEquals(List.of(), startedSince(before));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void build_withUnreachableEndpoint_returnsAtOnceAndRejectsAsKeysUnavailable() throws Exception {
        // Port 9 on loopback: nothing listens; the fetch fails in the background, never in build().
        try (TokenVerifier verifier = TokenVerifier.builder().jwksUri(URI.create("http://127.0.0.1:9/jwks"))
                .issuer("i").audience("a").build()) {
            TokenRejectedException e = org.junit.jupiter.api.Assertions.assertThrows(TokenRejectedException.class,
                    () -> verifier.verify("eyJhbGciOiJFUzI1NiIsImtpZCI6ImsifQ.e30.AAAA"));
            assertEquals(RejectionReason.KEYS_UNAVAILABLE, e.reason());
            assertEquals(VerifierHealth.Status.DOWN, verifier.health().status());
        }
    }
}
