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
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nohop.core.TokenRejectedException;
import io.nohop.core.TokenVerifier;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class VerifierMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void verifications_recordedPerOutcomeAndReason() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k").build(),
                new JWTClaimsSet.Builder().issuer("i").audience("a").issueTime(Date.from(now))
                        .expirationTime(Date.from(now.plusSeconds(60))).build());
        jwt.sign(new ECDSASigner(key));
        VerifierMetrics metrics = new VerifierMetrics(registry);
        try (TokenVerifier verifier = TokenVerifier.builder().jwks(new JWKSet(key.toPublicJWK()).toString())
                .issuer("i").audience("a").listener(metrics).build()) {
            metrics.bindHealth(verifier);
            verifier.verify(jwt.serialize());
            assertThrows(TokenRejectedException.class, () -> verifier.verify("x.y.z"));
        }
        assertEquals(1, registry.get("nohop.verifications").tag("outcome", "accepted").timer().count());
        assertEquals(1, registry.get("nohop.verifications").tag("reason", "malformed").timer().count());
        assertEquals(0.0, registry.get("nohop.keys.status").gauge().value());
        assertEquals(1.0, registry.get("nohop.keys.count").gauge().value());
    }

    @Test
    void keySetEvents_countedByKind() {
        VerifierMetrics metrics = new VerifierMetrics(registry);
        URI uri = URI.create("https://keys.example/jwks.json");
        metrics.refreshSucceeded(uri, 2, Duration.ofMillis(5));
        metrics.refreshFailed(uri, "timeout", 1, Instant.EPOCH);
        metrics.refreshNotModified(uri);
        metrics.keysAdded(uri, Set.of("a", "b"));
        metrics.keysRemoved(uri, Set.of("c"));
        metrics.unknownKidRefreshSuppressed(uri);
        assertEquals(1.0, registry.get("nohop.jwks.refreshes").tag("result", "success").counter().count());
        assertEquals(1.0, registry.get("nohop.jwks.refreshes").tag("result", "failure").counter().count());
        assertEquals(1.0, registry.get("nohop.jwks.refreshes").tag("result", "not_modified").counter().count());
        assertEquals(2.0, registry.get("nohop.jwks.key.changes").tag("change", "added").counter().count());
        assertEquals(1.0, registry.get("nohop.jwks.key.changes").tag("change", "removed").counter().count());
        assertEquals(1.0, registry.get("nohop.jwks.unknown.kid.suppressed").counter().count());
    }
}
