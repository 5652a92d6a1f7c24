package io.nohop.core.internal.jws;

import java.util.Arrays;

/**
 * Strict base64url (RFC 4648 §5) without padding, as JWS compact serialization requires: only
 * {@code [A-Za-z0-9_-]}, no padding, no whitespace, and the unused bits of the last character must be
 * zero, so that every byte string has exactly one accepted encoding.
 *
 * <p>The token path reads the token's bytes (one {@code getBytes(ISO_8859_1)} copy, which the signature
 * check needs anyway) through a 256-entry table: no range check or branch per character beyond the one
 * table read, and a rejection at the first bad group of four. Characters above U+00FF become {@code ?}
 * in that copy, which is outside the alphabet, so nothing non-ASCII can pass.
 */
public final class Base64Url {
    // -1 for every byte outside the alphabet (all of 0x80-0xFF included).
    private static final int[] DECODE = new int[256];
    // The same values already shifted to their place in a group of four, and the sign bit for a byte outside
    // the alphabet: one OR of four reads gives the group's 24 bits, and a negative result means "not base64url".
    private static final int[] AT18 = new int[256];
    private static final int[] AT12 = new int[256];
    private static final int[] AT6 = new int[256];
    private static final int[] AT0 = new int[256];

    static {
        Arrays.fill(DECODE, -1);
        for (int[] table : new int[][] {AT18, AT12, AT6, AT0}) {
            Arrays.fill(table, Integer.MIN_VALUE);
        }
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < alphabet.length(); i++) {
            char c = alphabet.charAt(i);
            DECODE[c] = i;
            AT18[c] = i << 18;
            AT12[c] = i << 12;
            AT6[c] = i << 6;
            AT0[c] = i;
        }
    }

    private Base64Url() {
    }

    /**
     * @param c a character
     * @return true when {@code c} is in the base64url alphabet
     */
    public static boolean isAlphabet(char c) {
        return c < 256 && DECODE[c] >= 0;
    }

    /**
     * Decodes {@code s[from, to)}.
     *
     * @param s the text
     * @param from first index
     * @param to index after the last
     * @return the bytes, or null when the text is not canonical strict base64url
     */
    public static byte[] decode(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) > 0x7f) {
                return null;
            }
        }
        byte[] ascii = s.substring(from, to).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        return decode(ascii, 0, ascii.length);
    }

    /**
     * Decodes {@code in[from, to)}.
     *
     * @param in the bytes of the text (Latin-1)
     * @param from first index
     * @param to index after the last
     * @return the bytes, or null when the text is not canonical strict base64url
     */
    public static byte[] decode(byte[] in, int from, int to) {
        int length = to - from;
        int remainder = length & 3;
        if (remainder == 1) {
            return null;
        }
        int fullQuads = length >> 2;
        byte[] out = new byte[fullQuads * 3 + (remainder == 0 ? 0 : remainder - 1)];
        int i = from;
        int o = 0;
        for (int q = 0; q < fullQuads; q++) {
            int bits = AT18[in[i] & 0xff] | AT12[in[i + 1] & 0xff] | AT6[in[i + 2] & 0xff] | AT0[in[i + 3] & 0xff];
            if (bits < 0) {
                return null;
            }
            out[o] = (byte) (bits >> 16);
            out[o + 1] = (byte) (bits >> 8);
            out[o + 2] = (byte) bits;
            i += 4;
            o += 3;
        }
        return lastGroup(in, i, remainder, out, o) ? out : null;
    }

    /**
     * Whether {@code in[from, to)} is canonical strict base64url, without decoding it (no allocation): a
     * token's signature is only decoded once a key is found for it.
     *
     * @param in the bytes of the text (Latin-1)
     * @param from first index
     * @param to index after the last
     * @return true when {@link #decode(byte[], int, int)} would succeed
     */
    public static boolean isCanonical(byte[] in, int from, int to) {
        int length = to - from;
        int remainder = length & 3;
        if (remainder == 1) {
            return false;
        }
        int fullEnd = to - remainder;
        int acc = 0;
        for (int i = from; i < fullEnd; i++) {
            acc |= DECODE[in[i] & 0xff];
        }
        return acc >= 0 && lastGroup(in, fullEnd, remainder, null, 0);
    }

    /** The last two or three characters: in the alphabet, with the unused low bits zero; written to {@code out} if given. */
    private static boolean lastGroup(byte[] in, int i, int remainder, byte[] out, int o) {
        if (remainder == 2) {
            int a = DECODE[in[i] & 0xff];
            int b = DECODE[in[i + 1] & 0xff];
            if ((a | b) < 0 || (b & 0x0f) != 0) {
                return false;
            }
            if (out != null) {
                out[o] = (byte) (a << 2 | b >> 4);
            }
        } else if (remainder == 3) {
            int a = DECODE[in[i] & 0xff];
            int b = DECODE[in[i + 1] & 0xff];
            int c = DECODE[in[i + 2] & 0xff];
            if ((a | b | c) < 0 || (c & 0x03) != 0) {
                return false;
            }
            if (out != null) {
                int bits = a << 12 | b << 6 | c;
                out[o] = (byte) (bits >> 10);
                out[o + 1] = (byte) (bits >> 2);
            }
        }
        return true;
    }
}
