package io.nohop.keys;

/** Another process held the store's write lock for the whole bounded wait. */
public final class StoreLockedException extends StoreException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message one line for the operator
     */
    public StoreLockedException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message one line for the operator
     * @param cause the underlying failure
     */
    public StoreLockedException(String message, Throwable cause) {
        super(message, cause);
    }
}
