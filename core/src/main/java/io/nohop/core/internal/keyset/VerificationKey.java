package io.nohop.core.internal.keyset;

import io.nohop.core.internal.LogText;
import io.nohop.core.internal.crypto.EcdsaRange;
import io.nohop.core.internal.crypto.Ed25519Check;
import io.nohop.core.internal.crypto.SignatureCheck;
import io.nohop.core.internal.crypto.SignatureEngine;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Objects;

/**
 * One usable public key from a key set, converted to a JDK {@link PublicKey} once, when the set was
 * loaded, so that the per-token path never parses a JWK or builds a key.
 *
 * <p>The checks come from the verifier's {@link SignatureEngine} (its crypto provider) and are kept per
 * thread and per algorithm: after {@code verify} a JCA {@code Signature} returns to its initialised
 * state, so reusing it avoids a provider lookup and a key check per token. For BouncyCastle's Ed25519 the
 * public point is decoded once, when the key set is loaded. nohop's own checks ({@link #verify}: exact
 * length, ECDSA r and s ranges) come first, whatever the provider.
 */
public final class VerificationKey {
    private static final Logger LOG = LoggerFactory.getLogger(VerificationKey.class);

    /** One thread's checks, for the engine that made them (a key serves one verifier, so one engine). */
    private static final class ThreadChecks {
        final SignatureEngine engine;
        final SignatureCheck[] byAlgorithm = new SignatureCheck[JwsAlgorithm.values().length];

        ThreadChecks(SignatureEngine engine) {
            this.engine = engine;
        }
    }

    private final String kid;
    private final JwsAlgorithm.KeyType keyType;
    private final String curve;
    private final JwsAlgorithm pinnedAlgorithm;
    private final PublicKey publicKey;
    private final byte[] fingerprint;
    private final int rsaSignatureLength;
    private final @Nullable Ed25519Check ed25519;
    private final ThreadLocal<ThreadChecks> checks = new ThreadLocal<>();
    // Logged once per key: a provider that cannot check with this key rejects every token it signed.
    private volatile boolean providerFailureLogged;

    /**
     * @param kid the key id, or null when the JWK has none
     * @param keyType the key family
     * @param curve the JWK curve name, null for RSA
     * @param pinnedAlgorithm the JWK's {@code alg}, or null when it names none
     * @param publicKey the converted key
     * @param fingerprint bytes that identify the key material (to detect a kid reused with new material)
     * @param ed25519 the key's point decoded for BouncyCastle's Ed25519, or null (not Ed25519, or no BouncyCastle)
     */
    public VerificationKey(String kid, JwsAlgorithm.KeyType keyType, String curve, JwsAlgorithm pinnedAlgorithm,
                           PublicKey publicKey, byte[] fingerprint, @Nullable Ed25519Check ed25519) {
        this.kid = kid;
        this.keyType = Objects.requireNonNull(keyType, "keyType");
        this.curve = curve;
        this.pinnedAlgorithm = pinnedAlgorithm;
        this.publicKey = Objects.requireNonNull(publicKey, "publicKey");
        this.fingerprint = fingerprint.clone();
        this.rsaSignatureLength = publicKey instanceof RSAPublicKey
                ? (((RSAPublicKey) publicKey).getModulus().bitLength() + 7) / 8 : 0;
        this.ed25519 = ed25519;
    }

    /** @return the key id, or null when the JWK named none */
    public String kid() {
        return kid;
    }

    /** @return the JWK's {@code alg}, or null */
    public JwsAlgorithm pinnedAlgorithm() {
        return pinnedAlgorithm;
    }

    /** @return the key family */
    public JwsAlgorithm.KeyType keyType() {
        return keyType;
    }

    /** @return the converted JDK key */
    public PublicKey publicKey() {
        return publicKey;
    }

    /** @return the JWK curve name ({@code P-256}, {@code Ed25519}, ...), or null for RSA */
    public String curve() {
        return curve;
    }

    /**
     * @return the key's RFC 7638 SHA-256 thumbprint, base64url without padding (the fingerprint a key set
     *         loader computes); a public digest, never key material
     */
    public String thumbprint() {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(fingerprint);
    }

    /**
     * Whether this key may verify a signature made with {@code algorithm}: the key family and curve
     * must match, and a key that names an {@code alg} is pinned to it.
     *
     * @param algorithm the header's algorithm
     * @return true when the key fits
     */
    public boolean fits(JwsAlgorithm algorithm) {
        if (pinnedAlgorithm != null && pinnedAlgorithm != algorithm) {
            return false;
        }
        return algorithm.keyType() == keyType && Objects.equals(algorithm.curve(), curve);
    }

