package io.nohop.core.internal.crypto;

import io.nohop.core.internal.keyset.JwsAlgorithm;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import javax.crypto.Cipher;

/**
 * RSASSA-PSS (PS256/384/512) verified by nohop as RFC 8017 §8.1.2 and §9.1.2 (EMSA-PSS-VERIFY)
 * prescribe, with the parameters RFC 7518 §3.5 fixes: the hash and MGF1 with the same SHA-2, and a salt
 * exactly as long as the hash. The provider does only the RSA public operation ({@code RSA/ECB/NoPadding}),
 * as for {@link RsaPkcs1Check}; hashing and MGF1 use the JDK's SHA-2 (a CPU intrinsic).
 *
 * <p>Why not the provider's {@code RSASSA-PSS}: the decision then rests on one implementation of the
 * decoding steps whatever the provider (no provider's leniency on the trailer, the top bits, the padding
 * or the salt length can change what nohop accepts). It costs what the native provider's own decoding
 * does: about 1.3 µs above the raw RSA operation against ACCP's 1.6, mostly MGF1's SHA-2 blocks
 * (docs/BENCHMARKS.md, "PS256 checked by nohop on raw RSA").
 * All inputs are public (the token and the public key), so the steps may stop at the first mismatch.
 *
 * <p>Not thread-safe (one per key, algorithm and thread); reused for every token of its thread.
 */
final class RsaPssCheck implements SignatureCheck {
    /** padding1 of M': eight zero octets (RFC 8017 §9.1.2 step 12). */
    private static final int PADDING1_LENGTH = 8;

    private final Cipher rsa;
    private final MessageDigest digest;
    /** hLen, and the salt's length too (RFC 7518 §3.5). */
    private final int hashLength;
    /** The modulus length in bytes: the signature's length and the RSA output's. */
    private final int k;
    /** emLen = ceil((modBits - 1) / 8): k, or k - 1 when modBits - 1 is a multiple of 8. */
    private final int emLength;
    /** 8·emLen − emBits, the top bits of EM that must be zero (0..7). */
    private final int topZeroBits;
    /** s^e mod n, then, in place, DB unmasked. */
    private final byte[] decoded;
    /** MGF1's input, H ‖ counter: H copied once, then only the counter's four bytes change per block. */
    private final byte[] seed;
    /** M' = 0x00·8 ‖ mHash ‖ salt, hashed in one call: mHash is digested into it, the salt copied in. */
    private final byte[] mPrime;
    private final byte[] block;

    private RsaPssCheck(Cipher rsa, MessageDigest digest, int k, int modBits) {
        this.rsa = rsa;
        this.digest = digest;
        this.hashLength = digest.getDigestLength();
        this.k = k;
        int emBits = modBits - 1;
        this.emLength = (emBits + 7) / 8;
        this.topZeroBits = 8 * emLength - emBits;
        this.decoded = new byte[k];
        this.seed = new byte[hashLength + 4];
        this.mPrime = new byte[PADDING1_LENGTH + 2 * hashLength];
        this.block = new byte[hashLength];
    }

    /**
     * @param algorithm PS256, PS384 or PS512
     * @param key the public key (at least 2048 bits: the loader refuses shorter ones)
     * @param engine where the RSA public operation comes from
     * @return an initialised check
     * @throws GeneralSecurityException when the provider lacks the cipher, or refuses the key, or the key
     *     is too short for the encoding (RFC 8017 §9.1.2 step 3)
     */
    static RsaPssCheck create(JwsAlgorithm algorithm, RSAPublicKey key, SignatureEngine engine)
            throws GeneralSecurityException {
        MessageDigest digest = MessageDigest.getInstance(digestName(algorithm));
        int modBits = key.getModulus().bitLength();
        int k = (modBits + 7) / 8;
        int emLength = (modBits - 1 + 7) / 8;
        // §9.1.2 step 3 with sLen = hLen: emLen >= 2·hLen + 2.
        if (emLength < 2 * digest.getDigestLength() + 2) {
            throw new InvalidKeyException("RSA key too short for " + algorithm);
        }
        Cipher rsa = engine.rawRsa();
        rsa.init(Cipher.ENCRYPT_MODE, key);
        return new RsaPssCheck(rsa, digest, k, modBits);
    }

    @Override
    public boolean verify(byte[] signingInput, int length, byte[] signature) throws GeneralSecurityException {
        // §8.1.2 step 2: s^e mod n as k bytes; a signature not below the modulus makes the provider throw.
        if (rsa.doFinal(signature, 0, signature.length, decoded, 0) != k) {
            return false;
        }
        // I2OSP(m, emLen): when emLen = k - 1 the integer must fit, so the first of the k bytes is zero.
        int em = k - emLength;
        if (em == 1 && decoded[0] != 0) {
            return false;
        }
        // §9.1.2 step 4: the trailer.
        if (decoded[k - 1] != (byte) 0xbc) {
            return false;
        }
        int dbLength = emLength - hashLength - 1;
        int h = em + dbLength;
        // Step 6: the top 8·emLen − emBits bits of maskedDB are zero.
        int topMask = (0xff00 >>> topZeroBits) & 0xff;
        if ((decoded[em] & topMask) != 0) {
            return false;
        }
        // Steps 7-8: DB = maskedDB ⊕ MGF1(H, dbLen), in place (H, after DB, is not touched). Each block is
        // Hash(H ‖ counter), one update of a buffer that holds both: two digest calls a block, not three.
        System.arraycopy(decoded, h, seed, 0, hashLength);
        for (int c = 0, done = 0; done < dbLength; c++) {
            seed[hashLength] = (byte) (c >>> 24);
            seed[hashLength + 1] = (byte) (c >>> 16);
            seed[hashLength + 2] = (byte) (c >>> 8);
            seed[hashLength + 3] = (byte) c;
            digest.update(seed, 0, seed.length);
            digest.digest(block, 0, hashLength);
            int n = Math.min(hashLength, dbLength - done);
            for (int i = 0; i < n; i++) {
                decoded[em + done + i] ^= block[i];
            }
            done += n;
        }
        // Step 9: clear the top bits.
        decoded[em] &= (byte) (0xff >>> topZeroBits);
        // Step 10: DB = PS (zeros) ‖ 0x01 ‖ salt, with sLen = hLen.
        int separator = em + dbLength - hashLength - 1;
        for (int i = em; i < separator; i++) {
            if (decoded[i] != 0) {
                return false;
            }
        }
        if (decoded[separator] != 0x01) {
            return false;
        }
        // Steps 2, 11-14: H' = Hash(0x00·8 ‖ Hash(M) ‖ salt) equals H. mPrime's first eight bytes stay zero.
        digest.update(signingInput, 0, length);
        digest.digest(mPrime, PADDING1_LENGTH, hashLength);
        System.arraycopy(decoded, separator + 1, mPrime, PADDING1_LENGTH + hashLength, hashLength);
        digest.update(mPrime, 0, mPrime.length);
        digest.digest(block, 0, hashLength);
        return Arrays.equals(block, 0, hashLength, decoded, h, h + hashLength);
    }

    static String digestName(JwsAlgorithm algorithm) {
        return switch (algorithm) {
            case PS256 -> "SHA-256";
            case PS384 -> "SHA-384";
            case PS512 -> "SHA-512";
            default -> throw new IllegalArgumentException("not an RSASSA-PSS algorithm: " + algorithm);
        };
    }
}
