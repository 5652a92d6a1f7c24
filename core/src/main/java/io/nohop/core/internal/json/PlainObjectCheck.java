package io.nohop.core.internal.json;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A one-pass check for the shape nearly every token payload has, ahead of {@link StrictJson}'s full check on the
 * path where a token is rejected before its claims are read (an unknown kid): a compact object whose members are
 * plain strings, integers, literals or flat arrays of those. It only ever says "valid" or "not decided here":
 * anything else (whitespace, an escape, a byte outside printable ASCII, a fraction or exponent, a nested object or
 * array, more than {@value #MAX_MEMBERS} members, any syntax error) is left to the full check, which decides it
 * as before. So it can only make a valid payload cheaper to check; a property holds it to the full check's verdict.
 *
 * <p>Why a second pass at all: the full check serves every JSON text (escapes, UTF-8, nesting, numbers of any form,
 * a thousand members) through one recursive parser whose position lives in a field; this one keeps everything in
 * locals over one loop, which on a typical 355-byte payload is most of that rejection's cost.
 */
final class PlainObjectCheck {
    /** Up to this many members are compared pairwise for duplicates; more are left to the full check. */
    static final int MAX_MEMBERS = 16;
    /** Integers up to this many digits are taken here (a NumericDate has 10); longer ones go to the full check. */
    private static final int MAX_DIGITS = 18;
    /** The result "not decided here". */
    static final Object UNDECIDED = new Object();
    /** The result "valid, and the member asked for is not a string (or absent)". */
    static final Object VALID = new Object();

    private PlainObjectCheck() {
    }

    /**
     * Checks {@code in[from, to)}.
     *
     * @param in the text
     * @param from its first byte
     * @param to the index after its last
     * @param member a top-level member whose string value to return, or null
     * @return {@link #UNDECIDED}; or, for a valid object, the member's value when it is a string, else {@link #VALID}
     */
    static Object check(byte[] in, int from, int to, String member) {
        if (to - from < 2 || in[from] != '{' || in[to - 1] != '}') {
            return UNDECIDED;
        }
        int i = from + 1;
        if (i == to - 1) {
            return VALID;
        }
        long[] names = null;
        int count = 0;
        long hashBits = 0;
        Object found = VALID;
        while (true) {
            // A member name: plain printable ASCII between quotes.
            if (in[i] != '"') {
                return UNDECIDED;
            }
            int nameFrom = i + 1;
            int nameEnd = plainStringEnd(in, nameFrom, to);
            if (nameEnd < 0 || nameEnd + 1 >= to || in[nameEnd + 1] != ':') {
                return UNDECIDED;
            }
            int length = nameEnd - nameFrom;
            int hash = length == 0 ? 0 : (length * 31 + in[nameFrom]) * 31 + in[nameEnd - 1];
            long bit = 1L << (hash & 63);
            if ((hashBits & bit) != 0 && seen(in, names, count, nameFrom, nameEnd)) {
                return UNDECIDED;
            }
            hashBits |= bit;
            if (count == MAX_MEMBERS) {
                return UNDECIDED;
            }
            if (names == null) {
                names = new long[MAX_MEMBERS];
            }
            names[count++] = (long) nameFrom << 32 | nameEnd;
            // Its value.
            i = nameEnd + 2;
            if (i >= to) {
                return UNDECIDED;
            }
            boolean wanted = member != null && sameAscii(member, in, nameFrom, nameEnd);
            if (in[i] == '"') {
                int valueEnd = plainStringEnd(in, i + 1, to);
                if (valueEnd < 0) {
                    return UNDECIDED;
                }
                if (wanted) {
                    found = new String(in, i + 1, valueEnd - i - 1, StandardCharsets.ISO_8859_1);
                }
                i = valueEnd + 1;
            } else {
                if (wanted) {
                    found = VALID;
                }
                i = in[i] == '[' ? flatArrayEnd(in, i + 1, to) : scalarEnd(in, i, to);
                if (i < 0) {
                    return UNDECIDED;
                }
            }
            // What follows it: another member, or the end of the object (and of the text).
            if (i >= to) {
                return UNDECIDED;
            }
            if (in[i] == '}') {
                return i == to - 1 ? found : UNDECIDED;
            }
            if (in[i] != ',') {
                return UNDECIDED;
            }
            i++;
            if (i >= to) {
                return UNDECIDED;
            }
        }
    }

    /** Whether the plain name {@code in[from, end)} is among the first {@code count} names. */
    private static boolean seen(byte[] in, long[] names, int count, int from, int end) {
        for (int k = 0; k < count; k++) {
            long span = names[k];
            if (Arrays.equals(in, from, end, in, (int) (span >>> 32), (int) span)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code text} equals the plain ASCII text {@code in[from, end)} (also the full check's comparison). */
    static boolean sameAscii(String text, byte[] in, int from, int end) {
        if (text.length() != end - from) {
            return false;
        }
        for (int k = 0; k < text.length(); k++) {
            if (text.charAt(k) != in[from + k]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The index of the closing quote of a string whose text starts at {@code i}, when every byte before it is
     * printable ASCII other than a backslash; else -1.
     */
    private static int plainStringEnd(byte[] in, int i, int to) {
        while (i < to) {
            byte b = in[i];
            if (b == '"') {
                return i;
            }
            if (b < 0x20 || b > 0x7E || b == '\\') {
                return -1;
            }
            i++;
        }
        return -1;
    }

    /** After a flat array's {@code [}: the index after its {@code ]}, or -1. */
    private static int flatArrayEnd(byte[] in, int i, int to) {
        if (i < to && in[i] == ']') {
            return i + 1;
        }
        while (i < to) {
            if (in[i] == '"') {
                int end = plainStringEnd(in, i + 1, to);
                if (end < 0) {
                    return -1;
                }
                i = end + 1;
            } else {
                i = scalarEnd(in, i, to);
                if (i < 0) {
                    return -1;
                }
            }
            if (i >= to) {
                return -1;
            }
            if (in[i] == ']') {
                return i + 1;
            }
            if (in[i] != ',') {
                return -1;
            }
            i++;
        }
        return -1;
    }

    /** An integer ({@code -?(0|[1-9][0-9]*)}, at most {@value #MAX_DIGITS} digits) or literal at {@code i}: the index after it, or -1. */
    private static int scalarEnd(byte[] in, int i, int to) {
        byte b = in[i];
        if (b == 't') {
            return literalEnd(in, i, to, "true");
        }
        if (b == 'f') {
            return literalEnd(in, i, to, "false");
        }
        if (b == 'n') {
            return literalEnd(in, i, to, "null");
        }
        int at = b == '-' ? i + 1 : i;
        if (at >= to || in[at] < '0' || in[at] > '9') {
            return -1;
        }
        int digitsFrom = at;
        if (in[at] == '0') {
            at++;
        } else {
            while (at < to && in[at] >= '0' && in[at] <= '9') {
                at++;
            }
        }
        if (at - digitsFrom > MAX_DIGITS || at >= to) {
            return -1;
        }
        byte next = in[at];
        // A fraction or exponent (or a second leading zero) is the full check's to decide.
        return next == ',' || next == '}' || next == ']' ? at : -1;
    }

    private static int literalEnd(byte[] in, int i, int to, String literal) {
        int end = i + literal.length();
        if (end > to) {
            return -1;
        }
        for (int k = 0; k < literal.length(); k++) {
            if (in[i + k] != literal.charAt(k)) {
                return -1;
            }
        }
        return end;
    }
}
