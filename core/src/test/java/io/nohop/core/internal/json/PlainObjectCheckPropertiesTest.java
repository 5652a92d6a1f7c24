package io.nohop.core.internal.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The flat check ahead of the full one ({@link PlainObjectCheck}) may only make valid payloads cheaper: whatever it
 * decides, the full parser accepts, with the same member value; and it does decide the plain shapes it is for.
 */
class PlainObjectCheckPropertiesTest {

    private static final String PLAIN_CHARS = " !#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~";

    @Provide
    Arbitrary<String> plainStrings() {
        return Arbitraries.strings().withChars(PLAIN_CHARS.toCharArray()).ofMaxLength(12).map(s -> "\"" + s + "\"");
    }

    @Provide
    Arbitrary<String> scalars() {
        return Arbitraries.oneOf(plainStrings(),
                Arbitraries.longs().between(-999_999_999_999_999_999L, 999_999_999_999_999_999L).map(String::valueOf),
                Arbitraries.of("true", "false", "null", "0", "-0"));
    }

    @Provide
    Arbitrary<String> values() {
        return Arbitraries.oneOf(scalars(), scalars().list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]"));
    }

    /** Compact objects of plain members; names from a small pool, so some repeat (a duplicate is invalid). */
    @Provide
    Arbitrary<byte[]> plainishObjects() {
        Arbitrary<String> name = Arbitraries.of("iss", "sub", "aud", "exp", "a", "", "scope", "x y", "roles", "amr");
        Arbitrary<String> member = Combinators.combine(name, values()).as((n, v) -> "\"" + n + "\":" + v);
        return member.list().ofMaxSize(18).map(l -> ("{" + String.join(",", l) + "}").getBytes(StandardCharsets.UTF_8));
    }

    /** Plain objects with one byte replaced, inserted or removed: most of them invalid in some way. */
    @Provide
    Arbitrary<byte[]> mutatedPlainObjects() {
        Arbitrary<Byte> b = Arbitraries.of((byte) '"', (byte) '\\', (byte) ',', (byte) ':', (byte) '}', (byte) ']',
                (byte) '[', (byte) '{', (byte) ' ', (byte) '0', (byte) '.', (byte) 'e', (byte) '-', (byte) 0xC3,
                (byte) 0xA9, (byte) 0, (byte) 0x7F, (byte) 't', (byte) 'n', (byte) '1');
        return Combinators.combine(plainishObjects(), Arbitraries.integers().between(0, 2),
                Arbitraries.integers().greaterOrEqual(0), b).as((doc, op, where, x) -> {
                    int i = where % doc.length;
                    byte[] out;
                    if (op == 0) {
                        out = doc.clone();
                        out[i] = x;
                    } else if (op == 1) {
                        out = new byte[doc.length + 1];
                        System.arraycopy(doc, 0, out, 0, i);
                        out[i] = x;
                        System.arraycopy(doc, i, out, i + 1, doc.length - i);
                    } else {
                        out = new byte[doc.length - 1];
                        System.arraycopy(doc, 0, out, 0, i);
                        System.arraycopy(doc, i + 1, out, i, doc.length - i - 1);
                    }
                    return out;
                });
    }

    @Property(tries = 2000)
    void check_onPlainishObjects_decidesOnlyWhatTheParserAccepts(@ForAll("plainishObjects") byte[] input) {
        assertDecidesOnlyAccepted(input);
    }

    @Property(tries = 3000)
    void check_onMutatedPlainObjects_decidesOnlyWhatTheParserAccepts(@ForAll("mutatedPlainObjects") byte[] input) {
        assertDecidesOnlyAccepted(input);
    }

    /** Distinct names, at most sixteen: the shape it is for is decided here, not handed on. */
    @Property(tries = 500)
    void check_onDistinctPlainMembers_decides(@ForAll("plainishObjects") byte[] input) throws JsonParseException {
        Map<String, Object> parsed;
        try {
            parsed = StrictJson.parseObject(input, 32);
        } catch (JsonParseException duplicate) {
            return;
        }
        if (parsed.size() <= PlainObjectCheck.MAX_MEMBERS) {
            assertNotSame(PlainObjectCheck.UNDECIDED, PlainObjectCheck.check(input, 0, input.length, "iss"),
                    new String(input, StandardCharsets.UTF_8));
        }
    }

    @Test
    void check_typicalAccessTokenClaims_decidedValid() {
        byte[] claims = ("{\"iss\":\"https://auth.example\",\"sub\":\"248289761001\",\"aud\":[\"orders\",\"billing-api\"],"
                + "\"exp\":1764567890,\"nbf\":1764564290,\"iat\":1764564290,\"jti\":\"9f2c1e6a-4b7d-4c1e-9a35-2d8e7f0b6c41\","
                + "\"scope\":\"orders:read orders:write profile\",\"client_id\":\"web-checkout-7f3a\",\"tenant\":\"acme-eu-west\","
                + "\"roles\":[\"customer\",\"beta\"],\"email_verified\":true,\"amr\":[\"pwd\",\"otp\"]}")
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(PlainObjectCheck.VALID, PlainObjectCheck.check(claims, 0, claims.length, null));
        assertEquals("https://auth.example", PlainObjectCheck.check(claims, 0, claims.length, "iss"));
    }

    private static void assertDecidesOnlyAccepted(byte[] input) {
        Object decided = PlainObjectCheck.check(input, 0, input.length, "iss");
        if (decided == PlainObjectCheck.UNDECIDED) {
            return;
        }
        String text = new String(input, StandardCharsets.UTF_8);
        Map<String, Object> parsed;
        try {
            parsed = StrictJson.parseObject(input, 32);
        } catch (JsonParseException e) {
            throw new AssertionError("decided valid, but the parser refuses it (" + e.getMessage() + "): " + text, e);
        }
        Object iss = parsed.get("iss");
        assertEquals(iss instanceof String ? iss : PlainObjectCheck.VALID, decided, text);
        // The input's byte range is honoured: the same text inside a larger array decides the same.
        byte[] framed = new byte[input.length + 4];
        System.arraycopy(input, 0, framed, 2, input.length);
        framed[0] = '{';
        framed[1] = '"';
        framed[framed.length - 2] = '"';
        framed[framed.length - 1] = '}';
        Object inFrame = PlainObjectCheck.check(framed, 2, 2 + input.length, "iss");
        assertEquals(decided instanceof String ? decided : PlainObjectCheck.VALID, inFrame, text);
    }
}
