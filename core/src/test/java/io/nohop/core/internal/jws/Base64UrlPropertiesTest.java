package io.nohop.core.internal.jws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The token's segments are decoded from its Latin-1 bytes: exactly the canonical strict base64url texts
 * are accepted (the alphabet, no padding, unused bits zero, nothing above U+00FF or outside ASCII),
 * decoded as the JDK decodes them.
 */
class Base64UrlPropertiesTest {

    @Provide
    Arbitrary<byte[]> data() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(80);
    }

    /** An encoding with one character replaced, inserted or removed: outside the alphabet, padding, non-Latin-1, or another letter. */
    @Provide
    Arbitrary<String> mutatedEncodings() {
        Arbitrary<String> encoded = data().map(b -> Base64.getUrlEncoder().withoutPadding().encodeToString(b));
        Arbitrary<Character> c = Arbitraries.of('A', 'B', 'Q', 'g', 'w', '-', '_', '+', '/', '=', '.', '!', ' ', '\n',
                '\u0000', '\u007f', '\u0080', '\u00c1', '\u00ff', '\u0100', '\u0141', '\u20ac', '\uffff');
        return Combinators.combine(encoded, Arbitraries.integers().between(0, 2), Arbitraries.integers().greaterOrEqual(0), c)
                .as((text, op, where, ch) -> {
                    if (text.isEmpty()) {
                        return String.valueOf(ch);
                    }
                    int i = where % text.length();
                    return switch (op) {
                        case 0 -> text.substring(0, i) + ch + text.substring(i + 1);
                        case 1 -> text.substring(0, i) + ch + text.substring(i);
                        default -> text.substring(0, i) + text.substring(i + 1);
                    };
                });
    }

    @Property(tries = 1000)
    void decode_roundTripsEveryByteString(@ForAll("data") byte[] data) {
        String text = Base64.getUrlEncoder().withoutPadding().encodeToString(data);
        byte[] framed = ("xy." + text + ".z").getBytes(StandardCharsets.ISO_8859_1);
        assertArrayEquals(data, Base64Url.decode(framed, 3, 3 + text.length()));
        assertEquals(true, Base64Url.isCanonical(framed, 3, 3 + text.length()));
    }

    @Property(tries = 2000)
    void decode_acceptsExactlyCanonicalText_onMutatedEncodings(@ForAll("mutatedEncodings") String text) {
        // Copied to Latin-1 bytes as the token is (a character above U+00FF copies as '?').
        byte[] latin1 = text.getBytes(StandardCharsets.ISO_8859_1);
        byte[] fromText = Base64Url.decode(latin1, 0, latin1.length);
        assertEquals(isCanonicalByTheJdk(text), fromText != null, text);
        assertEquals(fromText != null, Base64Url.isCanonical(latin1, 0, latin1.length), text);
        if (fromText != null) {
            // Canonical: the JDK decodes it to the same bytes, and re-encoding gives the same text back.
            assertArrayEquals(Base64.getUrlDecoder().decode(text), fromText, text);
            assertEquals(text, Base64.getUrlEncoder().withoutPadding().encodeToString(fromText));
        }
    }

    // The reference: only alphabet characters (so no padding), and the JDK's decoding re-encodes to the same
    // text (the JDK ignores non-zero unused bits; re-encoding shows them).
    private static boolean isCanonicalByTheJdk(String text) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        if (!text.chars().allMatch(ch -> alphabet.indexOf(ch) >= 0)) {
            return false;
        }
        try {
            return text.equals(Base64.getUrlEncoder().withoutPadding().encodeToString(Base64.getUrlDecoder().decode(text)));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Property(tries = 200)
    void decode_refusesNonZeroUnusedBits(@ForAll("data") byte[] data) {
        String text = Base64.getUrlEncoder().withoutPadding().encodeToString(data);
        if (text.length() % 4 == 0) {
            return;
        }
        // The last character with its lowest bit set: the unused bits are then not zero (2 or 3 characters in the group).
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char last = text.charAt(text.length() - 1);
        String changed = text.substring(0, text.length() - 1) + alphabet.charAt(alphabet.indexOf(last) | 1);
        byte[] latin1 = changed.getBytes(StandardCharsets.ISO_8859_1);
        assertNull(Base64Url.decode(latin1, 0, latin1.length));
        assertEquals(false, Base64Url.isCanonical(latin1, 0, latin1.length));
    }
}
