package io.nohop.core;

import static io.nohop.core.Tokens.NOW;
import static io.nohop.core.Tokens.NOW_S;
import static io.nohop.core.Tokens.builder;
import static io.nohop.core.Tokens.claims;
import static io.nohop.core.Tokens.header;
import static io.nohop.core.Tokens.rejection;
import static io.nohop.core.Tokens.rs256;
import static io.nohop.core.Tokens.sign;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Step 7: the claims, checked only after the signature verified. */
class VerifyClaimsTest {
    private static final TokenVerifier VERIFIER = builder().build();
    private static final TokenVerifier NO_SKEW = builder().clockSkew(Duration.ZERO).build();

    private static RejectionReason reject(Tokens.Obj claims) {
        return rejection(VERIFIER, rs256(claims));
    }

    // ---- exp ----

    @Test
    void verify_expMissing_rejectedAsMissingClaim() {
        assertEquals(RejectionReason.MISSING_CLAIM, reject(claims().without("exp")));
    }

    @Test
    void verify_expNull_rejectedAsInvalidClaim() {
        // null is present but not a NumericDate; treating it as absent would be a different, wrong code.
        assertEquals(RejectionReason.INVALID_CLAIM, reject(claims().raw("exp", "null")));
    }

    @Test
    void verify_expString_rejectedAsInvalidClaim() {
        assertEquals(RejectionReason.INVALID_CLAIM, reject(claims().str("exp", Long.toString(NOW_S + 600))));
    }

    @Test
    void verify_expBoolean_rejectedAsInvalidClaim() {
        assertEquals(RejectionReason.INVALID_CLAIM, reject(claims().raw("exp", "true")));
    }

    @Test
    void verify_expArray_rejectedAsInvalidClaim() {
        assertEquals(RejectionReason.INVALID_CLAIM, reject(claims().raw("exp", "[" + (NOW_S + 600) + "]")));
    }

    @Test
    void verify_expNegative_rejectedAsInvalidClaim() {
        assertEquals(RejectionReason.INVALID_CLAIM, reject(claims().raw("exp", "-1")));
    }

    @Test
    void verify_expBeyondYear9999_rejectedAsInvalidClaim() {
        assertEquals(RejectionReason.INVALID_CLAIM, reject(claims().raw("exp", "253402300800")));
    }

    @Test
    void verify_expLastSecondOfYear9999_isAValidDateButLifetimeTooLong() {
        // In range, so not invalid_claim; the lifetime bound is what rejects it.
        assertEquals(RejectionReason.LIFETIME_TOO_LONG, reject(claims().raw("exp", "253402300799")));
    }

    @Test
    void verify_expOverflowingExponent_rejectedAsInvalidClaim() {
        assertEquals(RejectionReason.INVALID_CLAIM, reject(claims().raw("exp", "1e999999999")));
    }

    @Test
    void verify_expBeyondLongRange_rejectedAsInvalidClaim() {
        assertEquals(RejectionReason.INVALID_CLAIM, reject(claims().raw("exp", "99999999999999999999999")));
    }

    @Test
    void verify_expFractional_acceptedToTheMillisecond() {
        VerifiedToken token = Tokens.accepted(VERIFIER, rs256(claims().raw("exp", (NOW_S + 600) + ".5")));
        assertEquals(NOW.plusSeconds(600).plusMillis(500), token.expiresAt());
    }

    @Test
    void verify_expWithPositiveExponent_accepted() {
        // 1.9e9 is a JSON number like any other (RFC 7519 NumericDate); it lies in the 2030s.
        TokenVerifier v = builder().maxLifetime(Duration.ofDays(3650)).build();
        VerifiedToken token = Tokens.accepted(v, rs256(claims().without("iat").raw("exp", "2.0e9")));
        assertEquals(2_000_000_000L, token.expiresAt().getEpochSecond());
    }

    @Test
    void verify_expired_rejectedAsExpired() {
        assertEquals(RejectionReason.EXPIRED, reject(claims().num("iat", NOW_S - 3600).num("exp", NOW_S - 600)));
    }

    @Test
    void verify_expiredExactlyAtSkewBoundary_rejectedAsExpired() {
        // The token is valid while now < exp + skew: at exp + skew it has expired.
        assertEquals(RejectionReason.EXPIRED, reject(claims().num("iat", NOW_S - 600).num("exp", NOW_S - 60)));
    }

    @Test
    void verify_expiredWithinSkew_accepted() {
        Tokens.accepted(VERIFIER, rs256(claims().num("iat", NOW_S - 600).num("exp", NOW_S - 59)));
    }

