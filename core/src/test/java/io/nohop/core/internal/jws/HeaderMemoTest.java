package io.nohop.core.internal.jws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.nohop.core.RejectionReason;
import io.nohop.core.TokenRejectedException;
import io.nohop.core.internal.keyset.JwsAlgorithm;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * A header remembered from a verified token is reused only for a token whose header segment is the same text,
 * and then step 3 decides exactly as it does without the memo.
 */
class HeaderMemoTest {
    private static final Set<JwsAlgorithm> ALLOWED = Set.of(JwsAlgorithm.RS256, JwsAlgorithm.ES256);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final String HEADER = "{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"k-2026-11\"}";
    private static final String PAYLOAD = "{\"iss\":\"https://issuer.example\",\"sub\":\"alice\",\"exp\":1900000000}";
    private static final String SIGNATURE = B64.encodeToString(new byte[256]);

    private static String token(String header, String payload, String signature) {
        return B64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + signature;
    }

    private static HeaderMemo rememberingHeaderOf(String token) throws TokenRejectedException {
        HeaderMemo memo = new HeaderMemo();
        CompactJws.parse(token, ALLOWED, memo).rememberHeader(memo);
        return memo;
    }

    @Test
    void parse_sameHeaderTextAsRemembered_takesRememberedHeader() throws TokenRejectedException {
        HeaderMemo memo = rememberingHeaderOf(token(HEADER, PAYLOAD, SIGNATURE));
        CompactJws first = CompactJws.parse(token(HEADER, PAYLOAD, SIGNATURE), ALLOWED, memo);
        CompactJws second = CompactJws.parse(token(HEADER, "{\"sub\":\"bob\"}", SIGNATURE), ALLOWED, memo);

        assertSame(first.header(), second.header());
        assertEquals("k-2026-11", second.kid());
        assertEquals(JwsAlgorithm.RS256, second.algorithm());
        assertEquals("at+jwt", second.type());
        assertArrayEquals("{\"sub\":\"bob\"}".getBytes(StandardCharsets.UTF_8), second.payload());
    }

    @Test
    void parse_headerNotRemembered_checkedInFull() throws TokenRejectedException {
        HeaderMemo memo = rememberingHeaderOf(token(HEADER, PAYLOAD, SIGNATURE));
        String other = "{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"k-2026-12\"}";

        CompactJws parsed = CompactJws.parse(token(other, PAYLOAD, SIGNATURE), ALLOWED, memo);

        assertEquals("k-2026-12", parsed.kid());
        assertNotSame(CompactJws.parse(token(HEADER, PAYLOAD, SIGNATURE), ALLOWED, memo).header(), parsed.header());
    }

    @Test
    void parse_headerWithOneWideCharacterOverRememberedText_rejectedAsMalformed() throws TokenRejectedException {
        String remembered = token(HEADER, PAYLOAD, SIGNATURE);
        HeaderMemo memo = rememberingHeaderOf(remembered);
        // U+0141's low byte is 'A': a comparison of low bytes would take it for the remembered header.
        char[] chars = remembered.toCharArray();
        chars[5] = (char) (0x100 | chars[5]);

        TokenRejectedException e = assertThrows(TokenRejectedException.class,
                () -> CompactJws.parse(new String(chars), ALLOWED, memo));

        assertEquals(RejectionReason.MALFORMED, e.reason());
    }

    @Test
    void parse_malformedPayloadUnderRememberedHeader_rejectedAsMalformed() throws TokenRejectedException {
        String remembered = token(HEADER, PAYLOAD, SIGNATURE);
        HeaderMemo memo = rememberingHeaderOf(remembered);
        int payloadAt = remembered.indexOf('.') + 1;
        String bang = remembered.substring(0, payloadAt + 3) + "!" + remembered.substring(payloadAt + 4);

        TokenRejectedException e = assertThrows(TokenRejectedException.class, () -> CompactJws.parse(bang, ALLOWED, memo));

        assertEquals(RejectionReason.MALFORMED, e.reason());
    }

