package io.nohop.core.internal.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StrictJsonWriteTest {

    private static Map<String, Object> reparse(String json) throws JsonParseException {
        return StrictJson.parseObject(json.getBytes(StandardCharsets.UTF_8), 32);
    }

    @Test
    void write_object_isCompactAndKeepsOrder() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("z", 1L);
        m.put("a", List.of(true, false, StrictJson.NULL));
        m.put("m", Map.of());
        assertEquals("{\"z\":1,\"a\":[true,false,null],\"m\":{}}", StrictJson.writeCompact(m));
    }

    @Test
    void write_emptyContainers_written() {
        assertEquals("[]", StrictJson.writeCompact(List.of()));
        assertEquals("{}", StrictJson.writeCompact(Map.of()));
    }

    @Test
    void write_scalars_written() {
        assertEquals("\"x\"", StrictJson.writeCompact("x"));
        assertEquals("-9223372036854775808", StrictJson.writeCompact(Long.MIN_VALUE));
        assertEquals("42", StrictJson.writeCompact(42));
        assertEquals("true", StrictJson.writeCompact(Boolean.TRUE));
        assertEquals("null", StrictJson.writeCompact(StrictJson.NULL));
    }

    @Test
    void write_quoteAndBackslash_escaped() {
        assertEquals("\"a\\\"b\\\\c\"", StrictJson.writeCompact("a\"b\\c"));
    }

    @Test
    void write_slash_notEscaped() {
        assertEquals("\"https://x/y\"", StrictJson.writeCompact("https://x/y"));
    }

    @Test
    void write_controlCharactersWithShortForm_useShortEscape() {
        assertEquals("\"\\n\\r\\t\\b\\f\"", StrictJson.writeCompact("\n\r\t\b\f"));
    }

    @Test
    void write_otherControlCharacters_useUnicodeEscape() {
        assertEquals("\"\\u0000\\u001f\\u000b\"", StrictJson.writeCompact("\u0000\u001f\u000b"));
    }

    @Test
    void write_lineAndParagraphSeparators_escaped() {
        assertEquals("\"a\\u2028b\\u2029\"", StrictJson.writeCompact("a\u2028b\u2029"));
    }

    @Test
    void write_everyCharBelowSpaceAndSeparators_neverProducesRawLineBreakOrControl() {
        StringBuilder s = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            s.append(c);
        }
        s.append('\u2028').append('\u2029').append('\u0085');
        String out = StrictJson.writeCompact(Map.of(s.toString(), s.toString()));
        assertFalse(out.chars().anyMatch(c -> c < 0x20 || c == 0x2028 || c == 0x2029), out);
    }

    @Test
    void write_nonAscii_writtenRaw() {
        assertEquals("\"é€\uD83D\uDE00\"", StrictJson.writeCompact("é€\uD83D\uDE00"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\uD800", "a\uDC00", "\uD83D", "\uDE00\uD83D"})
    void write_loneSurrogate_rejected(String s) {
        assertThrows(IllegalArgumentException.class, () -> StrictJson.writeCompact(s));
    }

    @Test
    void write_hugeExponentDecimal_usesToStringAndReadsBack() throws Exception {
        BigDecimal d = new BigDecimal("1e999999999");
        String json = StrictJson.writeCompact(Map.of("v", d));
        assertEquals("{\"v\":1E+999999999}", json);
        assertEquals(d, reparse(json).get("v"));
    }

    @Test
    void write_fractionalDecimal_usesToString() {
        assertEquals("1.50", StrictJson.writeCompact(new BigDecimal("1.50")));
        assertEquals("1E-7", StrictJson.writeCompact(new BigDecimal("0.0000001")));
    }

    @Test
    void write_integralDecimalInLongRange_readsBackAsDecimal() throws Exception {
        BigDecimal d = new BigDecimal("100");
        String json = StrictJson.writeCompact(Map.of("v", d));
        assertEquals("{\"v\":100E0}", json);
        assertEquals(d, reparse(json).get("v"));
    }

    @Test
    void write_integralDecimalBeyondLongRange_writtenPlain() throws Exception {
        BigDecimal d = new BigDecimal(BigInteger.TWO.pow(63));
        assertEquals("9223372036854775808", StrictJson.writeCompact(d));
        assertEquals(d, reparse("{\"v\":9223372036854775808}").get("v"));
    }

    @Test
    void write_javaNull_rejected() {
        Map<String, Object> m = new HashMap<>();
        m.put("a", null);
        assertThrows(IllegalArgumentException.class, () -> StrictJson.writeCompact(m));
        assertThrows(IllegalArgumentException.class, () -> StrictJson.writeCompact(null));
    }

    @Test
    void write_nullListElement_rejected() {
        List<Object> list = new ArrayList<>();
        list.add(null);
        assertThrows(IllegalArgumentException.class, () -> StrictJson.writeCompact(list));
    }

    @Test
    void write_unsupportedType_rejected() {
        assertThrows(IllegalArgumentException.class, () -> StrictJson.writeCompact(1.5d));
        assertThrows(IllegalArgumentException.class, () -> StrictJson.writeCompact(new Object()));
        assertThrows(IllegalArgumentException.class, () -> StrictJson.writeCompact(BigInteger.ONE));
    }

    @Test
    void write_nonStringKey_rejected() {
        assertThrows(IllegalArgumentException.class, () -> StrictJson.writeCompact(Map.of(1, "x")));
    }

    @Test
    void write_parsedClaims_roundTrip() throws Exception {
        String json = "{\"iss\":\"https://issuer.example\",\"aud\":[\"a\",\"b\"],\"exp\":1700000600,"
                + "\"iat\":1.7E+9,\"n\":null,\"x\":{\"y\":[{}, -0.0, 1e-400]},\"s\":\"\\u2028\\n\\u0001é\"}";
        Map<String, Object> parsed = reparse(json);
        String written = StrictJson.writeCompact(parsed);
        assertEquals(parsed, reparse(written));
        assertInstanceOf(String.class, written);
    }

    @Test
    void write_parsedClaims_keepsMemberOrder() throws Exception {
        String json = "{\"z\":1,\"a\":{\"y\":2,\"b\":3}}";
        assertEquals(json, StrictJson.writeCompact(reparse(json)));
    }
}