    @Test
    void verify_expEqualsNowWithoutSkew_rejectedAsExpired() {
        assertEquals(RejectionReason.EXPIRED, rejection(NO_SKEW, rs256(claims().num("iat", NOW_S - 60).num("exp", NOW_S))));
    }

    @Test
    void verify_expOneSecondAheadWithoutSkew_accepted() {
        Tokens.accepted(NO_SKEW, rs256(claims().num("iat", NOW_S - 60).num("exp", NOW_S + 1)));
    }

    @Test
    void verify_expiredWithConfiguredSkew_rejectedAsExpired() {
        TokenVerifier fiveMinutes = builder().clockSkew(Duration.ofMinutes(5)).build();
        assertEquals(RejectionReason.EXPIRED,
                rejection(fiveMinutes, rs256(claims().num("iat", NOW_S - 900).num("exp", NOW_S - 300))));
        Tokens.accepted(fiveMinutes, rs256(claims().num("iat", NOW_S - 900).num("exp", NOW_S - 299)));
    }

    // ---- nbf ----

    @Test
    void verify_nbfBeyondSkew_rejectedAsNotYetValid() {
        assertEquals(RejectionReason.NOT_YET_VALID, reject(claims().num("nbf", NOW_S + 61)));
    }

    @Test
    void verify_nbfWithinSkew_accepted() {
        Tokens.accepted(VERIFIER, rs256(claims().num("nbf", NOW_S + 60)));
    }

    @Test
    void verify_nbfInPast_accepted() {
        Tokens.accepted(VERIFIER, rs256(claims().num("nbf", NOW_S - 10)));
    }

    @Test
    void verify_nbfString_rejectedAsInvalidClaim() {
        assertEquals(RejectionReason.INVALID_CLAIM, reject(claims().str("nbf", "yesterday")));
    }

    @Test
    void verify_nbfNegative_rejectedAsInvalidClaim() {
        assertEquals(RejectionReason.INVALID_CLAIM, reject(claims().raw("nbf", "-5")));
    }

    // ---- iat ----

    @Test
    void verify_iatInFutureBeyondSkew_rejectedAsIssuedInFuture() {
        assertEquals(RejectionReason.ISSUED_IN_FUTURE, reject(claims().num("iat", NOW_S + 61)));
    }

    @Test
    void verify_iatAYearInFuture_rejectedAsIssuedInFuture() {
        // Lenient libraries accept this; a future iat means a broken or malicious issuer clock.
        assertEquals(RejectionReason.ISSUED_IN_FUTURE,
                reject(claims().num("iat", NOW_S + 365 * 86400L).num("exp", NOW_S + 365 * 86400L + 600)));
    }

    @Test
    void verify_iatWithinSkew_accepted() {
        Tokens.accepted(VERIFIER, rs256(claims().num("iat", NOW_S + 60)));
    }

    @Test
    void verify_iatString_rejectedAsInvalidClaim() {
        assertEquals(RejectionReason.INVALID_CLAIM, reject(claims().str("iat", "now")));
    }

    @Test
    void verify_iatNull_rejectedAsInvalidClaim() {
        assertEquals(RejectionReason.INVALID_CLAIM, reject(claims().raw("iat", "null")));
    }

    // ---- lifetime ----

    @Test
    void verify_lifetimeFromIatOverDefault_rejectedAsLifetimeTooLong() {
        assertEquals(RejectionReason.LIFETIME_TOO_LONG,
                reject(claims().num("iat", NOW_S - 3600).num("exp", NOW_S - 3600 + 86400 + 1)));
    }

    @Test
    void verify_lifetimeFromIatExactlyDefault_accepted() {
        Tokens.accepted(VERIFIER, rs256(claims().num("iat", NOW_S - 3600).num("exp", NOW_S - 3600 + 86400)));
    }

    @Test
    void verify_lifetimeWithoutIatMeasuredFromNow_rejectedAsLifetimeTooLong() {
        assertEquals(RejectionReason.LIFETIME_TOO_LONG, reject(claims().without("iat").num("exp", NOW_S + 86400 + 1)));
    }

    @Test
    void verify_lifetimeWithoutIatExactlyDefault_accepted() {
        Tokens.accepted(VERIFIER, rs256(claims().without("iat").num("exp", NOW_S + 86400)));
    }

