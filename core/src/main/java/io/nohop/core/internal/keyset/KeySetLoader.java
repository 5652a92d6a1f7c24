package io.nohop.core.internal.keyset;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import io.nohop.core.RefreshFailure;
import io.nohop.core.internal.LogText;
import io.nohop.core.internal.json.JsonParseException;
import io.nohop.core.internal.json.StrictJson;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a JWKS document into usable verification keys, judging each key on its own: one bad key
 * never disables the rest, and each refused key is reported with why.
 *
 * <p>Nimbus parses each JWK and converts it (it also checks that EC points lie on their curve);
 * the rules about what nohop is willing to trust are applied here, before and after.
 */
public final class KeySetLoader {
    /** RSA keys shorter than this are refused (NIST SP 800-131A). */
    public static final int MIN_RSA_BITS = 2048;

    private static final int MAX_JSON_DEPTH = 32;
    private static final Set<String> PRIVATE_MEMBERS = Set.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");
    // DER prefix of an X.509 SubjectPublicKeyInfo for Ed25519 (RFC 8410); the 32 key bytes follow.
    private static final byte[] ED25519_SPKI_PREFIX = {
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
    };

    private KeySetLoader() {
    }

    /**
     * Loads a JWKS document.
     *
     * @param document the UTF-8 JSON bytes
     * @return the usable keys (at least one) and the refused ones
     * @throws InvalidKeySetException when the document is not a JWKS or holds no usable key
     */
    public static LoadedKeySet load(byte[] document) throws InvalidKeySetException {
        Map<String, Object> root;
        try {
            root = StrictJson.parseObject(document, MAX_JSON_DEPTH);
        } catch (JsonParseException e) {
            throw new InvalidKeySetException(RefreshFailure.NOT_JSON,
                    "key set is not valid JSON (" + e.getMessage() + ")");
        }
        Object keysMember = root.get("keys");
        if (!(keysMember instanceof List)) {
            throw new InvalidKeySetException(RefreshFailure.NOT_A_JWKS, "document is not a JWKS: no \"keys\" array");
        }
        List<?> entries = (List<?>) keysMember;
        List<VerificationKey> usable = new ArrayList<>();
        List<RefusedKey> refused = new ArrayList<>();
        Map<String, Integer> kidCounts = new HashMap<>();
        for (Object entry : entries) {
            if (entry instanceof Map) {
                Object kid = ((Map<?, ?>) entry).get("kid");
                if (kid instanceof String) {
                    kidCounts.merge((String) kid, 1, Integer::sum);
                }
            }
        }
        for (Object entry : entries) {
            if (!(entry instanceof Map)) {
                refused.add(new RefusedKey(null, "entry is not a JSON object"));
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> jwk = (Map<String, Object>) entry;
            Object kid = jwk.get("kid");
            String kidText = kid instanceof String ? (String) kid : null;
            if (kidText != null && kidCounts.get(kidText) > 1) {
                refused.add(new RefusedKey(kidText, "kid appears more than once in the set"));
                continue;
            }
            try {
                usable.add(toKey(jwk, kidText));
            } catch (Refusal refusal) {
                refused.add(new RefusedKey(kidText, refusal.getMessage()));
            }
        }
        if (usable.isEmpty()) {
            throw entries.isEmpty() ? new InvalidKeySetException(RefreshFailure.EMPTY_SET, "key set is empty")
                    : new InvalidKeySetException(RefreshFailure.NO_USABLE_KEY,
                            "key set has no usable key (" + entries.size() + " refused)");
        }
        return new LoadedKeySet(usable, refused);
    }

    /**
     * Loads one public JWK that a verifier pins as a root (a key-set signing key): the rules for a key
     * of a set apply (public only, a signature key nohop verifies with, {@code use} absent or {@code sig},
     * an {@code alg} that fits), and its {@code kid} must be its RFC 7638 thumbprint — computed when the
     * JWK names none.
     *
     * @param jwkJson the JWK's JSON text
     * @return the key; its kid is the thumbprint
     * @throws IllegalArgumentException saying why the JWK is refused, in fixed text that never quotes key
     *         material (a private JWK given by mistake must not end up in a log)
     */
    public static VerificationKey loadPinnedRoot(String jwkJson) {
        Map<String, Object> jwk;
        try {
            jwk = StrictJson.parseObject(jwkJson.getBytes(StandardCharsets.UTF_8), MAX_JSON_DEPTH);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("not a JSON object (" + e.getMessage() + ")");
        }
        if (jwk.containsKey("keys")) {
            throw new IllegalArgumentException("a JWK set, not one JWK (give each root on its own)");
        }
        Object kid = jwk.get("kid");
        String thumbprint;
        try {
            // Every rule first: a private or symmetric JWK is refused before anything else is said about it.
            toKey(jwk, kid instanceof String ? (String) kid : null);
            thumbprint = JWK.parse(forNimbus(jwk)).computeThumbprint().toString();
        } catch (Refusal refusal) {
            throw new IllegalArgumentException(refusal.getMessage());
        } catch (ParseException | JOSEException | RuntimeException e) {
            throw new IllegalArgumentException("not a valid JWK");
        }
        if (kid != null && !thumbprint.equals(kid)) {
            throw new IllegalArgumentException("its kid '" + LogText.escape(String.valueOf(kid))
                    + "' is not its RFC 7638 thumbprint " + thumbprint);
        }
        Map<String, Object> withKid = new LinkedHashMap<>(jwk);
        withKid.put("kid", thumbprint);
        try {
            return toKey(withKid, thumbprint);
        } catch (Refusal refusal) {
            throw new IllegalArgumentException(refusal.getMessage());
        }
    }

    private static VerificationKey toKey(Map<String, Object> jwk, String kid) throws Refusal {
        if (jwk.containsKey("kid") && kid == null) {
            throw new Refusal("kid is not a string");
        }
        Object kty = jwk.get("kty");
        if (!(kty instanceof String)) {
            throw new Refusal("kty missing or not a string");
        }
        if ("oct".equals(kty)) {
            throw new Refusal("symmetric key (kty oct)");
        }
        for (String member : PRIVATE_MEMBERS) {
            if (jwk.containsKey(member)) {
                throw new Refusal("carries private key members");
            }
        }
        if (jwk.containsKey("use") && !"sig".equals(jwk.get("use"))) {
            throw new Refusal("use is not sig");
        }
        if (jwk.containsKey("key_ops")) {
            Object ops = jwk.get("key_ops");
            if (!(ops instanceof List) || !((List<?>) ops).contains("verify")) {
                throw new Refusal("key_ops does not allow verify");
            }
        }
        JwsAlgorithm pinned = null;
        if (jwk.containsKey("alg")) {
            Object alg = jwk.get("alg");
            pinned = alg instanceof String ? JwsAlgorithm.byName((String) alg) : null;
            if (pinned == null) {
                throw new Refusal("alg is not a supported signature algorithm");
            }
        }
        JWK parsed;
        try {
            parsed = JWK.parse(forNimbus(jwk));
        } catch (ParseException | RuntimeException e) {
            throw new Refusal("not a valid JWK");
        }
        if (parsed.isPrivate()) {
            throw new Refusal("carries private key members");
        }
        VerificationKey key;
        try {
            key = convert(parsed, kid, pinned);
        } catch (JOSEException | GeneralSecurityException | RuntimeException e) {
            throw new Refusal("key material cannot be converted");
        }
        if (pinned != null && !key.fits(pinned)) {
            throw new Refusal("alg does not fit the key type or curve");
        }
        return key;
    }

    private static VerificationKey convert(JWK parsed, String kid, JwsAlgorithm pinned)
            throws Refusal, JOSEException, GeneralSecurityException {
        byte[] fingerprint = parsed.computeThumbprint().decode();
        if (parsed instanceof RSAKey) {
            RSAKey rsa = (RSAKey) parsed;
            BigInteger n = rsa.getModulus().decodeToBigInteger();
            BigInteger e = rsa.getPublicExponent().decodeToBigInteger();
            if (n.bitLength() < MIN_RSA_BITS) {
                throw new Refusal("RSA key shorter than " + MIN_RSA_BITS + " bits");
            }
            if (!e.testBit(0) || e.compareTo(BigInteger.valueOf(3)) < 0 || e.compareTo(n) >= 0) {
                throw new Refusal("RSA public exponent is not an odd number between 3 and n");
            }
            return new VerificationKey(kid, JwsAlgorithm.KeyType.RSA, null, pinned, rsa.toRSAPublicKey(), fingerprint);
        }
        if (parsed instanceof ECKey) {
            ECKey ec = (ECKey) parsed;
            Curve curve = ec.getCurve();
            if (!Curve.P_256.equals(curve) && !Curve.P_384.equals(curve) && !Curve.P_521.equals(curve)) {
                throw new Refusal("unsupported EC curve");
            }
            // Nimbus has already refused points that are not on the named curve.
            return new VerificationKey(kid, JwsAlgorithm.KeyType.EC, curve.getName(), pinned, ec.toECPublicKey(),
                    fingerprint);
        }
        if (parsed instanceof OctetKeyPair) {
            OctetKeyPair okp = (OctetKeyPair) parsed;
            if (!Curve.Ed25519.equals(okp.getCurve())) {
                throw new Refusal("unsupported OKP curve");
            }
            byte[] x = okp.getDecodedX();
            if (x.length != 32) {
                throw new Refusal("Ed25519 public key is not 32 bytes");
            }
            byte[] spki = new byte[ED25519_SPKI_PREFIX.length + 32];
            System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
            System.arraycopy(x, 0, spki, ED25519_SPKI_PREFIX.length, 32);
            PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
            return new VerificationKey(kid, JwsAlgorithm.KeyType.OKP, "Ed25519", pinned, key, fingerprint);
        }
        throw new Refusal("unsupported key type");
    }

    // Nimbus expects plain Java values with null for JSON null.
    private static Map<String, Object> forNimbus(Map<String, Object> jwk) {
        Map<String, Object> copy = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : jwk.entrySet()) {
            copy.put(e.getKey(), e.getValue() == StrictJson.NULL ? null : e.getValue());
        }
        return copy;
    }

    /** Why one key was refused; never leaves this class. */
    private static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;

        Refusal(String why) {
            super(why, null, false, false);
        }
    }
}
