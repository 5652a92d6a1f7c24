package io.nohop.core.internal.json;

import io.nohop.core.internal.json.JsonParseException.Kind;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A strict RFC 8259 JSON parser for token segments, and the compact writer that mirrors it.
 *
 * <p>The parser reads UTF-8 bytes in one pass and accepts only what RFC 8259 allows, plus the
 * I-JSON (RFC 7493) rules that matter for security: no duplicate member names (compared after
 * unescaping), no lone surrogates, bounded nesting. Everything else a lenient parser tolerates is
 * rejected: a byte order mark, comments, trailing commas, single quotes, {@code NaN}, leading zeros,
 * unescaped control characters, invalid or overlong UTF-8, trailing data.
 *
 * <p>Values come back as:
 * <ul>
 *   <li>{@link String}</li>
 *   <li>{@link Boolean}</li>
 *   <li>{@link Long} for an integer literal (no fraction, no exponent) that fits in a {@code long}</li>
 *   <li>{@link BigDecimal} for every other number, exactly as written (so {@code 1.0} keeps its
 *       scale and {@code 1e999999999} stays cheap: callers must compare it with
 *       {@link BigDecimal#compareTo} against bounds, never expand it)</li>
 *   <li>an unmodifiable {@link List} for an array</li>
 *   <li>an unmodifiable, insertion-ordered {@link Map} for an object</li>
 *   <li>{@link #NULL} for JSON {@code null}; Java {@code null} never appears</li>
 * </ul>
 *
 * <p>Choices beyond RFC 8259, all made to keep attacker-controlled input cheap and unambiguous:
 * <ul>
 *   <li>A {@code \}{@code u} escape of a surrogate must be a high surrogate immediately followed by
 *       an escaped low surrogate; a lone surrogate is rejected, the same as a surrogate encoded
 *       directly in UTF-8, because it has no UTF-8 form and would compare differently once
 *       re-encoded by another system.</li>
 *   <li>A number may have at most {@value #MAX_SIGNIFICANT_DIGITS} significant digits (leading
 *       zeros not counted) and an exponent that keeps a {@link BigDecimal} scale within
 *       {@code int} range: converting longer digit strings costs time quadratic in their length.</li>
 *   <li>{@code maxDepth} may be at most {@value #MAX_SUPPORTED_DEPTH}, which bounds the parser's
 *       recursion and so its stack use.</li>
 * </ul>
 */
public final class StrictJson {

    /**
     * JSON {@code null}, as returned by the parser and accepted by the writer. Compare with
     * {@code ==}. Its {@code toString()} is {@code "null"}.
     */
    public static final Object NULL = new JsonNull();

    private static final int MAX_SIGNIFICANT_DIGITS = 1000;
    private static final int MAX_SUPPORTED_DEPTH = 256;

    private StrictJson() {
    }

    /**
     * Parses a complete JSON text whose top-level value must be an object.
     *
     * @param utf8 the JSON text in UTF-8
     * @param maxDepth how many containers may be nested, counting the top-level object as 1;
     *        between 1 and 256
     * @return the members of the top-level object, unmodifiable and in input order
     * @throws JsonParseException if the text is not strict JSON, repeats a member name, nests
     *         deeper than {@code maxDepth}, or its top-level value is not an object
     * @throws NullPointerException if {@code utf8} is null
     * @throws IllegalArgumentException if {@code maxDepth} is out of range
     */
    public static Map<String, Object> parseObject(byte[] utf8, int maxDepth) throws JsonParseException {
        return parseObject(utf8, 0, utf8.length, maxDepth);
    }

    /**
     * Parses a complete JSON text, held in part of an array, whose top-level value must be an
     * object. Offsets reported in a {@link JsonParseException} count from {@code offset}.
     *
     * @param utf8 the array holding the JSON text in UTF-8
     * @param offset where the text starts in {@code utf8}
     * @param length how many bytes the text has
     * @param maxDepth how many containers may be nested, counting the top-level object as 1;
     *        between 1 and 256
     * @return the members of the top-level object, unmodifiable and in input order
     * @throws JsonParseException if the text is not strict JSON, repeats a member name, nests
     *         deeper than {@code maxDepth}, or its top-level value is not an object
     * @throws NullPointerException if {@code utf8} is null
     * @throws IndexOutOfBoundsException if {@code offset} and {@code length} do not lie in {@code utf8}
     * @throws IllegalArgumentException if {@code maxDepth} is out of range
     */
    public static Map<String, Object> parseObject(byte[] utf8, int offset, int length, int maxDepth)
            throws JsonParseException {
        Objects.requireNonNull(utf8, "utf8");
        Objects.checkFromIndexSize(offset, length, utf8.length);
        if (maxDepth < 1 || maxDepth > MAX_SUPPORTED_DEPTH) {
            throw new IllegalArgumentException("maxDepth must be between 1 and " + MAX_SUPPORTED_DEPTH);
        }
        return new Parser(utf8, offset, offset + length, maxDepth, true, null).top();
    }

    /**
     * Checks a JSON text exactly as {@link #parseObject(byte[], int, int, int)} would — it throws for the
     * same inputs, with the same kind and offset — without building it: no maps, lists, boxed numbers or
     * strings, except the one member asked for. For the verifier's cheapest rejections (a token whose kid
     * no key set holds must still be refused as malformed when its payload is not JSON), where building
     * the claims would cost most of the time.
     *
     * @param utf8 the array holding the JSON text in UTF-8
     * @param offset where the text starts in {@code utf8}
     * @param length how many bytes the text has
     * @param maxDepth how many containers may be nested, counting the top-level object as 1; between 1 and 256
     * @param member the name of a top-level member whose value to return if it is a string, or null for none
     * @return that member's string value, or null when it is absent, not a string, or not asked for
     * @throws JsonParseException as {@link #parseObject(byte[], int, int, int)} does
     * @throws NullPointerException if {@code utf8} is null
     * @throws IndexOutOfBoundsException if {@code offset} and {@code length} do not lie in {@code utf8}
     * @throws IllegalArgumentException if {@code maxDepth} is out of range
     */
    public static String validateObject(byte[] utf8, int offset, int length, int maxDepth, String member)
            throws JsonParseException {
        Objects.requireNonNull(utf8, "utf8");
        Objects.checkFromIndexSize(offset, length, utf8.length);
        if (maxDepth < 1 || maxDepth > MAX_SUPPORTED_DEPTH) {
            throw new IllegalArgumentException("maxDepth must be between 1 and " + MAX_SUPPORTED_DEPTH);
        }
        // Nearly every token payload is a compact object of plain members: decided in one flat pass when it is one
        // (a flat array is depth 2); anything else, valid or not, gets the full check below.
        if (maxDepth >= 2) {
            Object plain = PlainObjectCheck.check(utf8, offset, offset + length, member);
            if (plain != PlainObjectCheck.UNDECIDED) {
                return plain instanceof String value ? value : null;
            }
        }
        Parser parser = new Parser(utf8, offset, offset + length, maxDepth, false, member == null ? null : new String[] {member});
        parser.top();
        return parser.found == null || !(parser.found[0] instanceof String) ? null : (String) parser.found[0];
    }

    /**
     * The object a JSON text that {@link #validateObjectReading} (or {@link #validateObject}) accepted holds,
     * parsed when it is first read (then as {@link #parseObject(byte[], int)} would).
     *
     * @param checkedUtf8 the checked text, kept by the map: the caller must not change it afterwards
     * @param maxDepth the nesting limit it was checked with
     * @return an unmodifiable map, insertion-ordered, thread-safe
     */
    public static Map<String, Object> parseObjectWhenRead(byte[] checkedUtf8, int maxDepth) {
        return new LazyJsonObject(Objects.requireNonNull(checkedUtf8, "checkedUtf8"), maxDepth);
    }

    /**
     * What {@link #validateObjectReading} found for a member whose value is neither a string nor {@code true} or
     * {@code false} (a number, {@code null}, an array or an object). Compare with {@code ==}.
     */
    public static final Object OTHER_VALUE = new Object() {
        @Override
        public String toString() {
            return "(another value)";
        }
    };

    /**
     * Checks a JSON text exactly as {@link #validateObject} does (throwing for the same inputs as
     * {@link #parseObject(byte[], int, int, int)}) and reports on a few top-level members: for the token
     * header, whose rules need only a handful of its members, so that a token rejected before its
     * signature is checked never has its header built.
     *
     * @param utf8 the JSON text in UTF-8
     * @param maxDepth how many containers may be nested, counting the top-level object as 1; between 1 and 256
     * @param members the names of the top-level members to report on
     * @return per name in {@code members}: null when absent; the {@link String} value; {@link Boolean#TRUE} or
     *         {@link Boolean#FALSE} for those literals; {@link #OTHER_VALUE} for any other value
     * @throws JsonParseException as {@link #parseObject(byte[], int, int, int)} does
     * @throws NullPointerException if {@code utf8} or {@code members} is null
     * @throws IllegalArgumentException if {@code maxDepth} is out of range
     */
    public static Object[] validateObjectReading(byte[] utf8, int maxDepth, String... members) throws JsonParseException {
        Objects.requireNonNull(utf8, "utf8");
        Objects.requireNonNull(members, "members");
        if (maxDepth < 1 || maxDepth > MAX_SUPPORTED_DEPTH) {
            throw new IllegalArgumentException("maxDepth must be between 1 and " + MAX_SUPPORTED_DEPTH);
        }
        Parser parser = new Parser(utf8, 0, utf8.length, maxDepth, false, members);
        parser.top();
        return parser.found != null ? parser.found : new Object[members.length];
    }

    /**
     * Writes a value as compact JSON on a single line: no insignificant whitespace, and every
     * control character, U+2028 and U+2029 escaped, so the result never contains a line break.
     * For every object {@code m} returned by {@link #parseObject}, parsing the UTF-8 encoding of
     * {@code writeCompact(m)} yields an object equal to {@code m}.
     *
     * <p>Accepted values: {@link String}, {@link Boolean}, {@link Long}, {@link Integer},
     * {@link BigDecimal}, {@link #NULL}, and {@link List}s and {@link Map}s with {@link String}
     * keys of these, not cyclic. A {@link BigDecimal} is written with {@link BigDecimal#toString()},
     * except that a scale-0 value in {@code long} range gets an {@code E0} suffix so that it reads
     * back as a {@link BigDecimal} rather than a {@link Long}. Values the parser cannot have
     * produced may be written as text it rejects, such as a {@link BigDecimal} with more
     * significant digits than it accepts.
     *
     * @param value what to write
     * @return the JSON text
     * @throws IllegalArgumentException if {@code value} is or contains Java {@code null}, a value of
     *         another type, a map key that is not a string, or a string with a lone surrogate
     *         (which has no UTF-8 form)
     */
    public static String writeCompact(Object value) {
        StringBuilder out = new StringBuilder(128);
        write(out, value);
        return out.toString();
    }

    private static void write(StringBuilder out, Object value) {
        if (value instanceof String s) {
            writeString(out, s);
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("JSON member names must be strings");
                }
                if (!first) {
                    out.append(',');
                }
                first = false;
                writeString(out, key);
                out.append(':');
                write(out, e.getValue());
            }
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            boolean first = true;
            for (Object element : list) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                write(out, element);
            }
            out.append(']');
        } else if (value instanceof Long || value instanceof Integer || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof BigDecimal d) {
            out.append(d.toString());
            // Without this, the literal would read back as a Long and break the round trip.
            if (d.scale() == 0 && d.unscaledValue().bitLength() < 64) {
                out.append("E0");
            }
        } else if (value == NULL) {
            out.append("null");
        } else if (value == null) {
            throw new IllegalArgumentException("Java null is not a JSON value; use StrictJson.NULL");
        } else {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON");
        }
    }

    private static void writeString(StringBuilder out, String s) {
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\' || (c >= 0x2028 && needsCare(c))) {
                break;
            }
            i++;
        }
        out.append('"');
        if (i == n) {
            out.append(s).append('"');
            return;
        }
        out.append(s, 0, i);
        for (; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case 0x2028 -> out.append("\\u2028");
                case 0x2029 -> out.append("\\u2029");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else if (Character.isHighSurrogate(c) && i + 1 < n
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        throw new IllegalArgumentException("string contains a lone surrogate");
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static boolean needsCare(char c) {
        return c == 0x2028 || c == 0x2029 || Character.isSurrogate(c);
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** The type of {@link #NULL}; one instance. */
    private static final class JsonNull {
        @Override
        public String toString() {
            return "null";
        }
    }

    /**
     * One parse: the input, a cursor, and scratch space for strings that need decoding. Builds the value
     * ({@code build}), or only checks it: then every rule is applied in the same order, names are kept
     * as offsets into the input to find duplicates, and only the requested top-level string is made.
     */
    private static final class Parser {
        /** Up to this many members, a checked object finds duplicates by comparing names pairwise. */
        private static final int PAIRWISE_NAMES = 16;

        private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
        private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
        private static final byte[] NULL_BYTES = {'n', 'u', 'l', 'l'};
        /** JOSE header names (RFC 7515) and registered or common claim names (RFC 7519, 9068, 8693). */
        private static final String[] KNOWN_NAMES = {
            "alg", "kid", "typ", "cty", "crit", "b64", "enc",
            "iss", "sub", "aud", "exp", "nbf", "iat", "jti",
            "scope", "scp", "client_id", "azp", "roles", "groups", "email", "auth_time", "acr", "amr", "sid"
        };
        /** {@link #KNOWN_NAMES} by their {@link #shortHash}, open addressing: one probe per name, usually. */
        private static final int KNOWN_MASK = 63;
        private static final String[] KNOWN_BY_HASH = new String[KNOWN_MASK + 1];

        static {
            for (String name : KNOWN_NAMES) {
                int slot = spread(shortHash(name));
                while (KNOWN_BY_HASH[slot] != null) {
                    slot = (slot + 1) & KNOWN_MASK;
                }
                KNOWN_BY_HASH[slot] = name;
            }
        }

        private static int spread(int hash) {
            return (hash ^ (hash >>> 7) ^ (hash >>> 16)) & KNOWN_MASK;
        }

        /**
         * A name's hash for finding it among known or earlier names: its length, first and last character.
         * Not {@code String.hashCode}, whose multiply per character is a serial chain that cost a quarter of
         * checking a token's payload; as good here, where names are few, short and compared in full on a
         * match. A plain ASCII name's bytes are its characters, so it hashes as its decoded spelling does.
         */
        private static int shortHash(String name) {
            int length = name.length();
            return length == 0 ? 0 : (length * 31 + name.charAt(0)) * 31 + name.charAt(length - 1);
        }

        /** {@link #shortHash(String)} of the plain ASCII name {@code in[from, to)}. */
        private int shortHash(int from, int to) {
            int length = to - from;
            return length == 0 ? 0 : (length * 31 + in[from]) * 31 + in[to - 1];
        }

        /** Eight bytes at a time, for {@link #plainEnd}. */
        private static final java.lang.invoke.VarHandle LONGS =
                java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
        private static final long ONES = 0x0101010101010101L;
        private static final long HIGHS = 0x8080808080808080L;

        /**
         * The index of the first byte at or after {@code i} that does not stand for itself in a string (a
         * quote, a backslash, a control character or a non-ASCII byte), or {@code end}. Eight bytes per step
         * while none of them is one (the classic "has a zero byte" tests), the last few byte by byte.
         */
        private int plainEnd(int i) {
            while (end - i >= 8) {
                long w = (long) LONGS.get(in, i);
                long quote = w ^ (ONES * '"');
                long backslash = w ^ (ONES * '\\');
                long special = ((w - ONES * 0x20) & ~w)
                        | ((quote - ONES) & ~quote)
                        | ((backslash - ONES) & ~backslash)
                        | w;
                special &= HIGHS;
                if (special != 0) {
                    // Each test flags the first byte it is after exactly (a borrow only runs upwards, past it), and
                    // the view is little-endian: the lowest flag is the first byte that is not plain.
                    return i + (Long.numberOfTrailingZeros(special) >>> 3);
                }
                i += 8;
            }
            while (i < end && PLAIN[in[i] & 0xFF]) {
                i++;
            }
            return i;
        }
        /** Bytes that stand for themselves inside a string: printable ASCII but quote and backslash. */
        private static final boolean[] PLAIN = new boolean[256];

        static {
            for (int b = 0x20; b < 0x80; b++) {
                PLAIN[b] = b != '"' && b != '\\';
            }
        }

        private final byte[] in;
        private final int start;
        private final int end;
        private final int maxDepth;
        private final boolean build;
        private final String[] wanted;
        private int pos;
        private char[] scratch;
        // Check-only mode: the names of the open objects, as [start, end) of plain ASCII names in the
        // input, or the decoded text of names with escapes or non-ASCII; one stack for all nesting levels.
        private int[] nameStarts;
        private int[] nameEnds;
        private int[] nameHashes;
        private String[] decodedNames;
        private int names;
        // Build mode: the members of the open objects, one stack for all nesting levels.
        private String[] memberNames;
        private Object[] memberValues;
        private int[] memberHashes;
        private int members;
        /** The String hash of the name {@link #memberName()} returned last. */
        private int nameHash;
        private char[] pair;
        /** Check-only mode: what was found for each of {@link #wanted} (see {@link #validateObjectReading}). */
        Object[] found;

        Parser(byte[] in, int start, int end, int maxDepth, boolean build, String[] wanted) {
            this.in = in;
            this.start = start;
            this.end = end;
            this.maxDepth = maxDepth;
            this.build = build;
            this.wanted = wanted;
            this.pos = start;
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> top() throws JsonParseException {
            if (end - start >= 3 && in[start] == (byte) 0xEF && in[start + 1] == (byte) 0xBB
                    && in[start + 2] == (byte) 0xBF) {
                throw syntax("byte order mark is not allowed", start);
            }
            skipWhitespace();
            if (pos == end) {
                throw syntax("no JSON value", pos);
            }
            int valueAt = pos;
            Object value = value(1);
            skipWhitespace();
            if (pos != end) {
                throw syntax("unexpected data after the JSON value", pos);
            }
            if (build ? !(value instanceof Map) : in[valueAt] != '{') {
                throw new JsonParseException(Kind.NOT_AN_OBJECT, "top-level value is not an object",
                        valueAt - start);
            }
            return (Map<String, Object>) value;
        }

        private Object value(int depth) throws JsonParseException {
            if (pos == end) {
                throw syntax("unexpected end of input", pos);
            }
            byte c = in[pos];
            switch (c) {
                case '{':
                    return object(depth);
                case '[':
                    return array(depth);
                case '"':
                    if (build) {
                        return string();
                    }
                    skipString();
                    return null;
                case 't':
                    literal(TRUE);
                    return Boolean.TRUE;
                case 'f':
                    literal(FALSE);
                    return Boolean.FALSE;
                case 'n':
                    literal(NULL_BYTES);
                    return NULL;
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        return number();
                    }
                    throw syntax("unexpected byte", pos);
            }
        }

        private Map<String, Object> object(int depth) throws JsonParseException {
            if (depth > maxDepth) {
                throw new JsonParseException(Kind.TOO_DEEP, "nesting too deep", pos - start);
            }
            if (!build) {
                checkObject(depth);
                return null;
            }
            pos++;
            // Members go on the parser's stack (shared by all nesting levels) and into a JsonObject at '}'.
            int base = members;
            java.util.HashSet<String> many = null;
            // As in checkObject: one bit per name so far, so that most names skip the pairwise comparison.
            long hashBits = 0;
            try {
                skipWhitespace();
                if (pos < end && in[pos] == '}') {
                    pos++;
                    return JsonObject.EMPTY;
                }
                while (true) {
                    if (pos == end || in[pos] != '"') {
                        throw syntax("expected a member name", pos);
                    }
                    int nameAt = pos;
                    String name = memberName();
                    int hash = nameHash;
                    skipWhitespace();
                    if (pos == end || in[pos] != ':') {
                        throw syntax("expected ':'", pos);
                    }
                    pos++;
                    skipWhitespace();
                    Object value = value(depth + 1);
                    // Duplicates are found after the value, as a map's put would: a broken value is reported first.
                    boolean duplicate;
                    if (many != null) {
                        duplicate = !many.add(name);
                    } else {
                        duplicate = false;
                        long bit = 1L << (hash & 63);
                        for (int k = (hashBits & bit) != 0 ? base : members; k < members; k++) {
                            if (memberHashes[k] == hash && memberNames[k].equals(name)) {
                                duplicate = true;
                                break;
                            }
                        }
                        hashBits |= bit;
                        if (!duplicate && members - base == JsonObject.LINEAR_MEMBERS) {
                            many = new java.util.HashSet<>();
                            for (int k = base; k < members; k++) {
                                many.add(memberNames[k]);
                            }
                            many.add(name);
                        }
                    }
                    if (duplicate) {
                        throw new JsonParseException(Kind.DUPLICATE_MEMBER, "duplicate member name", nameAt - start);
                    }
                    pushMember(name, hash, value);
                    skipWhitespace();
                    if (pos == end) {
                        throw syntax("unexpected end of input", pos);
                    }
                    byte c = in[pos++];
                    if (c == '}') {
                        return new JsonObject(Arrays.copyOfRange(memberNames, base, members),
                                Arrays.copyOfRange(memberValues, base, members), Arrays.copyOfRange(memberHashes, base, members));
                    }
                    if (c != ',') {
                        throw syntax("expected ',' or '}'", pos - 1);
                    }
                    skipWhitespace();
                }
            } finally {
                // Drop the references (values may be large) and pop this object's members.
                if (memberValues != null) {
                    Arrays.fill(memberValues, base, members, null);
                }
                members = base;
            }
        }

        private void pushMember(String name, int hash, Object value) {
            if (memberNames == null) {
                memberNames = new String[JsonObject.LINEAR_MEMBERS];
                memberValues = new Object[JsonObject.LINEAR_MEMBERS];
                memberHashes = new int[JsonObject.LINEAR_MEMBERS];
            } else if (members == memberNames.length) {
                memberNames = Arrays.copyOf(memberNames, members * 2);
                memberValues = Arrays.copyOf(memberValues, members * 2);
                memberHashes = Arrays.copyOf(memberHashes, members * 2);
            }
            memberNames[members] = name;
            memberValues[members] = value;
            memberHashes[members] = hash;
            members++;
        }

        private List<Object> array(int depth) throws JsonParseException {
            if (depth > maxDepth) {
                throw new JsonParseException(Kind.TOO_DEEP, "nesting too deep", pos - start);
            }
            pos++;
            ArrayList<Object> elements = build ? new ArrayList<>() : null;
            skipWhitespace();
            if (pos < end && in[pos] == ']') {
                pos++;
                return build ? Collections.unmodifiableList(elements) : null;
            }
            while (true) {
                Object element = value(depth + 1);
                if (build) {
                    elements.add(element);
                }
                skipWhitespace();
                if (pos == end) {
                    throw syntax("unexpected end of input", pos);
                }
                byte c = in[pos++];
                if (c == ']') {
                    return build ? Collections.unmodifiableList(elements) : null;
                }
                if (c != ',') {
                    throw syntax("expected ',' or ']'", pos - 1);
                }
                skipWhitespace();
            }
        }

        private void literal(byte[] expected) throws JsonParseException {
            if (end - pos < expected.length) {
                throw syntax("invalid literal", pos);
            }
            for (int i = 0; i < expected.length; i++) {
                if (in[pos + i] != expected[i]) {
                    throw syntax("invalid literal", pos);
                }
            }
            pos += expected.length;
        }

        private Object number() throws JsonParseException {
            int from = pos;
            boolean negative = in[pos] == '-';
            if (negative) {
                pos++;
            }
            if (pos == end || !isDigit(in[pos])) {
                throw syntax("invalid number", from);
            }
            // Accumulated negatively, as Long.parseLong does, so Long.MIN_VALUE fits.
            long limit = negative ? Long.MIN_VALUE : -Long.MAX_VALUE;
            long multiplyLimit = limit / 10;
            long acc = 0;
            boolean fitsLong = true;
            int significant = 0;
            if (in[pos] == '0') {
                pos++;
            } else if (!build) {
                // Check-only: an integer part needs no value, only its digits counted.
                int digitsFrom = pos;
                while (pos < end && isDigit(in[pos])) {
                    pos++;
                }
                significant = pos - digitsFrom;
            } else {
                while (pos < end && isDigit(in[pos])) {
                    int digit = in[pos++] - '0';
                    significant++;
                    if (fitsLong) {
                        if (acc < multiplyLimit || acc * 10 < limit + digit) {
                            fitsLong = false;
                        } else {
                            acc = acc * 10 - digit;
                        }
                    }
                }
            }
            boolean integer = true;
            if (pos < end && in[pos] == '.') {
                integer = false;
                pos++;
                if (pos == end || !isDigit(in[pos])) {
                    throw syntax("invalid number", from);
                }
                while (pos < end && isDigit(in[pos])) {
                    if (significant > 0 || in[pos] != '0') {
                        significant++;
                    }
                    pos++;
                }
            }
            if (pos < end && (in[pos] == 'e' || in[pos] == 'E')) {
                integer = false;
                pos++;
                if (pos < end && (in[pos] == '+' || in[pos] == '-')) {
                    pos++;
                }
                if (pos == end || !isDigit(in[pos])) {
                    throw syntax("invalid number", from);
                }
                while (pos < end && isDigit(in[pos])) {
                    pos++;
                }
            }
            if (significant > MAX_SIGNIFICANT_DIGITS) {
                throw syntax("number has too many digits", from);
            }
            if (integer && (fitsLong || !build)) {
                // Check-only: an integer of any size is a valid number (no exponent, so no scale to overflow).
                if (!build) {
                    return null;
                }
                return negative ? acc : -acc;
            }
            int length = pos - from;
            char[] chars = scratch(length);
            for (int i = 0; i < length; i++) {
                chars[i] = (char) in[from + i];
            }
            try {
                return new BigDecimal(chars, 0, length);
            } catch (NumberFormatException | ArithmeticException e) {
                // Only an exponent that pushes the scale outside int range gets here.
                throw syntax("number out of range", from);
            }
        }

        /**
         * An object in check-only mode: the same syntax and order of checks as {@link #object}, with the
         * duplicate check after each member's value, as there. Names are compared pairwise while the object
         * is small; a larger one (only a hostile token has one) switches to a hash set of decoded names, so
         * the work stays linear in its size.
         */
        private void checkObject(int depth) throws JsonParseException {
            pos++;
            int base = names;
            java.util.HashSet<String> many = null;
            // One bit per name so far, at its hash's low six bits: a name whose bit is clear repeats none of them,
            // so the pairwise comparison runs only for the few names whose bit is taken.
            long hashBits = 0;
            try {
                skipWhitespace();
                if (pos < end && in[pos] == '}') {
                    pos++;
                    return;
                }
                while (true) {
                    if (pos == end || in[pos] != '"') {
                        throw syntax("expected a member name", pos);
                    }
                    int nameAt = pos;
                    int from = pos + 1;
                    int i = from;
                    // A name and its escaped spelling hash alike (shortHash), and names are compared in full only
                    // when their hashes match.
                    i = plainEnd(i);
                    int hash;
                    int nameEnd;
                    String decoded;
                    if (i < end && in[i] == '"') {
                        nameEnd = i;
                        decoded = null;
                        hash = shortHash(from, i);
                        pos = i + 1;
                    } else {
                        nameEnd = -1;
                        decoded = string();
                        hash = shortHash(decoded);
                    }
                    skipWhitespace();
                    if (pos == end || in[pos] != ':') {
                        throw syntax("expected ':'", pos);
                    }
                    pos++;
                    skipWhitespace();
                    int w = depth == 1 && wanted != null ? wantedIndex(from, nameEnd, decoded) : -1;
                    if (w < 0) {
                        value(depth + 1);
                    } else {
                        if (found == null) {
                            found = new Object[wanted.length];
                        }
                        // A string is made, true and false reported; anything else is only checked.
                        byte first = pos < end ? in[pos] : 0;
                        if (first == '"') {
                            found[w] = string();
                        } else {
                            Object value = value(depth + 1);
                            found[w] = value instanceof Boolean ? value : OTHER_VALUE;
                        }
                    }
                    boolean duplicate;
                    if (many != null) {
                        duplicate = !many.add(decoded != null ? decoded : ascii(from, nameEnd));
                    } else {
                        long bit = 1L << (hash & 63);
                        duplicate = (hashBits & bit) != 0 && seenBefore(base, from, nameEnd, hash, decoded);
                        hashBits |= bit;
                        if (names - base == PAIRWISE_NAMES) {
                            many = new java.util.HashSet<>();
                            for (int k = base; k < names; k++) {
                                many.add(decodedNames[k] != null ? decodedNames[k] : ascii(nameStarts[k], nameEnds[k]));
                            }
                            duplicate = duplicate || !many.add(decoded != null ? decoded : ascii(from, nameEnd));
                        } else {
                            push(from, nameEnd, hash, decoded);
                        }
                    }
                    if (duplicate) {
                        throw new JsonParseException(Kind.DUPLICATE_MEMBER, "duplicate member name", nameAt - start);
                    }
                    skipWhitespace();
                    if (pos == end) {
                        throw syntax("unexpected end of input", pos);
                    }
                    byte c = in[pos++];
                    if (c == '}') {
                        return;
                    }
                    if (c != ',') {
                        throw syntax("expected ',' or '}'", pos - 1);
                    }
                    skipWhitespace();
                }
            } finally {
                names = base;
            }
        }

        /** Whether the name {@code [from, nameEnd)} (plain) or {@code decoded} is among the names since {@code base}. */
        private boolean seenBefore(int base, int from, int nameEnd, int hash, String decoded) {
            for (int k = base; k < names; k++) {
                if (nameHashes[k] != hash) {
                    continue;
                }
                String other = decodedNames[k];
                boolean same;
                if (decoded == null && other == null) {
                    same = Arrays.equals(in, from, nameEnd, in, nameStarts[k], nameEnds[k]);
                } else if (decoded != null && other != null) {
                    same = decoded.equals(other);
                } else if (decoded != null) {
                    same = sameAscii(decoded, nameStarts[k], nameEnds[k]);
                } else {
                    same = sameAscii(other, from, nameEnd);
                }
                if (same) {
                    return true;
                }
            }
            return false;
        }

        private boolean isName(String name, int from, int nameEnd, String decoded) {
            return decoded != null ? decoded.equals(name) : sameAscii(name, from, nameEnd);
        }

        /** The index in {@link #wanted} of the name {@code [from, nameEnd)} (plain) or {@code decoded}, or -1. */
        private int wantedIndex(int from, int nameEnd, String decoded) {
            for (int k = 0; k < wanted.length; k++) {
                if (isName(wanted[k], from, nameEnd, decoded)) {
                    return k;
                }
            }
            return -1;
        }

        /** Whether {@code text} equals the plain ASCII name at {@code [from, to)}. */
        private boolean sameAscii(String text, int from, int to) {
            return PlainObjectCheck.sameAscii(text, in, from, to);
        }

        private String ascii(int from, int to) {
            return new String(in, from, to - from, StandardCharsets.ISO_8859_1);
        }

        private void push(int from, int nameEnd, int hash, String decoded) {
            if (nameStarts == null) {
                nameStarts = new int[PAIRWISE_NAMES];
                nameEnds = new int[PAIRWISE_NAMES];
                nameHashes = new int[PAIRWISE_NAMES];
                decodedNames = new String[PAIRWISE_NAMES];
            } else if (names == nameStarts.length) {
                nameStarts = Arrays.copyOf(nameStarts, names * 2);
                nameEnds = Arrays.copyOf(nameEnds, names * 2);
                nameHashes = Arrays.copyOf(nameHashes, names * 2);
                decodedNames = Arrays.copyOf(decodedNames, names * 2);
            }
            nameStarts[names] = from;
            nameEnds[names] = nameEnd;
            nameHashes[names] = hash;
            decodedNames[names] = decoded;
            names++;
        }

        /** A string in check-only mode: the checks of {@link #string()}, in its order, nothing made. */
        private void skipString() throws JsonParseException {
            int i = ++pos;
            while (true) {
                i = plainEnd(i);
                if (i == end) {
                    throw syntax("unterminated string", i);
                }
                int b = in[i] & 0xFF;
                if (b == '"') {
                    pos = i + 1;
                    return;
                }
                if (b == '\\') {
                    if (pair == null) {
                        pair = new char[2];
                    }
                    i = escape(i, pair, 0);
                } else if (b < 0x20) {
                    throw syntax("control character in string", i);
                } else {
                    int cp = utf8(i);
                    i += cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
                }
            }
        }

        /**
         * A member name: as {@link #string()}, except that a plain name of the JOSE header or the
         * registered and common JWT claims comes back as a shared constant. Every token has a dozen
         * such names; sharing them saves an allocation each and their hash computation in the map.
         */
        private String memberName() throws JsonParseException {
            int from = pos + 1;
            int i = plainEnd(from);
            if (i < end && in[i] == '"') {
                String known = knownName(shortHash(from, i), from, i - from);
                pos = i + 1;
                String name = known != null ? known : new String(in, from, i - from, StandardCharsets.ISO_8859_1);
                // A known name's String hash is cached in the constant; a new name pays for it once, here.
                nameHash = name.hashCode();
                return name;
            }
            String decoded = string();
            nameHash = decoded.hashCode();
            return decoded;
        }

        /** The shared constant for the plain name {@code [from, from + length)} whose {@link #shortHash} is {@code hash}, or null. */
        private String knownName(int hash, int from, int length) {
            for (int slot = spread(hash); ; slot = (slot + 1) & KNOWN_MASK) {
                String name = KNOWN_BY_HASH[slot];
                if (name == null) {
                    return null;
                }
                if (name.length() == length && sameAscii(name, from)) {
                    return name;
                }
            }
        }

        private boolean sameAscii(String name, int from) {
            for (int k = 0; k < name.length(); k++) {
                if (in[from + k] != name.charAt(k)) {
                    return false;
                }
            }
            return true;
        }

        private String string() throws JsonParseException {
            int from = ++pos;
            int i = plainEnd(from);
            if (i < end && in[i] == '"') {
                pos = i + 1;
                return new String(in, from, i - from, StandardCharsets.ISO_8859_1);
            }
            return decodeString(from, i);
        }

        /** The slow path: escapes or non-ASCII from {@code i} on; {@code [from, i)} is plain ASCII. */
        private String decodeString(int from, int i) throws JsonParseException {
            char[] out = scratch(Math.max(16, 2 * (i - from)));
            int n = 0;
            for (int k = from; k < i; k++) {
                out[n++] = (char) in[k];
            }
            while (true) {
                if (i == end) {
                    throw syntax("unterminated string", i);
                }
                if (n + 2 > out.length) {
                    out = growScratch(n + 2);
                }
                int b = in[i] & 0xFF;
                if (b == '"') {
                    pos = i + 1;
                    return new String(out, 0, n);
                }
                if (b == '\\') {
                    i = escape(i, out, n);
                    // A surrogate pair escape produces two chars; everything else one.
                    n += Character.isHighSurrogate(out[n]) ? 2 : 1;
                } else if (b < 0x20) {
                    throw syntax("control character in string", i);
                } else if (b < 0x80) {
                    out[n++] = (char) b;
                    i++;
                } else {
                    int cp = utf8(i);
                    i += cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
                    if (cp < 0x10000) {
                        out[n++] = (char) cp;
                    } else {
                        out[n++] = Character.highSurrogate(cp);
                        out[n++] = Character.lowSurrogate(cp);
                    }
                }
            }
        }

        /** Decodes the escape at {@code i} into {@code out[n]} (and {@code out[n+1]}); returns the next index. */
        private int escape(int i, char[] out, int n) throws JsonParseException {
            if (i + 1 == end) {
                throw syntax("unterminated string", end);
            }
            byte e = in[i + 1];
            char c;
            switch (e) {
                case '"' -> c = '"';
                case '\\' -> c = '\\';
                case '/' -> c = '/';
                case 'b' -> c = '\b';
                case 'f' -> c = '\f';
                case 'n' -> c = '\n';
                case 'r' -> c = '\r';
                case 't' -> c = '\t';
                case 'u' -> {
                    char u = hex4(i + 2, i);
                    if (!Character.isSurrogate(u)) {
                        out[n] = u;
                        return i + 6;
                    }
                    if (Character.isHighSurrogate(u) && end - i >= 12 && in[i + 6] == '\\'
                            && in[i + 7] == 'u') {
                        char low = hex4(i + 8, i + 6);
                        if (Character.isLowSurrogate(low)) {
                            out[n] = u;
                            out[n + 1] = low;
                            return i + 12;
                        }
                    }
                    throw syntax("unpaired surrogate escape", i);
                }
                default -> throw syntax("invalid escape", i);
            }
            out[n] = c;
            return i + 2;
        }

        private char hex4(int at, int escapeAt) throws JsonParseException {
            if (end - at < 4) {
                throw syntax("invalid escape", escapeAt);
            }
            int v = 0;
            for (int k = at; k < at + 4; k++) {
                int h = hexValue(in[k]);
                if (h < 0) {
                    throw syntax("invalid escape", escapeAt);
                }
                v = (v << 4) | h;
            }
            return (char) v;
        }

        private static int hexValue(byte b) {
            if (b >= '0' && b <= '9') {
                return b - '0';
            }
            if (b >= 'a' && b <= 'f') {
                return b - 'a' + 10;
            }
            if (b >= 'A' && b <= 'F') {
                return b - 'A' + 10;
            }
            return -1;
        }

        /**
         * Decodes the multi-byte UTF-8 sequence at {@code i} (RFC 3629 Table 3-7: no overlong
         * forms, no surrogates, nothing above U+10FFFF).
         */
        private int utf8(int i) throws JsonParseException {
            int b0 = in[i] & 0xFF;
            if (b0 >= 0xC2 && b0 <= 0xDF) {
                return ((b0 & 0x1F) << 6) | continuation(i + 1, 0x80, 0xBF, i);
            }
            if (b0 >= 0xE0 && b0 <= 0xEF) {
                int lo = b0 == 0xE0 ? 0xA0 : 0x80;
                int hi = b0 == 0xED ? 0x9F : 0xBF;
                int b1 = continuation(i + 1, lo, hi, i);
                int b2 = continuation(i + 2, 0x80, 0xBF, i);
                return ((b0 & 0x0F) << 12) | (b1 << 6) | b2;
            }
            if (b0 >= 0xF0 && b0 <= 0xF4) {
                int lo = b0 == 0xF0 ? 0x90 : 0x80;
                int hi = b0 == 0xF4 ? 0x8F : 0xBF;
                int b1 = continuation(i + 1, lo, hi, i);
                int b2 = continuation(i + 2, 0x80, 0xBF, i);
                int b3 = continuation(i + 3, 0x80, 0xBF, i);
                return ((b0 & 0x07) << 18) | (b1 << 12) | (b2 << 6) | b3;
            }
            throw syntax("invalid UTF-8", i);
        }

        /** The low six bits of the continuation byte at {@code at}, which must lie in {@code [lo, hi]}. */
        private int continuation(int at, int lo, int hi, int sequenceAt) throws JsonParseException {
            if (at >= end) {
                throw syntax("invalid UTF-8", sequenceAt);
            }
            int b = in[at] & 0xFF;
            if (b < lo || b > hi) {
                throw syntax("invalid UTF-8", sequenceAt);
            }
            return b & 0x3F;
        }

        private char[] scratch(int capacity) {
            if (scratch == null || scratch.length < capacity) {
                scratch = new char[capacity];
            }
            return scratch;
        }

        private char[] growScratch(int needed) {
            char[] bigger = new char[Math.max(needed, scratch.length * 2)];
            System.arraycopy(scratch, 0, bigger, 0, scratch.length);
            scratch = bigger;
            return bigger;
        }

        private void skipWhitespace() {
            while (pos < end) {
                byte b = in[pos];
                // Above the space: the usual case (a token has no whitespace) in one comparison.
                if (b > ' ' || (b != ' ' && b != '\n' && b != '\r' && b != '\t')) {
                    return;
                }
                pos++;
            }
        }

        private static boolean isDigit(byte b) {
            return b >= '0' && b <= '9';
        }

        private JsonParseException syntax(String reason, int at) {
            return new JsonParseException(Kind.SYNTAX, reason, at - start);
        }
    }
}
