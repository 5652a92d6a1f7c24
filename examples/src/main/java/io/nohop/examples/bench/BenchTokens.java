package io.nohop.examples.bench;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keys and realistic access tokens for the benchmarks, made at setup with the JDK alone, so that no
 * measured library also produced the tokens it is measured on.
 *
 * <p>One {@link Fixture} per algorithm: a key pair, a JWKS with that key and a second key of the same
 * family (a key set in the middle of a rotation), and the tokens each benchmark reads. Every token
 * carries the same dozen claims of an RFC 9068 access token; with the signature the compact form is
 * about 630 bytes (ES256, EdDSA) to 890 bytes (RS256, PS256).
 */
public final class BenchTokens {
    /** The issuer every verifier trusts. */
    public static final String ISSUER = "https://auth.example.com";
    /** The audience every verifier accepts. */
    public static final String AUDIENCE = "orders-api";
    /** The {@code typ} of RFC 9068 access tokens. */
    public static final String TYPE = "at+jwt";
    /** When the tokens were issued (seconds since the epoch). */
    public static final long ISSUED_AT = 1_767_225_600L; // 2026-01-01T00:00:00Z
    /** Token lifetime in seconds. */
    public static final long LIFETIME = 900;
    /** The algorithms measured: RSA PKCS#1 v1.5, RSA-PSS, ECDSA P-256 and Ed25519. */
    public static final String[] ALGORITHMS = {"RS256", "PS256", "ES256", "EdDSA"};

    private static final Map<String, Fixture> FIXTURES = new ConcurrentHashMap<>();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private BenchTokens() {
    }

    /**
     * A clock fixed one minute after issue, inside every token's validity.
     *
     * @return the clock every verifier in the suite uses
     */
    public static Clock clock() {
        return Clock.fixed(Instant.ofEpochSecond(ISSUED_AT + 60), ZoneOffset.UTC);
    }

    /**
     * The fixture for one algorithm, generated once per JVM (each JMH fork makes its own keys).
     *
     * @param algorithm one of {@link #ALGORITHMS}
     * @return keys and tokens
     */
    public static Fixture fixture(String algorithm) {
        return FIXTURES.computeIfAbsent(algorithm, BenchTokens::create);
    }

    /** Keys and tokens for one algorithm. */
    public static final class Fixture {
        /** The JWS algorithm name. */
        public final String algorithm;
        /** The kid of the signing key. */
        public final String kid;
        /** The signing key's public part. */
        public final PublicKey publicKey;
        /** The JWKS: the signing key and a second key of the same family. */
        public final String jwks;
        /** A valid token. */
        public final String token;
        /** The token's signing input, {@code header.payload}, as ASCII bytes. */
        public final byte[] signingInput;
        /** The token's decoded signature. */
        public final byte[] signature;
        /** Same claims, signed by a key outside the set under the signing key's kid. */
        public final String badSignature;
        /** Same claims, validly signed, under a kid the key set does not have. */
        public final String unknownKid;
        /** The token cut in the middle of its payload: two segments, no signature. */
        public final String malformed;
        /** The JCA algorithm name, for the floor. */
        public final String jcaName;
        /** JCA parameters (PSS), or null. */
        public final PSSParameterSpec jcaParameters;

        Fixture(String algorithm, String kid, PublicKey publicKey, String jwks, String token, String badSignature,
                String unknownKid, String jcaName, PSSParameterSpec jcaParameters) {
            this.algorithm = algorithm;
            this.kid = kid;
            this.publicKey = publicKey;
            this.jwks = jwks;
            this.token = token;
            int secondDot = token.lastIndexOf('.');
            this.signingInput = token.substring(0, secondDot).getBytes(StandardCharsets.US_ASCII);
            this.signature = Base64.getUrlDecoder().decode(token.substring(secondDot + 1));
            this.badSignature = badSignature;
            this.unknownKid = unknownKid;
            this.malformed = token.substring(0, token.indexOf('.') + (secondDot - token.indexOf('.')) / 2);
            this.jcaName = jcaName;
            this.jcaParameters = jcaParameters;
        }

        /**
         * A JDK verifier for this fixture's key, initialised once.
         *
         * @return an initialised {@code Signature}
         * @throws GeneralSecurityException if the JDK lacks the algorithm
         */
        public Signature newVerifier() throws GeneralSecurityException {
            Signature s = Signature.getInstance(jcaName);
            if (jcaParameters != null) {
                s.setParameter(jcaParameters);
            }
            s.initVerify(publicKey);
            return s;
        }
    }

    private static Fixture create(String algorithm) {
        try {
            String kid = "k-2026-01-" + algorithm.toLowerCase(java.util.Locale.ROOT);
            KeyPair signing = newKeyPair(algorithm);
            KeyPair sibling = newKeyPair(algorithm);
            KeyPair outsider = newKeyPair(algorithm);
            String jwks = "{\"keys\":[" + jwk(algorithm, kid, signing.getPublic()) + ","
                    + jwk(algorithm, "k-2025-12-" + algorithm.toLowerCase(java.util.Locale.ROOT), sibling.getPublic())
                    + "]}";
            String token = sign(algorithm, kid, signing.getPrivate(), claimsJson());
            String bad = sign(algorithm, kid, outsider.getPrivate(), claimsJson());
            String unknown = sign(algorithm, "k-2099-01-unknown", signing.getPrivate(), claimsJson());
            return new Fixture(algorithm, kid, signing.getPublic(), jwks, token, bad, unknown, jcaName(algorithm),
                    pss(algorithm));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make the " + algorithm + " fixture", e);
        }
    }

