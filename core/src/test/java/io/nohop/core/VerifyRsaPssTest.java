package io.nohop.core;

import io.nohop.core.internal.crypto.SignatureCheck;
import io.nohop.core.internal.keyset.JwsAlgorithm;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * nohop's own RSASSA-PSS check (EMSA-PSS-VERIFY on the provider's raw RSA) decides every encoding as the
 * JDK's {@code RSASSA-PSS} ({@code SunRsaSign}, the reference) does: signatures the JDK makes, and
 * encodings crafted field by field with the private key — a wrong trailer, a set top bit, a non-zero
 * padding byte, a wrong separator, a salt one byte short or long, a changed hash, another message, and
 * (for a 2049-bit modulus, where EM is one byte shorter than the modulus) a non-zero leading byte. Runs in
 * every crypto configuration of the provider suite, so the raw RSA is the JDK's or the native provider's.
 */
class VerifyRsaPssTest {
    /** Which field of EM the crafted encoding gets wrong. */
    enum Flaw {
        NONE, TRAILER, TOP_BIT, PADDING_BYTE, SEPARATOR, SALT_SHORT, SALT_LONG, HASH_BIT, OTHER_MESSAGE, LEADING_BYTE
    }

    /** 2048 bits (emLen = k, one top bit must be zero) and 2049 bits (emLen = k - 1, no top bit). */
    private static final KeyPair KEY_2048 = rsa(2048);
    private static final KeyPair KEY_2049 = rsa(2049);

    private static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    @Property(tries = 60)
    void verify_pssSignatureTheJdkMade_accepted(@ForAll("pss") JwsAlgorithm algorithm, @ForAll boolean longModulus,
                                                @ForAll @Size(max = 700) byte[] message) throws Exception {
        KeyPair key = longModulus ? KEY_2049 : KEY_2048;
        Signature signer = Signature.getInstance("RSASSA-PSS", "SunRsaSign");
        signer.setParameter(algorithm.parameters());
        signer.initSign(key.getPrivate());
        signer.update(message);
        byte[] signature = signer.sign();

        assertTrue(nohop(algorithm, key, message, signature));
    }

    @Property(tries = 400)
    void verify_craftedEncoding_decidedAsTheJdkDecides(@ForAll("pss") JwsAlgorithm algorithm, @ForAll boolean longModulus,
                                                       @ForAll Flaw flaw, @ForAll @Size(max = 300) byte[] message,
                                                       @ForAll @IntRange(min = 0, max = 100_000) int seed) throws Exception {
        KeyPair key = longModulus ? KEY_2049 : KEY_2048;
        Assume.that(flaw != Flaw.TOP_BIT || !longModulus);
        Assume.that(flaw != Flaw.LEADING_BYTE || longModulus);
        BigInteger em = encode(algorithm, (RSAPublicKey) key.getPublic(), message, flaw, new Random(seed));
        // Only a value below the modulus has a signature; a flaw that pushes EM past it cannot be sent.
        Assume.that(em.compareTo(((RSAPublicKey) key.getPublic()).getModulus()) < 0);
        byte[] signature = rawSign((RSAPrivateKey) key.getPrivate(), em);

        boolean jdk = jdk(algorithm, key, message, signature);
        assertEquals(jdk, nohop(algorithm, key, message, signature), flaw + " on " + algorithm);
        assertEquals(flaw == Flaw.NONE, jdk, "the reference itself on " + flaw);
    }

    @Property(tries = 100)
    void verify_oneBitOfAValidSignatureFlipped_rejected(@ForAll("pss") JwsAlgorithm algorithm,
                                                        @ForAll @Size(max = 300) byte[] message,
                                                        @ForAll @IntRange(min = 0, max = 2047) int bit) throws Exception {
        BigInteger em = encode(algorithm, (RSAPublicKey) KEY_2048.getPublic(), message, Flaw.NONE, new Random(bit));
        byte[] signature = rawSign((RSAPrivateKey) KEY_2048.getPrivate(), em);
        signature[signature.length - 1 - bit / 8] ^= (byte) (1 << (bit % 8));
        Assume.that(new BigInteger(1, signature).compareTo(((RSAPublicKey) KEY_2048.getPublic()).getModulus()) < 0);

        assertFalse(nohop(algorithm, KEY_2048, message, signature));
        assertFalse(jdk(algorithm, KEY_2048, message, signature));
    }

    @Provide
    Arbitrary<JwsAlgorithm> pss() {
        return Arbitraries.of(JwsAlgorithm.PS256, JwsAlgorithm.PS384, JwsAlgorithm.PS512);
    }

