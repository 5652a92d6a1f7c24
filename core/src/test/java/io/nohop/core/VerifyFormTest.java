package io.nohop.core;

import static io.nohop.core.Tokens.b64;
import static io.nohop.core.Tokens.builder;
import static io.nohop.core.Tokens.claims;
import static io.nohop.core.Tokens.header;
import static io.nohop.core.Tokens.rejection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Steps 1 and 2 of the verification path: the size cap, then strict compact form. */
class VerifyFormTest {
    private static final TokenVerifier VERIFIER = builder().build();
    private static final String VALID = Tokens.valid("RS256");

    private static String[] parts(String token) {
        return token.split("\\.", -1);
    }

    // ---- size ----

    @Test
    void verify_tokenOfExactlyDefaultCap_isNotTooLarge() {
        // Padding the payload with a long claim brings the token to exactly 8 KiB; only the cap matters here.
        String token = tokenOfLength(8 * 1024);
        assertEquals(8 * 1024, token.length());
        Tokens.accepted(VERIFIER, token);
    }

    @Test
    void verify_tokenOneByteOverDefaultCap_rejectedAsTooLarge() {
        String token = tokenOfLength(8 * 1024 + 1);
        assertEquals(RejectionReason.TOO_LARGE, rejection(VERIFIER, token));
    }

    @Test
    void verify_oversizedGarbage_rejectedAsTooLargeNotMalformed() {
        // The cap is checked before any parsing: garbage over the cap is too_large, not malformed.
        assertEquals(RejectionReason.TOO_LARGE, rejection(VERIFIER, "!".repeat(8 * 1024 + 1)));
    }

    @Test
    void verify_tenMegabyteToken_rejectedAsTooLarge() {
        assertEquals(RejectionReason.TOO_LARGE, rejection(VERIFIER, "a".repeat(10 * 1024 * 1024)));
    }

    @Test
    void verify_tokenOverConfiguredCap_rejectedAsTooLarge() {
        TokenVerifier small = builder().maxTokenBytes(VALID.length() - 1).build();
        assertEquals(RejectionReason.TOO_LARGE, rejection(small, VALID));
    }

    @Test
    void verify_tokenAtConfiguredCap_accepted() {
        TokenVerifier exact = builder().maxTokenBytes(VALID.length()).build();
        Tokens.accepted(exact, VALID);
    }

    @Test
    void verify_tokenUnderDefaultCapButOverRaisedCap_accepted() {
        TokenVerifier big = builder().maxTokenBytes(64 * 1024).build();
        Tokens.accepted(big, tokenOfLength(16 * 1024));
    }

    private static String tokenOfLength(int length) {
        // Base64url never produces a length of 1 mod 4, so both the header and the payload are padded:
        // the lengths are computed without signing, and only the matching pair is signed.
        String sigPart = Tokens.valid("RS256").substring(Tokens.valid("RS256").lastIndexOf('.'));
        for (int hp = 0; hp < 4; hp++) {
            String header = Tokens.header("RS256", "rsa").str("p", "x".repeat(hp)).json();
            int payloadChars = length - b64(header).length() - 1 - sigPart.length();
            int estimate = Math.max(0, payloadChars * 3 / 4 - b64(claims().str("pad", "").json()).length() * 3 / 4 - 4);
            for (int pad = estimate; pad < estimate + 8; pad++) {
                String payload = claims().str("pad", "x".repeat(pad)).json();
                if (b64(payload).length() == payloadChars) {
                    return Tokens.sign("RS256", header, payload);
                }
            }
        }
        throw new IllegalStateException("no padding gives length " + length);
    }

    // ---- form ----

