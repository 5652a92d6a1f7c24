package io.nohop.examples;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.nohop.core.TokenRejectedException;
import io.nohop.core.TokenVerifier;
import io.nohop.core.VerifiedToken;

import java.time.Instant;
import java.util.Date;

/**
 * The smallest end-to-end use of nohop: an issuer signs a token with its private key, and a service
 * verifies it in memory against the public key set, with no network call. A forged token (signed by
 * someone else's key under the same kid) is rejected with a stable reason.
 */
public final class QuickStart {
    private QuickStart() {
    }

    /**
     * Runs the example.
     *
     * @param args ignored
     * @throws Exception if key generation or signing fails
     */
    public static void main(String[] args) throws Exception {
        RSAKey issuerKey = new RSAKeyGenerator(2048).keyID("key-1").keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.RS256).generate();
        String jwks = new JWKSet(issuerKey.toPublicJWK()).toString();
        System.out.println("issuer: generated RSA key 'key-1'; published JWKS has the public part only");

        String token = sign(issuerKey, "alice");
        RSAKey attackerKey = new RSAKeyGenerator(2048).keyID("key-1").generate();
        String forged = sign(attackerKey, "mallory");

        try (TokenVerifier verifier = TokenVerifier.builder()
                .jwks(jwks)
                .issuer("https://auth.example")
                .audience("orders")
                .requiredType("at+jwt")
                .build()) {
            VerifiedToken verified = verifier.verify(token);
            System.out.println("service: accepted token for subject '" + verified.subject() + "' (kid "
                    + verified.keyId().orElse("-") + ", expires " + verified.expiresAt() + ")");
            try {
                verifier.verify(forged);
                throw new IllegalStateException("a forged token was accepted");
            } catch (TokenRejectedException e) {
                System.out.println("service: rejected forged token: " + e.reason().code() + " (" + e.detail() + ")");
            }
            try {
                verifier.verify(token.substring(0, token.lastIndexOf('.')) + ".");
                throw new IllegalStateException("an unsigned token was accepted");
            } catch (TokenRejectedException e) {
                System.out.println("service: rejected token with its signature stripped: " + e.reason().code());
            }
        }
    }

    private static String sign(RSAKey key, String subject) throws JOSEException {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer("https://auth.example").audience("orders").subject(subject)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
                .claim("scope", "orders:read")
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                .type(new JOSEObjectType("at+jwt")).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }
}
