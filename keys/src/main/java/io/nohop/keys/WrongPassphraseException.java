package io.nohop.keys;

/** The passphrase does not decrypt the store's private keys (the AES-GCM tag check failed). */
public final class WrongPassphraseException extends StoreException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message one line for the operator
     */
    public WrongPassphraseException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message one line for the operator
     * @param cause the underlying failure
     */
    public WrongPassphraseException(String message, Throwable cause) {
        super(message, cause);
    }
}