    @Test
    void verify_blankString_rejectedAsMalformed() {
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, ""));
    }

    @Test
    void verify_whitespaceOnly_rejectedAsMalformed() {
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, "   "));
    }

    @Test
    void verify_null_throwsNullPointerException() {
        assertThrows(NullPointerException.class, () -> VERIFIER.verify(null));
    }

    @Test
    void verify_twoSegments_rejectedAsMalformed() {
        String[] p = parts(VALID);
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, p[0] + "." + p[1]));
    }

    @Test
    void verify_oneSegment_rejectedAsMalformed() {
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, parts(VALID)[0]));
    }

    @Test
    void verify_fourSegments_rejectedAsMalformed() {
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, VALID + "." + parts(VALID)[2]));
    }

    @Test
    void verify_trailingDot_rejectedAsMalformed() {
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, VALID + "."));
    }

    @Test
    void verify_paddedSignature_rejectedAsMalformed() {
        // RS256 signatures of 256 bytes encode to 342 characters (remainder 2): standard base64 adds "==".
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, VALID + "=="));
    }

    @Test
    void verify_paddedHeader_rejectedAsMalformed() {
        String[] p = parts(VALID);
        // Lenient decoders skip a stray '=' at the end of a segment; strict base64url has no padding at all.
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, p[0] + "=." + p[1] + "." + p[2]));
    }

    @Test
    void verify_spaceInsideSegment_rejectedAsMalformed() {
        String[] p = parts(VALID);
        String spaced = p[1].substring(0, 4) + " " + p[1].substring(4);
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, p[0] + "." + spaced + "." + p[2]));
    }

    @Test
    void verify_leadingWhitespace_rejectedAsMalformed() {
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, " " + VALID));
    }

    @Test
    void verify_trailingNewline_rejectedAsMalformed() {
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, VALID + "\n"));
    }

    @Test
    void verify_trailingCarriageReturnLineFeed_rejectedAsMalformed() {
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, VALID + "\r\n"));
    }

    @Test
    void verify_tabBetweenSegments_rejectedAsMalformed() {
        String[] p = parts(VALID);
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, p[0] + ".\t" + p[1] + "." + p[2]));
    }

    @Test
    void verify_bearerPrefix_rejectedAsMalformed() {
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, "Bearer " + VALID));
    }

    @Test
    void verify_standardBase64PlusAndSlash_rejectedAsMalformed() {
        // A token re-encoded with the standard alphabet ('+' and '/') is not base64url.
        String[] p = parts(VALID);
        String standard = "+/" + p[2].substring(2);
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, p[0] + "." + p[1] + "." + standard));
    }

    @Test
    void verify_plusInHeader_rejectedAsMalformed() {
        String[] p = parts(VALID);
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, p[0] + "+." + p[1] + "." + p[2]));
    }

    @Test
    void verify_slashInPayload_rejectedAsMalformed() {
        String[] p = parts(VALID);
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, p[0] + "." + p[1] + "/." + p[2]));
    }

    @Test
    void verify_nonAsciiCharacter_rejectedAsMalformed() {
        String[] p = parts(VALID);
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, p[0] + "." + p[1] + "é." + p[2]));
    }

    @Test
    void verify_fullwidthLetterLookalike_rejectedAsMalformed() {
        // U+FF41 FULLWIDTH LATIN SMALL LETTER A: a lenient decoder normalising Unicode must not see 'a'.
        String[] p = parts(VALID);
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, p[0] + "." + "\uff41" + p[1].substring(1) + "." + p[2]));
    }

    @Test
    void verify_nonCanonicalTrailingBitsInSignature_rejectedAsMalformed() {
        // 256 bytes encode to 342 chars: the last char carries 4 unused bits, which must be zero.
        String[] p = parts(VALID);
        assertEquals(2, p[2].length() % 4);
        char last = p[2].charAt(p[2].length() - 1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char sibling = alphabet.charAt(alphabet.indexOf(last) | 1); // same decoded bytes, a non-zero unused bit
        String token = p[0] + "." + p[1] + "." + p[2].substring(0, p[2].length() - 1) + sibling;
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, token));
    }

    @Test
    void verify_nonCanonicalTrailingBitsInHeader_rejectedAsMalformed() {
        // A 28-byte header leaves remainder 1 byte -> 2 chars with 4 unused bits; set one.
        String header = "{\"alg\":\"RS256\",\"kid\":\"rsa\"} ";
        String h = b64(header);
        assertEquals(2, h.length() % 4);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char last = h.charAt(h.length() - 1);
        String bad = h.substring(0, h.length() - 1) + alphabet.charAt(alphabet.indexOf(last) | 1);
        String signed = Tokens.sign("RS256", header, claims().json());
        String[] p = parts(signed);
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, bad + "." + p[1] + "." + p[2]));
    }

    @Test
    void verify_segmentLengthOneModFour_rejectedAsMalformed() {
        String[] p = parts(VALID);
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, p[0] + "." + p[1] + "." + p[2] + "AAA"));
    }

    @Test
    void verify_emptyHeaderSegment_rejectedAsMalformed() {
        // An empty segment is well-formed base64url, but an empty header is not a JSON object.
        String[] p = parts(VALID);
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, "." + p[1] + "." + p[2]));
    }

    @Test
    void verify_emptySignatureSegment_rejectedAsBadSignature() {
        // The contract: an empty segment is well-formed; a signature of zero bytes simply does not verify.
        String[] p = parts(VALID);
        assertEquals(RejectionReason.BAD_SIGNATURE, rejection(VERIFIER, p[0] + "." + p[1] + "."));
    }

    @Test
    void verify_allDots_rejectedAsMalformed() {
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, ".."));
    }

    @Test
    void verify_headerNotJson_rejectedAsMalformed() {
        String[] p = parts(VALID);
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, b64("not json") + "." + p[1] + "." + p[2]));
    }

    @Test
    void verify_headerJsonArray_rejectedAsMalformed() {
        String token = Tokens.sign("RS256", "[{\"alg\":\"RS256\"}]", claims().json());
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, token));
    }

    @Test
    void verify_headerInvalidUtf8_rejectedAsMalformed() {
        // A lone 0xFF byte inside a string: not UTF-8. Signed properly, so only the encoding is wrong.
        byte[] header = "{\"alg\":\"RS256\",\"kid\":\"rsa\",\"x\":\"\u00ff\"}".getBytes(StandardCharsets.ISO_8859_1);
        String token = Tokens.sign("RS256", header, claims().json().getBytes(StandardCharsets.UTF_8));
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, token));
    }

    @Test
    void verify_jsonSerialization_rejectedAsMalformed() {
        String[] p = parts(VALID);
        String json = "{\"payload\":\"" + p[1] + "\",\"protected\":\"" + p[0] + "\",\"signature\":\"" + p[2] + "\"}";
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, json));
    }

    @Test
    void verify_flattenedJsonSerializationAsBase64_rejectedAsMalformed() {
        String[] p = parts(VALID);
        String json = "{\"payload\":\"" + p[1] + "\",\"signatures\":[{\"protected\":\"" + p[0] + "\",\"signature\":\""
                + p[2] + "\"}]}";
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, b64(json)));
    }

    @Test
    void verify_headerIsObjectWithTrailingGarbage_rejectedAsMalformed() {
        String token = Tokens.sign("RS256", header("RS256", "rsa").json() + "x", claims().json());
        assertEquals(RejectionReason.MALFORMED, rejection(VERIFIER, token));
    }
}
