package io.nohop.core;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One configured cache file serves every key source of a verifier, so a multi-issuer service survives a restart. */
class CacheFileSeveralIssuersTest {
    private static final String A = "https://a.example";
    private static final String B = "https://b.example";

    @TempDir
    Path dir;
    private final ECKey keyA;
    private final ECKey keyB;
    private final HttpServer endpointA;
    private final HttpServer endpointB;

    CacheFileSeveralIssuersTest() throws Exception {
        keyA = new ECKeyGenerator(Curve.P_256).keyID("a1").generate();
        keyB = new ECKeyGenerator(Curve.P_256).keyID("b1").generate();
        endpointA = serving(new JWKSet(keyA.toPublicJWK()).toString());
        endpointB = serving(new JWKSet(keyB.toPublicJWK()).toString());
    }

    private static HttpServer serving(String jwks) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        byte[] body = jwks.getBytes(StandardCharsets.UTF_8);
        server.createContext("/jwks", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    @AfterEach
    void stop() {
        endpointA.stop(0);
        endpointB.stop(0);
    }

    private TokenVerifier verifier(Path cacheFile) {
        return TokenVerifier.builder()
                .trustIssuer(A, jwksUri(endpointA))
                .trustIssuer(B, jwksUri(endpointB))
                .audience("svc")
                .cacheFile(cacheFile)
                .build();
    }

    private static URI jwksUri(HttpServer server) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks");
    }

    @Test
    void twoIssuersWithOneCacheFile_restartDuringAnOutage_bothIssuersTokensVerifyAtOnce() throws Exception {
        Path cacheFile = dir.resolve("keys.json");
        try (TokenVerifier first = verifier(cacheFile)) {
            assertTrue(first.awaitKeys(Duration.ofSeconds(10)), "both issuers' keys fetched");
        }
        endpointA.stop(0);
        endpointB.stop(0);

        try (TokenVerifier restarted = verifier(cacheFile)) {
            assertEquals("a1", restarted.verify(MultiIssuerTest.token(keyA, A)).keyId().orElseThrow());
            assertEquals("b1", restarted.verify(MultiIssuerTest.token(keyB, B)).keyId().orElseThrow());
            assertEquals(VerifierHealth.Status.FRESH, restarted.health().status());
        }
    }
}
