package io.nohop.core.micrometer;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nohop.core.TokenRejectedException;
import io.nohop.core.TokenVerifier;
import io.nohop.core.VerifierListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class VerifierMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void verifications_recordedPerOutcomeAndReason_withAHistogram() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k").build(),
                new JWTClaimsSet.Builder().issuer("i").audience("a").issueTime(Date.from(now))
                        .expirationTime(Date.from(now.plusSeconds(60))).build());
        jwt.sign(new ECDSASigner(key));
        // What the timer asks of a registry that publishes histograms (Prometheus); the simple registry keeps none.
        Map<String, DistributionStatisticConfig> histograms = new HashMap<>();
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                histograms.put(id.getName() + " " + id.getTag("reason"), config);
                return config;
            }
        });
        try (TokenVerifier verifier = TokenVerifier.builder().jwks(new JWKSet(key.toPublicJWK()).toString())
                .issuer("i").audience("a").listener(new VerifierMetrics(registry)).build()) {
            verifier.verify(jwt.serialize());
            assertThrows(TokenRejectedException.class, () -> verifier.verify("x.y.z"));
        }
        assertEquals(1, registry.get("nohop.verifications").tag("outcome", "accepted").timer().count());
        assertEquals(1, registry.get("nohop.verifications").tag("reason", "malformed").timer().count());
        for (String timer : List.of("nohop.verifications none", "nohop.verifications malformed")) {
            assertTrue(histograms.get(timer).isPercentileHistogram(), timer + ": a percentile histogram, for p99");
            assertTrue(histograms.get(timer).getHistogramBuckets(true).size() > 50, timer + ": 1 µs to 1 s");
        }
        assertEquals(0.0, registry.get("nohop.keys.status").gauge().value());
        assertEquals(1.0, registry.get("nohop.keys.count").gauge().value());
    }

    @Test
    void refreshes_readFromTheVerifiersStats_withTheFailureCodeAsReason() throws Exception {
        byte[] jwks = new JWKSet(new ECKeyGenerator(Curve.P_256).keyID("k").generate().toPublicJWK()).toString()
                .getBytes(StandardCharsets.UTF_8);
        AtomicInteger requests = new AtomicInteger();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        server.createContext("/jwks", exchange -> {
            // The first fetch gets the keys, every later one a server error.
            if (requests.getAndIncrement() == 0) {
                exchange.sendResponseHeaders(200, jwks.length);
                exchange.getResponseBody().write(jwks);
            } else {
                exchange.sendResponseHeaders(500, -1);
            }
            exchange.close();
        });
        server.start();
        try (TokenVerifier verifier = TokenVerifier.builder()
                .jwksUri(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks"))
                .issuer("i").audience("a")
                .minRefreshInterval(Duration.ofMillis(100)).defaultRefreshInterval(Duration.ofMillis(200))
                .maxRefreshInterval(Duration.ofMinutes(10)).maxStaleness(Duration.ofHours(2))
                .initialRetryDelay(Duration.ofHours(1))
                .listener(VerifierListener.combine(new VerifierListener() { }, new VerifierMetrics(registry)))
                .build()) {
            awaitValue(1.0, () -> registry.get("nohop.jwks.refreshes").tag("result", "success").tag("reason", "none")
                    .functionCounter().count());
            awaitValue(1.0, () -> registry.get("nohop.jwks.refreshes").tag("result", "failure")
                    .tag("reason", "http_status").functionCounter().count());
            assertEquals(1, verifier.stats().refreshFailures().get("http_status"));
            assertEquals(1.0, registry.get("nohop.jwks.key.changes").tag("change", "added").functionCounter().count());
            assertEquals(0.0, registry.get("nohop.jwks.refreshes").tag("reason", "timeout").functionCounter().count());
            assertEquals(7200.0, registry.get("nohop.keys.max.staleness").gauge().value());
            assertEquals(600.0, registry.get("nohop.keys.max.refresh").gauge().value());
        }
    }

    @Test
    void oneInstance_publishesOneVerifier() {
        VerifierMetrics metrics = new VerifierMetrics(registry);
        try (TokenVerifier first = TokenVerifier.builder().jwks(jwks()).allowAnyIssuer().allowAnyAudience()
                .listener(metrics).build();
             TokenVerifier second = TokenVerifier.builder().jwks(jwks()).allowAnyIssuer().allowAnyAudience().build()) {
            assertThrows(IllegalStateException.class, () -> metrics.verifierBuilt(second));
            assertEquals(first.health().sources().get(0).keyCount(), registry.get("nohop.keys.count").gauge().value());
        }
    }

    private static String jwks() {
        try {
            return new JWKSet(new ECKeyGenerator(Curve.P_256).keyID("k").generate().toPublicJWK()).toString();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    // The refreshes run on the verifier's own threads against a real socket: poll, bounded.
    private static void awaitValue(double expected, DoubleSupplier value) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (value.getAsDouble() == expected) {
                return;
            }
            Thread.onSpinWait();
            Thread.yield();
        }
        fail("expected " + expected + ", still " + value.getAsDouble());
    }
}
