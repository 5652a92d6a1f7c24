package io.nohop.core.internal.crypto;

/**
 * An Ed25519 check for one public key whose point was decoded once, when the key set was loaded.
 * Thread-safe (holds only the immutable decoded point).
 */
public interface Ed25519Check {
    /**
     * @param signature 64 bytes (the caller has checked the length)
     * @param message a buffer whose first {@code length} bytes are the signed bytes
     * @param length how many bytes of {@code message} are signed
     * @return true only when the signature is valid
     */
    boolean verify(byte[] signature, byte[] message, int length);
}
