package io.nohop.core;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** KeySetReport judges keys with the verifier's own rules, and also explains a document a verifier refuses. */
class KeySetReportTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    private static final ECKey GOOD = generate("good");
    private static final ECKey ROOT = generateRoot();

    private static ECKey generate(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).keyUse(KeyUse.SIGNATURE).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ECKey generateRoot() {
        try {
            return new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).algorithm(JWSAlgorithm.ES256).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] jwks(String... keys) {
        return ("{\"keys\":[" + String.join(",", keys) + "]}").getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> reasons(KeySetReport report) {
        return report.keys().stream().filter(k -> !k.kept())
                .collect(java.util.stream.Collectors.toMap(k -> k.kid().orElse("-"), k -> k.droppedBecause().orElseThrow(), (a, b) -> a));
    }

    @Test
    void ofJwks_keptKey_hasDescriptionAndThumbprint() throws Exception {
        KeySetReport report = KeySetReport.ofJwks(jwks(GOOD.toPublicJWK().toJSONString()));
        assertEquals(Optional.empty(), report.failure());
        KeySetReport.Key key = report.keys().get(0);
        assertTrue(key.kept());
        assertEquals(Optional.of("good"), key.kid());
        assertEquals(Optional.of("EC P-256"), key.description());
        assertEquals(Optional.of(GOOD.computeThumbprint().toString()), key.thumbprint());
    }

    @Test
    void ofJwks_droppedKeys_sayWhyAsTheVerifierWould() throws Exception {
        RSAKey shortRsa = new RSAKeyGenerator(1024, true).keyID("short").generate();
        String enc = generate("enc").toPublicJWK().toJSONString().replace("\"use\":\"sig\"", "\"use\":\"enc\"");
        String dup = generate("dup").toPublicJWK().toJSONString();
        KeySetReport report = KeySetReport.ofJwks(jwks(GOOD.toPublicJWK().toJSONString(),
                shortRsa.toPublicJWK().toJSONString(), enc, generate("private").toJSONString(), dup, dup));
        assertEquals(Optional.empty(), report.failure());
        Map<String, String> why = reasons(report);
        assertEquals("RSA key shorter than 2048 bits", why.get("short"));
        assertEquals("use is not sig", why.get("enc"));
        assertEquals("carries private key members", why.get("private"));
        assertEquals("kid appears more than once in the set", why.get("dup"));
        assertEquals(1, report.keys().stream().filter(KeySetReport.Key::kept).count());
    }

    @Test
    void ofJwks_noUsableKey_failsButStillListsEveryKey() throws Exception {
        RSAKey shortRsa = new RSAKeyGenerator(1024, true).keyID("short").generate();
        KeySetReport report = KeySetReport.ofJwks(jwks(shortRsa.toPublicJWK().toJSONString()));
        assertEquals(Optional.of(RefreshFailure.NO_USABLE_KEY), report.failure());
        assertEquals("RSA key shorter than 2048 bits", reasons(report).get("short"));
    }

    @Test
    void ofJwks_notJson_failsWithNoKeys() {
        KeySetReport report = KeySetReport.ofJwks("<html>".getBytes(StandardCharsets.UTF_8));
        assertEquals(Optional.of(RefreshFailure.NOT_JSON), report.failure());
        assertTrue(report.failureDetail().isPresent());
        assertTrue(report.keys().isEmpty());
    }

    @Test
    void ofJwks_emptySet_failsAsEmptySet() {
        assertEquals(Optional.of(RefreshFailure.EMPTY_SET), KeySetReport.ofJwks(jwks()).failure());
    }

    private static byte[] signed(ECKey root, Instant iat, Duration lifetime, String type) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("https://auth.example").issueTime(Date.from(iat))
                .expirationTime(Date.from(iat.plus(lifetime)))
                .claim("keys", List.of(GOOD.toPublicJWK().toJSONObject())).build();
        SignedJWT jws = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(root.getKeyID())
                .type(new JOSEObjectType(type)).build(), claims);
        jws.sign(new ECDSASigner(root));
        return jws.serialize().getBytes(StandardCharsets.US_ASCII);
    }

    private static PinnedRoots pinned() {
        return PinnedRoots.of(ROOT.toPublicJWK().toJSONString());
    }

    @Test
    void ofSignedKeySet_signedByThePinnedRoot_keysAndTimes() throws Exception {
        Instant iat = NOW.minus(Duration.ofHours(1));
        KeySetReport report = KeySetReport.ofSignedKeySet(signed(ROOT, iat, Duration.ofDays(7), "jwk-set+jwt"), pinned(),
                Optional.of("https://auth.example"), NOW);
        assertEquals(Optional.empty(), report.failure());
        assertEquals(Optional.of(iat), report.issuedAt());
        assertEquals(Optional.of(iat.plus(Duration.ofDays(7))), report.expiresAt());
        assertTrue(report.keys().get(0).kept());
    }

    @Test
    void ofSignedKeySet_signedByAnotherKey_badSignature() throws Exception {
        KeySetReport report = KeySetReport.ofSignedKeySet(signed(generateRoot(), NOW, Duration.ofDays(7), "jwk-set+jwt"),
                pinned(), Optional.empty(), NOW);
        assertEquals(Optional.of(RefreshFailure.BAD_SIGNATURE), report.failure());
        assertTrue(report.keys().isEmpty());
        assertTrue(report.expiresAt().isEmpty());
    }

    @Test
    void ofSignedKeySet_expired_expiredSet() throws Exception {
        KeySetReport report = KeySetReport.ofSignedKeySet(
                signed(ROOT, NOW.minus(Duration.ofDays(8)), Duration.ofDays(7), "jwk-set+jwt"), pinned(), Optional.empty(), NOW);
        assertEquals(Optional.of(RefreshFailure.EXPIRED_SET), report.failure());
    }

    @Test
    void ofSignedKeySet_plainJwks_unsigned() {
        KeySetReport report = KeySetReport.ofSignedKeySet(jwks(GOOD.toPublicJWK().toJSONString()), pinned(),
                Optional.empty(), NOW);
        assertEquals(Optional.of(RefreshFailure.UNSIGNED), report.failure());
    }

    @Test
    void toString_neverShowsKeyMaterial() {
        KeySetReport report = KeySetReport.ofJwks(jwks(GOOD.toPublicJWK().toJSONString()));
        assertFalse(report.toString().contains(GOOD.getX().toString()));
        assertFalse(report.keys().get(0).toString().contains(GOOD.getX().toString()));
    }
}
