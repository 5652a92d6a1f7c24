package io.nohop.core;

import static io.nohop.core.Tokens.b64;
import static io.nohop.core.Tokens.builder;
import static io.nohop.core.Tokens.claims;
import static io.nohop.core.Tokens.header;
import static io.nohop.core.Tokens.rejection;
import static io.nohop.core.Tokens.sign;
import static io.nohop.core.Tokens.unb64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The attack catalogue of DESIGN.md "Testing" and issue 2: each test fails if the forged token is
 * accepted, and pins the reason so that a rejection for an unrelated cause does not hide a regression.
 */
class AttackCatalogueTest {
    private static final TokenVerifier VERIFIER = builder().build();
    /** P-256 group order n. */
    private static final BigInteger P256_N =
            new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

    private static ServerSocket server;
    private static final AtomicInteger REQUESTS = new AtomicInteger();
    private static String serverUrl;

    @BeforeAll
    static void startListener() throws Exception {
        // A loopback listener standing in for an attacker's key server: the verifier must never call it.
        // A plain socket (java.base only: the test module does not read jdk.httpserver) that counts every
        // connection, which is stricter than counting HTTP requests.
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    REQUESTS.incrementAndGet();
                    byte[] body = Tokens.jwks(Tokens.jwk(Tokens.RSA_OTHER, "rsa")).getBytes(StandardCharsets.UTF_8);
                    s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                            + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().write(body);
                } catch (java.io.IOException closed) {
                    // The server socket was closed by stopListener, or a client went away: nothing to do.
                }
            }
        }, "attack-listener");
        acceptor.setDaemon(true);
        acceptor.start();
        serverUrl = "http://127.0.0.1:" + server.getLocalPort();
    }

    @AfterAll
    static void stopListener() throws java.io.IOException {
        server.close();
    }

    private static String hs256(String headerJson, String payloadJson, byte[] key) throws Exception {
        String input = b64(headerJson) + "." + b64(payloadJson);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return input + "." + b64(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String withSignature(String token, byte[] signature) {
        return token.substring(0, token.lastIndexOf('.') + 1) + b64(signature);
    }

    private static byte[] signatureOf(String token) {
        return unb64(token.substring(token.lastIndexOf('.') + 1));
    }

    // ---- alg none ----

    @ParameterizedTest
    @ValueSource(strings = {"none", "None", "NONE", "nOnE"})
    void algNone_unsigned_rejectedAsUnsupportedAlgorithm(String none) {
        String token = b64("{\"alg\":\"" + none + "\"}") + "." + b64(claims().json()) + ".";
        assertEquals(RejectionReason.UNSUPPORTED_ALGORITHM, rejection(VERIFIER, token));
    }

    @Test
    void algNone_secondDuplicateAlg_rejectedAsMalformed() {
        // A parser that keeps the last member would see none; one that keeps the first, RS256.
        String token = sign("RS256", "{\"alg\":\"RS256\",\"kid\":\"rsa\",\"alg\":\"none\"}", claims().json());
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, token));
    }

    // ---- HS/RS confusion ----

    @Test
    void hs256KeyedWithRsaPublicKeyDer_rejectedAsUnsupportedAlgorithm() throws Exception {
        byte[] der = Tokens.RSA.getPublic().getEncoded();
        String token = hs256(header("HS256", "rsa").json(), claims().json(), der);
        assertEquals(RejectionReason.UNSUPPORTED_ALGORITHM, rejection(VERIFIER, token));
    }

    @Test
    void hs256KeyedWithRsaPublicKeyPem_rejectedAsUnsupportedAlgorithm() throws Exception {
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(Tokens.RSA.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        String token = hs256(header("HS256", "rsa").json(), claims().json(), pem.getBytes(StandardCharsets.US_ASCII));
        assertEquals(RejectionReason.UNSUPPORTED_ALGORITHM, rejection(VERIFIER, token));
    }

    @Test
    void hs256KeyedWithRsaPublicKeyWithoutKid_rejectedAsUnsupportedAlgorithm() throws Exception {
        String token = hs256("{\"alg\":\"HS256\"}", claims().json(), Tokens.RSA.getPublic().getEncoded());
        assertEquals(RejectionReason.UNSUPPORTED_ALGORITHM, rejection(VERIFIER, token));
    }

    @Test
    void hs256KeyedWithJwkText_rejectedAsUnsupportedAlgorithm() throws Exception {
        byte[] key = Tokens.jwk(Tokens.RSA, "rsa").getBytes(StandardCharsets.UTF_8);
        assertEquals(RejectionReason.UNSUPPORTED_ALGORITHM,
                rejection(VERIFIER, hs256(header("HS256", "rsa").json(), claims().json(), key)));
    }

    // ---- psychic ECDSA and signature encodings ----

    @Test
    void psychicSignature_rAndSZero_rejectedAsBadSignature() {
        // CVE-2022-21449: JDK 15-18 accepted r = s = 0 for any message and key.
        assertEquals(RejectionReason.BAD_SIGNATURE, rejection(VERIFIER, withSignature(Tokens.valid("ES256"), new byte[64])));
    }

    @Test
    void psychicSignature_rZeroOnly_rejectedAsBadSignature() {
        byte[] sig = signatureOf(Tokens.valid("ES256"));
        Arrays.fill(sig, 0, 32, (byte) 0);
        assertEquals(RejectionReason.BAD_SIGNATURE, rejection(VERIFIER, withSignature(Tokens.valid("ES256"), sig)));
    }

    @Test
    void psychicSignature_rAndSEqualToOrder_rejectedAsBadSignature() {
        // r = s = n is r = s = 0 modulo n: a verifier that reduces before range-checking falls for it.
        byte[] n = fixed(P256_N, 32);
        byte[] sig = new byte[64];
        System.arraycopy(n, 0, sig, 0, 32);
        System.arraycopy(n, 0, sig, 32, 32);
        assertEquals(RejectionReason.BAD_SIGNATURE, rejection(VERIFIER, withSignature(Tokens.valid("ES256"), sig)));
    }

    @Test
    void psychicSignature_rEqualToOrderValidS_rejectedAsBadSignature() {
        byte[] sig = signatureOf(Tokens.valid("ES256"));
        System.arraycopy(fixed(P256_N, 32), 0, sig, 0, 32);
        assertEquals(RejectionReason.BAD_SIGNATURE, rejection(VERIFIER, withSignature(Tokens.valid("ES256"), sig)));
    }

    @Test
    void psychicSignature_es384AllZero_rejectedAsBadSignature() {
        assertEquals(RejectionReason.BAD_SIGNATURE, rejection(VERIFIER, withSignature(Tokens.valid("ES384"), new byte[96])));
    }

    @Test
    void ecdsaDerEncodedSignature_rejectedAsBadSignature() throws Exception {
        // JWS requires raw R||S (RFC 7518 §3.4); a DER signature over the right input must still fail.
        String valid = Tokens.valid("ES256");
        String input = valid.substring(0, valid.lastIndexOf('.'));
        Signature der = Signature.getInstance("SHA256withECDSA");
        der.initSign(Tokens.EC256.getPrivate());
        der.update(input.getBytes(StandardCharsets.US_ASCII));
        assertEquals(RejectionReason.BAD_SIGNATURE, rejection(VERIFIER, input + "." + b64(der.sign())));
    }

    @Test
    void es256SignatureOf63Bytes_rejectedAsBadSignature() {
        byte[] sig = signatureOf(Tokens.valid("ES256"));
        assertEquals(RejectionReason.BAD_SIGNATURE,
                rejection(VERIFIER, withSignature(Tokens.valid("ES256"), Arrays.copyOf(sig, 63))));
    }

    @Test
    void es256SignatureOf65Bytes_rejectedAsBadSignature() {
        byte[] sig = signatureOf(Tokens.valid("ES256"));
        assertEquals(RejectionReason.BAD_SIGNATURE,
                rejection(VERIFIER, withSignature(Tokens.valid("ES256"), Arrays.copyOf(sig, 65))));
    }

    @Test
    void es256SignatureWithLeadingZeroByte_rejectedAsBadSignature() {
        // Same integers, one byte longer: only the exact 64-byte form is accepted.
        byte[] sig = signatureOf(Tokens.valid("ES256"));
        byte[] longer = new byte[65];
        System.arraycopy(sig, 0, longer, 1, 64);
        assertEquals(RejectionReason.BAD_SIGNATURE, rejection(VERIFIER, withSignature(Tokens.valid("ES256"), longer)));
    }

    @Test
    void rs256SignatureWithLeadingZeroByte_rejectedAsBadSignature() {
        byte[] sig = signatureOf(Tokens.valid("RS256"));
        byte[] longer = new byte[sig.length + 1];
        System.arraycopy(sig, 0, longer, 1, sig.length);
        assertEquals(RejectionReason.BAD_SIGNATURE, rejection(VERIFIER, withSignature(Tokens.valid("RS256"), longer)));
    }

    @Test
    void rs256SignatureTruncated_rejectedAsBadSignature() {
        byte[] sig = signatureOf(Tokens.valid("RS256"));
        assertEquals(RejectionReason.BAD_SIGNATURE,
                rejection(VERIFIER, withSignature(Tokens.valid("RS256"), Arrays.copyOf(sig, sig.length - 1))));
    }

    @Test
    void edDsaSignatureOf65Bytes_rejectedAsBadSignature() {
        byte[] sig = signatureOf(Tokens.valid("EdDSA"));
        assertEquals(RejectionReason.BAD_SIGNATURE,
                rejection(VERIFIER, withSignature(Tokens.valid("EdDSA"), Arrays.copyOf(sig, 65))));
    }

    @Test
    void pssSignatureUnderRs256Header_rejectedAsBadSignature() {
        // The same RSA key, the other padding: the header's algorithm decides, not the signature.
        String rs = Tokens.valid("RS256");
        String input = rs.substring(0, rs.lastIndexOf('.'));
        byte[] pss = Tokens.signature("PS256", Tokens.RSA.getPrivate(), input.getBytes(StandardCharsets.US_ASCII));
        assertEquals(RejectionReason.BAD_SIGNATURE, rejection(VERIFIER, input + "." + b64(pss)));
    }

    @Test
    void signatureFromOtherToken_rejectedAsBadSignature() {
        String a = Tokens.valid("RS256");
        String b = Tokens.rs256(claims().str("sub", "admin"));
        assertEquals(RejectionReason.BAD_SIGNATURE, rejection(VERIFIER, withSignature(b, signatureOf(a))));
    }

    // ---- keys from the token ----

    @Test
    void injectedJwkWithMatchingKid_rejectedAsBadSignature() {
        // The attacker signs with their own key, embeds its public half as jwk and names our kid.
        String jwk = Tokens.jwk(Tokens.RSA_OTHER, "rsa");
        String token = sign("RS256", Tokens.RSA_OTHER.getPrivate(), header("RS256", "rsa").raw("jwk", jwk).json(),
                claims().json());
        assertEquals(RejectionReason.BAD_SIGNATURE, rejection(VERIFIER, token));
    }

    @Test
    void injectedJwkWithOwnKid_rejectedAsUnknownKey() {
        String jwk = Tokens.jwk(Tokens.RSA_OTHER, "attacker");
        String token = sign("RS256", Tokens.RSA_OTHER.getPrivate(), header("RS256", "attacker").raw("jwk", jwk).json(),
                claims().json());
        assertEquals(RejectionReason.UNKNOWN_KEY, rejection(VERIFIER, token));
    }

    @Test
    void injectedJwkWithoutKid_rejectedAsBadSignature() {
        // No kid: the one RSA key of the set is used, never the embedded one.
        String jwk = Tokens.jwk(Tokens.RSA_OTHER, null);
        String token = sign("RS256", Tokens.RSA_OTHER.getPrivate(), obj("RS256").raw("jwk", jwk).json(), claims().json());
        assertEquals(RejectionReason.BAD_SIGNATURE, rejection(VERIFIER, token));
    }

    @Test
    void injectedX5c_rejectedAsBadSignature() {
        String x5c = "[\"" + Base64.getEncoder().encodeToString(Tokens.RSA_OTHER.getPublic().getEncoded()) + "\"]";
        String token = sign("RS256", Tokens.RSA_OTHER.getPrivate(), header("RS256", "rsa").raw("x5c", x5c).json(),
                claims().json());
        assertEquals(RejectionReason.BAD_SIGNATURE, rejection(VERIFIER, token));
    }

    @Test
    void jkuPointingAtListener_rejectedAndNeverFetched() {
        int before = REQUESTS.get();
        String forged = sign("RS256", Tokens.RSA_OTHER.getPrivate(),
                header("RS256", "rsa").str("jku", serverUrl + "/jwks.json").json(), claims().json());
        String unknown = sign("RS256", Tokens.RSA_OTHER.getPrivate(),
                header("RS256", "attacker").str("jku", serverUrl + "/jwks.json").json(), claims().json());
        assertEquals(RejectionReason.BAD_SIGNATURE, rejection(VERIFIER, forged));
        assertEquals(RejectionReason.UNKNOWN_KEY, rejection(VERIFIER, unknown));
        assertEquals(before, REQUESTS.get(), "the verifier fetched a URL named by the token");
    }

    @Test
    void x5uPointingAtListener_rejectedAndNeverFetched() {
        int before = REQUESTS.get();
        String forged = sign("RS256", Tokens.RSA_OTHER.getPrivate(),
                header("RS256", "rsa").str("x5u", serverUrl + "/cert.pem").json(), claims().json());
        String noKid = sign("RS256", Tokens.RSA_OTHER.getPrivate(),
                obj("RS256").str("x5u", serverUrl + "/cert.pem").json(), claims().json());
        assertEquals(RejectionReason.BAD_SIGNATURE, rejection(VERIFIER, forged));
        assertEquals(RejectionReason.BAD_SIGNATURE, rejection(VERIFIER, noKid));
        assertEquals(before, REQUESTS.get(), "the verifier fetched a URL named by the token");
    }

    @Test
    void listener_isReachable_soZeroRequestsMeansSomething() throws Exception {
        // Guards the two tests above: the listener does answer when someone does call it.
        int before = REQUESTS.get();
        try (java.io.InputStream in = new java.net.URL(serverUrl + "/probe").openStream()) {
            assertTrue(in.readAllBytes().length > 0);
        }
        assertEquals(before + 1, REQUESTS.get());
    }

    // ---- JWE, JSON size and shape ----

    @Test
    void jweCompact_rejectedAsMalformed() {
        String jwe = b64("{\"alg\":\"dir\",\"enc\":\"A128GCM\"}") + ".." + b64(new byte[12]) + "." + b64("secret") + "."
                + b64(new byte[16]);
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, jwe));
    }

    @Test
    void jweHeaderWithSignatureOfTrustedKey_rejectedAsMalformed() {
        String token = sign("RS256", header("RS256", "rsa").str("enc", "A128GCM").json(), claims().json());
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, token));
    }

    @Test
    void deeplyNestedHeaderWithinSizeCap_rejectedAsMalformed() {
        // 2000 levels fit in 8 KiB; a recursive parser without a depth bound may overflow its stack.
        String deep = "{\"alg\":\"RS256\",\"x\":" + "[".repeat(2000) + "]".repeat(2000) + "}";
        String token = b64(deep) + "." + b64(claims().json()) + "." + b64(new byte[256]);
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, token));
    }

    @Test
    void deeplyNestedPayloadWithinSizeCap_rejectedAsMalformed() {
        String deep = claims().raw("x", "[".repeat(2500) + "]".repeat(2500)).json();
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, Tokens.rs256(claims().raw("x",
                "[".repeat(2500) + "]".repeat(2500)))));
        assertTrue(deep.length() < 8192);
    }

    @Test
    void hugeToken_rejectedAsTooLarge() {
        String big = Tokens.rs256(claims().str("blob", "A".repeat(2 * 1024 * 1024)));
        assertEquals(RejectionReason.TOO_LARGE, rejection(VERIFIER, big));
    }

    @Test
    void duplicateIssuer_rejectedAsMalformed() {
        String token = Tokens.rs256(claims().duplicate("iss", "\"https://evil.example\""));
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, token));
    }

    @Test
    void duplicateMemberViaEscapedName_rejectedAsMalformed() {
        // "\u0069ss" is "iss" once unescaped: duplicates are compared after unescaping.
        String payload = claims().json();
        payload = payload.substring(0, payload.length() - 1) + ",\"\\u0069ss\":\"https://evil.example\"}";
        String token = sign("RS256", header("RS256", "rsa").json(), payload);
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, token));
    }

    // ---- non-numeric time claims ----

    @ParameterizedTest
    @ValueSource(strings = {"\"tomorrow\"", "\"1900000000\"", "{}", "[]", "true", "null", "-1", "NaN", "Infinity"})
    void nonNumericExp_rejected(String exp) {
        RejectionReason r = rejection(VERIFIER, Tokens.rs256(claims().raw("exp", exp)));
        // NaN and Infinity are not JSON at all (malformed); the rest are JSON but not NumericDates.
        RejectionReason expected = exp.equals("NaN") || exp.equals("Infinity")
                ? RejectionReason.MALFORMED : RejectionReason.INVALID_CLAIM;
        assertEquals(expected, r);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"0\"", "false", "[1]"})
    void nonNumericNbf_rejectedAsInvalidClaim(String nbf) {
        assertEquals(RejectionReason.INVALID_CLAIM, rejection(VERIFIER, Tokens.rs256(claims().raw("nbf", nbf))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"0\"", "false", "{\"t\":1}"})
    void nonNumericIat_rejectedAsInvalidClaim(String iat) {
        assertEquals(RejectionReason.INVALID_CLAIM, rejection(VERIFIER, Tokens.rs256(claims().raw("iat", iat))));
    }

    // ---- where providers disagree (issue 14): nohop refuses with every provider ----

    @Test
    void rs256DigestInfoWithoutNull_rejectedAsBadSignature() throws Exception {
        // RSASSA-PKCS1-v1_5 with the hash's AlgorithmIdentifier missing its NULL parameters: the JDK's
        // SHA256withRSA verifies it, ACCP does not. nohop compares the whole encoded message, so: refused.
        String input = b64(header("RS256", "rsa").json()) + "." + b64(claims().json());
        byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(input.getBytes(StandardCharsets.US_ASCII));
        byte[] digestInfo = {0x30, 0x2f, 0x30, 0x0b, 0x06, 0x09, 0x60, (byte) 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x01, 0x04, 0x20};
        byte[] em = new byte[256];
        em[1] = 1;
        int separator = em.length - digestInfo.length - hash.length - 1;
        Arrays.fill(em, 2, separator, (byte) 0xff);
        System.arraycopy(digestInfo, 0, em, separator + 1, digestInfo.length);
        System.arraycopy(hash, 0, em, em.length - hash.length, hash.length);
        javax.crypto.Cipher raw = javax.crypto.Cipher.getInstance("RSA/ECB/NoPadding");
        raw.init(javax.crypto.Cipher.DECRYPT_MODE, Tokens.RSA.getPrivate());
        byte[] signature = raw.doFinal(em);
        Signature jdk = Signature.getInstance("SHA256withRSA");
        jdk.initVerify(Tokens.RSA.getPublic());
        jdk.update(input.getBytes(StandardCharsets.US_ASCII));
        assertTrue(jdk.verify(signature), "the forged encoding is one the JDK's own check accepts");
        assertEquals(RejectionReason.BAD_SIGNATURE, rejection(VERIFIER, input + "." + b64(signature)));
    }

    @Test
    void ed25519SmallOrderKey_forgeryRejectedBecauseTheKeyIsRefused() {
        // A key set holding the neutral element as a public key "verifies" R = neutral, S = 0 over every
        // message with the JDK, ACCP and Tink. The loader refuses such keys, so the forgery finds no key.
        byte[] neutral = new byte[32];
        neutral[0] = 1;
        String smallOrder = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"so\",\"x\":\"" + b64(neutral) + "\"}";
        TokenVerifier verifier = CryptoUnderTest.configure(TokenVerifier.builder())
                .jwks(Tokens.jwks(smallOrder, Tokens.jwk(Tokens.ED25519, "ed"))).issuer(Tokens.ISSUER)
                .audience(Tokens.AUDIENCE).clock(Tokens.CLOCK).build();
        byte[] forged = new byte[64];
        forged[0] = 1;
        String token = b64(header("EdDSA", "so").json()) + "." + b64(claims().json()) + "." + b64(forged);
        assertEquals(RejectionReason.UNKNOWN_KEY, rejection(verifier, token));
    }

    @Test
    void kidPathTraversal_rejectedAsUnknownKey() {
        String token = sign("RS256", header("RS256", "../../../../dev/null").json(), claims().json());
        assertEquals(RejectionReason.UNKNOWN_KEY, rejection(VERIFIER, token));
    }

    private static Tokens.Obj obj(String alg) {
        return Tokens.obj().str("alg", alg);
    }

    private static byte[] fixed(BigInteger value, int length) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[length];
        int copy = Math.min(raw.length, length);
        System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
        return out;
    }
}
