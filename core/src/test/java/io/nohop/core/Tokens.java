package io.nohop.core;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;

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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test fixture for making tokens byte by byte. Keys are generated once per test JVM (key generation
 * is the slow part); tokens are signed with the JDK's {@code Signature} directly, never through the
 * code under test, so that every header and payload byte is under the test's control.
 */
final class Tokens {
    static final String ISSUER = "https://auth.example";
    static final String AUDIENCE = "orders";
    /** A fixed "now": tests control time, they never sleep. */
    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    static final long NOW_S = NOW.getEpochSecond();
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    static final KeyPair RSA = generate("RSA", 2048);
    static final KeyPair RSA_OTHER = generate("RSA", 2048);
    static final KeyPair EC256 = generateEc("secp256r1");
    static final KeyPair EC384 = generateEc("secp384r1");
    static final KeyPair EC521 = generateEc("secp521r1");
    static final KeyPair ED25519 = generate("Ed25519", 0);

    /** The default key set: one key per family, kids named after it. */
    static final String JWKS = jwks(jwk(RSA, "rsa"), jwk(EC256, "ec256"), jwk(EC384, "ec384"), jwk(EC521, "ec521"),
            jwk(ED25519, "ed"));

    private Tokens() {
    }

    private static KeyPair generate(String algorithm, int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
            if (bits > 0) {
                g.initialize(bits);
            }
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair generateEc(String curve) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(curve));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- keys as JWK ----

    /** The public JWK of a key pair, as JSON, with extra raw members (name, raw JSON value, ...). */
    static String jwk(KeyPair pair, String kid, String... extraRawMembers) {
        return jwk(pair.getPublic(), kid, extraRawMembers);
    }

