package io.nohop.spring.security;

import io.nohop.core.TokenRejectedException;
import org.springframework.security.oauth2.jwt.JwtException;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The verifier has no usable keys ({@code keys_unavailable}): no key set yet, or past its staleness
 * bound. Not a bad token, so deliberately not a {@code BadJwtException}: Spring Security's resource
 * server turns it into an {@code AuthenticationServiceException} and lets it propagate, and
 * {@link io.nohop.spring.web.KeysUnavailableFilter} / {@link io.nohop.spring.web.KeysUnavailableWebFilter}
 * (installed by the auto-configuration) answer it with 503 and {@code Retry-After} instead of 401: a
 * client cannot fix it by getting a new token.
 */
public final class KeysUnavailableJwtException extends JwtException {
    private static final long serialVersionUID = 1L;

    /** The {@code Retry-After} sent with the 503 unless told otherwise: about one refresh attempt. */
    public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(5);

    /** How long a client is asked to wait; a Duration is serializable. */
    private final Duration retryAfter;

    /**
     * Wraps a {@code keys_unavailable} rejection.
     *
     * @param rejection what the verifier said
     * @param retryAfter how long a client should wait before retrying; at least 1 s
     * @throws IllegalArgumentException if the reason is not {@code keys_unavailable} or retryAfter is under 1 s
     */
    public KeysUnavailableJwtException(TokenRejectedException rejection, Duration retryAfter) {
        super(Objects.requireNonNull(rejection, "rejection").reason().code(), rejection);
        if (!rejection.reason().isKeyAvailabilityProblem()) {
            throw new IllegalArgumentException("not keys_unavailable: " + rejection.reason().code());
        }
        Objects.requireNonNull(retryAfter, "retryAfter");
        if (retryAfter.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("retryAfter must be at least 1 s: " + retryAfter);
        }
        this.retryAfter = retryAfter;
    }

    /**
     * How long a client should wait before retrying, sent as {@code Retry-After} in whole seconds.
     *
     * @return the wait, at least 1 s
     */
    public Duration retryAfter() {
        return retryAfter;
    }

    /**
     * Finds this exception in a cause chain, as the web filters do with what Spring Security rethrows
     * (an {@code AuthenticationServiceException}, possibly wrapped again by the container or WebFlux).
     *
     * @param thrown what was thrown, possibly wrapping this exception
     * @return the exception, or empty when the first 32 links of the chain hold none
     */
    public static Optional<KeysUnavailableJwtException> findIn(Throwable thrown) {
        Throwable t = thrown;
        // Bounded: a cause chain can be cyclic.
        for (int depth = 0; t != null && depth < 32; depth++, t = t.getCause()) {
            if (t instanceof KeysUnavailableJwtException) {
                return Optional.of((KeysUnavailableJwtException) t);
            }
        }
        return Optional.empty();
    }
}