    @Test
    void verify_lifetimeOverConfiguredMaximum_rejectedAsLifetimeTooLong() {
        TokenVerifier fiveMinutes = builder().maxLifetime(Duration.ofMinutes(5)).build();
        assertEquals(RejectionReason.LIFETIME_TOO_LONG, rejection(fiveMinutes, rs256(claims().num("exp", NOW_S + 301))));
        Tokens.accepted(fiveMinutes, rs256(claims().num("exp", NOW_S + 300)));
    }

    // ---- iss ----

    @Test
    void verify_issuerTrailingSlash_rejectedAsIssuerMismatch() {
        assertEquals(RejectionReason.ISSUER_MISMATCH, reject(claims().str("iss", Tokens.ISSUER + "/")));
    }

    @Test
    void verify_issuerDifferentCase_rejectedAsIssuerMismatch() {
        assertEquals(RejectionReason.ISSUER_MISMATCH, reject(claims().str("iss", "https://Auth.example")));
    }

    @Test
    void verify_issuerOtherHost_rejectedAsIssuerMismatch() {
        assertEquals(RejectionReason.ISSUER_MISMATCH, reject(claims().str("iss", "https://evil.example")));
    }

    @Test
    void verify_issuerNotString_rejectedAsInvalidClaim() {
        assertEquals(RejectionReason.INVALID_CLAIM, reject(claims().raw("iss", "[\"" + Tokens.ISSUER + "\"]")));
    }

    @Test
    void verify_issuerMissing_rejectedAsMissingClaim() {
        assertEquals(RejectionReason.MISSING_CLAIM, reject(claims().without("iss")));
    }

    @Test
    void verify_issuerMissingWithAnyIssuerAllowed_accepted() {
        TokenVerifier any = CryptoUnderTest.configure(TokenVerifier.builder()).jwks(Tokens.JWKS).allowAnyIssuer().audience(Tokens.AUDIENCE).clock(Tokens.CLOCK).build();
        Tokens.accepted(any, rs256(claims().without("iss")));
    }

    @Test
    void verify_secondConfiguredIssuer_accepted() {
        TokenVerifier two = builder().issuer("https://other.example").build();
        Tokens.accepted(two, rs256(claims().str("iss", "https://other.example")));
    }

    // ---- sub, jti ----

    @Test
    void verify_subjectNotString_rejectedAsInvalidClaim() {
        assertEquals(RejectionReason.INVALID_CLAIM, reject(claims().raw("sub", "42")));
    }

    @Test
    void verify_subjectMissing_accepted() {
        Tokens.accepted(VERIFIER, rs256(claims().without("sub")));
    }

    @Test
    void verify_jtiNotString_rejectedAsInvalidClaim() {
        assertEquals(RejectionReason.INVALID_CLAIM, reject(claims().raw("jti", "{}")));
    }

    // ---- aud ----

    @Test
    void verify_audienceString_accepted() {
        Tokens.accepted(VERIFIER, rs256(claims().str("aud", Tokens.AUDIENCE)));
    }

    @Test
    void verify_audienceArrayContainingOurs_accepted() {
        Tokens.accepted(VERIFIER, rs256(claims().raw("aud", "[\"billing\",\"orders\"]")));
    }

    @Test
    void verify_audienceArrayWithoutOurs_rejectedAsAudienceMismatch() {
        assertEquals(RejectionReason.AUDIENCE_MISMATCH, reject(claims().raw("aud", "[\"billing\",\"shipping\"]")));
    }

    @Test
    void verify_audienceOtherString_rejectedAsAudienceMismatch() {
        assertEquals(RejectionReason.AUDIENCE_MISMATCH, reject(claims().str("aud", "Orders")));
    }

    @Test
    void verify_audienceEmptyArray_rejectedAsAudienceMismatch() {
        assertEquals(RejectionReason.AUDIENCE_MISMATCH, reject(claims().raw("aud", "[]")));
    }

    @Test
    void verify_audienceNumber_rejectedAsInvalidClaim() {
        assertEquals(RejectionReason.INVALID_CLAIM, reject(claims().raw("aud", "7")));
    }

    @Test
    void verify_audienceArrayWithNumber_rejectedAsInvalidClaim() {
        assertEquals(RejectionReason.INVALID_CLAIM, reject(claims().raw("aud", "[\"orders\",7]")));
    }

    @Test
    void verify_audienceMissing_rejectedAsMissingClaim() {
        assertEquals(RejectionReason.MISSING_CLAIM, reject(claims().without("aud")));
    }

    @Test
    void verify_audienceMissingWithAnyAudienceAllowed_accepted() {
        TokenVerifier any = CryptoUnderTest.configure(TokenVerifier.builder()).jwks(Tokens.JWKS).issuer(Tokens.ISSUER).allowAnyAudience()
                .clock(Tokens.CLOCK).build();
        Tokens.accepted(any, rs256(claims().without("aud")));
    }

