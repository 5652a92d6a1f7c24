package io.nohop.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nohop.core.internal.crypto.SignatureEngine;
import io.nohop.core.internal.keyset.InvalidKeySetException;
import io.nohop.core.internal.keyset.JwsAlgorithm;
import io.nohop.core.internal.keyset.KeySetLoader;
import io.nohop.core.internal.keyset.LoadedKeySet;
import io.nohop.core.internal.keyset.VerificationKey;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * Issue 14's target "zero vectors where nohop's decision depends on the provider", asserted in one JVM:
 * every Wycheproof signature vector and every JWS vector goes through nohop's own signature layer (the
 * loader, then {@link VerificationKey#verify} with its checks in front of the provider) once per signature
 * engine — the JDK's providers alone, the JDK with BouncyCastle's Ed25519, and ACCP — and every decision
 * must be the same. {@code ProviderDisagreementTest} lists where the providers themselves disagree, below
 * nohop's checks; this is what is left of it above them: nothing.
 *
 * <p>Runs in the default test execution, which has bcprov and ACCP on its path; where ACCP has no native
 * library (not Linux x86-64) the comparison covers the engines that load, and the report says which.
 */
class ProviderIndependenceTest {
    private static final Map<String, SignatureEngine> ENGINES = new LinkedHashMap<>();

    @BeforeAll
    static void engines() {
        Assumptions.assumeTrue(CryptoUnderTest.MODE.equals("default"), "compares engines in the default execution,"
                + " which has every provider on its path");
        ENGINES.put("JDK", SignatureEngine.installedProvidersOnly());
        if (SignatureEngine.bouncyCastleUsable()) {
            ENGINES.put("JDK + BouncyCastle Ed25519", SignatureEngine.defaults());
        }
        if (CryptoSuiteTest.linuxX64()) {
            ENGINES.put("ACCP", SignatureEngine.withProvider(CryptoUnderTest.accp()));
        }
    }

    private static final Object[][] SIGNATURE_FILES = {
        {"ecdsa_secp256r1_sha256_p1363_test.json", JwsAlgorithm.ES256},
        {"ecdsa_secp384r1_sha384_p1363_test.json", JwsAlgorithm.ES384},
        {"ecdsa_secp521r1_sha512_p1363_test.json", JwsAlgorithm.ES512},
        {"rsa_signature_2048_sha256_test.json", JwsAlgorithm.RS256},
        {"rsa_signature_2048_sha384_test.json", JwsAlgorithm.RS384},
        {"rsa_signature_2048_sha512_test.json", JwsAlgorithm.RS512},
        {"rsa_pss_2048_sha256_mgf1_32_test.json", JwsAlgorithm.PS256},
        {"rsa_pss_2048_sha384_mgf1_48_test.json", JwsAlgorithm.PS384},
        {"rsa_pss_4096_sha512_mgf1_64_test.json", JwsAlgorithm.PS512},
        {"rsa_pss_2048_sha256_mgf1_0_test.json", JwsAlgorithm.PS256},
        {"ed25519_test.json", JwsAlgorithm.EdDSA},
    };

    @Test
    void wycheproofSignatureVectors_sameDecisionWithEveryEngine(TestReporter report) throws Exception {
        List<String> dependent = new ArrayList<>();
        int cases = 0;
        for (Object[] file : SIGNATURE_FILES) {
            JwsAlgorithm alg = (JwsAlgorithm) file[1];
            Map<String, Object> root = Vectors.json("wycheproof/" + file[0]);
            for (Map<String, Object> group : Vectors.list(root.get("testGroups"))) {
                VerificationKey key = key(group, alg);
                for (Map<String, Object> test : Vectors.list(group.get("tests"))) {
                    cases++;
                    byte[] msg = Vectors.hex((String) test.get("msg"));
                    byte[] sig = Vectors.hex((String) test.get("sig"));
                    Map<String, Boolean> decisions = new LinkedHashMap<>();
                    ENGINES.forEach((name, engine) ->
                            decisions.put(name, key != null && key.verify(engine, alg, msg, msg.length, sig)));
                    if (decisions.values().stream().distinct().count() > 1) {
                        dependent.add(file[0] + "#" + Vectors.tcId(test) + " " + decisions);
                    }
                }
            }
        }
        report.publishEntry("engines compared", String.valueOf(ENGINES.keySet()));
        report.publishEntry("signature vectors", String.valueOf(cases));
        assertEquals(2318, cases, "every case of every file was run");
        assertEquals(List.of(), dependent);
    }

    @Test
    void wycheproofJwsVectors_sameDecisionWithEveryEngine(TestReporter report) {
        Map<String, Object> root = Vectors.json("wycheproof/json_web_signature_test.json");
        List<String> dependent = new ArrayList<>();
        int cases = 0;
        for (Map<String, Object> group : Vectors.list(root.get("testGroups"))) {
            Object keys = group.containsKey("public") ? group.get("public") : group.get("private");
            LoadedKeySet loaded;
            try {
                loaded = KeySetLoader.load(("{\"keys\":[" + Vectors.toJson(Vectors.map(keys)) + "]}")
                        .getBytes(StandardCharsets.UTF_8));
            } catch (InvalidKeySetException e) {
                continue;   // refused on load, with every engine alike (the loader never asks the engine)
            }
            for (Map<String, Object> test : Vectors.list(group.get("tests"))) {
                Object jws = test.get("jws");
                String token = jws instanceof String ? (String) jws : Vectors.toJson(Vectors.map(jws));
                cases++;
                Map<String, RejectionReason> decisions = new LinkedHashMap<>();
                ENGINES.forEach((name, engine) -> decisions.put(name, Vectors.jwsLayer(engine, loaded, token)));
                if (decisions.values().stream().distinct().count() > 1) {
                    dependent.add(Vectors.tcId(test) + " " + decisions);
                }
            }
        }
        report.publishEntry("JWS vectors", String.valueOf(cases));
        assertTrue(cases > 300, "the JWS file's tokens were read: " + cases);
        assertEquals(List.of(), dependent);
    }

    /** The group's key as the verifier would load it (as a JWK); null when the loader refuses it. */
    private static VerificationKey key(Map<String, Object> group, JwsAlgorithm alg) throws Exception {
        Object jwk = group.containsKey("publicKeyJwk") ? group.get("publicKeyJwk") : group.get("keyJwk");
        String json;
        if (jwk != null) {
            json = Vectors.toJson(Vectors.map(jwk));
        } else {
            String family = alg.keyType() == JwsAlgorithm.KeyType.RSA ? "RSA" : "EC";
            PublicKey pub = KeyFactory.getInstance(family)
                    .generatePublic(new X509EncodedKeySpec(Vectors.hex((String) group.get("publicKeyDer"))));
            json = Tokens.jwk(pub, "der");
        }
        try {
            return KeySetLoader.load(("{\"keys\":[" + json + "]}").getBytes(StandardCharsets.UTF_8)).keys().get(0);
        } catch (InvalidKeySetException refused) {
            return null;
        }
    }
}
