package io.nohop.core;

import static io.nohop.core.Tokens.CLOCK;
import static io.nohop.core.Tokens.AUDIENCE;
import static io.nohop.core.Tokens.ISSUER;
import static io.nohop.core.Tokens.b64;
import static io.nohop.core.Tokens.claims;
import static io.nohop.core.Tokens.header;
import static io.nohop.core.Tokens.jwk;
import static io.nohop.core.Tokens.jwks;
import static io.nohop.core.Tokens.rejection;
import static io.nohop.core.Tokens.sign;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nohop.core.internal.keyset.RefusedKey;
import io.nohop.core.internal.keyset.InvalidKeySetException;
import io.nohop.core.internal.keyset.KeySetLoader;
import io.nohop.core.internal.keyset.LoadedKeySet;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** Step 4: which keys a set yields, and which key may verify which token. */
class VerifyKeysTest {
    private static final KeyPair RSA_1024 = rsa(1024);

    private static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits);
            return g.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A verifier trusting exactly this set (plus nothing else). */
    private static TokenVerifier verifierFor(String jwks) {
        return CryptoUnderTest.configure(TokenVerifier.builder()).jwks(jwks).issuer(ISSUER).audience(AUDIENCE).clock(CLOCK).build();
    }

    private static LoadedKeySet load(String jwks) throws InvalidKeySetException {
        return KeySetLoader.load(jwks.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> refusedKids(LoadedKeySet set) {
        return set.refused().stream().map(RefusedKey::kid).collect(Collectors.toList());
    }

    private static String rsToken(KeyPair pair, String kid) {
        return sign("RS256", pair.getPrivate(), header("RS256", kid).json(), claims().json());
    }

    // Every set below also holds a good EC key, so that loading succeeds and only the key under test is judged.
    private static final String GOOD_EC = jwk(Tokens.EC256, "ec256");

    @Test
    void load_rsa1024_refusedAndTokenRejectedAsUnknownKey() throws Exception {
        String set = jwks(jwk(RSA_1024, "small"), GOOD_EC);
        assertEquals(List.of("small"), refusedKids(load(set)));
        assertEquals(RejectionReason.UNKNOWN_KEY, rejection(verifierFor(set), rsToken(RSA_1024, "small")));
    }

    @Test
    void load_rsa2048_kept() throws Exception {
        assertTrue(load(jwks(jwk(Tokens.RSA, "rsa"))).refused().isEmpty());
    }

    @Test
    void load_useEnc_refusedAndTokenRejectedAsUnknownKey() throws Exception {
        String set = jwks(jwk(Tokens.RSA_OTHER, "enc", "use", "\"enc\""), GOOD_EC);
        assertEquals(List.of("enc"), refusedKids(load(set)));
        assertEquals(RejectionReason.UNKNOWN_KEY, rejection(verifierFor(set), rsToken(Tokens.RSA_OTHER, "enc")));
    }

    @Test
    void load_useSig_accepted() {
        String set = jwks(jwk(Tokens.RSA_OTHER, "sig", "use", "\"sig\""));
        Tokens.accepted(verifierFor(set), rsToken(Tokens.RSA_OTHER, "sig"));
    }

    @Test
    void load_keyOpsWithoutVerify_refusedAndTokenRejectedAsUnknownKey() throws Exception {
        String set = jwks(jwk(Tokens.RSA_OTHER, "signonly", "key_ops", "[\"sign\"]"), GOOD_EC);
        assertEquals(List.of("signonly"), refusedKids(load(set)));
        assertEquals(RejectionReason.UNKNOWN_KEY, rejection(verifierFor(set), rsToken(Tokens.RSA_OTHER, "signonly")));
    }

    @Test
    void load_keyOpsWithVerify_accepted() {
        String set = jwks(jwk(Tokens.RSA_OTHER, "v", "key_ops", "[\"verify\"]"));
        Tokens.accepted(verifierFor(set), rsToken(Tokens.RSA_OTHER, "v"));
    }

    @Test
    void load_octKey_refused() throws Exception {
        String set = jwks("{\"kty\":\"oct\",\"kid\":\"hmac\",\"k\":\"" + b64(new byte[32]) + "\"}", GOOD_EC);
        assertEquals(List.of("hmac"), refusedKids(load(set)));
    }

    @Test
    void load_onlyOctKey_refusedAsUnusable() {
        String set = jwks("{\"kty\":\"oct\",\"kid\":\"hmac\",\"k\":\"" + b64(new byte[32]) + "\"}");
        assertThrows(InvalidKeySetException.class, () -> load(set));
    }

    @Test
    void builder_jwksWithNoUsableKey_rejectedWithIllegalArgument() {
        String set = jwks(jwk(RSA_1024, "small"));
        assertThrows(IllegalArgumentException.class, () -> TokenVerifier.builder().jwks(set));
    }

    @Test
    void load_emptyKeySet_refused() {
        assertThrows(InvalidKeySetException.class, () -> load("{\"keys\":[]}"));
    }

    @Test
    void load_notAJwks_refused() {
        assertThrows(InvalidKeySetException.class, () -> load("{\"kty\":\"RSA\"}"));
    }

    @Test
    void load_rsaWithPrivateExponent_refused() throws Exception {
        String set = jwks(jwk(Tokens.RSA_OTHER, "priv", "d", "\"" + b64(new byte[256]) + "\""), GOOD_EC);
        assertEquals(List.of("priv"), refusedKids(load(set)));
    }

    @Test
    void load_ecWithPrivateScalar_refused() throws Exception {
        String set = jwks(jwk(Tokens.EC384, "priv", "d", "\"" + b64(new byte[48]) + "\""), GOOD_EC);
        assertEquals(List.of("priv"), refusedKids(load(set)));
    }

    @Test
    void load_ecPointNotOnCurve_refusedAndTokenRejectedAsUnknownKey() throws Exception {
        // Invalid-curve attacks need the verifier to accept a point off the curve; y + 1 is not on P-256.
        ECPublicKey pub = (ECPublicKey) Tokens.EC256.getPublic();
        String x = b64(fixed(pub.getW().getAffineX(), 32));
        String y = b64(fixed(pub.getW().getAffineY().add(BigInteger.ONE), 32));
        String offCurve = "{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"off\",\"x\":\"" + x + "\",\"y\":\"" + y + "\"}";
        String set = jwks(offCurve, jwk(Tokens.RSA, "rsa"));
        assertEquals(List.of("off"), refusedKids(load(set)));
        String token = sign("ES256", header("ES256", "off").json(), claims().json());
        assertEquals(RejectionReason.UNKNOWN_KEY, rejection(verifierFor(set), token));
    }

    @Test
    void load_unsupportedOkpCurveEd448_refused() throws Exception {
        KeyPair ed448 = KeyPairGenerator.getInstance("Ed448").generateKeyPair();
        byte[] spki = ed448.getPublic().getEncoded();
        String x = b64(Arrays.copyOfRange(spki, spki.length - 57, spki.length));
        String set = jwks("{\"kty\":\"OKP\",\"crv\":\"Ed448\",\"kid\":\"448\",\"x\":\"" + x + "\"}", GOOD_EC);
        assertEquals(List.of("448"), refusedKids(load(set)));
    }

    @Test
    void load_unsupportedEcCurveSecp256k1_refused() throws Exception {
        ECPublicKey pub = (ECPublicKey) Tokens.EC256.getPublic();
        String k1 = "{\"kty\":\"EC\",\"crv\":\"secp256k1\",\"kid\":\"k1\",\"x\":\"" + b64(fixed(pub.getW().getAffineX(), 32))
                + "\",\"y\":\"" + b64(fixed(pub.getW().getAffineY(), 32)) + "\"}";
        assertEquals(List.of("k1"), refusedKids(load(jwks(k1, GOOD_EC))));
    }

    @Test
    void load_rsaExponentOne_refused() throws Exception {
        String n = b64(fixed(((java.security.interfaces.RSAPublicKey) Tokens.RSA_OTHER.getPublic()).getModulus(), 256));
        String e1 = "{\"kty\":\"RSA\",\"kid\":\"e1\",\"n\":\"" + n + "\",\"e\":\"AQ\"}";
        assertEquals(List.of("e1"), refusedKids(load(jwks(e1, GOOD_EC))));
    }

    @Test
    void load_kidNotString_refused() throws Exception {
        String set = jwks(jwk(Tokens.RSA_OTHER, null, "kid", "7"), GOOD_EC);
        assertEquals(1, load(set).refused().size());
        assertEquals(1, load(set).keys().size());
    }

    @Test
    void load_duplicateKid_bothRefusedAndTokenRejectedAsUnknownKey() throws Exception {
        String set = jwks(jwk(Tokens.RSA, "dup"), jwk(Tokens.RSA_OTHER, "dup"), GOOD_EC);
        LoadedKeySet loaded = load(set);
        assertEquals(List.of("dup", "dup"), refusedKids(loaded));
        assertEquals(RejectionReason.UNKNOWN_KEY, rejection(verifierFor(set), rsToken(Tokens.RSA, "dup")));
    }

    @Test
    void load_oneBadKey_doesNotDisableTheOthers() {
        String set = jwks(jwk(RSA_1024, "small"), "{\"kty\":\"oct\",\"k\":\"AAAA\"}", "42", GOOD_EC);
        Tokens.accepted(verifierFor(set), Tokens.valid("ES256"));
    }

    @Test
    void load_unknownKeyAlg_refused() throws Exception {
        String set = jwks(jwk(Tokens.RSA_OTHER, "hs", "alg", "\"HS256\""), GOOD_EC);
        assertEquals(List.of("hs"), refusedKids(load(set)));
    }

    @Test
    void load_keyAlgNotFittingKeyType_refused() throws Exception {
        String set = jwks(jwk(Tokens.RSA_OTHER, "rs-as-es", "alg", "\"ES256\""), GOOD_EC);
        assertEquals(List.of("rs-as-es"), refusedKids(load(set)));
    }

    // ---- key fits the header ----

    @Test
    void verify_keyAlgPinsAlgorithm_otherRsaAlgorithmRejectedAsUnsupportedAlgorithm() {
        // The key says RS256; a PS256 token naming it must not be verified with it.
        String set = jwks(jwk(Tokens.RSA, "pinned", "alg", "\"RS256\""));
        String token = sign("PS256", header("PS256", "pinned").json(), claims().json());
        assertEquals(RejectionReason.UNSUPPORTED_ALGORITHM, rejection(verifierFor(set), token));
    }

    @Test
    void verify_keyAlgPinsAlgorithm_sameAlgorithmAccepted() {
        String set = jwks(jwk(Tokens.RSA, "pinned", "alg", "\"RS256\""));
        Tokens.accepted(verifierFor(set), rsToken(Tokens.RSA, "pinned"));
    }

    @Test
    void verify_ecAlgorithmNamingRsaKid_rejectedAsUnsupportedAlgorithm() {
        String token = sign("ES256", header("ES256", "rsa").json(), claims().json());
        assertEquals(RejectionReason.UNSUPPORTED_ALGORITHM, rejection(verifierFor(Tokens.JWKS), token));
    }

    @Test
    void verify_es384NamingP256Kid_rejectedAsUnsupportedAlgorithm() {
        String token = sign("ES384", header("ES384", "ec256").json(), claims().json());
        assertEquals(RejectionReason.UNSUPPORTED_ALGORITHM, rejection(verifierFor(Tokens.JWKS), token));
    }

    @Test
    void verify_edDsaNamingEcKid_rejectedAsUnsupportedAlgorithm() {
        String token = sign("EdDSA", header("EdDSA", "ec256").json(), claims().json());
        assertEquals(RejectionReason.UNSUPPORTED_ALGORITHM, rejection(verifierFor(Tokens.JWKS), token));
    }

    @Test
    void verify_rsaAlgorithmNamingEdKid_rejectedAsUnsupportedAlgorithm() {
        String token = sign("RS256", header("RS256", "ed").json(), claims().json());
        assertEquals(RejectionReason.UNSUPPORTED_ALGORITHM, rejection(verifierFor(Tokens.JWKS), token));
    }

    @Test
    void verify_unknownKid_rejectedAsUnknownKey() {
        assertEquals(RejectionReason.UNKNOWN_KEY, rejection(verifierFor(Tokens.JWKS), rsToken(Tokens.RSA, "nope")));
    }

    @Test
    void verify_kidIsCaseSensitive_rejectedAsUnknownKey() {
        assertEquals(RejectionReason.UNKNOWN_KEY, rejection(verifierFor(Tokens.JWKS), rsToken(Tokens.RSA, "RSA")));
    }

    @Test
    void verify_rightKidWrongKeyMaterial_rejectedAsBadSignature() {
        assertEquals(RejectionReason.BAD_SIGNATURE, rejection(verifierFor(Tokens.JWKS), rsToken(Tokens.RSA_OTHER, "rsa")));
    }

    // ---- no kid ----

    @Test
    void verify_noKidExactlyOneFittingKey_acceptedWithThatKeysKid() {
        String token = sign("RS256", header("RS256", null).json(), claims().json());
        VerifiedToken verified = Tokens.accepted(verifierFor(Tokens.JWKS), token);
        assertEquals("rsa", verified.keyId().orElseThrow());
    }

    @Test
    void verify_noKidTwoFittingKeys_rejectedAsUnknownKey() {
        String set = jwks(jwk(Tokens.RSA, "a"), jwk(Tokens.RSA_OTHER, "b"));
        String token = sign("RS256", header("RS256", null).json(), claims().json());
        assertEquals(RejectionReason.UNKNOWN_KEY, rejection(verifierFor(set), token));
    }

    @Test
    void verify_noKidNoFittingKey_rejectedAsUnknownKey() {
        String token = sign("RS256", header("RS256", null).json(), claims().json());
        assertEquals(RejectionReason.UNKNOWN_KEY, rejection(verifierFor(jwks(GOOD_EC)), token));
    }

    @Test
    void verify_noKidTwoRsaKeysButOnlyOnePinnedToAlgorithm_accepted() {
        // "Fits" includes the key's alg pin: with one RS256 and one PS256 key, an RS256 token has one candidate.
        String set = jwks(jwk(Tokens.RSA, "rs", "alg", "\"RS256\""), jwk(Tokens.RSA_OTHER, "ps", "alg", "\"PS256\""));
        String token = sign("RS256", header("RS256", null).json(), claims().json());
        assertEquals("rs", Tokens.accepted(verifierFor(set), token).keyId().orElseThrow());
    }

    @Test
    void verify_noKidKeyWithoutKid_acceptedWithEmptyKeyId() {
        String set = jwks(jwk(Tokens.ED25519, null));
        String token = sign("EdDSA", header("EdDSA", null).json(), claims().json());
        assertTrue(Tokens.accepted(verifierFor(set), token).keyId().isEmpty());
    }

    @Test
    void verify_noKidSameKeyInTwoFixedSets_rejectedAsUnknownKey() {
        // Two sources each with one fitting key: still not exactly one key.
        TokenVerifier v = CryptoUnderTest.configure(TokenVerifier.builder()).jwks(jwks(jwk(Tokens.RSA, "a"))).jwks(jwks(jwk(Tokens.RSA_OTHER, "b")))
                .issuer(ISSUER).audience(AUDIENCE).clock(CLOCK).build();
        String token = sign("RS256", header("RS256", null).json(), claims().json());
        assertEquals(RejectionReason.UNKNOWN_KEY, rejection(v, token));
    }

    private static byte[] fixed(BigInteger value, int length) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[length];
        int copy = Math.min(raw.length, length);
        System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
        return out;
    }
}