    @Test
    void verify_oneOfSeveralConfiguredAudiences_accepted() {
        TokenVerifier several = builder().audience("billing", "shipping").build();
        Tokens.accepted(several, rs256(claims().str("aud", "shipping")));
    }

    // ---- typ ----

    @ParameterizedTest
    @ValueSource(strings = {"at+jwt", "AT+JWT", "application/at+jwt", "Application/At+Jwt"})
    void verify_requiredTypeSpelledAsRfc7515Allows_accepted(String typ) {
        TokenVerifier atJwt = builder().requiredType("at+jwt").build();
        Tokens.accepted(atJwt, sign("RS256", header("RS256", "rsa").str("typ", typ).json(), claims().json()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jwt", "JWT", "application/jwt", "at+jwt ", "text/at+jwt", "application/at+jwt+x"})
    void verify_otherType_rejectedAsWrongType(String typ) {
        TokenVerifier atJwt = builder().requiredType("at+jwt").build();
        String token = sign("RS256", header("RS256", "rsa").str("typ", typ).json(), claims().json());
        assertEquals(RejectionReason.WRONG_TYPE, rejection(atJwt, token));
    }

    @Test
    void verify_requiredTypeConfiguredWithPrefix_acceptsBareType() {
        TokenVerifier atJwt = builder().requiredType("application/at+jwt").build();
        Tokens.accepted(atJwt, sign("RS256", header("RS256", "rsa").str("typ", "at+jwt").json(), claims().json()));
    }

    @Test
    void verify_typeMissingWhenRequired_rejectedAsWrongType() {
        TokenVerifier atJwt = builder().requiredType("at+jwt").build();
        assertEquals(RejectionReason.WRONG_TYPE, rejection(atJwt, Tokens.valid("RS256")));
    }

    @Test
    void verify_typeNotStringWhenRequired_rejectedAsWrongType() {
        TokenVerifier atJwt = builder().requiredType("at+jwt").build();
        String token = sign("RS256", header("RS256", "rsa").raw("typ", "1").json(), claims().json());
        assertEquals(RejectionReason.WRONG_TYPE, rejection(atJwt, token));
    }

    @Test
    void verify_anyTypeWhenNoneRequired_accepted() {
        Tokens.accepted(VERIFIER, sign("RS256", header("RS256", "rsa").str("typ", "whatever").json(), claims().json()));
    }

    // ---- required claims and predicates ----

    @Test
    void verify_requiredClaimMissing_rejectedAsMissingClaim() {
        TokenVerifier v = builder().requireClaims("jti", "sub").build();
        assertEquals(RejectionReason.MISSING_CLAIM, rejection(v, rs256(claims())));
    }

    @Test
    void verify_requiredClaimNull_rejectedAsMissingClaim() {
        TokenVerifier v = builder().requireClaims("tenant").build();
        assertEquals(RejectionReason.MISSING_CLAIM, rejection(v, rs256(claims().raw("tenant", "null"))));
    }

    @Test
    void verify_requiredClaimsPresent_accepted() {
        TokenVerifier v = builder().requireClaims("jti", "sub").build();
        Tokens.accepted(v, rs256(claims().str("jti", "id-1")));
    }

    @Test
    void verify_predicateFalse_rejectedAsInvalidClaim() {
        TokenVerifier v = builder().require("admin scope", t -> t.scopes().contains("admin")).build();
        assertEquals(RejectionReason.INVALID_CLAIM, rejection(v, rs256(claims().str("scope", "read"))));
    }

    @Test
    void verify_predicateTrue_accepted() {
        TokenVerifier v = builder().require("admin scope", t -> t.scopes().contains("admin")).build();
        Tokens.accepted(v, rs256(claims().str("scope", "read admin")));
    }

    @Test
    void verify_predicateThrows_rejectedAsInvalidClaim() {
        // subject() throws NoSuchElementException without sub: a throwing rule fails closed.
        TokenVerifier v = builder().require("subject is alice", t -> t.subject().equals("alice")).build();
        assertEquals(RejectionReason.INVALID_CLAIM, rejection(v, rs256(claims().without("sub"))));
    }

    @Test
    void verify_secondPredicateFalse_rejectedAsInvalidClaim() {
        TokenVerifier v = builder().require("always", t -> true).require("never", t -> false).build();
        assertEquals(RejectionReason.INVALID_CLAIM, rejection(v, Tokens.valid("RS256")));
    }
}
