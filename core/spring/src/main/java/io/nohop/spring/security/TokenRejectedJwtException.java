package io.nohop.spring.security;

import io.nohop.core.RejectionReason;
import io.nohop.core.TokenRejectedException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.jwt.JwtValidationException;

import java.util.List;
import java.util.Objects;

/**
 * A token nohop rejected for anything but {@code keys_unavailable}: a {@code BadJwtException} (through
 * {@link JwtValidationException}), so Spring Security's resource server answers 401 with
 * {@code WWW-Authenticate: Bearer error="invalid_token", error_description="CODE"}. The message and
 * the {@link OAuth2Error}'s description are the stable rejection code (e.g. {@code expired}), never
 * token text, so both are safe to log and to send.
 */
public final class TokenRejectedJwtException extends JwtValidationException {
    private static final long serialVersionUID = 1L;

    /** The rejection reason; an enum, so the exception stays serializable. */
    private final RejectionReason reason;

    /**
     * Wraps a rejection.
     *
     * @param rejection what the verifier said; must not be {@code keys_unavailable} (that is
     *     {@link KeysUnavailableJwtException})
     * @throws IllegalArgumentException if the reason is {@code keys_unavailable}
     */
    public TokenRejectedJwtException(TokenRejectedException rejection) {
        super(Objects.requireNonNull(rejection, "rejection").reason().code(), List.of(error(rejection.reason())));
        if (rejection.reason().isKeyAvailabilityProblem()) {
            throw new IllegalArgumentException("keys_unavailable is not a bad token: use KeysUnavailableJwtException");
        }
        this.reason = rejection.reason();
        initCause(rejection);
    }

    private static OAuth2Error error(RejectionReason reason) {
        return new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, reason.code(), null);
    }

    /**
     * Why the token was rejected.
     *
     * @return the rejection reason
     */
    public RejectionReason reason() {
        return reason;
    }
}
