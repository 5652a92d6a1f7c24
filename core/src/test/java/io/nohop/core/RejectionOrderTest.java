package io.nohop.core;

import static io.nohop.core.Tokens.NOW_S;
import static io.nohop.core.Tokens.b64;
import static io.nohop.core.Tokens.builder;
import static io.nohop.core.Tokens.claims;
import static io.nohop.core.Tokens.header;
import static io.nohop.core.Tokens.rejection;
import static io.nohop.core.Tokens.rs256;
import static io.nohop.core.Tokens.sign;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * DESIGN.md: "When several rules fail, the code is that of the first failing step of the verification
 * path". Each test breaks two (or more) rules and expects the earlier step's code.
 */
class RejectionOrderTest {
    private static final TokenVerifier VERIFIER = builder().build();

    /** Claims that break everything after the signature: expired, wrong issuer, wrong audience. */
    private static Tokens.Obj badClaims() {
        return claims().str("iss", "https://evil.example").str("aud", "other").num("iat", NOW_S - 7200)
                .num("exp", NOW_S - 3600);
    }

    private static String breakSignature(String token) {
        int dot = token.lastIndexOf('.');
        return token.substring(0, dot + 1) + b64(new byte[256]);
    }

    @Test
    void tooLargeBeforeMalformed() {
        assertEquals(RejectionReason.TOO_LARGE, rejection(VERIFIER, " ".repeat(9000)));
    }

    @Test
    void tooLargeBeforeAlgNone() {
        String none = b64("{\"alg\":\"none\"}") + "." + b64(claims().str("pad", "x".repeat(9000)).json()) + ".";
        assertEquals(RejectionReason.TOO_LARGE, rejection(VERIFIER, none));
    }