    @Test
    void signature_malformedUnderRememberedHeader_null() throws TokenRejectedException {
        HeaderMemo memo = rememberingHeaderOf(token(HEADER, PAYLOAD, SIGNATURE));

        CompactJws parsed = CompactJws.parse(token(HEADER, PAYLOAD, SIGNATURE.substring(1) + "="), ALLOWED, memo);

        assertEquals(null, parsed.signature());
        assertEquals(false, parsed.signatureIsCanonical());
    }

    /** Headers an issuer could send, good and bad: every rule of step 3 and a few spellings of each. */
    @Provide
    Arbitrary<String> headers() {
        return Arbitraries.of(
                HEADER,
                "{\"alg\":\"ES256\",\"kid\":\"k-2026-11\"}",
                "{\"alg\":\"RS256\"}",
                "{\"alg\":\"PS256\",\"kid\":\"k-2026-11\"}",
                "{\"alg\":\"none\",\"kid\":\"k-2026-11\"}",
                "{\"alg\":\"RS256\",\"kid\":7}",
                "{\"alg\":\"RS256\",\"crit\":[\"exp\"],\"kid\":\"k\"}",
                "{\"alg\":\"RS256\",\"b64\":false,\"kid\":\"k\"}",
                "{\"alg\":\"RS256\",\"enc\":\"A128GCM\",\"kid\":\"k\"}",
                "{\"alg\":\"RS256\",\"alg\":\"RS256\",\"kid\":\"k\"}",
                "{\"alg\":\"RS256\",\"kid\":\"k\"",
                "[\"alg\",\"RS256\"]",
                "{\"alg\":\"RS\\u0032\\u0035\\u0036\",\"kid\":\"k-2026-11\"}");
    }

    /**
     * A token with one character of its header segment replaced (by an alphabet character, a character outside
     * it, or one above U+00FF): the same length as the remembered segment, so the memo compares them.
     */
    @Provide
    Arbitrary<String> oneCharacterOff() {
        Arbitrary<Character> replacement = Arbitraries.of('A', 'B', 'Q', 'g', 'w', 'z', '0', '9', '-', '_', '!', '.',
                '=', '\u00c1', '\u00ff', '\u0141', '\u0161', '\u20ac');
        return Combinators.combine(headers(), Arbitraries.integers().greaterOrEqual(0), replacement)
                .as((header, where, ch) -> {
                    String t = token(header, PAYLOAD, SIGNATURE);
                    int i = where % t.indexOf('.');
                    return t.substring(0, i) + ch + t.substring(i + 1);
                });
    }

    @Property(tries = 3000)
    void parse_withRememberedHeader_decidesAsWithout(@ForAll("headers") String remembered,
                                                     @ForAll("oneCharacterOff") String token) {
        HeaderMemo memo = new HeaderMemo();
        try {
            CompactJws.parse(token(remembered, PAYLOAD, SIGNATURE), ALLOWED, memo).rememberHeader(memo);
        } catch (TokenRejectedException e) {
            // A header step 3 rejects is never remembered: the memo stays empty, which the property covers too.
        }
        assertEquals(outcome(token, null), outcome(token, memo), token);
        // And the remembered token itself, whose header is then taken from the memo.
        String same = token(remembered, "{\"sub\":\"x\"}", SIGNATURE);
        assertEquals(outcome(same, null), outcome(same, memo), same);
    }

    /** Everything step 3 tells the verifier about a token, or its rejection. */
    private static String outcome(String token, HeaderMemo memo) {
        try {
            CompactJws jws = CompactJws.parse(token, ALLOWED, memo);
            byte[] signature = jws.signature();
            return jws.algorithm() + " kid=" + jws.kid() + " typ=" + jws.type() + " header=" + jws.header()
                    + " payload=" + Arrays.toString(jws.payload())
                    + " signature=" + (signature == null ? "malformed" : Arrays.toString(signature))
                    + " canonical=" + jws.signatureIsCanonical()
                    + " input=" + new String(jws.signingInput(), 0, jws.signingInputLength(), StandardCharsets.ISO_8859_1);
        } catch (TokenRejectedException e) {
            return e.reason() + ": " + e.detail();
        }
    }
}
