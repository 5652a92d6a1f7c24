package io.nohop.keys;

/** An operation would break the safe key timeline (or leave nothing to sign with) and was not forced; the message says exactly why. */
public final class ScheduleRefusedException extends StoreException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message one line for the operator
     */
    public ScheduleRefusedException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message one line for the operator
     * @param cause the underlying failure
     */
    public ScheduleRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
