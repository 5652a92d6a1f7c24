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

    /** As a listener written in Kotlin, or with Lombok's @SneakyThrows, can: a checked exception, undeclared. */
    private static final VerifierListener THROWING_CHECKED = new VerifierListener() {
        @Override
        public void tokenAccepted(String kid, long nanos) {
            ThrowingListenerTest.<RuntimeException>sneak(new java.io.IOException("listener bug"));
        }

        @Override
        public void tokenRejected(RejectionReason reason, long nanos) {
            ThrowingListenerTest.<RuntimeException>sneak(new java.io.IOException("listener bug"));
        }
    };

    @SuppressWarnings("unchecked")
    private static <T extends Exception> void sneak(Exception e) throws T {
        throw (T) e;
    }

    @Test
    void throwingListener_neitherBreaksAcceptanceNorChangesRejection() throws Exception {
        acceptsAndRejectsAsWithoutListener(THROWING);
    }

    @Test
    void listenerThrowingCheckedExceptionUndeclared_neitherBreaksAcceptanceNorChangesRejection() throws Exception {
        acceptsAndRejectsAsWithoutListener(THROWING_CHECKED);
    }

    private static void acceptsAndRejectsAsWithoutListener(VerifierListener listener) throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k").build(),
                new JWTClaimsSet.Builder().issuer("i").audience("a").subject("s").issueTime(Date.from(now))
                        .expirationTime(Date.from(now.plusSeconds(60))).build());
        jwt.sign(new ECDSASigner(key));
        try (TokenVerifier verifier = TokenVerifier.builder().jwks(new JWKSet(key.toPublicJWK()).toString())
                .issuer("i").audience("a").listener(listener).build()) {
            assertEquals("s", verifier.verify(jwt.serialize()).subject());
            TokenRejectedException e = assertThrows(TokenRejectedException.class, () -> verifier.verify("a.b.c"));
            assertEquals(RejectionReason.MALFORMED, e.reason());
        }
    }
}
