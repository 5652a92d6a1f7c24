package io.nohop.core;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Date;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A listener must never change a verification's outcome. */
class ThrowingListenerTest {
    private static final VerifierListener THROWING = new VerifierListener() {
        @Override
        public void tokenAccepted(String kid, long nanos) {
            throw new IllegalStateException("listener bug");
        }

        @Override
        public void tokenRejected(RejectionReason reason, long nanos) {
            throw new IllegalStateException("listener bug");
        }
    };

    @Test
    void throwingListener_neitherBreaksAcceptanceNorChangesRejection() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k").build(),
                new JWTClaimsSet.Builder().issuer("i").audience("a").subject("s").issueTime(Date.from(now))
                        .expirationTime(Date.from(now.plusSeconds(60))).build());
        jwt.sign(new ECDSASigner(key));
        try (TokenVerifier verifier = TokenVerifier.builder().jwks(new JWKSet(key.toPublicJWK()).toString())
                .issuer("i").audience("a").listener(THROWING).build()) {
            assertEquals("s", verifier.verify(jwt.serialize()).subject());
            TokenRejectedException e = assertThrows(TokenRejectedException.class, () -> verifier.verify("a.b.c"));
            assertEquals(RejectionReason.MALFORMED, e.reason());
        }
    }
}
