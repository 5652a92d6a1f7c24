package io.nohop.keys.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Derives purpose-bound keys from the store's key-encryption key (the PBKDF2 output) with HKDF-SHA256
 * (RFC 5869), one label per purpose, and computes HMAC-SHA256 tags with them.
 *
 * <p>Why a derivation instead of using the key-encryption key directly: the KEK keys AES-GCM; using the
 * same bytes as an HMAC key would tie two primitives to one key. HKDF with distinct labels gives
 * independent keys from one slow PBKDF2 run, so a command still derives from the passphrase once.
 */
public final class KeyDerivation {

    /** Label of the key that authenticates the audit log (entries and head). */
    public static final String AUDIT_LOG_MAC = "nohop audit log MAC v1";

    /** Label of the key that authenticates the store settings ({@code store.json}). */
    public static final String SETTINGS_MAC = "nohop store settings MAC v1";

    private static final String HMAC = "HmacSHA256";

    private KeyDerivation() {
    }

    /**
     * HKDF-SHA256 with an all-zero salt (RFC 5869 §2.2), the KEK as input keying material and the label
     * as info; 32 bytes of output (one Expand block).
     *
     * @param kek the key-encryption key derived from the passphrase
     * @param label what the derived key is for
     * @return an HMAC-SHA256 key
     */
    public static SecretKey hmacKey(SecretKey kek, String label) {
        byte[] ikm = kek.getEncoded();
        byte[] prk = null;
        byte[] okm = null;
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(new byte[32], HMAC));
            prk = mac.doFinal(ikm);
            mac.init(new SecretKeySpec(prk, HMAC));
            mac.update(label.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 1);
            okm = mac.doFinal();
            return new SecretKeySpec(okm, HMAC);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks HmacSHA256", e);
        } finally {
            Arrays.fill(ikm, (byte) 0);
            if (prk != null) {
                Arrays.fill(prk, (byte) 0);
            }
            if (okm != null) {
                Arrays.fill(okm, (byte) 0);
            }
        }
    }

    /**
     * HMAC-SHA256 of some bytes.
     *
     * @param key a key from {@link #hmacKey}
     * @param data the authenticated bytes
     * @return the 32-byte tag
     */
    public static byte[] hmac(SecretKey key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks HmacSHA256", e);
        }
    }

    /**
     * Compares two tags in time independent of where they differ.
     *
     * @param expected the computed tag
     * @param actual the stored tag
     * @return true when equal
     */
    public static boolean tagsEqual(byte[] expected, byte[] actual) {
        return MessageDigest.isEqual(expected, actual);
    }
}
