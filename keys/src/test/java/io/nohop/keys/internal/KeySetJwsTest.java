package io.nohop.keys.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The store-side check of signed key sets, including sets made by a second implementation (Nimbus directly). */
class KeySetJwsTest {

    static final ECKey ROOT = root();
    static final ECKey OTHER_ROOT = root();
    static final List<JWK> KEYS = List.of(KeyMaterial.generate("RS256").toPublicJWK(), KeyMaterial.generate("EdDSA").toPublicJWK());
    static final Optional<String> ISSUER = Optional.of("https://auth.example");

    static ECKey root() {
        try {
            ECKey key = new ECKeyGenerator(Curve.P_256).generate();
            return new ECKey.Builder(key).keyID(key.computeThumbprint().toString()).algorithm(JWSAlgorithm.ES256)
                    .keyUse(KeyUse.SIGNATURE).build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String nohopSigned() throws Exception {
        return KeySetJws.signKeySet(ROOT, KEYS, ISSUER, 1_900_000_000L, 1_900_604_800L);
    }

    /** A signed key set built with Nimbus's JWT API, as another OpenID Federation implementation would. */
    static String nimbusSigned(JOSEObjectType type, Map<String, Object> extraHeader) throws Exception {
        JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(ROOT.getKeyID());
        if (type != null) {
            header.type(type);
        }
        extraHeader.forEach(header::customParam);
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("https://auth.example").subject("https://auth.example")
                .issueTime(new Date(1_900_000_000_000L)).expirationTime(new Date(1_900_604_800_000L))
                .claim("keys", new JWKSet(KEYS).toJSONObject(true).get("keys")).build();
        SignedJWT jwt = new SignedJWT(header.build(), claims);
        jwt.sign(new ECDSASigner(ROOT));
        return jwt.serialize();
    }

    private static void assertRefused(String document, String why) {
        KeySetJws.RefusedException e = assertThrows(KeySetJws.RefusedException.class,
                () -> KeySetJws.verifyKeySet(document, List.of(ROOT.toPublicJWK()), ISSUER));
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    @Test
    void verify_nohopSignedSet_keysIatExpIssuer() throws Exception {
        KeySetJws.VerifiedKeySet set = KeySetJws.verifyKeySet(nohopSigned(), List.of(OTHER_ROOT.toPublicJWK(), ROOT.toPublicJWK()), ISSUER);
        assertEquals(KEYS, set.keys());
        assertEquals(1_900_000_000L, set.issuedAt());
        assertEquals(1_900_604_800L, set.expiresAt());
        assertEquals(ROOT.getKeyID(), set.signerKid());
        assertEquals(ISSUER, set.subject());
    }

    @Test
    void verify_setSignedWithNimbusDirectly_accepted() throws Exception {
        KeySetJws.VerifiedKeySet set = KeySetJws.verifyKeySet(nimbusSigned(new JOSEObjectType("jwk-set+jwt"), Map.of()),
                List.of(ROOT.toPublicJWK()), ISSUER);
        assertEquals(KEYS, set.keys());
        assertEquals(1_900_000_000L, set.issuedAt());
        assertEquals(1_900_604_800L, set.expiresAt());
    }

    @Test
    void verify_typWithApplicationPrefixAndOtherCase_accepted() throws Exception {
        KeySetJws.verifyKeySet(nimbusSigned(new JOSEObjectType("application/JWK-SET+JWT"), Map.of()),
                List.of(ROOT.toPublicJWK()), ISSUER);
    }

    @Test
    void verify_typMissing_refused() throws Exception {
        assertRefused(nimbusSigned(null, Map.of()), "typ is missing");
    }

    @Test
    void verify_typOfAToken_refused() throws Exception {
        assertRefused(nimbusSigned(new JOSEObjectType("at+jwt"), Map.of()), "not jwk-set+jwt");
    }

    @Test
    void verify_critHeader_refused() throws Exception {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(ROOT.getKeyID())
                .type(new JOSEObjectType("jwk-set+jwt")).criticalParams(java.util.Set.of("exp")).build();
        JWSObject jws = new JWSObject(header, new Payload(Map.of("iat", 1L, "exp", 2L, "keys", List.of())));
        jws.sign(new ECDSASigner(ROOT));
        assertRefused(jws.serialize(), "crit");
    }

    @Test
    void verify_signedByAnotherRoot_refused() throws Exception {
        String other = KeySetJws.signKeySet(OTHER_ROOT, KEYS, ISSUER, 1, 2);
        assertRefused(other, "is not a root key of this store");
    }

    @Test
    void verify_anotherKeyUnderTheRootsKid_refused() throws Exception {
        ECKey impostor = new ECKey.Builder(OTHER_ROOT).keyID(ROOT.getKeyID()).build();
        assertRefused(KeySetJws.signKeySet(impostor, KEYS, ISSUER, 1, 2), "signature does not verify");
    }

    @Test
    void verify_algOtherThanTheRoots_refused() throws Exception {
        RSAKey rsa = new RSAKeyGenerator(2048).keyID(ROOT.getKeyID()).algorithm(JWSAlgorithm.RS256).generate();
        JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(ROOT.getKeyID())
                .type(new JOSEObjectType("jwk-set+jwt")).build(), new Payload(Map.of("iat", 1L, "exp", 2L, "keys", List.of())));
        jws.sign(new RSASSASigner(rsa));
        assertRefused(jws.serialize(), "is not the root's algorithm");
    }

    @Test
    void verify_unsignedJwks_refused() {
        assertRefused(new JWKSet(KEYS).toString(true), "not a compact JWS");
    }

    @Test
    void verify_setHoldingAPrivateKey_refused() throws Exception {
        JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(ROOT.getKeyID())
                .type(new JOSEObjectType("jwk-set+jwt")).build(),
                new Payload(Map.of("iss", ISSUER.get(), "iat", 1L, "exp", 2L, "keys", List.of(OTHER_ROOT.toJSONObject()))));
        jws.sign(new ECDSASigner(ROOT));
        assertRefused(jws.serialize(), "private member d");
    }

    @Test
    void sign_privateKeyAmongTheKeys_refused() {
        assertThrows(com.nimbusds.jose.JOSEException.class,
                () -> KeySetJws.signKeySet(ROOT, List.of(OTHER_ROOT), ISSUER, 1, 2));
    }

    @Test
    void verify_setListingTheRootItself_refused() throws Exception {
        assertRefused(KeySetJws.signKeySet(ROOT, List.of(ROOT.toPublicJWK()), ISSUER, 1, 2), "lists a root key");
    }

    @Test
    void verify_otherIssuer_refused() throws Exception {
        assertRefused(KeySetJws.signKeySet(ROOT, KEYS, Optional.of("https://evil.example"), 1, 2), "is not the store's issuer");
    }

    @Test
    void verify_expNotAfterIat_refused() throws Exception {
        assertRefused(KeySetJws.signKeySet(ROOT, KEYS, ISSUER, 5, 5), "is not after iat");
    }

    @ParameterizedTest
    @ValueSource(strings = {"A", "=", " ", "\n", "."})
    void verify_textAppended_refused(String suffix) throws Exception {
        assertRefused(nohopSigned() + suffix, "signed key set: ");
    }

    @Test
    void verify_signatureWithNonCanonicalLastCharacter_refused() throws Exception {
        // 64 signature bytes take 86 base64url characters; the low 4 bits of the last one carry nothing,
        // so a lenient decoder reads the same signature from a different text.
        String compact = nohopSigned();
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char last = compact.charAt(compact.length() - 1);
        char twin = alphabet.charAt(alphabet.indexOf(last) ^ 1);
        assertRefused(compact.substring(0, compact.length() - 1) + twin, "not canonical base64url");
    }

    @Test
    void endorsement_verifiesUnderTheEndorserOnly() throws Exception {
        String endorsement = KeySetJws.signEndorsement(ROOT, OTHER_ROOT.toPublicJWK(), 1);
        assertEquals(OTHER_ROOT.toPublicJWK(), KeySetJws.verifyEndorsement(endorsement, ROOT.toPublicJWK()));
        assertThrows(KeySetJws.RefusedException.class, () -> KeySetJws.verifyEndorsement(endorsement, OTHER_ROOT.toPublicJWK()));
        assertThrows(KeySetJws.RefusedException.class,
                () -> KeySetJws.verifyKeySet(endorsement, List.of(ROOT.toPublicJWK()), ISSUER), "an endorsement is no key set");
    }
}
