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
    /**
     * The issuer's OpenID metadata ({@code discoverIssuer}) names another issuer; or, where roots are
     * pinned for a source bound to an issuer ({@code trustIssuer}, {@code discoverIssuer}), the signed key
     * set's {@code iss} is missing or another.
     */
    ISSUER_MISMATCH("issuer_mismatch"),
    /**
     * The issuer's OpenID metadata has no usable {@code jwks_uri}: missing, not an absolute URL, or
     * plain http to a host other than loopback.
     */
    BAD_METADATA("bad_metadata"),
    /** A bug in nohop, not an endpoint fault. */
    INTERNAL_ERROR("internal_error"),
    /**
     * Roots are pinned ({@link PinnedRoots}) but the document is not a strict compact JWS signed with an
     * allowed algorithm: a plain JWKS, {@code alg: none}, {@code HS*}, a JWE, a {@code crit} header, ...
     */
    UNSIGNED("unsigned"),
    /**
     * A signed key set that no pinned root vouches for: signed by another key (a {@code kid} that no
     * pinned root has), with an algorithm the root does not fit, or a signature that does not verify.
     */
    BAD_SIGNATURE("bad_signature"),
    /** A signed key set whose {@code typ} header is missing or not {@code jwk-set+jwt}. */
    WRONG_TYPE("wrong_type"),
    /**
     * A signed key set past its {@code exp} (compared without clock-skew allowance), or a 304 that would
     * confirm a held set past its {@code exp}.
     */
    EXPIRED_SET("expired_set"),
    /** A signed key set older ({@code iat}) than the newest this source has accepted: a replayed old set. */
    ROLLBACK("rollback"),
    /**
     * A signed key set whose {@code iat} or {@code exp} is missing, not a NumericDate, or {@code exp} not
     * after {@code iat}.
     */
    INVALID_CLAIM("invalid_claim");

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
