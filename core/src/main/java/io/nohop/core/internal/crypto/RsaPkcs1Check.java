package io.nohop.core.internal.crypto;

import io.nohop.core.internal.keyset.JwsAlgorithm;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import javax.crypto.Cipher;

/**
 * RSASSA-PKCS1-v1_5 (RS256/384/512) verified as RFC 8017 §8.2.2 prescribes, "encode and compare": the
 * provider does the RSA public operation ({@code RSA/ECB/NoPadding}); nohop hashes, builds the one
 * expected encoded message {@code 00 01 FF…FF 00 ‖ DigestInfo ‖ H(m)} and compares all of it.
 *
 * <p>Why not the provider's {@code SHA256withRSA}: providers parse the decoded message, and parsers
 * differ in what they tolerate. The JDK's (and BouncyCastle's) accept a DigestInfo without the NULL
 * parameters, which ACCP refuses (Wycheproof RSA #8); a comparison with the single valid encoding leaves
 * no room for any such difference, so the decision is the same with every provider. It costs the same as
 * the provider's own check (the public operation dominates; measured in docs/crypto-providers.md). The
 * hash of the token's few hundred public bytes comes from the JDK's installed providers whatever the
 * RSA provider: the JDK's SHA-2 is a CPU intrinsic, faster here than a round trip into native code.
 *
 * <p>Not thread-safe (one per key, algorithm and thread); reused for every token of its thread.
 */
final class RsaPkcs1Check implements SignatureCheck {
    // RFC 8017 §9.2, note 1: the DER of DigestInfo up to the hash value, with the NULL parameters.
    private static final byte[] SHA256_PREFIX = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, (byte) 0x86, 0x48, 0x01,
        0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
    private static final byte[] SHA384_PREFIX = {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, (byte) 0x86, 0x48, 0x01,
        0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30};
    private static final byte[] SHA512_PREFIX = {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, (byte) 0x86, 0x48, 0x01,
        0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40};

    private final Cipher rsa;
    private final MessageDigest digest;
    /** The expected encoded message; its last {@code hashLength} bytes are rewritten per token. */
    private final byte[] expected;
    private final byte[] decoded;
    private final int hashLength;

    private RsaPkcs1Check(Cipher rsa, MessageDigest digest, byte[] expected, int hashLength) {
        this.rsa = rsa;
        this.digest = digest;
        this.expected = expected;
        this.decoded = new byte[expected.length];
        this.hashLength = hashLength;
    }

    /**
     * @param algorithm RS256, RS384 or RS512
     * @param key the public key (at least 2048 bits: the loader refuses shorter ones)
     * @param engine where the RSA public operation comes from
     * @return an initialised check
     * @throws GeneralSecurityException when the provider lacks the cipher, or refuses the key
     */
    static RsaPkcs1Check create(JwsAlgorithm algorithm, RSAPublicKey key, SignatureEngine engine)
            throws GeneralSecurityException {
        byte[] prefix = digestInfoPrefix(algorithm);
        MessageDigest digest = MessageDigest.getInstance(digestName(algorithm));
        int hashLength = digest.getDigestLength();
        int k = (key.getModulus().bitLength() + 7) / 8;
        // RFC 8017 §9.2 step 3: at least 8 bytes of FF padding.
        if (k < prefix.length + hashLength + 11) {
            throw new InvalidKeyException("RSA key too short for " + algorithm);
        }
        byte[] expected = new byte[k];
        expected[1] = 0x01;
        int separator = k - prefix.length - hashLength - 1;
        Arrays.fill(expected, 2, separator, (byte) 0xff);
        System.arraycopy(prefix, 0, expected, separator + 1, prefix.length);
        Cipher rsa = engine.rawRsa();
        rsa.init(Cipher.ENCRYPT_MODE, key);
        return new RsaPkcs1Check(rsa, digest, expected, hashLength);
    }

    @Override
    public boolean verify(byte[] signingInput, int length, byte[] signature) throws GeneralSecurityException {
        digest.update(signingInput, 0, length);
        digest.digest(expected, expected.length - hashLength, hashLength);
        // s^e mod n; a signature not below the modulus makes the provider throw (a rejection).
        int n = rsa.doFinal(signature, 0, signature.length, decoded, 0);
        // Public data on both sides (the token and the public key): a plain, vectorised comparison.
        return n == expected.length && Arrays.equals(decoded, expected);
    }

    static String digestName(JwsAlgorithm algorithm) {
        return switch (algorithm) {
            case RS256 -> "SHA-256";
            case RS384 -> "SHA-384";
            case RS512 -> "SHA-512";
            default -> throw new IllegalArgumentException("not an RSASSA-PKCS1-v1_5 algorithm: " + algorithm);
        };
    }

    private static byte[] digestInfoPrefix(JwsAlgorithm algorithm) {
        return switch (algorithm) {
            case RS256 -> SHA256_PREFIX;
            case RS384 -> SHA384_PREFIX;
            case RS512 -> SHA512_PREFIX;
            default -> throw new IllegalArgumentException("not an RSASSA-PKCS1-v1_5 algorithm: " + algorithm);
        };
    }
}
