package io.nohop.keys.internal;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts private keys at rest under a passphrase.
 *
 * <p>Scheme: PBKDF2-HMAC-SHA256 turns the passphrase and a random 16-byte salt into a 256-bit key
 * (600,000 iterations by default, the OWASP Password Storage Cheat Sheet figure for
 * PBKDF2-HMAC-SHA256 since 2023); AES-256-GCM with a random 96-bit nonce per ciphertext encrypts, and
 * authenticates with associated data that binds each ciphertext to its purpose (for a key record, its
 * kid). PBKDF2 and AES-GCM are chosen because the JDK ships both (no native or extra dependency in
 * the signing path) and they are FIPS-approved; a memory-hard function such as Argon2 would resist
 * GPU guessing better but needs a third-party library. The salt and iteration count are stored
 * beside every ciphertext, so a store stays readable if the default grows.
 *
 * <p>A wrong passphrase shows as a failed GCM tag check ({@link AEADBadTagException}).
 */
public final class PassphraseCipher {

    /** Name of the scheme as written to disk. */
    public static final String SCHEME = "PBKDF2-HMAC-SHA256/AES-256-GCM";

    /** Default PBKDF2 iteration count (OWASP 2023 guidance for PBKDF2-HMAC-SHA256). */
    public static final int DEFAULT_ITERATIONS = 600_000;

    /** The lowest iteration count accepted anywhere, even through the test knob. */
    public static final int MIN_ITERATIONS = 1_000;

    /**
     * The highest iteration count accepted anywhere: ten times the default. The count is read from files that
     * someone without the passphrase can edit, before any MAC can be checked (the MAC key is what it derives), so
     * an unbounded count would let them make every command spend hours in PBKDF2.
     */
    public static final int MAX_ITERATIONS = 10 * DEFAULT_ITERATIONS;

    /**
     * System property read only when a new store is created: a lower work factor so that tests do
     * not spend a second per decryption. Never set it for a real store; the chosen count is stored
     * with every ciphertext, so the store stays as weak as it was created.
     */
    public static final String TEST_ONLY_ITERATIONS_PROPERTY = "io.nohop.keys.internal.testOnlyPbkdf2Iterations";

    private static final int SALT_BYTES = 16;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private PassphraseCipher() {
    }

    /**
     * Key-derivation parameters stored beside each ciphertext.
     *
     * @param salt random salt
     * @param iterations PBKDF2 iteration count
     */
    public record KdfParameters(byte[] salt, int iterations) {
        /**
         * Validates the parameters.
         *
         * @param salt random salt, at least 16 bytes
         * @param iterations PBKDF2 iteration count, between {@link #MIN_ITERATIONS} and {@link #MAX_ITERATIONS}
         */
        public KdfParameters {
            if (salt.length < SALT_BYTES) {
                throw new IllegalArgumentException("salt must have at least " + SALT_BYTES + " bytes: " + salt.length);
            }
            if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
                throw new IllegalArgumentException("iterations must be between " + MIN_ITERATIONS + " and " + MAX_ITERATIONS
                        + ": " + iterations);
            }
            salt = salt.clone();
        }

        /**
         * The salt.
         *
         * @return a copy of the salt
         */
        @Override
        public byte[] salt() {
            return salt.clone();
        }

        /**
         * Tells whether two parameter sets derive the same key from the same passphrase.
         *
         * @param other the other parameters
         * @return true when salt and iterations are equal
         */
        public boolean sameAs(KdfParameters other) {
            return iterations == other.iterations && Arrays.equals(salt, other.salt);
        }
    }

    /**
     * A ciphertext with its nonce; the tag is the last 16 bytes of the ciphertext.
     *
     * @param nonce the 96-bit GCM nonce
     * @param ciphertext ciphertext followed by the GCM tag
     */
    public record Sealed(byte[] nonce, byte[] ciphertext) {
        /**
         * Copies the arrays.
         *
         * @param nonce the 96-bit GCM nonce
         * @param ciphertext ciphertext followed by the GCM tag
         */
        public Sealed {
            if (nonce.length != NONCE_BYTES) {
                throw new IllegalArgumentException("nonce must have " + NONCE_BYTES + " bytes: " + nonce.length);
            }
            nonce = nonce.clone();
            ciphertext = ciphertext.clone();
        }

        /**
         * The nonce.
         *
         * @return a copy of the nonce
         */
        @Override
        public byte[] nonce() {
            return nonce.clone();
        }

        /**
         * The ciphertext with its tag.
         *
         * @return a copy of the ciphertext
         */
        @Override
        public byte[] ciphertext() {
            return ciphertext.clone();
        }
    }

    /**
     * Fresh parameters for a new store: a random salt and the default (or test-knob) iteration count.
     *
     * @return new parameters
     */
    public static KdfParameters newParameters() {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        String knob = System.getProperty(TEST_ONLY_ITERATIONS_PROPERTY);
        int iterations = DEFAULT_ITERATIONS;
        if (knob != null) {
            try {
                iterations = Integer.parseInt(knob.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(TEST_ONLY_ITERATIONS_PROPERTY + " is not a number: " + knob, e);
            }
        }
        return new KdfParameters(salt, iterations);
    }

    /**
     * Derives the AES key from a passphrase; this is the deliberately slow step.
     *
     * @param passphrase the passphrase (not kept)
     * @param parameters salt and iteration count
     * @return a 256-bit AES key
     */
    public static SecretKey deriveKey(char[] passphrase, KdfParameters parameters) {
        // PBEKeySpec would reject an empty passphrase with an obscure message; callers refuse it earlier.
        PBEKeySpec spec = new PBEKeySpec(passphrase, parameters.salt, parameters.iterations, 256);
        try {
            SecretKeyFactory factory = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
            byte[] raw = factory.generateSecret(spec).getEncoded();
            try {
                return new SecretKeySpec(raw, "AES");
            } finally {
                Arrays.fill(raw, (byte) 0);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks PBKDF2WithHmacSHA256", e);
        } finally {
            spec.clearPassword();
        }
    }

    /**
     * Encrypts and authenticates.
     *
     * @param key the derived key
     * @param plaintext the secret
     * @param associatedData what the ciphertext is bound to
     * @return nonce and ciphertext
     */
    public static Sealed seal(SecretKey key, byte[] plaintext, byte[] associatedData) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData);
            return new Sealed(nonce, cipher.doFinal(plaintext));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /**
     * Decrypts and checks the tag.
     *
     * @param key the derived key
     * @param sealed nonce and ciphertext
     * @param associatedData what the ciphertext must be bound to
     * @return the plaintext
     * @throws AEADBadTagException when the key (passphrase) is wrong or the data was altered
     */
    public static byte[] open(SecretKey key, Sealed sealed, byte[] associatedData) throws AEADBadTagException {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed.nonce));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(sealed.ciphertext);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        }
    }
}