    private static boolean nohop(JwsAlgorithm algorithm, KeyPair key, byte[] message, byte[] signature) throws Exception {
        SignatureCheck check = CryptoUnderTest.engine().newCheck(algorithm, key.getPublic());
        byte[] input = Arrays.copyOf(message, message.length + 7); // a buffer longer than what is signed
        try {
            return check.verify(input, message.length, signature);
        } catch (GeneralSecurityException refused) {
            return false;
        }
    }

    private static boolean jdk(JwsAlgorithm algorithm, KeyPair key, byte[] message, byte[] signature) throws Exception {
        Signature verifier = Signature.getInstance("RSASSA-PSS", "SunRsaSign");
        verifier.setParameter(algorithm.parameters());
        verifier.initVerify(key.getPublic());
        verifier.update(message);
        try {
            return verifier.verify(signature);
        } catch (GeneralSecurityException refused) {
            return false;
        }
    }

    /** RFC 8017 §9.1.1 with sLen = hLen, one field spoiled as {@code flaw} says; EM as an integer. */
    private static BigInteger encode(JwsAlgorithm algorithm, RSAPublicKey key, byte[] message, Flaw flaw, Random random)
            throws Exception {
        String hash = algorithm == JwsAlgorithm.PS256 ? "SHA-256" : algorithm == JwsAlgorithm.PS384 ? "SHA-384" : "SHA-512";
        MessageDigest digest = MessageDigest.getInstance(hash);
        int hLen = digest.getDigestLength();
        int emBits = key.getModulus().bitLength() - 1;
        int emLen = (emBits + 7) / 8;
        int sLen = flaw == Flaw.SALT_SHORT ? hLen - 1 : flaw == Flaw.SALT_LONG ? hLen + 1 : hLen;
        byte[] salt = new byte[sLen];
        random.nextBytes(salt);
        byte[] signed = flaw == Flaw.OTHER_MESSAGE ? Arrays.copyOf(message, message.length + 1) : message;

        byte[] mHash = digest.digest(signed);
        digest.update(new byte[8]);
        digest.update(mHash);
        digest.update(salt);
        byte[] h = digest.digest();
        byte[] db = new byte[emLen - hLen - 1];
        int separator = db.length - sLen - 1;
        db[separator] = flaw == Flaw.SEPARATOR ? (byte) (2 + random.nextInt(254)) : 0x01;
        System.arraycopy(salt, 0, db, separator + 1, sLen);
        if (flaw == Flaw.PADDING_BYTE) {
            db[random.nextInt(separator)] = (byte) (1 + random.nextInt(255));
        }
        byte[] mask = mgf1(digest, h, db.length);
        for (int i = 0; i < db.length; i++) {
            db[i] ^= mask[i];
        }
        int topZeroBits = 8 * emLen - emBits;
        db[0] &= (byte) (0xff >>> topZeroBits);
        if (flaw == Flaw.TOP_BIT) {
            db[0] |= (byte) 0x80;
        }
        if (flaw == Flaw.HASH_BIT) {
            h[random.nextInt(hLen)] ^= (byte) (1 << random.nextInt(8));
        }
        byte[] em = new byte[emLen];
        System.arraycopy(db, 0, em, 0, db.length);
        System.arraycopy(h, 0, em, db.length, hLen);
        em[emLen - 1] = flaw == Flaw.TRAILER ? (byte) (0xbc ^ (1 + random.nextInt(255))) : (byte) 0xbc;
        BigInteger value = new BigInteger(1, em);
        // A 2049-bit modulus leaves one byte above EM in the k-byte value: it must be zero.
        return flaw == Flaw.LEADING_BYTE ? value.add(BigInteger.ONE.shiftLeft(8 * emLen)) : value;
    }

    private static byte[] mgf1(MessageDigest digest, byte[] seed, int length) {
        byte[] out = new byte[length];
        for (int c = 0, done = 0; done < length; c++) {
            digest.update(seed);
            digest.update(new byte[] {(byte) (c >>> 24), (byte) (c >>> 16), (byte) (c >>> 8), (byte) c});
            byte[] block = digest.digest();
            int n = Math.min(block.length, length - done);
            System.arraycopy(block, 0, out, done, n);
            done += n;
        }
        return out;
    }

    /** m^d mod n as the modulus's k bytes: a "signature" of any chosen encoding. */
    private static byte[] rawSign(RSAPrivateKey key, BigInteger em) {
        int k = (key.getModulus().bitLength() + 7) / 8;
        byte[] s = em.modPow(key.getPrivateExponent(), key.getModulus()).toByteArray();
        byte[] out = new byte[k];
        int from = Math.max(0, s.length - k);
        System.arraycopy(s, from, out, k - (s.length - from), s.length - from);
        return out;
    }
}
