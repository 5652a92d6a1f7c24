package io.nohop.core.internal.refresh;

import io.nohop.core.testing.MutableClock;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.nohop.core.RejectionReason;
import io.nohop.core.TokenRejectedException;
import io.nohop.core.TokenVerifier;
import io.nohop.core.VerifiedToken;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import static io.nohop.core.internal.refresh.FaultyEndpoint.document;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The verified-result cache against a refreshing key source, with time driven by a fake clock. */
class ResultCacheAcrossRefreshTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final FakeScheduler scheduler = new FakeScheduler(clock);
    private final FaultyEndpoint endpoint;
    private TokenVerifier verifier;

    ResultCacheAcrossRefreshTest() throws Exception {
        endpoint = new FaultyEndpoint(clock);
    }

    @AfterEach
    void close() {
        if (verifier != null) {
            verifier.close();
        }
        endpoint.close();
    }

    private static String token(ECKey key, Instant now) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().issuer("i").audience("a").issueTime(Date.from(now))
                        .expirationTime(Date.from(now.plusSeconds(3600))).build());
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    private void start(String jwks) {
        endpoint.answerKeys(document(jwks));
        verifier = TokenVerifier.builder().jwksUri(endpoint.jwksUri()).issuer("i").audience("a")
                .clock(clock).scheduler(scheduler).executor(Runnable::run).resultCache(100).build();
        scheduler.runDue();
    }

    private void refreshWith(String jwks) {
        // A plain 200 without validators: the same keys arrive as a new document, not as a 304.
        endpoint.answerKeys(FaultyEndpoint.body(200, jwks));
        scheduler.advance(Duration.ofHours(1));
    }

    @Test
    void refreshWithUnchangedKeys_keepsCachedResults() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        String jwks = new JWKSet(key.toPublicJWK()).toString();
        start(jwks);
        String token = token(key, clock.instant());
        VerifiedToken first = verifier.verify(token);
        refreshWith(jwks);
        assertSame(first, verifier.verify(token), "a hit returns the cached verified token");
    }

    @Test
    void keyLeavesTheSet_cachedResultIsNotUsed() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        ECKey next = new ECKeyGenerator(Curve.P_256).keyID("k2").generate();
        start(new JWKSet(key.toPublicJWK()).toString());
        String token = token(key, clock.instant());
        verifier.verify(token);
        refreshWith(new JWKSet(next.toPublicJWK()).toString());
        TokenRejectedException e = assertThrows(TokenRejectedException.class, () -> verifier.verify(token));
        assertEquals(RejectionReason.UNKNOWN_KEY, e.reason());
    }

    @Test
    void kidReusedWithOtherMaterial_cachedResultIsNotUsed() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        ECKey impostor = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        start(new JWKSet(key.toPublicJWK()).toString());
        String token = token(key, clock.instant());
        verifier.verify(token);
        refreshWith(new JWKSet(impostor.toPublicJWK()).toString());
        TokenRejectedException e = assertThrows(TokenRejectedException.class, () -> verifier.verify(token));
        assertEquals(RejectionReason.BAD_SIGNATURE, e.reason());
    }

    @Test
    void cachedTokenPastExp_rejectedAsExpired() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        start(new JWKSet(key.toPublicJWK()).toString());
        String token = token(key, clock.instant());
        verifier.verify(token);
        clock.advance(Duration.ofHours(2));
        TokenRejectedException e = assertThrows(TokenRejectedException.class, () -> verifier.verify(token));
        assertEquals(RejectionReason.EXPIRED, e.reason());
    }
}
