package io.nohop.core;

import static io.nohop.core.Tokens.b64;
import static io.nohop.core.Tokens.builder;
import static io.nohop.core.Tokens.claims;
import static io.nohop.core.Tokens.header;
import static io.nohop.core.Tokens.obj;
import static io.nohop.core.Tokens.rejection;
import static io.nohop.core.Tokens.sign;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Step 3 of the verification path: the protected header. */
class VerifyHeaderTest {
    private static final TokenVerifier VERIFIER = builder().build();

    private static String rsWithHeader(String headerJson) {
        return sign("RS256", headerJson, claims().json());
    }

    @ParameterizedTest
    @ValueSource(strings = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"})
    void verify_everySupportedAlgorithm_accepted(String alg) {
        VerifiedToken token = Tokens.accepted(VERIFIER, Tokens.valid(alg));
        assertEquals(alg, token.algorithm());
    }

    @Test
    void verify_noAlg_rejectedAsMalformed() {
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, rsWithHeader(obj().str("kid", "rsa").json())));
    }

    @Test
    void verify_algNotString_rejectedAsMalformed() {
        assertEquals(RejectionReason.MALFORMED,
                rejection(VERIFIER, rsWithHeader(obj().raw("alg", "[\"RS256\"]").str("kid", "rsa").json())));
    }

    @Test
    void verify_algNull_rejectedAsMalformed() {
        assertEquals(RejectionReason.MALFORMED,
                rejection(VERIFIER, rsWithHeader(obj().raw("alg", "null").str("kid", "rsa").json())));
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "None", "NONE", "nOnE"})
    void verify_algNoneAnySpellingWithEmptySignature_rejectedAsUnsupportedAlgorithm(String none) {
        String token = b64(header(none, "rsa").json()) + "." + b64(claims().json()) + ".";
        assertEquals(RejectionReason.UNSUPPORTED_ALGORITHM, rejection(VERIFIER, token));
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "None", "NONE", "nOnE"})
    void verify_algNoneAnySpellingWithValidRsaSignature_rejectedAsUnsupportedAlgorithm(String none) {
        // Even a genuine signature by a trusted key does not make 'none' acceptable.
        String token = sign("RS256", header(none, "rsa").json(), claims().json());
        assertEquals(RejectionReason.UNSUPPORTED_ALGORITHM, rejection(VERIFIER, token));
    }

    @ParameterizedTest
    @ValueSource(strings = {"HS256", "HS384", "HS512"})
    void verify_hmacAlgorithm_rejectedAsUnsupportedAlgorithm(String alg) {
        String token = b64(header(alg, "rsa").json()) + "." + b64(claims().json()) + "." + b64(new byte[32]);
        assertEquals(RejectionReason.UNSUPPORTED_ALGORITHM, rejection(VERIFIER, token));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rs256", "Rs256", "ES256K", "RS1", "ES224", "EdDSA ", "Ed25519", "ES521", ""})
    void verify_unknownAlgorithmName_rejectedAsUnsupportedAlgorithm(String alg) {
        // Algorithm names are case-sensitive (RFC 7515 §4.1.1); near misses are not ours.
        assertEquals(RejectionReason.UNSUPPORTED_ALGORITHM, rejection(VERIFIER, rsWithHeader(header(alg, "rsa").json())));
    }

    @Test
    void verify_algorithmOutsideConfiguredAllowlist_rejectedAsUnsupportedAlgorithm() {
        TokenVerifier esOnly = builder().algorithms("ES256").build();
        assertEquals(RejectionReason.UNSUPPORTED_ALGORITHM, rejection(esOnly, Tokens.valid("RS256")));
    }

    @Test
    void verify_algorithmInsideConfiguredAllowlist_accepted() {
        TokenVerifier esOnly = builder().algorithms("ES256", "EdDSA").build();
        Tokens.accepted(esOnly, Tokens.valid("EdDSA"));
    }

    @Test
    void verify_headerOfAnAcceptedToken_signatureStillChecked() {
        // The verifier remembers an accepted token's header (step 3 is not done again for the same header text);
        // nothing after step 3 is remembered.
        TokenVerifier verifier = builder().build();
        String headerJson = header("RS256", "rsa").json();
        Tokens.accepted(verifier, sign("RS256", headerJson, claims().json()));

        String forged = sign("RS256", Tokens.RSA_OTHER.getPrivate(), headerJson, claims().json());

        assertEquals(RejectionReason.BAD_SIGNATURE, rejection(verifier, forged));
    }

    @Test
    void verify_headerOfAnAcceptedToken_claimsStillChecked() {
        TokenVerifier verifier = builder().build();
        String headerJson = header("RS256", "rsa").json();
        Tokens.accepted(verifier, sign("RS256", headerJson, claims().json()));

        String expired = sign("RS256", headerJson, claims().num("exp", Tokens.NOW_S - 3600).json());

        assertEquals(RejectionReason.EXPIRED, rejection(verifier, expired));
    }

    @Test
    void verify_headerOfAnAcceptedToken_malformedSignatureStillMalformed() {
        TokenVerifier verifier = builder().build();
        String accepted = Tokens.valid("RS256");
        Tokens.accepted(verifier, accepted);

        assertEquals(RejectionReason.MALFORMED, rejection(verifier, accepted.substring(0, accepted.length() - 1) + "*"));
    }

    @Test
    void verify_jweFiveParts_rejectedAsMalformed() {
        String jwe = b64("{\"alg\":\"RSA-OAEP\",\"enc\":\"A256GCM\"}") + "." + b64(new byte[256]) + "."
                + b64(new byte[12]) + "." + b64("ciphertext") + "." + b64(new byte[16]);
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, jwe));
    }

    @Test
    void verify_encHeaderInThreePartToken_rejectedAsMalformed() {
        String token = rsWithHeader(header("RS256", "rsa").str("enc", "A256GCM").json());
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, token));
    }

    @Test
    void verify_unknownCrit_rejectedAsMalformed() {
        String token = rsWithHeader(header("RS256", "rsa").raw("crit", "[\"exp\"]").str("exp", "soon").json());
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, token));
    }

    @Test
    void verify_emptyCrit_rejectedAsMalformed() {
        // RFC 7515 §4.1.11: crit must not be an empty list; lenient libraries accept it.
        assertEquals(RejectionReason.MALFORMED,
                rejection(VERIFIER, rsWithHeader(header("RS256", "rsa").raw("crit", "[]").json())));
    }

    @Test
    void verify_critB64WithB64False_rejectedAsMalformed() {
        String token = rsWithHeader(header("RS256", "rsa").raw("b64", "false").raw("crit", "[\"b64\"]").json());
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, token));
    }

    @Test
    void verify_b64FalseWithoutCrit_rejectedAsMalformed() {
        assertEquals(RejectionReason.MALFORMED,
                rejection(VERIFIER, rsWithHeader(header("RS256", "rsa").raw("b64", "false").json())));
    }

    @Test
    void verify_b64NotBoolean_rejectedAsMalformed() {
        assertEquals(RejectionReason.MALFORMED,
                rejection(VERIFIER, rsWithHeader(header("RS256", "rsa").str("b64", "true").json())));
    }

    @Test
    void verify_duplicateAlgInHeader_rejectedAsMalformed() {
        // With last-wins parsing the second alg would be used; a strict parser refuses the header.
        String token = rsWithHeader(header("RS256", "rsa").duplicate("alg", "\"RS256\"").json());
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, token));
    }

    @Test
    void verify_duplicateKidInHeader_rejectedAsMalformed() {
        String token = rsWithHeader(header("RS256", "rsa").duplicate("kid", "\"rsa\"").json());
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, token));
    }

    @Test
    void verify_duplicateClaimInPayload_rejectedAsMalformed() {
        String token = sign("RS256", header("RS256", "rsa").json(), claims().duplicate("sub", "\"mallory\"").json());
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, token));
    }

    @Test
    void verify_duplicateExpInPayload_rejectedAsMalformed() {
        String token = Tokens.rs256(claims().duplicate("exp", Long.toString(Tokens.NOW_S + 600)));
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, token));
    }

    @Test
    void verify_headerNestedDeeperThan32_rejectedAsMalformed() {
        String deep = "[".repeat(40) + "]".repeat(40);
        assertEquals(RejectionReason.MALFORMED,
                rejection(VERIFIER, rsWithHeader(header("RS256", "rsa").raw("x", deep).json())));
    }

    @Test
    void verify_payloadNestedDeeperThan32_rejectedAsMalformed() {
        String deep = "{\"a\":".repeat(40) + "1" + "}".repeat(40);
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, Tokens.rs256(claims().raw("x", deep))));
    }

    @Test
    void verify_payloadNestedWithinLimit_accepted() {
        // The root object is level 1; 30 nested arrays inside a claim stay within 32 levels.
        String nested = "[".repeat(30) + "]".repeat(30);
        Tokens.accepted(VERIFIER, Tokens.rs256(claims().raw("x", nested)));
    }

    @Test
    void verify_kidNotString_rejectedAsMalformed() {
        assertEquals(RejectionReason.MALFORMED,
                rejection(VERIFIER, rsWithHeader(obj().str("alg", "RS256").raw("kid", "1").json())));
    }

    @Test
    void verify_kidNull_rejectedAsMalformed() {
        assertEquals(RejectionReason.MALFORMED,
                rejection(VERIFIER, rsWithHeader(obj().str("alg", "RS256").raw("kid", "null").json())));
    }

    @Test
    void verify_unknownNonCriticalHeaderMember_accepted() {
        // Only crit names extensions that must be understood; other members are ignored (RFC 7515 §4).
        Tokens.accepted(VERIFIER, rsWithHeader(header("RS256", "rsa").str("x-custom", "v").json()));
    }

    @Test
    void verify_b64True_accepted() {
        // b64: true is the default meaning (RFC 7797 §3); only false changes the signing input.
        Tokens.accepted(VERIFIER, rsWithHeader(header("RS256", "rsa").raw("b64", "true").json()));
    }

    @Test
    void verify_payloadNotJsonObject_rejectedAsMalformed() {
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, sign("RS256", header("RS256", "rsa").json(), "[1]")));
    }
}
