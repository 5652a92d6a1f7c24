package io.nohop.keys;

import io.nohop.core.testing.MutableClock;
import static io.nohop.keys.TestStores.PASSPHRASE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TokenIssuerTest {

    @TempDir
    Path tmp;

    final MutableClock clock = MutableClock.at("2030-01-01T00:00:00Z");

    static boolean verifies(SignedJWT jwt, String jwksJson) throws Exception {
        JWK jwk = JWKSet.parse(jwksJson).getKeyByKeyId(jwt.getHeader().getKeyID());
        if (jwk == null) {
            return false;
        }
        if (jwk instanceof OctetKeyPair okp) {
            // Nimbus's Ed25519Verifier needs Tink; the JDK verifies Ed25519 itself.
            byte[] prefix = HexFormat.of().parseHex("302a300506032b6570032100");
            byte[] x = okp.getX().decode();
            byte[] spki = new byte[prefix.length + x.length];
            System.arraycopy(prefix, 0, spki, 0, prefix.length);
            System.arraycopy(x, 0, spki, prefix.length, x.length);
            Signature signature = Signature.getInstance("Ed25519");
            signature.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki)));
            signature.update(jwt.getSigningInput());
            return signature.verify(jwt.getSignature().decode());
        }
        JWSVerifier verifier = jwk instanceof RSAKey rsa ? new RSASSAVerifier(rsa) : new ECDSAVerifier((ECKey) jwk);
        return jwt.verify(verifier);
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void issue_tokenVerifiesAgainstThePublishedJwks(SigningAlgorithm algorithm) throws Exception {
        SigningKeyStore store = SigningKeyStore.create(tmp.resolve("s"), TestStores.config(algorithm), PASSPHRASE, clock);
        try (TokenIssuer issuer = TokenIssuer.create(store, PASSPHRASE)) {
            SignedJWT jwt = SignedJWT.parse(issuer.issue(TokenRequest.builder().subject("alice").audience("orders").build()));
            assertEquals(algorithm.jwsName(), jwt.getHeader().getAlgorithm().getName());
            assertTrue(verifies(jwt, store.snapshot().jwksJsonAt(clock.instant())));
        }
    }

    @Test
    void issue_setsKidTypeAndRegisteredClaims() throws Exception {
        SigningKeyStore store = TestStores.create(tmp.resolve("s"), clock);
        try (TokenIssuer issuer = TokenIssuer.create(store, PASSPHRASE)) {
            SignedJWT jwt = SignedJWT.parse(issuer.issue(TokenRequest.builder().subject("alice").audience("orders")
                    .ttl(Duration.ofMinutes(10)).claim("scope", "read").claim("n", Map.of("a", List.of(1L, 2L))).build()));
            assertEquals(store.snapshot().records().get(0).kid(), jwt.getHeader().getKeyID());
            assertEquals("at+jwt", jwt.getHeader().getType().getType());
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            assertEquals("https://auth.example", claims.getIssuer());
            assertEquals("alice", claims.getSubject());
            assertEquals(List.of("orders"), claims.getAudience());
            assertEquals(clock.instant(), claims.getIssueTime().toInstant());
            assertEquals(clock.instant().plus(Duration.ofMinutes(10)), claims.getExpirationTime().toInstant());
            assertEquals(16, new Base64URL(claims.getJWTID()).decode().length);
            assertEquals("read", claims.getStringClaim("scope"));
            String payload = jwt.getPayload().toString();
            assertTrue(payload.contains("\"n\":{\"a\":[1,2]}"), payload);
        }
    }

    @Test
    void issue_jtiDiffersPerToken() throws Exception {
        SigningKeyStore store = TestStores.create(tmp.resolve("s"), clock);
        try (TokenIssuer issuer = TokenIssuer.create(store, PASSPHRASE)) {
            TokenRequest request = TokenRequest.builder().subject("a").build();
            assertNotEquals(SignedJWT.parse(issuer.issue(request)).getJWTClaimsSet().getJWTID(),
                    SignedJWT.parse(issuer.issue(request)).getJWTClaimsSet().getJWTID());
        }
    }

    @Test
    void issue_lifetimeOverMaxTokenLifetime_refused() throws Exception {
        SigningKeyStore store = TestStores.create(tmp.resolve("s"), clock);
        try (TokenIssuer issuer = TokenIssuer.create(store, PASSPHRASE)) {
            ScheduleRefusedException e = assertThrows(ScheduleRefusedException.class,
                    () -> issuer.issue(TokenRequest.builder().ttl(Duration.ofMinutes(61)).build()));
            assertTrue(e.getMessage().contains("exceeds the store's maximum token lifetime"), e.getMessage());
        }
    }

    @Test
    void issue_noActiveKey_checkedException() throws Exception {
        SigningKeyStore store = TestStores.create(tmp.resolve("s"), clock);
        store.revoke(store.snapshot().records().get(0).kid(), java.util.Optional.empty(), true, PASSPHRASE);
        try (TokenIssuer issuer = TokenIssuer.create(store, PASSPHRASE)) {
            NoActiveKeyException e = assertThrows(NoActiveKeyException.class,
                    () -> issuer.issue(TokenRequest.builder().build()));
            assertTrue(e.getMessage().startsWith("no key is active at"), e.getMessage());
        }
    }

    @Test
    void issue_wrongPassphrase_refused() throws Exception {
        SigningKeyStore store = TestStores.create(tmp.resolve("s"), clock);
        try (TokenIssuer issuer = TokenIssuer.create(store, "nope".toCharArray())) {
            assertThrows(WrongPassphraseException.class, () -> issuer.issue(TokenRequest.builder().build()));
        }
    }

    @Test
    void issue_pendingKeyNeverSigns_successorSignsOnceActive() throws Exception {
        SigningKeyStore store = TestStores.create(tmp.resolve("s"), clock);
        String first = store.snapshot().records().get(0).kid();
        KeyRecord next = store.rotate(RotationRequest.standard(), PASSPHRASE).orElseThrow();
        try (TokenIssuer issuer = TokenIssuer.create(store, PASSPHRASE, clock, Duration.ZERO)) {
            clock.set(next.activateAt().minusSeconds(1));
            assertEquals(first, SignedJWT.parse(issuer.issue(TokenRequest.builder().build())).getHeader().getKeyID());
            clock.set(next.activateAt());
            assertEquals(next.kid(), SignedJWT.parse(issuer.issue(TokenRequest.builder().build())).getHeader().getKeyID());
        }
    }

    @Test
    void request_reservedClaim_rejectedAtOnce() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TokenRequest.builder().claim("exp", 1L));
        assertTrue(e.getMessage().contains("exp"), e.getMessage());
    }

    @Test
    void jwks_hasUseSigAlgAndNoPrivateMembers() throws Exception {
        SigningKeyStore store = TestStores.create(tmp.resolve("s"), clock);
        String json = store.snapshot().jwksJsonAt(clock.instant());
        for (JWK jwk : JWKSet.parse(json).getKeys()) {
            assertEquals("sig", jwk.getKeyUse().identifier());
            assertEquals("ES256", jwk.getAlgorithm().getName());
            assertTrue(!jwk.isPrivate());
        }
        assertTrue(!json.contains("\"d\""), json);
        assertEquals(json, new String(json.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
    }
}
