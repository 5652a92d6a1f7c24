package io.nohop.core.internal.crypto;

import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.jspecify.annotations.Nullable;

import java.util.HexFormat;

/**
 * BouncyCastle's pure-Java Ed25519 ({@code org.bouncycastle.math.ec.rfc8032}, bcprov 1.78 or later), the
 * fastest Ed25519 on the JDK alone: about 0.45× Nimbus+Tink's time and 0.13× the JDK's, with ~6.5 KB per
 * check (Tink ~620 KB, the JDK ~44 KB); see docs/crypto-providers.md.
 *
 * <p>The only class that names BouncyCastle's types. {@link SignatureEngine} reaches it only through
 * {@link #selfTest()} behind a {@link LinkageError} catch, so without bcprov (or with one too old for
 * the {@code PublicPoint} API) nothing here is loaded and EdDSA stays with the JDK's provider.
 *
 * <p>Decisions: after nohop's own checks (exact signature length, small-order keys refused on load) it
 * decides every Wycheproof and generated vector as the JDK and ACCP do (the provider suite proves it).
 * Its {@code verify} reads exactly 64 signature bytes, so the length check in front matters.
 */
final class BouncyCastleEd25519 implements Ed25519Check {
    // RFC 8032 §7.1, test 1: the empty message.
    private static final String TEST_KEY = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    private static final String TEST_SIGNATURE = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065"
            + "224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

    private final Ed25519.PublicPoint point;

    private BouncyCastleEd25519(Ed25519.PublicPoint point) {
        this.point = point;
    }

    /**
     * Decodes a public key once.
     *
     * @param publicKey the 32 key bytes
     * @return the check, or null when the bytes are not a point on the curve (then the key stays with
     *         the JDK's provider, which rejects every signature under it: the same decision)
     */
    static @Nullable Ed25519Check forKey(byte[] publicKey) {
        // Partial validation: on the curve. Not "full" (prime-order subgroup), which would refuse mixed-order
        // keys that the JDK's key factory accepts: key acceptance must not depend on the implementation.
        // Small-order keys are refused before this, by the loader, for every provider.
        Ed25519.PublicPoint point = Ed25519.validatePublicKeyPartialExport(publicKey, 0);
        return point == null ? null : new BouncyCastleEd25519(point);
    }

    /**
     * Whether this bcprov has the API and computes correctly: RFC 8032's first test vector verifies, and
     * fails with one bit changed.
     *
     * @return true when usable
     * @throws LinkageError when bcprov is absent or lacks the API (the caller catches it)
     */
    static boolean selfTest() {
        byte[] key = HexFormat.of().parseHex(TEST_KEY);
        byte[] signature = HexFormat.of().parseHex(TEST_SIGNATURE);
        Ed25519Check check = forKey(key);
        if (check == null || !check.verify(signature, new byte[0], 0)) {
            return false;
        }
        signature[0] ^= 1;
        return !check.verify(signature, new byte[0], 0);
    }

    /** @return the bcprov version when it is known (module path, or a manifest that names it), else empty */
    static String version() {
        Module module = Ed25519.class.getModule();
        if (module.isNamed() && module.getDescriptor() != null) {
            return module.getDescriptor().rawVersion().orElse("");
        }
        Package p = Ed25519.class.getPackage();
        String version = p == null ? null : p.getImplementationVersion();
        return version == null ? "" : version;
    }

    @Override
    public boolean verify(byte[] signature, byte[] message, int length) {
        return Ed25519.verify(signature, 0, point, message, 0, length);
    }
}
