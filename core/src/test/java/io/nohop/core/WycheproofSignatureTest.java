package io.nohop.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nohop.core.internal.keyset.JwsAlgorithm;
import io.nohop.core.internal.keyset.KeySetLoader;
import io.nohop.core.internal.keyset.LoadedKeySet;
import io.nohop.core.internal.keyset.VerificationKey;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/**
 * Wycheproof signature vectors through the verifier's signature layer: the key goes through
 * {@link KeySetLoader#load} (as a JWK), each signature through {@link VerificationKey#verify} with the
 * crypto configuration the suite runs under ({@link CryptoUnderTest}: the JDK's providers, BouncyCastle's
 * Ed25519, or the native provider).
 *
 * <p>Every test case of every file is run. Where nohop's decision differs from the vector's, the tcId is
 * listed below with the reason, and the test fails both on an unlisted difference and on a listed one that
 * no longer happens. The lists are the same for every provider and every JDK: nohop's decisions do not
 * depend on them (that is the point of running this class once per configuration, on JDK 17 and 25).
 */
class WycheproofSignatureTest {

    /**
     * Runs one file; returns tcId -> "expected/actual" for every case where we differ from the vector.
     *
     * @param otherSaltLength the file's PSS signatures use another salt length than the JWS algorithm's, so
     *                        under it each is invalid (except the one Wycheproof re-made with the JWS length)
     */
    private static Map<Integer, String> run(String file, JwsAlgorithm alg, boolean otherSaltLength) throws Exception {
        Map<String, Object> root = Vectors.json("wycheproof/" + file);
        Map<Integer, String> differences = new TreeMap<>();
        int cases = 0;
        for (Map<String, Object> group : Vectors.list(root.get("testGroups"))) {
            VerificationKey key = key(group, alg);
            for (Map<String, Object> test : Vectors.list(group.get("tests"))) {
                cases++;
                byte[] msg = Vectors.hex((String) test.get("msg"));
                byte[] sig = Vectors.hex((String) test.get("sig"));
                boolean verified = key != null && key.verify(CryptoUnderTest.engine(), alg, msg, msg.length, sig);
                String expected = !otherSaltLength ? (String) test.get("result")
                        : "s_len changed to 32".equals(test.get("comment")) ? "valid" : "invalid";
                boolean agrees = "acceptable".equals(expected) || verified == "valid".equals(expected);
                if (!agrees || "acceptable".equals(expected)) {
                    differences.put(Vectors.tcId(test), expected + "/" + (verified ? "verified" : "rejected"));
                }
            }
        }
        assertEquals(((Number) root.get("numberOfTests")).intValue(), cases, "every case of " + file + " was run");
        return differences;
    }

    /** The group's public key as a JWK, loaded as the verifier loads any key set; null if the loader refuses it. */
    private static VerificationKey key(Map<String, Object> group, JwsAlgorithm alg) throws Exception {
        Object jwk = group.containsKey("publicKeyJwk") ? group.get("publicKeyJwk") : group.get("keyJwk");
        String json;
        if (jwk != null) {
            json = Vectors.toJson(Vectors.map(jwk));
        } else {
            // Some groups have no JWK (edge-case keys); convert the DER key the way an issuer would publish it.
            String family = alg.keyType() == JwsAlgorithm.KeyType.RSA ? "RSA" : "EC";
            PublicKey pub = KeyFactory.getInstance(family)
                    .generatePublic(new X509EncodedKeySpec(Vectors.hex((String) group.get("publicKeyDer"))));
            json = Tokens.jwk(pub, "der");
        }
        try {
            LoadedKeySet set = KeySetLoader.load(("{\"keys\":[" + json + "]}").getBytes(StandardCharsets.UTF_8));
            return set.keys().get(0);
        } catch (io.nohop.core.internal.keyset.InvalidKeySetException refused) {
            return null;
        }
    }

    private static List<String> describe(Map<Integer, String> m) {
        List<String> out = new ArrayList<>();
        m.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }

    /**
     * nohop refuses every ECDSA signature with r &lt; p − n ({@code EcdsaRange}), whatever the provider: JDK 17
     * refuses the valid ones whose k·G has x ≥ n (r = x − n), JDK 25 and ACCP verify them, and only this rule
     * makes all of them decide alike. It also refuses Wycheproof's crafted "small r" vectors (valid, but only
     * someone who chose k can make one; an honest signer hits r &lt; p − n with probability ~2⁻¹²⁸ on P-256).
     */
    private static Map<Integer, String> refusedForSmallR(int... tcIds) {
        Map<Integer, String> expected = new TreeMap<>();
        for (int tcId : tcIds) {
            expected.put(tcId, "valid/rejected");
        }
        return expected;
    }