    /**
     * Whether this key holds the same material as {@code other} (ignoring kid and metadata).
     *
     * @param other another key
     * @return true when the key bytes are identical
     */
    public boolean sameMaterialAs(VerificationKey other) {
        return Arrays.equals(fingerprint, other.fingerprint);
    }

    /**
     * Whether {@code other} is the same key in every respect that matters for verification: kid,
     * pinned algorithm, type, curve and material. A refresh that returns an unchanged key keeps the
     * old object, so its warm {@code Signature} objects and the verified results it produced stay valid.
     *
     * @param other another key
     * @return true when interchangeable
     */
    public boolean sameKeyAs(VerificationKey other) {
        return Objects.equals(kid, other.kid) && pinnedAlgorithm == other.pinnedAlgorithm
                && keyType == other.keyType && Objects.equals(curve, other.curve) && sameMaterialAs(other);
    }

    /**
     * Checks a signature. The caller has already established that this key {@link #fits} the algorithm.
     * nohop's own checks come first, whatever the provider: the exact signature length (64/96/132 bytes
     * for ES256/384/512, 64 for EdDSA, the modulus length for RSA), ECDSA's r and s not zero
     * (CVE-2022-21449) and r at least p − n ({@link EcdsaRange}).
     *
     * @param engine the verifier's signature engine (its provider)
     * @param algorithm the header's algorithm
     * @param signingInput a buffer whose first {@code signingInputLength} bytes are the ASCII {@code header.payload}
     * @param signingInputLength how many bytes of {@code signingInput} are signed
     * @param signature the decoded signature bytes
     * @return true only when the signature is valid
     */
    public boolean verify(SignatureEngine engine, JwsAlgorithm algorithm, byte[] signingInput, int signingInputLength,
                          byte[] signature) {
        int expected = algorithm.signatureLength() != 0 ? algorithm.signatureLength() : rsaSignatureLength;
        if (signature.length != expected) {
            return false;
        }
        if (algorithm.keyType() == JwsAlgorithm.KeyType.EC
                && (hasZeroHalf(signature) || EcdsaRange.rBelowFieldMinusOrder(algorithm, signature))) {
            // r = 0 or s = 0 can never be valid (CVE-2022-21449 "psychic signatures"); r < p - n is refused
            // so that every provider decides alike (EcdsaRange). Refused before any provider sees them.
            return false;
        }
        if (ed25519 != null && algorithm == JwsAlgorithm.EdDSA && engine.bouncyCastleEd25519()) {
            return ed25519.verify(signature, signingInput, signingInputLength);
        }
        ThreadChecks mine = checks.get();
        if (mine == null || mine.engine != engine) {
            mine = new ThreadChecks(engine);
            checks.set(mine);
        }
        int slot = algorithm.ordinal();
        SignatureCheck check = mine.byAlgorithm[slot];
        try {
            if (check == null) {
                check = newCheck(engine, algorithm);
                mine.byAlgorithm[slot] = check;
            }
            return check.verify(signingInput, signingInputLength, signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            // A malformed signature makes some providers throw; the check's state is then unknown.
            mine.byAlgorithm[slot] = null;
            return false;
        }
    }

    private SignatureCheck newCheck(SignatureEngine engine, JwsAlgorithm algorithm) throws GeneralSecurityException {
        try {
            return engine.newCheck(algorithm, publicKey);
        } catch (GeneralSecurityException | RuntimeException e) {
            // Not caused by a token: the provider cannot use this key (the verifier's build checked that it
            // offers the algorithm). Every token under the key is then rejected: say so once.
            if (!providerFailureLogged) {
                providerFailureLogged = true;
                LOG.warn("{} cannot check {} signatures with key {}: {}; its tokens are rejected as bad_signature",
                        engine, algorithm, LogText.escape(kid), e.toString());
            }
            throw e;
        }
    }

    private static boolean hasZeroHalf(byte[] signature) {
        int half = signature.length / 2;
        return isZero(signature, 0, half) || isZero(signature, half, signature.length);
    }

    private static boolean isZero(byte[] b, int from, int to) {
        int acc = 0;
        for (int i = from; i < to; i++) {
            acc |= b[i];
        }
        return acc == 0;
    }

    @Override
    public String toString() {
        // Never key material: only what identifies the key.
        return "VerificationKey[kid=" + kid + ", kty=" + keyType + (curve != null ? ", crv=" + curve : "")
                + (pinnedAlgorithm != null ? ", alg=" + pinnedAlgorithm : "") + "]";
    }
}
