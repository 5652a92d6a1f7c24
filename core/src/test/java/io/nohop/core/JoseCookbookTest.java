package io.nohop.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.nohop.core.internal.keyset.InvalidKeySetException;
import io.nohop.core.internal.keyset.KeySetLoader;
import io.nohop.core.internal.keyset.LoadedKeySet;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The RFC 7520 / 8037 / 7797 examples (ietf-jose/cookbook) through the verifier's JWS layer. */
class JoseCookbookTest {
    private static final List<String> PRIVATE_MEMBERS = List.of("d", "p", "q", "dp", "dq", "qi", "k");

    private static Map<String, Object> example(String file) {
        return Vectors.json("jose-cookbook/" + file);
    }

    private static Map<String, Object> key(Map<String, Object> example) {
        return Vectors.map(Vectors.map(example.get("input")).get("key"));
    }

    private static String compact(Map<String, Object> example) {
        return (String) Vectors.map(example.get("output")).get("compact");
    }

    /** The public half of the example's key, as an issuer would publish it. */
    private static LoadedKeySet publicKeys(Map<String, Object> example) throws InvalidKeySetException {
        Map<String, Object> pub = new LinkedHashMap<>(key(example));
        PRIVATE_MEMBERS.forEach(pub::remove);
        return KeySetLoader.load(("{\"keys\":[" + Vectors.toJson(pub) + "]}").getBytes(StandardCharsets.UTF_8));
    }

    private static String jwksOf(Map<String, Object> jwk) {
        return "{\"keys\":[" + Vectors.toJson(jwk) + "]}";
    }

    @Test
    void rfc7520_4_1_rs256_verifies() throws Exception {
        Map<String, Object> ex = example("jws/4_1.rsa_v15_signature.json");
        assertNull(Vectors.jwsLayer(publicKeys(ex), compact(ex)));
    }

    @Test
    void rfc7520_4_1_rs256_withOneByteChanged_rejectedAsBadSignature() throws Exception {
        Map<String, Object> ex = example("jws/4_1.rsa_v15_signature.json");
        String token = compact(ex);
        String changed = token.substring(0, token.length() - 2) + (token.charAt(token.length() - 2) == 'A' ? 'B' : 'A')
                + token.charAt(token.length() - 1);
        assertEquals(RejectionReason.BAD_SIGNATURE, Vectors.jwsLayer(publicKeys(ex), changed));
    }

    @Test
    void rfc7520_4_1_keyWithPrivateMembers_refusedByLoader() {
        // The cookbook's JWK is the issuer's private key: a verifier must never load one.
        Map<String, Object> ex = example("jws/4_1.rsa_v15_signature.json");
        assertThrows(InvalidKeySetException.class,
                () -> KeySetLoader.load(jwksOf(key(ex)).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void rfc7520_4_3_es512_verifies() throws Exception {
        // ES512 is supported, so the P-521 example is a positive case.
        Map<String, Object> ex = example("jws/4_3.ecdsa_signature.json");
        assertNull(Vectors.jwsLayer(publicKeys(ex), compact(ex)));
    }

    @Test
    void rfc8037_ed25519_verifies() throws Exception {
        Map<String, Object> ex = example("curve25519/jws.json");
        assertNull(Vectors.jwsLayer(publicKeys(ex), compact(ex)));
    }

    @Test
    void rfc7520_4_4_hs256_rejectedAsUnsupportedAlgorithm() throws Exception {
        // HMAC is out of scope; even with an asymmetric key set present, the header's HS256 is refused.
        Map<String, Object> ex = example("jws/4_4.hmac-sha2_integrity_protection.json");
        LoadedKeySet someKeys = publicKeys(example("jws/4_1.rsa_v15_signature.json"));
        assertEquals(RejectionReason.UNSUPPORTED_ALGORITHM, Vectors.jwsLayer(someKeys, compact(ex)));
    }

    @Test
    void rfc7520_4_4_hmacKey_refusedByLoader() {
        Map<String, Object> ex = example("jws/4_4.hmac-sha2_integrity_protection.json");
        assertThrows(InvalidKeySetException.class,
                () -> KeySetLoader.load(jwksOf(key(ex)).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void rfc7797_b64False_rejectedAsMalformed() throws Exception {
        // The unencoded payload contains spaces, so strict form rejects it before the header is read.
        Map<String, Object> ex = example("rfc7797/hmac-sha2_b64_false.json");
        LoadedKeySet someKeys = publicKeys(example("jws/4_1.rsa_v15_signature.json"));
        assertEquals(RejectionReason.MALFORMED, Vectors.jwsLayer(someKeys, compact(ex)));
    }

    @Test
    void rfc7797_b64FalseWithDetachedPayload_rejectedAsMalformed() throws Exception {
        // The detached form (empty payload segment) is well-formed base64url; the header rules (crit, b64) reject it.
        Map<String, Object> ex = example("rfc7797/hmac-sha2_b64_false.json");
        String[] parts = compact(ex).split("\\.", -1);
        LoadedKeySet someKeys = publicKeys(example("jws/4_1.rsa_v15_signature.json"));
        assertEquals(RejectionReason.MALFORMED, Vectors.jwsLayer(someKeys, parts[0] + ".." + parts[2]));
    }
}
