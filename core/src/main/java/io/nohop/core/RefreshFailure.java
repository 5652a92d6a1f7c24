package io.nohop.core;

/**
 * Why a fetch of a key set failed or its answer was refused. Each constant maps one-to-one to a stable
 * code (see {@link #code()}) used in {@link VerifierListener#refreshFailed(java.net.URI, RefreshFailure,
 * String, int, java.time.Instant)} events, at the start of {@link VerifierHealth.Source#lastError()}
 * ({@code "code: short detail"}) and as a metric tag; constants are only ever added, never renamed.
 *
 * <p>Whatever the failure, the last good keys stay in use and the fetch is retried with backoff.
 */
public enum RefreshFailure {
    /** The endpoint could not be reached or the exchange broke off: refused, reset, TLS or other I/O error. */
    UNREACHABLE("unreachable"),
    /** No complete answer within the connect timeout or the total fetch timeout (headers and body). */
    TIMEOUT("timeout"),
    /** An HTTP status other than 200 (or 304 to a conditional request), such as a 4xx or a 5xx. */
    HTTP_STATUS("http_status"),
    /** The body is larger than the configured cap ({@code maxJwksBytes}). */
    TOO_LARGE("too_large"),
    /** The body is not strict JSON. */
    NOT_JSON("not_json"),
    /** JSON, but not a JWK set (no {@code keys} array). */
    NOT_A_JWKS("not_a_jwks"),
    /** A JWK set without a single key. */
    EMPTY_SET("empty_set"),
    /** A JWK set none of whose keys nohop will use (each refused key is reported on its own). */
    NO_USABLE_KEY("no_usable_key"),
    /** A 3xx answer: redirects are never followed. */
    REDIRECT("redirect"),
    /** The issuer's OpenID metadata ({@code discoverIssuer}) names another issuer. */
    ISSUER_MISMATCH("issuer_mismatch"),
    /**
     * The issuer's OpenID metadata has no usable {@code jwks_uri}: missing, not an absolute URL, or
     * plain http to a host other than loopback.
     */
    BAD_METADATA("bad_metadata"),
    /** A bug in nohop, not an endpoint fault. */
    INTERNAL_ERROR("internal_error");

    private final String code;

    RefreshFailure(String code) {
        this.code = code;
    }

    /**
     * The stable, lower-case code, for example {@code timeout}.
     *
     * @return the code; never null
     */
    public String code() {
        return code;
    }
}
