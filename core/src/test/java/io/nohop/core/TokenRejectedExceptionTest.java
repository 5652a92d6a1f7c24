package io.nohop.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Locale;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Rejections are cheap (no stack trace) and never echo the token. */
class TokenRejectedExceptionTest {
    private static final TokenVerifier VERIFIER = Tokens.builder().build();
    private static final String MARKER = "ZZMARKERZZ";

    @Test
    void rejection_hasNoStackTrace() {
        TokenRejectedException e = catchRejection("not.a.token");
        assertEquals(0, e.getStackTrace().length);
    }

    @Test
    void rejection_isNotSuppressible() {
        TokenRejectedException e = catchRejection("x");
        e.addSuppressed(new RuntimeException());
        assertEquals(0, e.getSuppressed().length);
    }

    @Test
    void reason_codes_areLowerCaseAndUnique() {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (RejectionReason r : RejectionReason.values()) {
            assertEquals(r.name().toLowerCase(Locale.ROOT), r.code());
            assertFalse(!seen.add(r.code()));
        }
    }

    @Provide
    Arbitrary<String> tokensWithMarker() {
        Arbitrary<String> noise = Arbitraries.strings().ofMaxLength(40);
        Arbitrary<String> b64 = Arbitraries.strings().withChars("ABCabc019-_").ofMaxLength(40);
        // The marker appears as raw text, inside a base64url segment, and inside signed header/claims JSON.
        return Arbitraries.oneOf(java.util.List.of(
                noise.map(n -> n + MARKER + n),
                b64.map(n -> n + MARKER + "." + n + "." + n),
                b64.map(n -> Tokens.b64("{\"alg\":\"" + MARKER + "\"}") + "." + n + "." + n),
                b64.map(n -> Tokens.b64("{\"alg\":\"RS256\",\"kid\":\"" + MARKER + n + "\"}") + ".e30." + n),
                noise.map(n -> Tokens.rs256(Tokens.claims().str("iss", MARKER + n))),
                noise.map(n -> Tokens.rs256(Tokens.claims().str("aud", MARKER + n))),
                noise.map(n -> Tokens.sign("RS256", Tokens.header("RS256", "rsa").str("typ", MARKER).json(),
                        Tokens.claims().raw("exp", "\"" + MARKER + "\"").json()))));
    }

    @Property(tries = 200)
    void rejectionMessage_neverContainsTokenText(@ForAll("tokensWithMarker") String token) {
        TokenRejectedException e = catchRejection(token);
        assertFalse(e.getMessage().contains(MARKER), e.getMessage());
        assertFalse(String.valueOf(e).contains(MARKER));
    }

    private static TokenRejectedException catchRejection(String token) {
        try {
            VERIFIER.verify(token);
        } catch (TokenRejectedException e) {
            return e;
        }
        throw new AssertionError("accepted");
    }
}
