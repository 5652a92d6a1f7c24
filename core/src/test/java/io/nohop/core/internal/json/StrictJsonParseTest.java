package io.nohop.core.internal.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nohop.core.internal.json.JsonParseException.Kind;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StrictJsonParseTest {

    private static final int DEPTH = 32;

    private static Map<String, Object> parse(String json) throws JsonParseException {
        return StrictJson.parseObject(json.getBytes(StandardCharsets.UTF_8), DEPTH);
    }

    private static Object member(String valueJson) throws JsonParseException {
        return parse("{\"v\":" + valueJson + "}").get("v");
    }

    private static JsonParseException rejected(Kind kind, byte[] json) {
        JsonParseException e = assertThrows(JsonParseException.class, () -> StrictJson.parseObject(json, DEPTH));
        assertEquals(kind, e.kind(), e.getMessage());
        return e;
    }

    private static JsonParseException rejected(Kind kind, String json) {
        return rejected(kind, json.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code {"v":"<bytes>"}} with raw bytes inside the string. */
    private static byte[] stringWithBytes(int... bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("{\"v\":\"".getBytes(StandardCharsets.US_ASCII));
        for (int b : bytes) {
            out.write(b);
        }
        out.writeBytes("\"}".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static String nested(int containers) {
        // The top object plus (containers - 1) arrays inside it.
        return "{\"a\":" + "[".repeat(containers - 1) + "]".repeat(containers - 1) + "}";
    }

    // ---- values ----

    @Test
    void parse_object_returnsMembersInInputOrder() throws Exception {
        Map<String, Object> m = parse("{\"z\":1,\"a\":2,\"m\":3}");
        assertEquals(List.of("z", "a", "m"), List.copyOf(m.keySet()));
    }

    @Test
    void parse_emptyObject_returnsEmptyMap() throws Exception {
        assertEquals(Map.of(), parse("{}"));
    }

    @Test
    void parse_asciiString_returnsString() throws Exception {
        assertEquals("RS256", member("\"RS256\""));
    }

    @Test
    void parse_emptyString_returnsEmptyString() throws Exception {
        assertEquals("", member("\"\""));
    }

    @Test
    void parse_booleans_returnBoolean() throws Exception {
        assertEquals(Boolean.TRUE, member("true"));
        assertEquals(Boolean.FALSE, member("false"));
    }

    @Test
    void parse_null_returnsNullSentinel() throws Exception {
        Map<String, Object> m = parse("{\"v\":null}");
        assertTrue(m.containsKey("v"));
        assertSame(StrictJson.NULL, m.get("v"));
    }

    @Test
    void nullSentinel_toString_isNull() {
        assertEquals("null", StrictJson.NULL.toString());
    }

    @Test
    void parse_integer_returnsLong() throws Exception {
        assertEquals(1700000000L, member("1700000000"));
    }

    @Test
    void parse_negativeZero_returnsLongZero() throws Exception {
        assertEquals(0L, member("-0"));
    }

    @Test
    void parse_longExtremes_returnLong() throws Exception {
        assertEquals(Long.MAX_VALUE, member("9223372036854775807"));
        assertEquals(Long.MIN_VALUE, member("-9223372036854775808"));
    }

    @Test
    void parse_integerBeyondLongRange_returnsExactBigDecimal() throws Exception {
        assertEquals(new BigDecimal("9223372036854775808"), member("9223372036854775808"));
        assertEquals(new BigDecimal("-9223372036854775809"), member("-9223372036854775809"));
    }

    @Test
    void parse_fraction_returnsBigDecimalKeepingScale() throws Exception {
        assertEquals(new BigDecimal("1.10"), member("1.10"));
    }

    @Test
    void parse_exponent_returnsBigDecimal() throws Exception {
        assertEquals(new BigDecimal("1E+2"), member("1e2"));
        assertEquals(new BigDecimal("25E-1"), member("25E-1"));
        assertEquals(new BigDecimal("3E+4"), member("3e+4"));
    }

    @Test
    void parse_hugeExponent_returnsBigDecimalWithoutExpanding() throws Exception {
        BigDecimal d = (BigDecimal) member("1e999999999");
        assertEquals(-999999999, d.scale());
        assertEquals(1, d.precision());
    }

    @Test
    void parse_exponentBeyondScaleRange_rejected() {
        rejected(Kind.SYNTAX, "{\"v\":1e9999999999}");
        rejected(Kind.SYNTAX, "{\"v\":1e-2147483649}");
    }

    @Test
    void parse_thousandSignificantDigits_accepted() throws Exception {
        BigDecimal d = (BigDecimal) member("1" + "0".repeat(999));
        assertEquals(1000, d.precision());
    }

    @Test
    void parse_moreThanThousandSignificantDigits_rejected() {
        rejected(Kind.SYNTAX, "{\"v\":0." + "1".repeat(1001) + "}");
    }

    @Test
    void parse_leadingFractionZeros_notCountedAsSignificant() throws Exception {
        BigDecimal d = (BigDecimal) member("0." + "0".repeat(2000) + "1");
        assertEquals(1, d.precision());
    }

    @Test
    void parse_array_returnsUnmodifiableList() throws Exception {
        Object v = member("[1,\"a\",[],{}]");
        List<?> list = assertInstanceOf(List.class, v);
        assertEquals(List.of(1L, "a", List.of(), Map.of()), list);
        assertThrows(UnsupportedOperationException.class, () -> list.remove(0));
    }

    @Test
    void parse_object_returnsUnmodifiableMap() throws Exception {
        Map<String, Object> m = parse("{\"a\":{\"b\":1}}");
        assertThrows(UnsupportedOperationException.class, () -> m.put("c", 1L));
        @SuppressWarnings("unchecked")
        Map<String, Object> inner = (Map<String, Object>) m.get("a");
        assertThrows(UnsupportedOperationException.class, () -> inner.remove("b"));
    }

    @Test
    void parse_insignificantWhitespace_accepted() throws Exception {
        assertEquals(Map.of("a", List.of(1L, 2L)), parse(" \t\r\n{ \"a\" :\n[ 1 ,\t2 ] } \r\n"));
    }

    @Test
    void parse_simpleEscapes_decoded() throws Exception {
        assertEquals("\"\\/\b\f\n\r\t", member("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\""));
    }

    @Test
    void parse_unicodeEscapes_decodedInEitherCase() throws Exception {
        assertEquals("\u00e9\u00E9\u0000", member("\"\\u00e9\\u00E9\\u0000\""));
    }

    @Test
    void parse_surrogatePairEscape_decoded() throws Exception {
        assertEquals("\uD83D\uDE00", member("\"\\uD83D\\ude00\""));
    }

    @Test
    void parse_multiByteUtf8_decoded() throws Exception {
        assertEquals("é€\uD83D\uDE00x", member("\"é€\uD83D\uDE00x\""));
    }

    @Test
    void parse_nonAsciiMemberName_decoded() throws Exception {
        assertEquals(Map.of("schlüssel", 1L), parse("{\"schlüssel\":1}"));
    }

    @Test
    void parse_escapedMemberName_decoded() throws Exception {
        assertEquals(Map.of("a\nb", 1L), parse("{\"a\\nb\":1}"));
    }

    @Test
    void parse_typicalJwtClaims_returnsExpectedTypes() throws Exception {
        Map<String, Object> m = parse("{\"iss\":\"https://issuer.example\",\"sub\":\"u1\","
                + "\"aud\":[\"api\",\"web\"],\"exp\":1700000600,\"iat\":1700000000.5,\"admin\":false}");
        assertEquals("https://issuer.example", m.get("iss"));
        assertEquals(List.of("api", "web"), m.get("aud"));
        assertEquals(1700000600L, m.get("exp"));
        assertEquals(new BigDecimal("1700000000.5"), m.get("iat"));
        assertEquals(Boolean.FALSE, m.get("admin"));
    }

    // ---- the top level ----

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[{}]", "\"x\"", "1", "-1.5", "true", "false", "null", " [ 1 ] "})
    void parse_topLevelNotAnObject_rejectedAsNotAnObject(String json) {
        rejected(Kind.NOT_AN_OBJECT, json);
    }

    @Test
    void parse_malformedNonObjectTopLevel_rejectedAsSyntax() {
        rejected(Kind.SYNTAX, "[1,]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", " \t\r\n"})
    void parse_noValue_rejected(String json) {
        rejected(Kind.SYNTAX, json);
    }

    @Test
    void parse_byteOrderMark_rejected() {
        rejected(Kind.SYNTAX, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'});
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}x", "{}{}", "{} 1", "{}\u0000", "{}/", "{}]"})
    void parse_trailingData_rejected(String json) {
        rejected(Kind.SYNTAX, json);
    }

    // ---- duplicates ----

    @Test
    void parse_duplicateMember_rejected() {
        rejected(Kind.DUPLICATE_MEMBER, "{\"a\":1,\"a\":1}");
    }

    @Test
    void parse_duplicateMemberSpelledWithEscape_rejected() {
        rejected(Kind.DUPLICATE_MEMBER, "{\"a\":1,\"\\u0061\":2}");
    }

    @Test
    void parse_duplicateMemberInNestedObject_rejected() {
        rejected(Kind.DUPLICATE_MEMBER, "{\"x\":[{\"alg\":\"RS256\",\"alg\":\"none\"}]}");
    }

    @Test
    void parse_duplicateMember_offsetPointsAtSecondName() {
        JsonParseException e = rejected(Kind.DUPLICATE_MEMBER, "{\"a\":1,\"a\":2}");
        assertEquals(7, e.offset());
    }

    @Test
    void parse_sameNameInDifferentObjects_accepted() throws Exception {
        assertEquals(2, parse("{\"a\":{\"a\":1},\"b\":{\"a\":2}}").size());
    }

    @Test
    void parse_namesDifferingOnlyInCase_accepted() throws Exception {
        assertEquals(2, parse("{\"alg\":1,\"ALG\":2}").size());
    }

    // ---- syntax ----

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":1,}", "{\"a\":[1,]}", "{\"a\":[,1]}", "{,\"a\":1}", "{\"a\":[1,,2]}"})
    void parse_misplacedComma_rejected(String json) {
        rejected(Kind.SYNTAX, json);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{/*c*/}", "{} // c", "{\"a\":1 /* c */}", "{\"a\":1} #c"})
    void parse_comment_rejected(String json) {
        rejected(Kind.SYNTAX, json);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{'a':1}", "{\"a\":'x'}"})
    void parse_singleQuotes_rejected(String json) {
        rejected(Kind.SYNTAX, json);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{a:1}", "{1:1}", "{null:1}", "{\"a\" 1}", "{\"a\":}", "{\"a\"}", "{\"a\":1 \"b\":2}"})
    void parse_malformedMember_rejected(String json) {
        rejected(Kind.SYNTAX, json);
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "Infinity", "-Infinity", "+Infinity"})
    void parse_nonFiniteNumber_rejected(String literal) {
        rejected(Kind.SYNTAX, "{\"v\":" + literal + "}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"01", "-01", "00", "00.5", "+1", ".5", "-.5", "1.", "1.e3", "1e", "1e+", "1E-", "-",
        "--1", "0x10", "1_000", "1.5.5", "1e5e5", "- 1"})
    void parse_malformedNumber_rejected(String literal) {
        rejected(Kind.SYNTAX, "{\"v\":" + literal + "}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tru", "True", "nul", "NULL", "fals", "falsey", "nulll", "undefined"})
    void parse_malformedLiteral_rejected(String literal) {
        rejected(Kind.SYNTAX, "{\"v\":" + literal + "}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "{\"a\"", "{\"a\":", "{\"a\":1", "{\"a\":1,", "{\"a\":[", "{\"a\":[1", "{\"a", "{\"a\":\"x"})
    void parse_truncated_rejected(String json) {
        rejected(Kind.SYNTAX, json);
    }

    @ParameterizedTest
    @ValueSource(ints = {0x00, 0x0A, 0x0D, 0x09, 0x1F})
    void parse_unescapedControlCharacterInString_rejected(int b) {
        rejected(Kind.SYNTAX, stringWithBytes('a', b));
    }

    @Test
    void parse_delInString_accepted() throws Exception {
        assertEquals("\u007f", StrictJson.parseObject(stringWithBytes(0x7F), DEPTH).get("v"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\x", "\\a", "\\'", "\\U0041", "\\u12", "\\u12G4", "\\u", "\\", "\\0"})
    void parse_invalidEscape_rejected(String escape) {
        rejected(Kind.SYNTAX, "{\"v\":\"" + escape + "\"}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\uD800", "\\uDBFF", "\\uDC00", "\\uDFFFx", "\\uD800\\u0041", "\\uD800\\uD800",
        "\\uDE00\\uD83D", "\\uD83D\\n"})
    void parse_unpairedSurrogateEscape_rejected(String escape) {
        rejected(Kind.SYNTAX, "{\"v\":\"" + escape + "\"}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":1}\u000b", "\u000c{}", "{\"a\":\u00a01}", "{\u2028}", "\u3000{}"})
    void parse_nonJsonWhitespace_rejected(String json) {
        rejected(Kind.SYNTAX, json);
    }

    @Test
    void parse_nonAsciiOutsideString_rejected() {
        rejected(Kind.SYNTAX, "{\"a\":é}");
    }

    // ---- UTF-8 ----

    @Test
    void parse_overlongTwoByteUtf8_rejected() {
        rejected(Kind.SYNTAX, stringWithBytes(0xC0, 0xAF));
        rejected(Kind.SYNTAX, stringWithBytes(0xC1, 0xBF));
    }

    @Test
    void parse_overlongThreeByteUtf8_rejected() {
        rejected(Kind.SYNTAX, stringWithBytes(0xE0, 0x80, 0xAF));
        rejected(Kind.SYNTAX, stringWithBytes(0xE0, 0x9F, 0xBF));
    }

    @Test
    void parse_overlongFourByteUtf8_rejected() {
        rejected(Kind.SYNTAX, stringWithBytes(0xF0, 0x80, 0x80, 0xAF));
        rejected(Kind.SYNTAX, stringWithBytes(0xF0, 0x8F, 0xBF, 0xBF));
    }

    @Test
    void parse_surrogateEncodedInUtf8_rejected() {
        rejected(Kind.SYNTAX, stringWithBytes(0xED, 0xA0, 0x80));
        rejected(Kind.SYNTAX, stringWithBytes(0xED, 0xBF, 0xBF));
    }

    @Test
    void parse_codePointAboveUnicodeRange_rejected() {
        rejected(Kind.SYNTAX, stringWithBytes(0xF4, 0x90, 0x80, 0x80));
        rejected(Kind.SYNTAX, stringWithBytes(0xF5, 0x80, 0x80, 0x80));
    }

    @ParameterizedTest
    @ValueSource(ints = {0x80, 0xBF, 0xF8, 0xFC, 0xFE, 0xFF})
    void parse_invalidLeadByte_rejected(int b) {
        rejected(Kind.SYNTAX, stringWithBytes(b, 'a'));
    }

    @Test
    void parse_truncatedUtf8Sequence_rejected() {
        rejected(Kind.SYNTAX, stringWithBytes(0xC3));
        rejected(Kind.SYNTAX, stringWithBytes(0xE2, 0x82));
        rejected(Kind.SYNTAX, stringWithBytes(0xF0, 0x9F, 0x98));
        rejected(Kind.SYNTAX, stringWithBytes(0xE2, 'a', 'b'));
    }

    @Test
    void parse_truncatedUtf8AtEndOfInput_rejected() {
        rejected(Kind.SYNTAX, new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xF0, (byte) 0x9F});
    }

    @Test
    void parse_utf8Boundaries_accepted() throws Exception {
        assertEquals("\u0080\u07FF\u0800\uD7FF\uE000\uFFFF\uD800\uDC00\uDBFF\uDFFF",
                StrictJson.parseObject(stringWithBytes(
                        0xC2, 0x80, 0xDF, 0xBF,
                        0xE0, 0xA0, 0x80, 0xED, 0x9F, 0xBF, 0xEE, 0x80, 0x80, 0xEF, 0xBF, 0xBF,
                        0xF0, 0x90, 0x80, 0x80, 0xF4, 0x8F, 0xBF, 0xBF), DEPTH).get("v"));
    }

    // ---- depth ----

    @Test
    void parse_nestingAtLimit_accepted() throws Exception {
        StrictJson.parseObject(nested(32).getBytes(StandardCharsets.US_ASCII), 32);
    }

    @Test
    void parse_nestingBeyondLimit_rejectedAsTooDeep() {
        rejected(Kind.TOO_DEEP, nested(33));
    }

    @Test
    void parse_nestedObjectsBeyondLimit_rejectedAsTooDeep() {
        rejected(Kind.TOO_DEEP, "{\"a\":".repeat(33) + "1" + "}".repeat(33));
    }

    @Test
    void parse_topObjectCountsAsDepthOne() throws Exception {
        assertEquals(Map.of("a", 1L), StrictJson.parseObject("{\"a\":1}".getBytes(StandardCharsets.US_ASCII), 1));
        JsonParseException e = assertThrows(JsonParseException.class,
                () -> StrictJson.parseObject("{\"a\":[]}".getBytes(StandardCharsets.US_ASCII), 1));
        assertEquals(Kind.TOO_DEEP, e.kind());
    }

    @Test
    void parse_deepUnterminatedInput_rejectedWithoutStackOverflow() {
        rejected(Kind.TOO_DEEP, "{\"a\":" + "[".repeat(100_000));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 257, Integer.MAX_VALUE})
    void parse_maxDepthOutOfRange_throwsIllegalArgument(int maxDepth) {
        assertThrows(IllegalArgumentException.class, () -> StrictJson.parseObject(new byte[] {'{', '}'}, maxDepth));
    }

    // ---- slices and the exception ----

    @Test
    void parse_slice_parsesOnlyThatRange() throws Exception {
        byte[] buf = "xx{\"a\":1}yy".getBytes(StandardCharsets.US_ASCII);
        assertEquals(Map.of("a", 1L), StrictJson.parseObject(buf, 2, 7, DEPTH));
    }

    @Test
    void parse_sliceEndingInsideValue_rejected() {
        byte[] buf = "{\"a\":123}".getBytes(StandardCharsets.US_ASCII);
        assertThrows(JsonParseException.class, () -> StrictJson.parseObject(buf, 0, 7, DEPTH));
    }

    @Test
    void parse_sliceError_offsetCountsFromSliceStart() {
        byte[] buf = "xxxx{\"a\":x}".getBytes(StandardCharsets.US_ASCII);
        JsonParseException e = assertThrows(JsonParseException.class,
                () -> StrictJson.parseObject(buf, 4, buf.length - 4, DEPTH));
        assertEquals(5, e.offset());
    }

    @Test
    void parse_sliceOutOfBounds_throwsIndexOutOfBounds() {
        assertThrows(IndexOutOfBoundsException.class, () -> StrictJson.parseObject(new byte[4], 2, 3, DEPTH));
        assertThrows(IndexOutOfBoundsException.class, () -> StrictJson.parseObject(new byte[4], -1, 2, DEPTH));
    }

    @Test
    void parse_nullInput_throwsNullPointer() {
        assertThrows(NullPointerException.class, () -> StrictJson.parseObject(null, DEPTH));
    }

    @Test
    void parseException_message_neverEchoesInput() {
        String secret = "eyJzZWNyZXQ";
        for (String json : List.of("{\"" + secret + "\":" + secret + "}", "{\"" + secret + "\":1,\"" + secret + "\":1}",
                "[\"" + secret + "\"]", "{\"a\":\"" + secret + "\\q\"}", "{\"a\":1" + secret)) {
            JsonParseException e = assertThrows(JsonParseException.class, () -> parse(json));
            assertFalse(e.getMessage().contains(secret), e.getMessage());
            assertTrue(e.getMessage().matches("[a-zA-Z ',:{}\\-\\]0-9]+ at offset \\d+"), e.getMessage());
        }
    }

    @Test
    void parseException_hasNoStackTrace() {
        JsonParseException e = rejected(Kind.SYNTAX, "{");
        assertEquals(0, e.getStackTrace().length);
    }

    @Test
    void parseException_reportsOffsetOfOffendingByte() {
        assertEquals(6, rejected(Kind.SYNTAX, "{\"a\":1x}").offset());
    }
}
