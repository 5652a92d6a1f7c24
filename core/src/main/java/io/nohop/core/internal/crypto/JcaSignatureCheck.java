package io.nohop.core.internal.crypto;

import java.security.GeneralSecurityException;
import java.security.Signature;

/**
 * A JCA {@link Signature} initialised for one key. After {@code verify} a {@code Signature} is back in
 * its initialised state (the JDK's and ACCP's alike), so one object serves every token of its thread.
 */
final class JcaSignatureCheck implements SignatureCheck {
    private final Signature signature;

    JcaSignatureCheck(Signature initialised) {
        this.signature = initialised;
    }

    @Override
    public boolean verify(byte[] signingInput, int length, byte[] sig) throws GeneralSecurityException {
        signature.update(signingInput, 0, length);
        return signature.verify(sig);
    }
}
