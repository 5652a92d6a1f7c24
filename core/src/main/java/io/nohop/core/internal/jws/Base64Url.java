package io.nohop.core.internal.jws;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Strict base64url (RFC 4648 §5) without padding, as JWS compact serialization requires: only
 * {@code [A-Za-z0-9_-]}, no padding, no whitespace, and the unused bits of the last character must be
 * zero, so that every byte string has exactly one accepted encoding.
 *
 * <p>It reads the token's Latin-1 bytes, which the signature check needs anyway (a character above U+00FF
 * copies as {@code ?}), one {@code int} per group of four (a third faster than four {@code String.charAt}
 * calls), through 256-entry tables: no branch per character beyond the table reads, and a rejection at the
 * first bad group of four. Every byte outside the alphabet (0x80-0xFF included) reads the sign bit, so
 * nothing non-ASCII can pass.
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
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INTS_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

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
     * Decodes {@code ascii[from, to)}.
     *
     * @param ascii the text as Latin-1 bytes ({@code String.getBytes(ISO_8859_1)}: a character above U+00FF
     *              copies as {@code ?}, which is outside the alphabet)
     * @param from first index
     * @param to index after the last
     * @return the bytes, or null when the text is not canonical strict base64url
     */
    public static byte[] decode(byte[] ascii, int from, int to) {
        int length = to - from;
        int remainder = length & 3;
        if (remainder == 1) {
            return null;
        }
        int fullQuads = length >> 2;
        byte[] out = new byte[fullQuads * 3 + (remainder == 0 ? 0 : remainder - 1)];
        // Every full group but the last: its three bytes as one big-endian int store, whose fourth byte the next
        // group overwrites (a fifth faster than three byte stores); the last full group byte by byte.
        for (int q = 0; q < fullQuads - 1; q++) {
            int bits = group(ascii, from + 4 * q);
            if (bits < 0) {
                return null;
            }
            INTS.set(out, 3 * q, bits << 8);
        }
        if (fullQuads > 0) {
            int bits = group(ascii, from + 4 * (fullQuads - 1));
            if (bits < 0) {
                return null;
            }
            storeLast(out, 3 * (fullQuads - 1), bits);
        }
        // The last 2 or 3 characters: 1 or 2 bytes, and the unused low bits must be zero (one encoding only).
        int i = from + 4 * fullQuads;
        int o = 3 * fullQuads;
        if (remainder == 2) {
            int a = DECODE[ascii[i] & 0xff];
            int b = DECODE[ascii[i + 1] & 0xff];
            if ((a | b) < 0 || (b & 0x0f) != 0) {
                return null;
            }
            out[o] = (byte) (a << 2 | b >> 4);
        } else if (remainder == 3) {
            int a = DECODE[ascii[i] & 0xff];
            int b = DECODE[ascii[i + 1] & 0xff];
            int c = DECODE[ascii[i + 2] & 0xff];
            if ((a | b | c) < 0 || (c & 0x03) != 0) {
                return null;
            }
            int bits = a << 12 | b << 6 | c;
            out[o] = (byte) (bits >> 10);
            out[o + 1] = (byte) (bits >> 2);
        }
        return out;
    }

    /**
     * The 24 bits of the four bytes at {@code i}, read as one little-endian int, or a negative number when one is
     * outside the alphabet.
     */
    private static int group(byte[] ascii, int i) {
        int w = (int) INTS_LE.get(ascii, i);
        return AT18[w & 0xff] | AT12[(w >>> 8) & 0xff] | AT6[(w >>> 16) & 0xff] | AT0[w >>> 24];
    }

    private static void storeLast(byte[] out, int o, int bits) {
        out[o] = (byte) (bits >> 16);
        out[o + 1] = (byte) (bits >> 8);
        out[o + 2] = (byte) bits;
    }

    /**
     * Whether {@code ascii[from, to)} is canonical strict base64url, without decoding it (no allocation): a
     * token's signature is only decoded once a key is found for it.
     *
     * @param ascii the text as Latin-1 bytes
     * @param from first index
     * @param to index after the last
     * @return true when {@link #decode(byte[], int, int)} would succeed
     */
    public static boolean isCanonical(byte[] ascii, int from, int to) {
        int length = to - from;
        int remainder = length & 3;
        if (remainder == 1) {
            return false;
        }
        int fullEnd = to - remainder;
        int acc = 0;
        for (int i = from; i < fullEnd; i++) {
            acc |= DECODE[ascii[i] & 0xff];
        }
        if (acc < 0) {
            return false;
        }
        if (remainder == 2) {
            int b = DECODE[ascii[fullEnd + 1] & 0xff];
            return (DECODE[ascii[fullEnd] & 0xff] | b) >= 0 && (b & 0x0f) == 0;
        }
        if (remainder == 3) {
            int c = DECODE[ascii[fullEnd + 2] & 0xff];
            return (DECODE[ascii[fullEnd] & 0xff] | DECODE[ascii[fullEnd + 1] & 0xff] | c) >= 0 && (c & 0x03) == 0;
        }
        return true;
    }
}
