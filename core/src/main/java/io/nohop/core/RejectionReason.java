package io.nohop.core;

/**
 * Why a token was not accepted. Each constant maps one-to-one to a stable rejection code (see
 * {@link #code()}) that outside tools rely on; constants are only ever added, never renamed.
 *
 * <p>When several rules fail, the reason is that of the first failing step of the verification
 * path: size; form; header (algorithm rules); key selection; signature; then the claims: the types
 * and presence of {@code exp}, {@code nbf}, {@code iat}, {@code iss}, {@code sub}, {@code jti},
 * {@code aud}; expiry; not-before; issued-at; lifetime; issuer; audience; {@code typ}; required
 * claims; user predicates.
 */
public enum RejectionReason {
    /** Not three strict base64url segments, bad or duplicate-member JSON, JWE, unknown {@code crit}, blank. */
    MALFORMED("malformed"),
    /** Longer than the configured size cap; checked before anything else. */
    TOO_LARGE("too_large"),
    /** {@code none}, {@code HS*}, outside the allowlist, or the key named by {@code kid} does not fit the algorithm. */
    UNSUPPORTED_ALGORITHM("unsupported_algorithm"),
    /** No key with that {@code kid}, or no {@code kid} and not exactly one fitting key. */
    UNKNOWN_KEY("unknown_key"),
    /** The signature does not verify with the selected key. */
    BAD_SIGNATURE("bad_signature"),
    /** A registered claim has the wrong type or is out of range, or a user predicate failed. */
    INVALID_CLAIM("invalid_claim"),
    /** {@code exp} is in the past beyond the allowed clock skew. */
    EXPIRED("expired"),
    /** {@code nbf} is in the future beyond the allowed clock skew. */
    NOT_YET_VALID("not_yet_valid"),
    /** {@code iat} is in the future beyond the allowed clock skew. */
    ISSUED_IN_FUTURE("issued_in_future"),
    /** The token's lifetime ({@code exp - iat}, or {@code exp - now} without {@code iat}) exceeds the maximum. */
    LIFETIME_TOO_LONG("lifetime_too_long"),
    /** {@code iss} is not exactly a trusted issuer. */
    ISSUER_MISMATCH("issuer_mismatch"),
    /** {@code aud} does not contain a configured audience. */
    AUDIENCE_MISMATCH("audience_mismatch"),
    /** A required claim is absent ({@code exp} always; {@code iss}, {@code aud} when the policy names them). */
    MISSING_CLAIM("missing_claim"),
    /** The {@code typ} header does not match the required type. */
    WRONG_TYPE("wrong_type"),
    /** No key set has been loaded yet, or the last one is older than the staleness bound. */
    KEYS_UNAVAILABLE("keys_unavailable");

    private final String code;

    RejectionReason(String code) {
        this.code = code;
    }

    /**
     * The stable, lower-case rejection code, for example {@code bad_signature}.
     *
     * @return the code; never null
     */
    public String code() {
        return code;
    }

    /**
     * Whether this rejection is about the verifier's keys rather than the token: a service should
     * answer 503 (try again later) instead of 401.
     *
     * @return true only for {@link #KEYS_UNAVAILABLE}
     */
    public boolean isKeyAvailabilityProblem() {
        return this == KEYS_UNAVAILABLE;
    }
}