    static String jwk(PublicKey key, String kid, String... extraRawMembers) {
        String json;
        if (key instanceof RSAPublicKey) {
            json = new RSAKey.Builder((RSAPublicKey) key).build().toJSONString();
        } else if (key instanceof ECPublicKey) {
            ECPublicKey ec = (ECPublicKey) key;
            json = new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec).build().toJSONString();
        } else {
            // Nimbus's OctetKeyPair wants the private part to be built from a JDK key; the public JWK
            // of Ed25519 is simply the last 32 bytes of the X.509 encoding (RFC 8037).
            byte[] spki = key.getEncoded();
            byte[] x = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
            json = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + b64(x) + "\"}";
        }
        StringBuilder extra = new StringBuilder();
        if (kid != null) {
            extra.append(",\"kid\":").append(quote(kid));
        }
        for (int i = 0; i < extraRawMembers.length; i += 2) {
            extra.append(',').append(quote(extraRawMembers[i])).append(':').append(extraRawMembers[i + 1]);
        }
        return json.substring(0, json.length() - 1) + extra + "}";
    }

    static String jwks(String... jwks) {
        return "{\"keys\":[" + String.join(",", jwks) + "]}";
    }

    // ---- encoding ----

    static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String b64(String utf8) {
        return b64(utf8.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] unb64(String s) {
        return Base64.getUrlDecoder().decode(s);
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    // ---- JSON objects with raw member values ----

    /** A JSON object built member by member; values are raw JSON text, so anything can be written. */
    static final class Obj {
        private final Map<String, String> members = new LinkedHashMap<>();
        private final List<String> extra = new ArrayList<>();

        Obj raw(String name, String rawJson) {
            members.put(name, rawJson);
            return this;
        }

        Obj str(String name, String value) {
            return raw(name, quote(value));
        }

        Obj num(String name, long value) {
            return raw(name, Long.toString(value));
        }

        Obj without(String name) {
            members.remove(name);
            return this;
        }

        /** Appends a member even if one with that name exists: duplicate member names. */
        Obj duplicate(String name, String rawJson) {
            extra.add(quote(name) + ":" + rawJson);
            return this;
        }

        String json() {
            List<String> parts = new ArrayList<>();
            members.forEach((k, v) -> parts.add(quote(k) + ":" + v));
            parts.addAll(extra);
            return "{" + String.join(",", parts) + "}";
        }

        @Override
        public String toString() {
            return json();
        }
    }

    static Obj obj() {
        return new Obj();
    }

    /** A header with {@code alg} and (when not null) {@code kid}. */
    static Obj header(String alg, String kid) {
        Obj h = obj().str("alg", alg);
        return kid == null ? h : h.str("kid", kid);
    }

    /** Claims that pass the default verifier: issuer, audience, subject, issued now, expiring in 10 min. */
    static Obj claims() {
        return obj().str("iss", ISSUER).str("sub", "alice").str("aud", AUDIENCE).num("iat", NOW_S)
                .num("exp", NOW_S + 600);
    }

    // ---- signing ----

    /** The key that signs for an algorithm in the default set, and its kid. */
    static KeyPair keyFor(String alg) {
        switch (alg.substring(0, 2)) {
            case "RS":
            case "PS":
                return RSA;
            case "Ed":
                return ED25519;
            default:
                switch (alg) {
                    case "ES256":
                        return EC256;
                    case "ES384":
                        return EC384;
                    default:
                        return EC521;
                }
        }
    }

    static String kidFor(String alg) {
        switch (alg) {
            case "ES256":
                return "ec256";
            case "ES384":
                return "ec384";
            case "ES512":
                return "ec521";
            case "EdDSA":
                return "ed";
            default:
                return "rsa";
        }
    }

    /** A valid token for the default verifier, signed with {@code alg}. */
    static String valid(String alg) {
        return sign(alg, header(alg, kidFor(alg)).json(), claims().json());
    }

    /** A valid RS256 token with these claims. */
    static String rs256(Obj claims) {
        return sign("RS256", header("RS256", "rsa").json(), claims.json());
    }

    /** Signs raw header and payload JSON with the default key for {@code alg}. */
    static String sign(String alg, String headerJson, String payloadJson) {
        return sign(alg, keyFor(alg).getPrivate(), headerJson, payloadJson);
    }

    /** Signs raw header and payload bytes (which need not be UTF-8) with the default key for {@code alg}. */
    static String sign(String alg, byte[] header, byte[] payload) {
        String input = b64(header) + "." + b64(payload);
        return input + "." + b64(signature(alg, keyFor(alg).getPrivate(), input.getBytes(StandardCharsets.US_ASCII)));
    }

    static String sign(String alg, PrivateKey key, String headerJson, String payloadJson) {
        String input = b64(headerJson) + "." + b64(payloadJson);
        return input + "." + b64(signature(alg, key, input.getBytes(StandardCharsets.US_ASCII)));
    }

    /** A raw JWS signature (RSA, raw R||S for ECDSA as JWS requires, Ed25519). */
    static byte[] signature(String alg, PrivateKey key, byte[] input) {
        try {
            Signature s;
            switch (alg) {
                case "RS256":
                case "RS384":
                case "RS512":
                    s = Signature.getInstance("SHA" + alg.substring(2) + "withRSA");
                    break;
                case "PS256":
                case "PS384":
                case "PS512":
                    int bits = Integer.parseInt(alg.substring(2));
                    s = Signature.getInstance("RSASSA-PSS");
                    s.setParameter(new PSSParameterSpec("SHA-" + bits, "MGF1", new MGF1ParameterSpec("SHA-" + bits),
                            bits / 8, 1));
                    break;
                case "ES256":
                case "ES384":
                case "ES512":
                    s = Signature.getInstance("SHA" + alg.substring(2) + "withECDSAinP1363Format");
                    break;
                case "EdDSA":
                    s = Signature.getInstance("Ed25519");
                    break;
                default:
                    throw new IllegalArgumentException(alg);
            }
            s.initSign(key);
            s.update(input);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- verifiers and assertions ----

    /**
     * A builder for the default verifier: the default key set, issuer, audience and the fixed clock, with
     * the crypto configuration the suite runs under ({@link CryptoUnderTest}).
     */
    static TokenVerifier.Builder builder() {
        return CryptoUnderTest.configure(TokenVerifier.builder()).jwks(JWKS).issuer(ISSUER).audience(AUDIENCE)
                .clock(CLOCK);
    }

    /** The reason {@code verifier} rejects {@code token}; fails the test if it is accepted. */
    static RejectionReason rejection(TokenVerifier verifier, String token) {
        try {
            VerifiedToken accepted = verifier.verify(token);
            return fail("token was accepted: " + accepted);
        } catch (TokenRejectedException e) {
            assertNotNull(e.reason());
            return e.reason();
        }
    }

    /** Verifies a token that must be accepted; fails the test with the reason otherwise. */
    static VerifiedToken accepted(TokenVerifier verifier, String token) {
        try {
            return verifier.verify(token);
        } catch (TokenRejectedException e) {
            return fail("token was rejected: " + e.reason().code() + " (" + e.getMessage() + ")");
        }
    }
}