    @Test
    void es256P1363_matchesVectorsExceptSmallR() throws Exception {
        // 115: k*G has a large x-coordinate; 257: r = 3, x = n + 3; the rest: small r and s, or r = 1, 2, ...
        assertEquals(describe(refusedForSmallR(115, 120, 122, 124, 126, 128, 130, 132, 134, 138, 139, 140, 141, 142,
                144, 146, 253, 257)), describe(run("ecdsa_secp256r1_sha256_p1363_test.json", JwsAlgorithm.ES256, false)));
    }

    @Test
    void es384P1363_matchesVectorsExceptSmallR() throws Exception {
        // 147: k*G has a large x-coordinate; 275: r = 2, x = n + 2; the rest: small r and s, or r = 1, 2, ...
        assertEquals(describe(refusedForSmallR(147, 152, 154, 156, 158, 160, 162, 166, 167, 168, 169, 170, 172, 174,
                176, 178, 271, 275)), describe(run("ecdsa_secp384r1_sha384_p1363_test.json", JwsAlgorithm.ES384, false)));
    }

    @Test
    void es512P1363_matchesVectorsExceptSmallR() throws Exception {
        // 184: k*G has a large x-coordinate; 313: x = n + r; the rest: small r and s, or r = 1, 2, ...
        assertEquals(describe(refusedForSmallR(184, 189, 191, 193, 195, 197, 199, 203, 204, 205, 206, 207, 209, 211,
                213, 215, 309, 313)), describe(run("ecdsa_secp521r1_sha512_p1363_test.json", JwsAlgorithm.ES512, false)));
    }

    /**
     * 'acceptable' #8: a DigestInfo without the NULL parameters of the hash AlgorithmIdentifier. The JDK's
     * SHA*withRSA verifies it, ACCP does not; nohop compares the whole encoded message with the one encoding
     * every signer in use writes (RFC 8017 §8.2.2, {@code RsaPkcs1Check}), so it is refused with every provider.
     */
    private static Map<Integer, String> missingNullRefused() {
        Map<Integer, String> expected = new TreeMap<>();
        expected.put(8, "acceptable/rejected");
        return expected;
    }

    @Test
    void rs256_matchesVectors_missingNullRefused() throws Exception {
        assertEquals(describe(missingNullRefused()), describe(run("rsa_signature_2048_sha256_test.json", JwsAlgorithm.RS256, false)));
    }

    @Test
    void rs384_matchesVectors_missingNullRefused() throws Exception {
        assertEquals(describe(missingNullRefused()), describe(run("rsa_signature_2048_sha384_test.json", JwsAlgorithm.RS384, false)));
    }

    @Test
    void rs512_matchesVectors_missingNullRefused() throws Exception {
        assertEquals(describe(missingNullRefused()), describe(run("rsa_signature_2048_sha512_test.json", JwsAlgorithm.RS512, false)));
    }

    @Test
    void ps256_matchesVectors() throws Exception {
        assertEquals(List.of(), describe(run("rsa_pss_2048_sha256_mgf1_32_test.json", JwsAlgorithm.PS256, false)));
    }

    @Test
    void ps384_matchesVectors() throws Exception {
        assertEquals(List.of(), describe(run("rsa_pss_2048_sha384_mgf1_48_test.json", JwsAlgorithm.PS384, false)));
    }

    @Test
    void ps512_matchesVectors() throws Exception {
        assertEquals(List.of(), describe(run("rsa_pss_4096_sha512_mgf1_64_test.json", JwsAlgorithm.PS512, false)));
    }

    @Test
    void ps256_signaturesWithSaltLengthZero_refused() throws Exception {
        // RFC 7518 §3.5: the salt is as long as the hash; no provider may recover another length from the signature.
        assertEquals(List.of(), describe(run("rsa_pss_2048_sha256_mgf1_0_test.json", JwsAlgorithm.PS256, true)));
    }

    @Test
    void ed25519_matchesVectors() throws Exception {
        assertEquals(List.of(), describe(run("ed25519_test.json", JwsAlgorithm.EdDSA, false)));
    }
}
