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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Key refreshes never depend on {@link ForkJoinPool#commonPool()}: a service that fills it with blocking
 * work must not hold its refreshes until the fetch timeout. The JDK's {@code HttpClient.sendAsync}
 * completes on the common pool whatever executor the client has (on JDK 17 only when the pool has two or
 * more workers, on JDK 25 always), so this matters on JDK 25 above all: the build runs this test there
 * too (core/pom.xml, profile {@code jdk25-tests}).
 */
class CommonPoolSaturationTest {

    @Test
    void refresh_whileEveryCommonPoolWorkerIsBlocked_completesWithinTheWait() throws Exception {
        byte[] jwks = new JWKSet(new ECKeyGenerator(Curve.P_256).keyID("k").generate().toPublicJWK()).toString()
                .getBytes(StandardCharsets.UTF_8);
        HttpServer endpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        endpoint.createContext("/jwks", exchange -> {
            exchange.sendResponseHeaders(200, jwks.length);
            exchange.getResponseBody().write(jwks);
            exchange.close();
        });
        endpoint.start();
        int workers = ForkJoinPool.getCommonPoolParallelism();
        CountDownLatch blocked = new CountDownLatch(workers);
        CountDownLatch release = new CountDownLatch(1);
        try {
            for (int i = 0; i < workers; i++) {
                ForkJoinPool.commonPool().execute(() -> {
                    blocked.countDown();
                    awaitQuietly(release);
                });
            }
            assertTrue(blocked.await(30, TimeUnit.SECONDS), "every common-pool worker is blocked");
            ForkJoinTask<?> probe = ForkJoinPool.commonPool().submit(() -> { });

            // A fetch timeout far beyond the wait: a refresh that needed the common pool would still be pending.
            try (TokenVerifier verifier = TokenVerifier.builder()
                    .jwksUri(URI.create("http://127.0.0.1:" + endpoint.getAddress().getPort() + "/jwks"))
                    .issuer("i").audience("a").fetchTimeout(Duration.ofMinutes(2)).build()) {
                assertTrue(verifier.awaitKeys(Duration.ofSeconds(20)), "the refresh completed without the common pool");
            }
            assertFalse(probe.isDone(), "the common pool stayed saturated throughout (else this test proves nothing)");
        } finally {
            release.countDown();
            endpoint.stop(0);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
