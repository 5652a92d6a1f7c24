package io.nohop.core.internal.keyset;

/**
 * A JWKS document that cannot be used at all: not JSON, not a key set, or no usable key. The last
 * good key set stays in place when a refresh produces one of these.
 */
public final class InvalidKeySetException extends Exception {
    private static final long serialVersionUID = 1L;

    /** @param message a fixed explanation; never the document's text */
    public InvalidKeySetException(String message) {
        super(message, null, false, false);
    }
}
