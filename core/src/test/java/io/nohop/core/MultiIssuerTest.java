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
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several issuers, each with its own JWKS endpoint: a key vouches only for its own issuer's tokens. */
class MultiIssuerTest {
    private static final String A = "https://a.example";
    private static final String B = "https://b.example";

    private static ECKey keyA;
    private static ECKey keyB;
    private static HttpServer server;
    private static TokenVerifier verifier;

    @BeforeAll
    static void start() throws Exception {
        keyA = new ECKeyGenerator(Curve.P_256).keyID("a1").generate();
        keyB = new ECKeyGenerator(Curve.P_256).keyID("b1").generate();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        serve("/a", new JWKSet(keyA.toPublicJWK()).toString());
        serve("/b", new JWKSet(keyB.toPublicJWK()).toString());
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        verifier = TokenVerifier.builder()
                .trustIssuer(A, URI.create(base + "/a"))
                .trustIssuer(B, URI.create(base + "/b"))
                .audience("svc")
                .build();
        assertTrue(verifier.awaitKeys(Duration.ofSeconds(10)));
    }

    private static void serve(String path, String body) {
        server.createContext(path, exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
    }

    @AfterAll
    static void stop() {
        verifier.close();
        server.stop(0);
    }

    static String token(ECKey key, String issuer) throws Exception {
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().issuer(issuer).audience("svc").subject("s")
                        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(60))).build());
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    @Test
    void verify_eachIssuersTokenWithItsOwnKey_accepted() throws Exception {
        assertEquals(A, verifier.verify(token(keyA, A)).issuer().orElseThrow());
        assertEquals(B, verifier.verify(token(keyB, B)).issuer().orElseThrow());
    }

    @Test
    void verify_tokenClaimingAnotherIssuer_notVouchedForByThisKey() throws Exception {
        TokenRejectedException e = assertThrows(TokenRejectedException.class, () -> verifier.verify(token(keyA, B)));
        assertEquals(RejectionReason.UNKNOWN_KEY, e.reason());
    }

    @Test
    void verify_untrustedIssuer_unknownKeyNotKeysUnavailable() throws Exception {
        TokenRejectedException e = assertThrows(TokenRejectedException.class,
                () -> verifier.verify(token(keyA, "https://evil.example")));
        assertEquals(RejectionReason.UNKNOWN_KEY, e.reason());
    }

    // An unknown kid takes the cheap path (the payload checked, not built): iss is still read to route it.

    private static String unknownKidToken(String payloadJson) {
        return Tokens.b64("{\"alg\":\"ES256\",\"kid\":\"nobody\"}") + "." + Tokens.b64(payloadJson) + "."
                + Tokens.b64(new byte[64]);
    }

    @Test
    void verify_unknownKidClaimingATrustedIssuer_askedOfThatIssuersKeys() {
        TokenRejectedException e = assertThrows(TokenRejectedException.class,
                () -> verifier.verify(unknownKidToken("{\"iss\":\"" + A + "\",\"aud\":\"svc\",\"exp\":1}")));
        assertEquals(RejectionReason.UNKNOWN_KEY, e.reason());
        assertEquals("no key with the token's kid", e.getMessage());
    }

    @Test
    void verify_unknownKidClaimingAnUntrustedIssuer_noSourceAsked() {
        TokenRejectedException e = assertThrows(TokenRejectedException.class,
                () -> verifier.verify(unknownKidToken("{\"\\u0069ss\":\"https://evil.example\",\"exp\":1}")));
        assertEquals(RejectionReason.UNKNOWN_KEY, e.reason());
        assertEquals("no key source serves the token's issuer", e.getMessage());
    }

    @Test
    void health_listsOneSourcePerIssuer() {
        assertEquals(2, verifier.health().sources().size());
        assertEquals(VerifierHealth.Status.FRESH, verifier.health().status());
    }
}
