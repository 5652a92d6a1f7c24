package io.nohop.core.internal.crypto;

import java.security.GeneralSecurityException;

/**
 * One key's signature check for one algorithm, made by a {@link SignatureEngine}. Not thread-safe:
 * a verification key keeps one per thread and algorithm, and drops it after any exception (its state
 * is then unknown).
 */
public interface SignatureCheck {
    /**
     * Checks a signature whose length nohop has already checked.
     *
     * @param signingInput a buffer whose first {@code length} bytes are the signed bytes
     * @param length how many bytes of {@code signingInput} are signed
     * @param signature the signature bytes
     * @return true only when the signature is valid
     * @throws GeneralSecurityException when the provider refuses the input (treated as a rejection)
     */
    boolean verify(byte[] signingInput, int length, byte[] signature) throws GeneralSecurityException;
}
