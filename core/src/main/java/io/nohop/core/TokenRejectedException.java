package io.nohop.core;

import java.util.Objects;

/**
 * A token was not accepted. The {@link #reason()} is stable and safe to act on; the message is a
 * short fixed description that never contains token bytes or other attacker-controlled text.
 *
 * <p>Rejections are part of normal traffic, so this exception does not fill in a stack trace:
 * rejecting a token costs no more than accepting one.
 */
public final class TokenRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final RejectionReason reason;

    /**
     * Creates a rejection.
     *
     * @param reason why the token was rejected
     * @param detail a fixed, human-readable explanation; must not contain attacker-controlled text
     * @throws NullPointerException if an argument is null
     */
    public TokenRejectedException(RejectionReason reason, String detail) {
        super(Objects.requireNonNull(detail, "detail"), null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /**
     * Why the token was rejected.
     *
     * @return the reason; never null
     */
    public RejectionReason reason() {
        return reason;
    }

    /**
     * The fixed human-readable explanation (same as {@link #getMessage()}).
     *
     * @return the detail; never null
     */
    public String detail() {
        return getMessage();
    }
}