    @Test
    void malformedFormBeforeUnsupportedAlgorithm() {
        String none = b64("{\"alg\":\"none\"}") + "=." + b64(claims().json()) + ".";
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, none));
    }

    @Test
    void unsupportedAlgorithmBeforeBadPayloadJson() {
        // The header rules are step 3; a non-JSON payload does not hide an alg none.
        String none = b64("{\"alg\":\"none\"}") + "." + b64("foo") + ".";
        assertEquals(RejectionReason.UNSUPPORTED_ALGORITHM, rejection(VERIFIER, none));
    }

    @Test
    void unsupportedAlgorithmBeforeUnknownKey() {
        String hs = b64(header("HS256", "no-such-kid").json()) + "." + b64(claims().json()) + "." + b64(new byte[32]);
        assertEquals(RejectionReason.UNSUPPORTED_ALGORITHM, rejection(VERIFIER, hs));
    }

    // A payload that is not a JSON object is malformed (step 3) even when no key has the token's kid: the verifier
    // checks such a payload without building the claims (the unknown-kid path is the cheapest one an attacker can
    // ask for), and that check must refuse exactly what the full parse refuses.

    private static String unknownKidToken(String payloadJson) {
        return sign("RS256", header("RS256", "no-such-kid").json(), payloadJson);
    }

    @Test
    void malformedPayloadBeforeUnknownKey() {
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, unknownKidToken("{\"sub\":\"a\",}")));
    }

    @Test
    void payloadNotAnObjectBeforeUnknownKey() {
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, unknownKidToken("[1,2]")));
    }

    @Test
    void duplicateClaimBeforeUnknownKey() {
        assertEquals(RejectionReason.MALFORMED,
                rejection(VERIFIER, unknownKidToken(claims().duplicate("iss", "\"https://evil.example\"").json())));
    }

    @Test
    void duplicateClaimViaEscapedNameBeforeUnknownKey() {
        String payload = claims().json();
        payload = payload.substring(0, payload.length() - 1) + ",\"\\u0069ss\":\"https://evil.example\"}";
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, unknownKidToken(payload)));
    }

    @Test
    void duplicateNestedMemberBeforeUnknownKey() {
        assertEquals(RejectionReason.MALFORMED,
                rejection(VERIFIER, unknownKidToken(claims().raw("cnf", "{\"jkt\":\"a\",\"jkt\":\"b\"}").json())));
    }

    @Test
    void payloadNestedTooDeepBeforeUnknownKey() {
        String deep = "[".repeat(40) + "]".repeat(40);
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, unknownKidToken(claims().raw("x", deep).json())));
    }

    // The signature's form is step 3 as well, although the accepting path checks it only when it decodes the
    // signature (step 6): every rejection between the two must report a malformed signature first.

    /** The signature segment not canonical base64url: a padded signature, the same bytes otherwise. */
    private static String padSignature(String token) {
        return token + "==";
    }

    @Test
    void malformedSignatureBeforeUnsupportedAlgorithm() {
        String hs = b64(header("HS256", "no-such-kid").json()) + "." + b64(claims().json()) + "." + b64(new byte[32]) + "!";
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, hs));
    }

    @Test
    void malformedSignatureBeforeUnknownKey() {
        String token = padSignature(sign("RS256", header("RS256", "no-such-kid").json(), badClaims().json()));
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, token));
    }

    @Test
    void malformedSignatureBeforeKeyNotFitting() {
        String token = padSignature(sign("RS256", header("RS256", "ec256").json(), badClaims().json()));
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, token));
    }

    @Test
    void malformedSignatureBeforeKeysUnavailable() throws Exception {
        // Port 9 on loopback: nothing listens, so the verifier never has keys.
        try (TokenVerifier noKeys = TokenVerifier.builder().jwksUri(java.net.URI.create("http://127.0.0.1:9/jwks"))
                .issuer("i").audience("a").build()) {
            assertEquals(RejectionReason.KEYS_UNAVAILABLE, rejection(noKeys, "eyJhbGciOiJFUzI1NiIsImtpZCI6ImsifQ.e30.AAAA"));
            assertEquals(RejectionReason.MALFORMED, rejection(noKeys, "eyJhbGciOiJFUzI1NiIsImtpZCI6ImsifQ.e30.AAB"));
        }
    }

    @Test
    void malformedSignatureBeforeBadSignatureAndClaims() {
        // A known kid: the signature's form is found when it is decoded, before its check and every claim.
        String valid = rs256(badClaims());
        String nonCanonical = valid.substring(0, valid.length() - 1) + "!";
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, nonCanonical));
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, padSignature(valid)));
    }

    @Test
    void unknownKeyBeforeBadSignatureAndClaims() {
        String token = breakSignature(sign("RS256", header("RS256", "no-such-kid").json(), badClaims().json()));
        assertEquals(RejectionReason.UNKNOWN_KEY, rejection(VERIFIER, token));
    }

    @Test
    void keyNotFittingBeforeBadSignature() {
        String token = breakSignature(sign("RS256", header("RS256", "ec256").json(), badClaims().json()));
        assertEquals(RejectionReason.UNSUPPORTED_ALGORITHM, rejection(VERIFIER, token));
    }

    @Test
    void badSignatureBeforeEveryClaim() {
        assertEquals(RejectionReason.BAD_SIGNATURE, rejection(VERIFIER, breakSignature(rs256(badClaims()))));
    }

    @Test
    void badSignatureBeforeMissingExp() {
        assertEquals(RejectionReason.BAD_SIGNATURE, rejection(VERIFIER, breakSignature(rs256(claims().without("exp")))));
    }

    @Test
    void missingExpBeforeOtherClaims() {
        assertEquals(RejectionReason.MISSING_CLAIM, rejection(VERIFIER, rs256(badClaims().without("exp"))));
    }

    @Test
    void invalidClaimBeforeExpired() {
        assertEquals(RejectionReason.INVALID_CLAIM, rejection(VERIFIER, rs256(badClaims().raw("aud", "5"))));
    }

    @Test
    void expiredBeforeIssuerAndAudience() {
        assertEquals(RejectionReason.EXPIRED, rejection(VERIFIER, rs256(badClaims())));
    }

    @Test
    void notYetValidBeforeIssuedInFuture() {
        String token = rs256(claims().num("nbf", NOW_S + 600).num("iat", NOW_S + 600).num("exp", NOW_S + 1200));
        assertEquals(RejectionReason.NOT_YET_VALID, rejection(VERIFIER, token));
    }

    @Test
    void issuedInFutureBeforeLifetime() {
        String token = rs256(claims().num("iat", NOW_S + 600).num("exp", NOW_S + 600 + 2 * 86400));
        assertEquals(RejectionReason.ISSUED_IN_FUTURE, rejection(VERIFIER, token));
    }

    @Test
    void lifetimeBeforeIssuerMismatch() {
        String token = rs256(claims().str("iss", "https://evil.example").num("exp", NOW_S + 2 * 86400));
        assertEquals(RejectionReason.LIFETIME_TOO_LONG, rejection(VERIFIER, token));
    }

    @Test
    void issuerMismatchBeforeAudienceMismatch() {
        String token = rs256(claims().str("iss", "https://evil.example").str("aud", "other"));
        assertEquals(RejectionReason.ISSUER_MISMATCH, rejection(VERIFIER, token));
    }

    @Test
    void audienceMismatchBeforeWrongType() {
        TokenVerifier typed = builder().requiredType("at+jwt").build();
        assertEquals(RejectionReason.AUDIENCE_MISMATCH, rejection(typed, rs256(claims().str("aud", "other"))));
    }

    @Test
    void wrongTypeBeforeRequiredClaims() {
        // DESIGN step 7 lists typ before required claims (RejectionReason's enum order is not the check order).
        TokenVerifier v = builder().requiredType("at+jwt").requireClaims("jti").build();
        assertEquals(RejectionReason.WRONG_TYPE, rejection(v, rs256(claims())));
    }

    @Test
    void requiredClaimsBeforePredicates() {
        TokenVerifier v = builder().requireClaims("jti").require("never", t -> false).build();
        assertEquals(RejectionReason.MISSING_CLAIM, rejection(v, rs256(claims())));
    }

    @Test
    void builtInRulesBeforePredicates() {
        TokenVerifier v = builder().require("never", t -> false).build();
        assertEquals(RejectionReason.AUDIENCE_MISMATCH, rejection(v, rs256(claims().str("aud", "other"))));
    }
}
