package io.nohop.examples;

import io.nohop.core.RejectionReason;
import io.nohop.core.TokenRejectedException;

import java.util.Optional;

/**
 * How a resource server answers a bearer-token request that nohop did not accept (RFC 6750 §3), shared
 * by the demo's service and the replay (nohop-core's {@code io.nohop.core.servlet.NohopAuthenticationFilter}
 * answers the same way).
 *
 * <ul>
 *   <li>no {@code Authorization: Bearer} header: 401 with {@code WWW-Authenticate: Bearer} (no error
 *       code, as RFC 6750 §3.1 asks when the request carried no credentials);</li>
 *   <li>a rejected token: 401 with {@code WWW-Authenticate: Bearer error="invalid_token",
 *       error_description="CODE"}: the stable rejection code, a fixed string that never echoes the token;</li>
 *   <li>{@code keys_unavailable}: 503 with {@code Retry-After}: the verifier has no usable keys, which
 *       is the service's problem, not the client's, so the client should retry rather than re-authenticate.</li>
 * </ul>
 */
public final class BearerAuth {
    /** Seconds a client is asked to wait after a 503; about one verifier refresh attempt. */
    public static final int RETRY_AFTER_SECONDS = 5;

    private static final String SCHEME = "Bearer ";

    private BearerAuth() {
    }

    /**
     * Takes the token out of an {@code Authorization} header value; the scheme is case-insensitive
     * (RFC 7235 §2.1).
     *
     * @param authorization the header value, or null when absent
     * @return the token, or empty when the header is absent, of another scheme, or empty
     */
    public static Optional<String> token(String authorization) {
        if (authorization == null || authorization.length() <= SCHEME.length()
                || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return Optional.empty();
        }
        String token = authorization.substring(SCHEME.length()).strip();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    /**
     * The answer to a request that is not let through.
     *
     * @param status the HTTP status (401 or 503)
     * @param header the response header to set ({@code WWW-Authenticate} or {@code Retry-After})
     * @param value that header's value
     * @param body the response body
     */
    public record Refusal(int status, String header, String value, String body) {
        /**
         * The answer to a request without a bearer token.
         *
         * @return 401 with a bare {@code Bearer} challenge
         */
        public static Refusal noToken() {
            return new Refusal(401, "WWW-Authenticate", "Bearer", "{\"error\":\"missing_token\"}");
        }

        /**
         * The answer to a rejected token.
         *
         * @param rejection what the verifier said
         * @return 503 for {@code keys_unavailable}, else 401 with an {@code invalid_token} challenge
         */
        public static Refusal of(TokenRejectedException rejection) {
            RejectionReason reason = rejection.reason();
            if (reason.isKeyAvailabilityProblem()) {
                return new Refusal(503, "Retry-After", Integer.toString(RETRY_AFTER_SECONDS),
                        "{\"error\":\"temporarily_unavailable\",\"reason\":\"" + reason.code() + "\"}");
            }
            return new Refusal(401, "WWW-Authenticate",
                    "Bearer error=\"invalid_token\", error_description=\"" + reason.code() + "\"",
                    "{\"error\":\"invalid_token\",\"reason\":\"" + reason.code() + "\"}");
        }
    }
}
