package io.nohop.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.subtle.Ed25519Verify;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;

import io.nohop.core.internal.jws.Base64Url;
import io.nohop.core.internal.keyset.JwsAlgorithm;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, phase 1: the same Wycheproof vectors through every signature implementation nohop might
 * verify with, calling {@link Signature} (or the library's own verify) directly, below nohop's own
 * checks. It lists every vector where an implementation disagrees with another or with the vector
 * (written to {@code target/provider-disagreements.md}, one table per run and JDK), and fails on any
 * disagreement that is not listed below with its reason.
 *
 * <p>Implementations: the JDK's default providers (SunRsaSign, SunEC); the Amazon Corretto Crypto
 * Provider (ACCP, AWS-LC) given the JDK's key objects (what nohop would hand it) and, for RSA and EC,
 * keys made by its own {@code KeyFactory}; and for Ed25519 the pure-Java candidates: BouncyCastle's
 * low-level RFC 8032 code (raw key bytes, and a pre-decoded public point), BouncyCastle's JCA provider,
 * and Tink's {@code Ed25519Verify} (what Nimbus uses).
 *
 * <p>The rule this feeds: nohop must reject whatever either provider would wrongly accept. So a wrong
 * acceptance by any implementation is allowed here only when listed in {@link #WRONG_ACCEPTS} with the
 * check nohop does (or must add) in front of the provider; a false rejection of a valid vector only
 * when listed in {@link #FALSE_REJECTS}. Listed entries may stop happening (JDK 25 fixed some of JDK
 * 17's); unlisted ones fail the test.
 *
 * <p>Where ACCP cannot load (not Linux x86-64, or its native library refuses) the test fails on Linux
 * x86-64 and is reported as skipped, with the reason, elsewhere: never silently.
 */
class ProviderDisagreementTest {
    /** What one implementation did with one vector. A provider that throws has rejected. */
    enum Outcome { VERIFIED, REJECTED, THREW }

    /** Implementation names, in table column order. */
    static final String JDK = "JDK";
    static final String ACCP = "ACCP";
    static final String ACCP_OWN_KEY = "ACCP own key";
    static final String BC_RAW = "BC rfc8032 (bytes)";
    static final String BC_POINT = "BC rfc8032 (point)";
    static final String BC_JCA = "BC JCA";
    static final String TINK = "Tink";

    /** The file name used in the table for the generated Ed25519 small-order cases. */
    static final String SMALL_ORDER = "ed25519 small-order (nohop policy)";

    /**
     * "implementation file#tcId" of vectors the file calls invalid (or nohop's policy refuses) that an
     * implementation verifies, with the reason and what nohop does about it.
     */
    static final Map<String, String> WRONG_ACCEPTS = new TreeMap<>();
    /** "implementation file#tcId" of valid vectors an implementation refuses, with the reason. */
    static final Map<String, String> FALSE_REJECTS = new TreeMap<>();
    /** "file#tcId" of 'acceptable' vectors on which implementations split, with nohop's decision. */
    static final Map<String, String> ACCEPTABLE_SPLITS = new TreeMap<>();

    static {
        // Found on JDK 17.0.15 and Temurin 25.0.3 with ACCP 2.5.0, BC 1.87 and Tink 1.23.0. Wrong acceptances
        // that nohop's checks in front of the provider already refuse (exact signature length, ECDSA r or s
        // zero) are not listed: they are marked in the table and never reach a provider.
        //
        // Small-order Ed25519 public keys: [S]B = R + [k]A holds with R neutral and S = 0 whenever [k]A is
        // neutral, so such a key "verifies" forgeries over chosen messages. No issuer publishes one (it has no
        // private key); it can only come from a tampered key set. The JDK's KeyFactory loads them, so today
        // nohop would use such a key with any provider. Decided in phase 2: KeySetLoader refuses Ed25519 keys of
        // small order (Ed25519SmallOrder: the 5 canonical y values and 2 non-canonical ones, either sign), whatever
        // the provider (AttackCatalogueTest, ProviderIndependenceTest).
        for (String impl : List.of(JDK, ACCP, TINK)) {
            for (int tc : new int[] {1, 5, 6, 7}) {
                WRONG_ACCEPTS.put(impl + " " + SMALL_ORDER + "#" + tc,
                        "small-order public key accepted by the implementation; nohop must refuse the key on load");
            }
        }
        // Tink alone decodes a public key whose y is not reduced (y + p): the JDK's KeyFactory refuses it, and
        // so does nohop's loader, so the key never reaches Tink in nohop. Listed because Tink is a candidate.
        WRONG_ACCEPTS.put(TINK + " " + SMALL_ORDER + "#2",
                "non-canonical (y + p) small-order key decoded by Tink; the JDK KeyFactory, and so nohop's loader, refuses it");

        // ECDSA, JDK 17 only (JDK 25 verifies them, like ACCP): signatures whose k*G has x >= n (r = x - n).
        // Valid, but an honest signer produces one with probability about 2^-128 (P-256) or less. Decided in phase
        // 2: nohop refuses every r < p - n in front of the provider (EcdsaRange), so its decision is the same with
        // every provider and JDK (WycheproofSignatureTest lists these and the crafted small-r vectors it refuses).
        FALSE_REJECTS.put(JDK + " ecdsa_secp256r1_sha256_p1363_test.json#115", "JDK 17: x >= n");
        FALSE_REJECTS.put(JDK + " ecdsa_secp256r1_sha256_p1363_test.json#257", "JDK 17: x >= n");
        FALSE_REJECTS.put(JDK + " ecdsa_secp384r1_sha384_p1363_test.json#147", "JDK 17: x >= n");
        FALSE_REJECTS.put(JDK + " ecdsa_secp384r1_sha384_p1363_test.json#275", "JDK 17: x >= n");
        FALSE_REJECTS.put(JDK + " ecdsa_secp521r1_sha512_p1363_test.json#184", "JDK 17: x >= n");
        FALSE_REJECTS.put(JDK + " ecdsa_secp521r1_sha512_p1363_test.json#313", "JDK 17: x >= n");

        // PKCS#1 v1.5 DigestInfo without the NULL parameters: the JDK verifies it, ACCP (AWS-LC) does not.
        // No signer in use omits the NULL (JCA, OpenSSL, Go, .NET all write it). Decided in phase 2: nohop verifies
        // RS* by comparing the whole encoded message itself (RFC 8017 §8.2.2 "encode and compare", RsaPkcs1Check)
        // with every provider, the provider doing only the RSA operation and the hash: refused with all.
        for (String file : List.of("rsa_signature_2048_sha256_test.json", "rsa_signature_2048_sha384_test.json",
                "rsa_signature_2048_sha512_test.json")) {
            ACCEPTABLE_SPLITS.put(file + "#8", "MissingNull: JDK verifies, ACCP refuses; nohop will refuse with both");
        }
    }


    private static Provider accp;
    private static final Provider BC = new BouncyCastleProvider();
    private static final List<Row> ROWS = new ArrayList<>();
    private static final Map<String, Integer> RUN = new LinkedHashMap<>();

    /** One vector where implementations disagree with each other or with the vector. */
    record Row(String file, int tcId, String expected, String flags, String comment, boolean frontCheckRefuses,
               Map<String, Outcome> outcomes) {
    }

    @BeforeAll
    static void loadAccp() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch");
        boolean supported = os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
        Throwable why;
        try {
            Class<?> c = Class.forName("com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider");
            Provider p = (Provider) c.getField("INSTANCE").get(null);
            c.getMethod("assertHealthy").invoke(p);
            accp = p;
            return;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            why = e instanceof java.lang.reflect.InvocationTargetException ? e.getCause() : e;
        }
        if (supported) {
            throw new AssertionError("ACCP must load on Linux x86-64 (its jar for this platform is a test dependency)", why);
        }
        Assumptions.abort("ACCP has no native library for " + os + "/" + arch + " (" + why + "): provider comparison not run here");
    }

    @AfterAll
    static void writeTable() throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# Provider disagreements on Wycheproof vectors\n\n")
                .append("java ").append(System.getProperty("java.version")).append(" (")
                .append(System.getProperty("java.vendor")).append("), ")
                .append(accp == null ? "no ACCP" : accp.getInfo()).append(", BC ")
                .append(BC.getVersionStr()).append("\n\n");
        RUN.forEach((file, n) -> md.append("- ").append(file).append(": ").append(n).append(" cases\n"));
        md.append("\n`front check`: refused by nohop before any provider (exact length; ECDSA r or s zero, r < p - n).\n");
        md.append("\n| file | tcId | expected | flags | front check | ");
        List<String> columns = List.of(JDK, ACCP, ACCP_OWN_KEY, BC_RAW, BC_POINT, BC_JCA, TINK);
        md.append(String.join(" | ", columns)).append(" | comment |\n|---|---:|---|---|");
        md.append("---|".repeat(columns.size() + 1)).append("---|\n");
        for (Row r : ROWS) {
            md.append("| ").append(r.file()).append(" | ").append(r.tcId()).append(" | ").append(r.expected())
                    .append(" | ").append(r.flags()).append(" | ").append(r.frontCheckRefuses() ? "refuses" : "").append(" | ");
            for (String c : columns) {
                Outcome o = r.outcomes().get(c);
                md.append(o == null ? "" : o == Outcome.VERIFIED ? "**verified**" : o == Outcome.THREW ? "threw" : "rejected")
                        .append(" | ");
            }
            md.append(r.comment().replace("|", "\\|")).append(" |\n");
        }
        Path out = Path.of("target", "provider-disagreements-java" + Runtime.version().feature() + ".md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, md.toString());
        System.out.println(md);
    }

    // ---- the implementations ----

    /** A signature check by one implementation: the JDK key object, the raw key bytes (Ed25519 only). */
    interface Check {
        boolean verify(JwsAlgorithm alg, PublicKey jdkKey, byte[] der, byte[] msg, byte[] sig) throws Exception;
    }

    private static Check jca(Provider provider) {
        return (alg, key, der, msg, sig) -> {
            Signature s = provider == null ? Signature.getInstance(alg.jcaName()) : Signature.getInstance(alg.jcaName(), provider);
            if (alg.parameters() != null) {
                s.setParameter(alg.parameters());
            }
            s.initVerify(key);
            s.update(msg);
            return s.verify(sig);
        };
    }

    private static Check accpOwnKey() {
        return (alg, key, der, msg, sig) -> {
            String family = alg.keyType() == JwsAlgorithm.KeyType.RSA ? "RSA" : "EC";
            PublicKey own = KeyFactory.getInstance(family, accp).generatePublic(new X509EncodedKeySpec(der));
            return jca(accp).verify(alg, own, der, msg, sig);
        };
    }

    private static byte[] rawEd25519(byte[] der) {
        return Arrays.copyOfRange(der, der.length - 32, der.length);
    }

    private static Map<String, Check> implementations(JwsAlgorithm alg) {
        Map<String, Check> m = new LinkedHashMap<>();
        m.put(JDK, jca(null));
        m.put(ACCP, jca(accp));
        if (alg.keyType() != JwsAlgorithm.KeyType.OKP) {
            m.put(ACCP_OWN_KEY, accpOwnKey());
        } else {
            m.put(BC_RAW, (a, key, der, msg, sig) -> Ed25519.verify(sig, 0, rawEd25519(der), 0, msg, 0, msg.length));
            m.put(BC_POINT, (a, key, der, msg, sig) -> {
                Ed25519.PublicPoint point = Ed25519.validatePublicKeyPartialExport(rawEd25519(der), 0);
                return point != null && Ed25519.verify(sig, 0, point, msg, 0, msg.length);
            });
            m.put(BC_JCA, (a, key, der, msg, sig) -> {
                Signature s = Signature.getInstance("Ed25519", BC);
                s.initVerify(KeyFactory.getInstance("Ed25519", BC).generatePublic(new X509EncodedKeySpec(der)));
                s.update(msg);
                return s.verify(sig);
            });
            m.put(TINK, (a, key, der, msg, sig) -> {
                try {
                    new Ed25519Verify(rawEd25519(der)).verify(sig, msg);
                    return true;
                } catch (java.security.GeneralSecurityException e) {
                    return false;
                }
            });
        }
        return m;
    }

    private static Outcome run(Check check, JwsAlgorithm alg, PublicKey key, byte[] der, byte[] msg, byte[] sig) {
        if (key == null) {
            return Outcome.THREW;
        }
        try {
            return check.verify(alg, key, der, msg, sig) ? Outcome.VERIFIED : Outcome.REJECTED;
        } catch (Exception | LinkageError e) {
            return Outcome.THREW;
        }
    }

    // ---- the signature files ----

    /**
     * Runs one Wycheproof signature file through every implementation for {@code alg}.
     *
     * @param forceInvalid true when every vector must be refused under the JWS algorithm's parameters
     *                     (signatures made with another PSS salt length)
     * @return the problems found: unlisted wrong acceptances and false rejections
     */
    private static List<String> runFile(String file, JwsAlgorithm alg, boolean forceInvalid) throws Exception {
        Map<String, Object> root = Vectors.json("wycheproof/" + file);
        Map<String, Check> impls = implementations(alg);
        List<String> problems = new ArrayList<>();
        int cases = 0;
        for (Map<String, Object> group : Vectors.list(root.get("testGroups"))) {
            checkGroupParameters(file, alg, group, forceInvalid);
            byte[] der = Vectors.hex((String) group.get("publicKeyDer"));
            PublicKey key = jdkKey(alg, der);
            for (Map<String, Object> test : Vectors.list(group.get("tests"))) {
                cases++;
                byte[] msg = Vectors.hex((String) test.get("msg"));
                byte[] sig = Vectors.hex((String) test.get("sig"));
                // Under forceInvalid, the one vector re-made with salt length 32 is a correct PS256 signature.
                String expected = !forceInvalid ? (String) test.get("result")
                        : "s_len changed to 32".equals(test.get("comment")) ? "valid" : "invalid";
                Map<String, Outcome> outcomes = new LinkedHashMap<>();
                impls.forEach((name, check) -> outcomes.put(name, run(check, alg, key, der, msg, sig)));
                record(problems, file, Vectors.tcId(test), alg, key, sig, expected, String.valueOf(test.get("flags")),
                        (key == null ? "[JDK KeyFactory refused the key] " : "") + test.get("comment"), outcomes);
            }
        }
        assertEquals(((Number) root.get("numberOfTests")).intValue(), cases, "every case of " + file + " was run");
        RUN.put(file + " (" + alg + (forceInvalid ? ", vectors made with another salt length" : "") + ")", cases);
        return problems;
    }

    private static void checkGroupParameters(String file, JwsAlgorithm alg, Map<String, Object> group, boolean forceInvalid) {
        String digest = (String) group.get("sha");
        if (digest != null && alg.parameters() instanceof PSSParameterSpec) {
            PSSParameterSpec pss = (PSSParameterSpec) alg.parameters();
            assertEquals(pss.getDigestAlgorithm(), digest, file);
            assertEquals(((MGF1ParameterSpec) pss.getMGFParameters()).getDigestAlgorithm(), group.get("mgfSha"), file);
            if (!forceInvalid) {
                assertEquals(pss.getSaltLength(), ((Number) group.get("sLen")).intValue(), file);
            }
        } else if (digest != null) {
            assertTrue(alg.jcaName().startsWith(digest.replace("-", "")), file + ": " + digest + " for " + alg);
        }
    }

    /**
     * The checks nohop makes before any provider sees a signature (VerificationKey.verify): the exact
     * length (EC and Ed25519 fixed, RSA the modulus length) and, for ECDSA, neither half all zero and
     * r at least p − n (phase 2, {@code EcdsaRange}).
     */
    static boolean frontCheckRefuses(JwsAlgorithm alg, PublicKey key, byte[] sig) {
        int expected = alg.signatureLength() != 0 ? alg.signatureLength()
                : key instanceof java.security.interfaces.RSAPublicKey
                        ? (((java.security.interfaces.RSAPublicKey) key).getModulus().bitLength() + 7) / 8 : -1;
        if (sig.length != expected) {
            return true;
        }
        if (alg.keyType() == JwsAlgorithm.KeyType.EC) {
            int half = sig.length / 2;
            return isZero(sig, 0, half) || isZero(sig, half, sig.length)
                    || io.nohop.core.internal.crypto.EcdsaRange.rBelowFieldMinusOrder(alg, sig);
        }
        return false;
    }

    private static boolean isZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static PublicKey jdkKey(JwsAlgorithm alg, byte[] der) {
        String family = alg.keyType() == JwsAlgorithm.KeyType.RSA ? "RSA"
                : alg.keyType() == JwsAlgorithm.KeyType.EC ? "EC" : "Ed25519";
        try {
            return KeyFactory.getInstance(family).generatePublic(new X509EncodedKeySpec(der));
        } catch (java.security.GeneralSecurityException e) {
            return null;
        }
    }

    /** Adds a row when implementations disagree or differ from the vector; collects unlisted problems. */
    private static void record(List<String> problems, String file, int tcId, JwsAlgorithm alg, PublicKey key,
                               byte[] sig, String expected, String flags, String comment, Map<String, Outcome> outcomes) {
        boolean anyVerified = outcomes.containsValue(Outcome.VERIFIED);
        boolean allVerified = outcomes.values().stream().allMatch(o -> o == Outcome.VERIFIED);
        boolean differs = anyVerified != allVerified
                || "valid".equals(expected) && !allVerified
                || "invalid".equals(expected) && anyVerified;
        if (!differs) {
            return;
        }
        boolean front = frontCheckRefuses(alg, key, sig);
        ROWS.add(new Row(file, tcId, expected, flags, comment, front, outcomes));
        outcomes.forEach((impl, o) -> {
            String id = impl + " " + file + "#" + tcId;
            if ("invalid".equals(expected) && o == Outcome.VERIFIED && !front && !WRONG_ACCEPTS.containsKey(id)) {
                problems.add("wrong accept: " + id + " (" + comment + ")");
            }
            if ("valid".equals(expected) && o != Outcome.VERIFIED && !FALSE_REJECTS.containsKey(id)) {
                problems.add("false reject: " + id + " " + o + " (" + comment + ")");
            }
        });
        if ("acceptable".equals(expected) && anyVerified != allVerified && !front
                && !ACCEPTABLE_SPLITS.containsKey(file + "#" + tcId)) {
            problems.add("implementations split on acceptable " + file + "#" + tcId + " " + outcomes + " (" + comment + ")");
        }
    }

    @Test
    void es256P1363_implementationsDifferOnlyWhereListed() throws Exception {
        assertEquals(List.of(), runFile("ecdsa_secp256r1_sha256_p1363_test.json", JwsAlgorithm.ES256, false));
    }

    @Test
    void es384P1363_implementationsDifferOnlyWhereListed() throws Exception {
        assertEquals(List.of(), runFile("ecdsa_secp384r1_sha384_p1363_test.json", JwsAlgorithm.ES384, false));
    }

    @Test
    void es512P1363_implementationsDifferOnlyWhereListed() throws Exception {
        assertEquals(List.of(), runFile("ecdsa_secp521r1_sha512_p1363_test.json", JwsAlgorithm.ES512, false));
    }

    @Test
    void rs256_implementationsDifferOnlyWhereListed() throws Exception {
        assertEquals(List.of(), runFile("rsa_signature_2048_sha256_test.json", JwsAlgorithm.RS256, false));
    }

    @Test
    void rs384_implementationsDifferOnlyWhereListed() throws Exception {
        assertEquals(List.of(), runFile("rsa_signature_2048_sha384_test.json", JwsAlgorithm.RS384, false));
    }

    @Test
    void rs512_implementationsDifferOnlyWhereListed() throws Exception {
        assertEquals(List.of(), runFile("rsa_signature_2048_sha512_test.json", JwsAlgorithm.RS512, false));
    }

    @Test
    void ps256_implementationsDifferOnlyWhereListed() throws Exception {
        assertEquals(List.of(), runFile("rsa_pss_2048_sha256_mgf1_32_test.json", JwsAlgorithm.PS256, false));
    }

    @Test
    void ps384_implementationsDifferOnlyWhereListed() throws Exception {
        assertEquals(List.of(), runFile("rsa_pss_2048_sha384_mgf1_48_test.json", JwsAlgorithm.PS384, false));
    }

    @Test
    void ps512_implementationsDifferOnlyWhereListed() throws Exception {
        assertEquals(List.of(), runFile("rsa_pss_4096_sha512_mgf1_64_test.json", JwsAlgorithm.PS512, false));
    }

    @Test
    void ps256_signaturesWithSaltLengthZero_refusedByEveryImplementation() throws Exception {
        // RFC 7518 §3.5: the salt is as long as the hash. A provider that recovers the salt length from the
        // signature (instead of requiring 32) would accept these.
        assertEquals(List.of(), runFile("rsa_pss_2048_sha256_mgf1_0_test.json", JwsAlgorithm.PS256, true));
    }

    @Test
    void ed25519_implementationsDifferOnlyWhereListed() throws Exception {
        assertEquals(List.of(), runFile("ed25519_test.json", JwsAlgorithm.EdDSA, false));
    }

    // ---- Ed25519 cases Wycheproof lacks: small-order and non-canonical public keys ----

    private static final BigInteger L = BigInteger.ONE.shiftLeft(252).add(new BigInteger("27742317777372353535851937790883648493"));
    private static final byte[] ED25519_SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
    /** The neutral element, encoded canonically (y = 1, x = 0). */
    private static final String IDENTITY = "0100000000000000000000000000000000000000000000000000000000000000";
    /** The neutral element, y encoded as y + p (non-canonical). */
    private static final String IDENTITY_Y_PLUS_P = "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f";
    /** The neutral element with the sign bit of x set although x = 0 (non-canonical). */
    private static final String IDENTITY_NEGATIVE_ZERO = "0100000000000000000000000000000000000000000000000000000000000080";
    /** A point of order 8. */
    private static final String ORDER_8 = "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a";
    /** The point of order 2 (y = -1). */
    private static final String ORDER_2 = "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f";

    /**
     * Public keys of small order verify "signatures" that no private key made: with R the neutral
     * element and S = 0, the check [S]B = R + [k]A holds whenever [k]A is neutral. An issuer never
     * publishes such a key, so nohop's policy is to refuse them when loading a key set; this lists which
     * implementations would accept such forgeries if the key got in.
     */
    @Test
    void ed25519SmallOrderKeys_forgeriesAcceptedOnlyWhereListed() throws Exception {
        Map<String, Check> impls = implementations(JwsAlgorithm.EdDSA);
        List<String> problems = new ArrayList<>();
        String zeroS = "0000000000000000000000000000000000000000000000000000000000000000";
        int tc = 0;
        for (String[] c : new String[][] {
                {IDENTITY, IDENTITY, "A = neutral element, R = neutral, S = 0"},
                {IDENTITY_Y_PLUS_P, IDENTITY, "A = neutral element encoded with y + p, R = neutral, S = 0"},
                {IDENTITY_NEGATIVE_ZERO, IDENTITY, "A = neutral element with x sign bit set, R = neutral, S = 0"},
                {IDENTITY, IDENTITY_Y_PLUS_P, "A = neutral, R = neutral encoded with y + p, S = 0"},
                {ORDER_2, IDENTITY, "A of order 2, R = neutral, S = 0, message with k even"},
                {ORDER_8, IDENTITY, "A of order 8, R = neutral, S = 0, message with k = 0 mod 8"},
                {ORDER_8, ORDER_8, "A of order 8, R = A, S = 0, message with k = 7 mod 8"}}) {
            tc++;
            byte[] a = Vectors.hex(c[0]);
            byte[] r = Vectors.hex(c[1]);
            byte[] sig = Vectors.hex(c[1] + zeroS);
            int order = c[0].equals(ORDER_8) ? 8 : c[0].equals(ORDER_2) ? 2 : 1;
            int wanted = c[0].equals(c[1]) && order > 1 ? order - 1 : 0;
            byte[] msg = messageWithK(r, a, order, wanted);
            byte[] der = concat(ED25519_SPKI_PREFIX, a);
            PublicKey key = jdkKey(JwsAlgorithm.EdDSA, der);
            Map<String, Outcome> outcomes = new LinkedHashMap<>();
            impls.forEach((name, check) -> outcomes.put(name, run(check, JwsAlgorithm.EdDSA, key, der, msg, sig)));
            record(problems, SMALL_ORDER, tc, JwsAlgorithm.EdDSA, key, sig, "invalid", "[SmallOrderKey]",
                    (key == null ? "[JDK KeyFactory refused the key] " : "") + c[2], outcomes);
        }
        RUN.put("ed25519 small-order and non-canonical keys (generated here)", tc);
        assertEquals(List.of(), problems);
    }

    /** A message whose k = SHA-512(R || A || M) mod L is congruent to {@code wanted} modulo {@code order}. */
    private static byte[] messageWithK(byte[] r, byte[] a, int order, int wanted) throws Exception {
        for (int i = 0; ; i++) {
            byte[] msg = ("nohop small-order probe " + i).getBytes(StandardCharsets.US_ASCII);
            MessageDigest sha = MessageDigest.getInstance("SHA-512");
            sha.update(r);
            sha.update(a);
            byte[] h = sha.digest(msg);
            byte[] be = new byte[h.length];
            for (int j = 0; j < h.length; j++) {
                be[j] = h[h.length - 1 - j];
            }
            BigInteger k = new BigInteger(1, be).mod(L);
            if (k.mod(BigInteger.valueOf(order)).intValue() == wanted) {
                return msg;
            }
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /**
     * ECDSA signatures are malleable: (r, n - s) is as valid as (r, s). JWS has no low-S rule and the
     * JDK's signer produces high S about half the time, so every implementation must verify both forms
     * (a provider that demanded low S would refuse honest tokens).
     */
    @Test
    void ecdsaHighS_everyImplementationVerifiesBothForms() throws Exception {
        List<String> problems = new ArrayList<>();
        int tc = 0;
        for (JwsAlgorithm alg : List.of(JwsAlgorithm.ES256, JwsAlgorithm.ES384, JwsAlgorithm.ES512)) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new java.security.spec.ECGenParameterSpec(
                    Map.of("P-256", "secp256r1", "P-384", "secp384r1", "P-521", "secp521r1").get(alg.curve())));
            KeyPair pair = generator.generateKeyPair();
            BigInteger n = ((java.security.interfaces.ECPublicKey) pair.getPublic()).getParams().getOrder();
            int half = alg.signatureLength() / 2;
            for (int i = 0; i < 8; i++) {
                byte[] msg = ("nohop high-S probe " + i).getBytes(StandardCharsets.US_ASCII);
                Signature signer = Signature.getInstance(alg.jcaName());
                signer.initSign(pair.getPrivate());
                signer.update(msg);
                byte[] sig = signer.sign();
                BigInteger s = new BigInteger(1, Arrays.copyOfRange(sig, half, sig.length));
                byte[] flipped = n.subtract(s).toByteArray();
                byte[] other = sig.clone();
                Arrays.fill(other, half, other.length, (byte) 0);
                int len = Math.min(flipped.length, half);
                System.arraycopy(flipped, flipped.length - len, other, other.length - len, len);
                byte[] der = pair.getPublic().getEncoded();
                for (byte[] candidate : List.of(sig, other)) {
                    tc++;
                    Map<String, Outcome> outcomes = new LinkedHashMap<>();
                    implementations(alg).forEach((name, check) ->
                            outcomes.put(name, run(check, alg, pair.getPublic(), der, msg, candidate)));
                    record(problems, "ecdsa high-S (generated)", tc, alg, pair.getPublic(), candidate, "valid",
                            "[HighS]", alg + (candidate == sig ? " as signed" : " with s replaced by n - s"), outcomes);
                }
            }
        }
        RUN.put("ecdsa (r, s) and (r, n - s), generated here", tc);
        assertEquals(List.of(), problems);
    }

    // ---- whole JWS vectors: the signature part only ----

    /**
     * The signatures inside Wycheproof's JWS vectors (RS/PS/ES with their group's public JWK), checked
     * by each implementation. The vector's result is about the whole JWS (header rules, alg confusion),
     * so only agreement between implementations is required here.
     */
    @Test
    void jwsVectorsSignaturePart_everyImplementationAgrees() throws Exception {
        Map<String, Object> root = Vectors.json("wycheproof/json_web_signature_test.json");
        List<String> problems = new ArrayList<>();
        TreeSet<String> disagreements = new TreeSet<>();
        int cases = 0;
        for (Map<String, Object> group : Vectors.list(root.get("testGroups"))) {
            Object pub = group.get("public");
            if (!(pub instanceof Map)) {
                continue;
            }
            JWK jwk = JWK.parse(Vectors.map(pub));
            PublicKey key = jwk instanceof RSAKey ? ((RSAKey) jwk).toRSAPublicKey()
                    : jwk instanceof ECKey ? ((ECKey) jwk).toECPublicKey() : null;
            if (key == null) {
                continue;
            }
            for (Map<String, Object> test : Vectors.list(group.get("tests"))) {
                Object jws = test.get("jws");
                if (!(jws instanceof String)) {
                    continue;
                }
                String token = (String) jws;
                String[] parts = token.split("\\.", -1);
                if (parts.length != 3) {
                    continue;
                }
                byte[] header = Base64Url.decode(parts[0].getBytes(StandardCharsets.ISO_8859_1), 0, parts[0].length());
                byte[] sig = Base64Url.decode(parts[2].getBytes(StandardCharsets.ISO_8859_1), 0, parts[2].length());
                if (header == null || sig == null) {
                    continue; // nohop refuses it as malformed before any provider sees it
                }
                Object alg;
                try {
                    alg = Vectors.parseLeniently(new String(header, StandardCharsets.UTF_8)).get("alg");
                } catch (AssertionError notJson) {
                    continue; // nohop refuses it as malformed before any provider sees it
                }
                JwsAlgorithm algorithm = alg instanceof String ? JwsAlgorithm.byName((String) alg) : null;
                if (algorithm == null || algorithm.keyType() == JwsAlgorithm.KeyType.OKP
                        || (algorithm.keyType() == JwsAlgorithm.KeyType.RSA) != (key instanceof java.security.interfaces.RSAPublicKey)) {
                    continue;
                }
                cases++;
                byte[] msg = token.substring(0, token.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII);
                byte[] der = key.getEncoded();
                Map<String, Outcome> outcomes = new LinkedHashMap<>();
                implementations(algorithm).forEach((name, check) ->
                        outcomes.put(name, run(check, algorithm, key, der, msg, sig)));
                boolean anyVerified = outcomes.containsValue(Outcome.VERIFIED);
                boolean allVerified = outcomes.values().stream().allMatch(o -> o == Outcome.VERIFIED);
                if (anyVerified != allVerified) {
                    boolean front = frontCheckRefuses(algorithm, key, sig);
                    ROWS.add(new Row("json_web_signature_test.json", Vectors.tcId(test), (String) test.get("result"),
                            String.valueOf(test.get("flags")), algorithm + ": " + test.get("comment"), front, outcomes));
                    if (!front) {
                        disagreements.add(Vectors.tcId(test) + " " + outcomes);
                    }
                }
            }
        }
        RUN.put("json_web_signature_test.json (signature part of RS/PS/ES tokens)", cases);
        assertTrue(cases > 300, "the JWS file's asymmetric tokens were found: " + cases);
        problems.addAll(disagreements);
        assertEquals(List.of(), problems);
    }
}
