package io.nohop.examples.bench;

import com.sun.net.httpserver.HttpServer;
import io.nohop.core.RejectionReason;
import io.nohop.core.TokenRejectedException;
import io.nohop.core.TokenVerifier;
import io.nohop.core.VerifiedToken;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cached result is only as good as the key that produced it: once a refresh drops that key (or
 * replaces its material under the same kid), the token goes through the full path again and is
 * rejected. The key set comes from a real JWKS endpoint on loopback; refresh timers fire when the
 * test moves its clock ({@link ManualScheduler}), and fetches run on the test's thread.
 */
class ResultCacheKeySetTest {
    private static final String ALG = "RS256";
    private static final long IAT = BenchTokens.ISSUED_AT;

    private HttpServer server;
    private volatile String jwks = "{\"keys\":[]}";
    private final MutableClock clock = new MutableClock(Instant.ofEpochSecond(IAT + 60));
    private final ManualScheduler scheduler = new ManualScheduler(clock);

    @BeforeEach
    void startEndpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/jwks.json", exchange -> {
            byte[] body = jwks.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stopEndpoint() {
        server.stop(0);
    }

    @Test
    void aKeyThatLeftTheSetNoLongerVouchesForItsCachedResults() throws Exception {
        KeyPair k1 = BenchTokens.newKeyPair(ALG);
        KeyPair k2 = BenchTokens.newKeyPair(ALG);
        String t1 = BenchTokens.sign(ALG, "k1", k1.getPrivate(), ResultCacheTest.claims(IAT, IAT + 900));
        String t2 = BenchTokens.sign(ALG, "k2", k2.getPrivate(), ResultCacheTest.claims(IAT, IAT + 900));
        jwks = set(BenchTokens.jwk(ALG, "k1", k1.getPublic()));
        try (TokenVerifier verifier = started()) {
            VerifiedToken first = verifier.verify(t1);
            assertSame(first, verifier.verify(t1), "cached while k1 is in the set");

            jwks = set(BenchTokens.jwk(ALG, "k2", k2.getPublic()));
            refresh();

            assertEquals("k2", verifier.verify(t2).keyId().orElseThrow(), "the refresh took the new set");
            assertEquals(RejectionReason.UNKNOWN_KEY, ResultCacheTest.reason(verifier, t1));
        }
    }

    @Test
    void aKidReusedWithOtherMaterialInvalidatesItsCachedResults() throws Exception {
        KeyPair original = BenchTokens.newKeyPair(ALG);
        KeyPair replacement = BenchTokens.newKeyPair(ALG);
        String token = BenchTokens.sign(ALG, "k1", original.getPrivate(), ResultCacheTest.claims(IAT, IAT + 900));
        jwks = set(BenchTokens.jwk(ALG, "k1", original.getPublic()));
        try (TokenVerifier verifier = started()) {
            verifier.verify(token);

            jwks = set(BenchTokens.jwk(ALG, "k1", replacement.getPublic()));
            refresh();

            assertEquals(RejectionReason.BAD_SIGNATURE, ResultCacheTest.reason(verifier, token));
        }
    }

    @Test
    void anUnchangedKeySetKeepsItsCachedResultsValid() throws Exception {
        KeyPair k1 = BenchTokens.newKeyPair(ALG);
        String token = BenchTokens.sign(ALG, "k1", k1.getPrivate(), ResultCacheTest.claims(IAT, IAT + 900));
        jwks = set(BenchTokens.jwk(ALG, "k1", k1.getPublic()));
        try (TokenVerifier verifier = started()) {
            VerifiedToken first = verifier.verify(token);
            refresh();
            VerifiedToken again = verifier.verify(token);
            assertEquals(first.keyId(), again.keyId());
            assertEquals(first.expiresAt(), again.expiresAt());
        }
    }

    private TokenVerifier started() throws InterruptedException, TokenRejectedException {
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json");
        TokenVerifier verifier = TokenVerifier.builder()
                .jwksUri(uri)
                .issuer(BenchTokens.ISSUER)
                .audience(BenchTokens.AUDIENCE)
                .clock(clock)
                .scheduler(scheduler)
                .executor(Runnable::run)
                .resultCache(100)
                .build();
        scheduler.runDue();
        assertTrue(verifier.awaitKeys(Duration.ZERO), "the first fetch ran");
        return verifier;
    }

    /** Moves the clock past the default refresh interval (5 min without max-age), firing the refresh. */
    private void refresh() {
        clock.advance(Duration.ofMinutes(6));
        scheduler.runDue();
    }

    private static String set(String... keys) {
        return "{\"keys\":[" + String.join(",", keys) + "]}";
    }
}
