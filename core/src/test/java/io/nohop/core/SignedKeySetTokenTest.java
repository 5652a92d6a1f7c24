package io.nohop.core;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A verifier that pins a root, end to end: a signed key set made with Nimbus directly (a second
 * implementation of OpenID Federation's signed JWK set) on a loopback endpoint, and tokens checked
 * against its keys; what a verifier shows when the endpoint serves something the root did not sign.
 */
class SignedKeySetTokenTest {
    private static final String ISSUER = "https://auth.example";

    private final ECKey root = generate("root", true);
    private final ECKey signingKey = generate("key-1", false);
    private volatile byte[] served = new byte[0];
    private final HttpServer endpoint;
    private final List<String> accepts = new ArrayList<>();

    SignedKeySetTokenTest() throws IOException {
        endpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        endpoint.createContext("/.well-known/jwks.jwt", exchange -> {
            synchronized (accepts) {
                accepts.add(exchange.getRequestHeaders().getFirst("Accept"));
            }
            byte[] body = served;
            exchange.getResponseHeaders().set("Content-Type", "application/jwk-set+jwt");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        endpoint.start();
    }

    @AfterEach
    void stop() {
        endpoint.stop(0);
    }

    private static ECKey generate(String kid, boolean root) {
        try {
            ECKeyGenerator generator = new ECKeyGenerator(Curve.P_256);
            generator.algorithm(JWSAlgorithm.ES256).keyUse(KeyUse.SIGNATURE);
            return root ? generator.keyIDFromThumbprint(true).generate() : generator.keyID(kid).generate();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private URI uri() {
        return URI.create("http://127.0.0.1:" + endpoint.getAddress().getPort() + "/.well-known/jwks.jwt");
    }

    /** A signed key set as any OpenID Federation implementation would make it, here with Nimbus alone. */
    private static String signedSet(ECKey signer, ECKey... keys) throws Exception {
        Instant now = Instant.now();
        List<Object> jwks = new ArrayList<>();
        for (ECKey key : keys) {
            jwks.add(key.toPublicJWK().toJSONObject());
        }
        SignedJWT set = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(signer.getKeyID())
                .type(new JOSEObjectType("jwk-set+jwt")).build(),
                new JWTClaimsSet.Builder().issuer(ISSUER).subject(ISSUER).issueTime(Date.from(now))
                        .expirationTime(Date.from(now.plus(Duration.ofDays(1)))).claim("keys", jwks).build());
        set.sign(new ECDSASigner(signer));
        return set.serialize();
    }

    private static String token(ECKey key) throws Exception {
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().issuer(ISSUER).audience("orders").subject("alice")
                        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(60))).build());
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    private TokenVerifier verifier(VerifierListener listener) {
        return TokenVerifier.builder()
                .trustIssuer(ISSUER, uri(), PinnedRoots.of(root.toPublicJWK().toJSONString()))
                .audience("orders")
                .listener(listener)
                .build();
    }

    @Test
    void pinnedRoot_setSignedWithNimbus_tokensOfItsKeysVerify() throws Exception {
        served = signedSet(root, signingKey).getBytes(StandardCharsets.US_ASCII);

        try (TokenVerifier verifier = verifier(VerifierListener.NONE)) {
            assertTrue(verifier.awaitKeys(Duration.ofSeconds(10)));
            assertEquals("key-1", verifier.verify(token(signingKey)).keyId().orElseThrow());
            assertEquals(VerifierHealth.Status.FRESH, verifier.health().status());
        }
        assertEquals(List.of("application/jwk-set+jwt"), accepts);
    }

    /** Hears the first failed refresh: a test waits on it instead of on time. */
    private static final class FirstFailure implements VerifierListener {
        final CountDownLatch heard = new CountDownLatch(1);
        volatile RefreshFailure failure;

        @Override
        public void refreshFailed(URI jwksUri, RefreshFailure code, String detail, int consecutiveFailures,
                                  Instant nextAttempt) {
            if (heard.getCount() > 0) {
                failure = code;
                heard.countDown();
            }
        }

        RefreshFailure await() throws InterruptedException {
            assertTrue(heard.await(10, TimeUnit.SECONDS), "a refresh failed within 10 s");
            return failure;
        }
    }

    @Test
    void pinnedRoot_endpointServesAPlainJwks_refusedAsUnsigned_keysUnavailable() throws Exception {
        served = new JWKSet(signingKey.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        FirstFailure listener = new FirstFailure();

        try (TokenVerifier verifier = verifier(listener)) {
            assertEquals(RefreshFailure.UNSIGNED, listener.await());
            TokenRejectedException e = assertThrows(TokenRejectedException.class, () -> verifier.verify(token(signingKey)));
            assertEquals(RejectionReason.KEYS_UNAVAILABLE, e.reason());
            VerifierHealth.Source health = verifier.health().sources().get(0);
            assertEquals(VerifierHealth.Status.DOWN, health.status());
            assertTrue(health.lastError().orElseThrow().startsWith("unsigned: "), health.lastError().orElseThrow());
            assertTrue(verifier.stats().refreshFailures().get("unsigned") >= 1, "counted under its code");
        }
    }

    @Test
    void pinnedRoot_setSignedByAnotherRoot_badSignature_keysUnavailable() throws Exception {
        ECKey attackerRoot = generate("attacker", true);
        ECKey attackerKey = generate("key-1", false);
        served = signedSet(attackerRoot, attackerKey).getBytes(StandardCharsets.US_ASCII);
        FirstFailure listener = new FirstFailure();

        try (TokenVerifier verifier = verifier(listener)) {
            assertEquals(RefreshFailure.BAD_SIGNATURE, listener.await());
            assertEquals(RejectionReason.KEYS_UNAVAILABLE,
                    assertThrows(TokenRejectedException.class, () -> verifier.verify(token(attackerKey))).reason());
            assertTrue(verifier.health().sources().get(0).lastError().orElseThrow().startsWith("bad_signature: "));
        }
    }
}