    private static PSSParameterSpec pss(String algorithm) {
        return algorithm.equals("PS256")
                ? new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1) : null;
    }

    static KeyPair newKeyPair(String algorithm) throws GeneralSecurityException {
        switch (algorithm) {
            case "RS256":
            case "PS256": {
                KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                g.initialize(2048);
                return g.generateKeyPair();
            }
            case "ES256": {
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec("secp256r1"));
                return g.generateKeyPair();
            }
            case "EdDSA":
                return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            default:
                throw new IllegalArgumentException("unknown algorithm: " + algorithm);
        }
    }

    private static String jcaName(String algorithm) {
        switch (algorithm) {
            case "RS256":
                return "SHA256withRSA";
            case "PS256":
                return "RSASSA-PSS";
            case "ES256":
                return "SHA256withECDSAinP1363Format";
            case "EdDSA":
                return "Ed25519";
            default:
                throw new IllegalArgumentException("unknown algorithm: " + algorithm);
        }
    }

    /** The claims of a typical access token: registered claims, OAuth claims and a few custom ones. */
    static String claimsJson() {
        return "{\"iss\":\"" + ISSUER + "\","
                + "\"sub\":\"248289761001\","
                + "\"aud\":[\"" + AUDIENCE + "\",\"billing-api\"],"
                + "\"exp\":" + (ISSUED_AT + LIFETIME) + ","
                + "\"nbf\":" + ISSUED_AT + ","
                + "\"iat\":" + ISSUED_AT + ","
                + "\"jti\":\"9f2c1e6a-4b7d-4c1e-9a35-2d8e7f0b6c41\","
                + "\"scope\":\"orders:read orders:write profile\","
                + "\"client_id\":\"web-checkout-7f3a\","
                + "\"tenant\":\"acme-eu-west\","
                + "\"roles\":[\"customer\",\"beta\"],"
                + "\"email_verified\":true,"
                + "\"amr\":[\"pwd\",\"otp\"]}";
    }

    /** A compact JWS of {@code claims} under an RFC 9068 header naming {@code kid}. */
    static String sign(String algorithm, String kid, PrivateKey key, String claims) throws GeneralSecurityException {
        String header = "{\"alg\":\"" + algorithm + "\",\"typ\":\"" + TYPE + "\",\"kid\":\"" + kid + "\"}";
        String signingInput = B64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + B64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        PSSParameterSpec pss = pss(algorithm);
        Signature s = Signature.getInstance(jcaName(algorithm));
        if (pss != null) {
            s.setParameter(pss);
        }
        s.initSign(key);
        s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + B64.encodeToString(s.sign());
    }

    /** The public JWK of {@code key}, as an issuer would publish it. */
    static String jwk(String algorithm, String kid, PublicKey key) {
        String common = "\"kid\":\"" + kid + "\",\"use\":\"sig\",\"alg\":\"" + algorithm + "\"";
        if (key instanceof RSAPublicKey) {
            RSAPublicKey rsa = (RSAPublicKey) key;
            return "{\"kty\":\"RSA\"," + common + ",\"n\":\"" + B64.encodeToString(unsigned(rsa.getModulus(), 0))
                    + "\",\"e\":\"" + B64.encodeToString(unsigned(rsa.getPublicExponent(), 0)) + "\"}";
        }
        if (key instanceof ECPublicKey) {
            ECPublicKey ec = (ECPublicKey) key;
            return "{\"kty\":\"EC\",\"crv\":\"P-256\"," + common
                    + ",\"x\":\"" + B64.encodeToString(unsigned(ec.getW().getAffineX(), 32))
                    + "\",\"y\":\"" + B64.encodeToString(unsigned(ec.getW().getAffineY(), 32)) + "\"}";
        }
        // Ed25519: the X.509 encoding is a fixed 12-byte prefix and the 32-byte public key (RFC 8410).
        byte[] spki = key.getEncoded();
        byte[] x = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
        return "{\"kty\":\"OKP\",\"crv\":\"Ed25519\"," + common + ",\"x\":\"" + B64.encodeToString(x) + "\"}";
    }

    /** Big-endian magnitude without a sign byte, left-padded to {@code length} when it is not 0. */
    private static byte[] unsigned(BigInteger value, int length) {
        byte[] b = value.toByteArray();
        if (b.length > 1 && b[0] == 0) {
            b = Arrays.copyOfRange(b, 1, b.length);
        }
        if (length > b.length) {
            byte[] padded = new byte[length];
            System.arraycopy(b, 0, padded, length - b.length, b.length);
            b = padded;
        }
        return b;
    }
}
