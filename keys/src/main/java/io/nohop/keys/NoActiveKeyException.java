package io.nohop.keys;

/** No key is ACTIVE at the requested instant, so nothing can be signed. */
public final class NoActiveKeyException extends StoreException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message one line for the operator
     */
    public NoActiveKeyException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message one line for the operator
     * @param cause the underlying failure
     */
    public NoActiveKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
