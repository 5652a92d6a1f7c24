package io.nohop.core.internal.keyset;

import io.nohop.core.RefreshFailure;

/**
 * A JWKS document that cannot be used at all: not JSON, not a key set, or no usable key. The last
 * good key set stays in place when a refresh produces one of these.
 */
public final class InvalidKeySetException extends Exception {
    private static final long serialVersionUID = 1L;

    private final RefreshFailure failure;

    /**
     * @param failure which of the whole-document failures it is
     * @param message a fixed explanation; never the document's text
     */
    public InvalidKeySetException(RefreshFailure failure, String message) {
        super(message, null, false, false);
        this.failure = failure;
    }

    /** @return the stable code for events, health and metrics */
    public RefreshFailure failure() {
        return failure;
    }
}
