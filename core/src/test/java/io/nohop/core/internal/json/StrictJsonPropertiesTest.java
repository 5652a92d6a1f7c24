package io.nohop.core.internal.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.nohop.core.internal.json.JsonParseException.Kind;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class StrictJsonPropertiesTest {

    // ---- generators ----

    private static Arbitrary<String> strings() {
        Arbitrary<Integer> ascii = Arbitraries.integers().between(0, 0x7F);
        Arbitrary<Integer> tricky = Arbitraries.of(0x22, 0x5C, 0x2F, 0x0A, 0x00, 0x7F, 0x2028, 0x2029, 0xFEFF,
                0xFFFF, 0x10000, 0x10FFFF, 0x1F600);
        Arbitrary<Integer> any = Arbitraries.integers().between(0, 0x10FFFF).filter(cp -> cp < 0xD800 || cp > 0xDFFF);
        return Arbitraries.oneOf(List.of(ascii, ascii, tricky, any)).list().ofMaxSize(12).map(cps -> {
            StringBuilder s = new StringBuilder();
            cps.forEach(s::appendCodePoint);
            return s.toString();
        });
    }

    private static Arbitrary<BigDecimal> decimals() {
        Arbitrary<BigInteger> unscaled = Arbitraries.oneOf(List.of(
                Arbitraries.bigIntegers().between(BigInteger.valueOf(-1000), BigInteger.valueOf(1000)),
                Arbitraries.bigIntegers().between(BigInteger.TEN.pow(40).negate(), BigInteger.TEN.pow(40))));
        Arbitrary<Integer> scale = Arbitraries.oneOf(List.of(
                Arbitraries.integers().between(-20, 20),
                Arbitraries.integers().between(-1_000_000_000, 1_000_000_000)));
        return Combinators.combine(unscaled, scale).as(BigDecimal::new);
    }

    private static Arbitrary<Object> scalars() {
        return Arbitraries.oneOf(List.of(
                strings(),
                Arbitraries.longs(),
                Arbitraries.longs().between(-1000, 1000),
                decimals(),
                Arbitraries.of(Boolean.TRUE, Boolean.FALSE, StrictJson.NULL)));
    }

    private static Arbitrary<Object> values(int depth) {
        if (depth == 0) {
            return scalars();
        }
        Arbitrary<Object> list = values(depth - 1).list().ofMaxSize(4).map(l -> (Object) l);
        Arbitrary<Object> object = objects(depth - 1).map(m -> (Object) m);
        return Arbitraries.oneOf(List.of(scalars(), scalars(), list, object));
    }

    private static Arbitrary<Map<String, Object>> objects(int depth) {
        return Arbitraries.maps(strings(), values(depth)).ofMaxSize(5);
    }

    @Provide
    Arbitrary<Map<String, Object>> documents() {
        return objects(4);
    }

    /** A written document with one byte replaced, inserted or removed, or cut short. */
    @Provide
    Arbitrary<byte[]> mutatedDocuments() {
        Arbitrary<byte[]> docs = objects(3).map(m -> StrictJson.writeCompact(m).getBytes(StandardCharsets.UTF_8));
        return Combinators.combine(docs, Arbitraries.integers().between(0, 3), Arbitraries.integers().greaterOrEqual(0),
                Arbitraries.bytes()).as((doc, op, where, b) -> {
                    int i = where % doc.length;
                    return switch (op) {
                        case 0 -> {
                            byte[] out = doc.clone();
                            out[i] = b;
                            yield out;
                        }
                        case 1 -> {
                            byte[] out = new byte[doc.length + 1];
                            System.arraycopy(doc, 0, out, 0, i);
                            out[i] = b;
                            System.arraycopy(doc, i, out, i + 1, doc.length - i);
                            yield out;
                        }
                        case 2 -> {
                            byte[] out = new byte[doc.length - 1];
                            System.arraycopy(doc, 0, out, 0, i);
                            System.arraycopy(doc, i + 1, out, i, doc.length - i - 1);
                            yield out;
                        }
                        default -> java.util.Arrays.copyOf(doc, i);
                    };
                });
    }

    @Provide
    Arbitrary<byte[]> randomBytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
    }

    /** Strings over the characters JSON is made of, so random input gets past the first byte. */
    @Provide
    Arbitrary<String> jsonishStrings() {
        return Arbitraries.strings().withChars("{}[]\":,.-+0123456789eEtrufalsn\\u/ \t\néa\u2028")
                .ofMaxLength(60).map(s -> "{" + s);
    }

    /** Kinds of the containers nested inside the top object: true for an object, false for an array. */
    @Provide
    Arbitrary<List<Boolean>> nestings() {
        return Arbitraries.of(true, false).list().ofMaxSize(60);
    }

    // ---- properties ----

    @Property(tries = 300)
    void writeThenParse_roundTrips(@ForAll("documents") Map<String, Object> document) throws Exception {
        String json = StrictJson.writeCompact(document);
        assertEquals(document, StrictJson.parseObject(json.getBytes(StandardCharsets.UTF_8), 32));
    }

    @Property(tries = 300)
    void write_neverEmitsRawLineBreaksOrControls(@ForAll("documents") Map<String, Object> document) {
        String json = StrictJson.writeCompact(document);
        assertFalse(json.chars().anyMatch(c -> c < 0x20 || c == 0x2028 || c == 0x2029));
    }

    @Property(tries = 300)
    void parseThenWrite_isStableAfterOneRoundTrip(@ForAll("documents") Map<String, Object> document)
            throws Exception {
        String once = StrictJson.writeCompact(document);
        Map<String, Object> parsed = StrictJson.parseObject(once.getBytes(StandardCharsets.UTF_8), 32);
        assertEquals(once, StrictJson.writeCompact(parsed));
    }

    @Property(tries = 500)
    void randomBytes_onlyResultOrParseException(@ForAll("randomBytes") byte[] input,
            @ForAll @IntRange(min = 1, max = 8) int maxDepth) {
        parseExpectingOnlyParseException(input, maxDepth);
    }

    @Property(tries = 500)
    void jsonishStrings_onlyResultOrParseException(@ForAll("jsonishStrings") String input,
            @ForAll @IntRange(min = 1, max = 8) int maxDepth) {
        parseExpectingOnlyParseException(input.getBytes(StandardCharsets.UTF_8), maxDepth);
    }

    @Property(tries = 300)
    void arbitraryStrings_onlyResultOrParseException(@ForAll String input) {
        parseExpectingOnlyParseException(input.getBytes(StandardCharsets.UTF_8), 32);
    }

    @Property(tries = 500)
    void mutatedDocuments_onlyResultOrParseException(@ForAll("mutatedDocuments") byte[] input,
            @ForAll @IntRange(min = 1, max = 6) int maxDepth) {
        parseExpectingOnlyParseException(input, maxDepth);
    }

    @Property(tries = 500)
    void nesting_acceptedIffWithinLimit(@ForAll("nestings") List<Boolean> inner,
            @ForAll @IntRange(min = 1, max = 64) int maxDepth) {
        StringBuilder json = new StringBuilder("{\"k\":");
        for (boolean object : inner) {
            json.append(object ? "{\"k\":" : "[");
        }
        json.append("1");
        for (int i = inner.size() - 1; i >= 0; i--) {
            json.append(inner.get(i) ? "}" : "]");
        }
        json.append('}');
        int containers = 1 + inner.size();
        byte[] bytes = json.toString().getBytes(StandardCharsets.US_ASCII);
        try {
            StrictJson.parseObject(bytes, maxDepth);
            assertFalse(containers > maxDepth, "accepted " + containers + " containers with limit " + maxDepth);
        } catch (JsonParseException e) {
            assertEquals(Kind.TOO_DEEP, e.kind());
            assertFalse(containers <= maxDepth, "rejected " + containers + " containers with limit " + maxDepth);
        }
    }

    // ---- the check-only mode (validateObject) decides exactly as parseObject ----

    /**
     * Objects of up to 40 members (past the 16 below which names are compared pairwise), some names written
     * twice, some escaped ({@code \u0069ss} is {@code iss}) or non-ASCII, with an {@code iss} at times.
     */
    @Provide
    Arbitrary<byte[]> objectsWithRepeatedNames() {
        Arbitrary<String> name = Arbitraries.of("iss", "\\u0069ss", "sub", "a", "\\u0061", "é", "\\u00e9", "kid", "x1",
                "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17",
                "x18", "x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x29", "x30");
        Arbitrary<String> value = Arbitraries.of("1", "\"https://auth.example\"", "true", "{\"iss\":2}", "[1,{}]",
                "\"\\u0041\"", "null", "1e5", "{\"a\":1,\"a\":2}");
        return Combinators.combine(name, value).as((n, v) -> "\"" + n + "\":" + v).list().ofMaxSize(40)
                .map(members -> ("{" + String.join(",", members) + "}").getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 500)
    void validate_decidesAsParse_onRepeatedNames(@ForAll("objectsWithRepeatedNames") byte[] input) {
        assertValidateDecidesAsParse(input, 32);
    }

    @Property(tries = 500)
    void validate_decidesAsParse_onMutatedDocuments(@ForAll("mutatedDocuments") byte[] input,
                                                    @ForAll @IntRange(min = 1, max = 5) int maxDepth) {
        assertValidateDecidesAsParse(input, maxDepth);
    }

    @Property(tries = 500)
    void validate_decidesAsParse_onJsonishStrings(@ForAll("jsonishStrings") String input) {
        assertValidateDecidesAsParse(input.getBytes(StandardCharsets.UTF_8), 32);
    }

    @Property(tries = 300)
    void validate_decidesAsParse_onRandomBytes(@ForAll("randomBytes") byte[] input) {
        assertValidateDecidesAsParse(input, 32);
    }

    @Property(tries = 300)
    void validate_decidesAsParse_onDocuments(@ForAll("documents") Map<String, Object> document) {
        assertValidateDecidesAsParse(StrictJson.writeCompact(document).getBytes(StandardCharsets.UTF_8), 32);
    }

    @Property(tries = 300)
    void validate_decidesAsParse_onNesting(@ForAll("nestings") List<Boolean> inner,
                                          @ForAll @IntRange(min = 1, max = 40) int maxDepth) {
        StringBuilder json = new StringBuilder("{\"a\":");
        for (boolean object : inner) {
            json.append(object ? "{\"a\":" : "[");
        }
        json.append('1');
        for (int i = inner.size() - 1; i >= 0; i--) {
            json.append(inner.get(i) ? '}' : ']');
        }
        json.append('}');
        assertValidateDecidesAsParse(json.toString().getBytes(StandardCharsets.UTF_8), maxDepth);
    }

    /** Same acceptance, same failure (kind, message, offset), and the top-level iss read back when it is a string. */
    private static void assertValidateDecidesAsParse(byte[] input, int maxDepth) {
        String parsed;
        Map<String, Object> result = null;
        try {
            result = StrictJson.parseObject(input, maxDepth);
            parsed = "ok";
        } catch (JsonParseException e) {
            parsed = e.kind() + " " + e.getMessage() + " @" + e.offset();
        }
        String validated;
        String iss = null;
        try {
            iss = StrictJson.validateObject(input, 0, input.length, maxDepth, "iss");
            validated = "ok";
        } catch (JsonParseException e) {
            validated = e.kind() + " " + e.getMessage() + " @" + e.offset();
        }
        assertEquals(parsed, validated, new String(input, StandardCharsets.UTF_8));
        if (result != null) {
            Object expected = result.get("iss");
            assertEquals(expected instanceof String ? expected : null, iss);
        }
    }

    // ---- numbers around the significant-digit limit (check-only mode counts digits without a value) ----

    /** A number of 990-1010 digits, as an integer, with a fraction or with an exponent, signed or not. */
    @Provide
    Arbitrary<String> numbersAroundTheDigitLimit() {
        return Combinators.combine(Arbitraries.integers().between(990, 1010), Arbitraries.integers().between(0, 3),
                Arbitraries.of("", "-"), Arbitraries.of('1', '5', '9'))
                .as((digits, form, sign, first) -> {
                    String body = first + "0".repeat(digits - 1);
                    return sign + switch (form) {
                        case 0 -> body;
                        case 1 -> body.substring(0, digits / 2) + "." + body.substring(digits / 2);
                        case 2 -> body + "e+7";
                        default -> "0." + body;
                    };
                });
    }

    @Property(tries = 200)
    void validate_decidesAsParse_onNumbersAroundTheDigitLimit(@ForAll("numbersAroundTheDigitLimit") String number) {
        assertValidateDecidesAsParse(("{\"exp\":" + number + ",\"n\":[" + number + "]}").getBytes(StandardCharsets.US_ASCII), 32);
    }

    // ---- long plain runs (read eight bytes at a time) and names alike in length, first and last character ----

    /** Plain ASCII text of up to 40 characters with one byte at any place that ends a plain run. */
    @Provide
    Arbitrary<String> longRunsWithOneStop() {
        Arbitrary<String> plain = Arbitraries.strings().withCharRange(' ', '~').excludeChars('"', '\\').ofMaxLength(40);
        Arbitrary<String> stop = Arbitraries.of("\"", "\\", "\\n", "\\u00e9", "\u0001", "\u007f", "\u00e9", "\u20ac",
                "\uD83D\uDE00", "\\", "\t");
        return Combinators.combine(plain, stop, Arbitraries.integers().greaterOrEqual(0))
                .as((text, b, where) -> {
                    int at = text.isEmpty() ? 0 : where % (text.length() + 1);
                    return text.substring(0, at) + b + text.substring(at);
                });
    }

    @Property(tries = 1000)
    void validate_decidesAsParse_onLongRunsAsValuesAndNames(@ForAll("longRunsWithOneStop") String text) {
        String quoted = "\"" + text + "\"";
        for (String doc : new String[] {"{\"n\":" + quoted + "}", "{" + quoted + ":1}", "{\"a\":[" + quoted + "," + quoted + "]}"}) {
            assertValidateDecidesAsParse(doc.getBytes(StandardCharsets.UTF_8), 32);
        }
    }

    @Property(tries = 500)
    void parse_readsLongStringsExactly(@ForAll("longRunsWithOneStop") String text) throws JsonParseException {
        // Unescaped text as a written value and name reads back exactly, wherever the stop byte falls.
        Map<String, Object> expected = Map.of(text, text);
        byte[] written = StrictJson.writeCompact(expected).getBytes(StandardCharsets.UTF_8);
        assertEquals(expected, StrictJson.parseObject(written, 4));
        assertValidateDecidesAsParse(written, 4);
    }

    /** Names of one length, first and last character (they share a hash bucket), some repeated, some escaped. */
    @Provide
    Arbitrary<byte[]> namesAlikeAtTheEnds() {
        Arbitrary<String> name = Arbitraries.of("axxa", "axya", "ayxa", "ayya", "\\u0061xxa", "axx\\u0061", "a\\u0078ya",
                "abcdefghij", "abcdefghkj", "\\u0061bcdefghij");
        return name.list().ofMaxSize(20).map(names -> {
            StringBuilder doc = new StringBuilder("{");
            for (int i = 0; i < names.size(); i++) {
                doc.append(i == 0 ? "" : ",").append('"').append(names.get(i)).append("\":").append(i);
            }
            return doc.append('}').toString().getBytes(StandardCharsets.UTF_8);
        });
    }

    @Property(tries = 500)
    void validate_decidesAsParse_onNamesAlikeAtTheEnds(@ForAll("namesAlikeAtTheEnds") byte[] input) {
        assertValidateDecidesAsParse(input, 32);
    }

    // ---- validateObjectReading (the token header's check) decides as parseObject and reports as it reads ----

    /** Header-like objects: the members the header rules read, escaped at times, with values of every kind. */
    @Provide
    Arbitrary<byte[]> headerLikeObjects() {
        Arbitrary<String> name = Arbitraries.of("alg", "\\u0061lg", "enc", "crit", "b64", "kid", "ki\\u0064", "typ", "x5c", "cty");
        Arbitrary<String> value = Arbitraries.of("\"RS256\"", "\"\\u0052S256\"", "true", "false", "null", "1", "1.5e3",
                "[\"b64\"]", "{\"alg\":\"x\"}", "\"\"", "\"k-\\u00e9\"");
        return Combinators.combine(name, value).as((n, v) -> "\"" + n + "\":" + v).list().ofMaxSize(8)
                .map(members -> ("{" + String.join(",", members) + "}").getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 1000)
    void validateReading_decidesAndReportsAsParse_onHeaderLikeObjects(@ForAll("headerLikeObjects") byte[] input) {
        assertReadingAgreesWithParse(input, 32);
    }

    @Property(tries = 500)
    void validateReading_decidesAsParse_onMutatedDocuments(@ForAll("mutatedDocuments") byte[] input,
                                                           @ForAll @IntRange(min = 1, max = 5) int maxDepth) {
        assertReadingAgreesWithParse(input, maxDepth);
    }

    @Property(tries = 300)
    void parseWhenRead_equalsParse_onDocuments(@ForAll("headerLikeObjects") byte[] input) {
        Map<String, Object> parsed;
        try {
            parsed = StrictJson.parseObject(input, 32);
        } catch (JsonParseException e) {
            return;
        }
        Map<String, Object> later = StrictJson.parseObjectWhenRead(input, 32);
        assertEquals(parsed, later);
        assertEquals(parsed.keySet(), later.keySet());
        assertEquals(parsed.hashCode(), later.hashCode());
    }

    private static final String[] READ = {"alg", "enc", "crit", "b64", "kid", "typ"};

    private static void assertReadingAgreesWithParse(byte[] input, int maxDepth) {
        String parsedOutcome;
        Map<String, Object> result = null;
        try {
            result = StrictJson.parseObject(input, maxDepth);
            parsedOutcome = "ok";
        } catch (JsonParseException e) {
            parsedOutcome = e.kind() + " " + e.getMessage() + " @" + e.offset();
        }
        String readOutcome;
        Object[] found = null;
        try {
            found = StrictJson.validateObjectReading(input, maxDepth, READ);
            readOutcome = "ok";
        } catch (JsonParseException e) {
            readOutcome = e.kind() + " " + e.getMessage() + " @" + e.offset();
        }
        String text = new String(input, StandardCharsets.UTF_8);
        assertEquals(parsedOutcome, readOutcome, text);
        if (result != null) {
            for (int k = 0; k < READ.length; k++) {
                Object value = result.get(READ[k]);
                Object expected = value == null ? null
                        : value instanceof String || value instanceof Boolean ? value : StrictJson.OTHER_VALUE;
                assertEquals(expected, found[k], READ[k] + " in " + text);
            }
        }
    }

    private static void parseExpectingOnlyParseException(byte[] input, int maxDepth) {
        try {
            assertInstanceOf(Map.class, StrictJson.parseObject(input, maxDepth));
        } catch (JsonParseException expected) {
            assertFalse(expected.getMessage().isEmpty());
        }
    }
}
