package io.nohop.core.internal.jws;

/**
 * Strict base64url (RFC 4648 §5) without padding, as JWS compact serialization requires: only
 * {@code [A-Za-z0-9_-]}, no padding, no whitespace, and the unused bits of the last character must be
 * zero, so that every byte string has exactly one accepted encoding.
 */
public final class Base64Url {
    private static final byte[] DECODE = new byte[128];

    static {
        java.util.Arrays.fill(DECODE, (byte) -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < alphabet.length(); i++) {
            DECODE[alphabet.charAt(i)] = (byte) i;
        }
    }

    private Base64Url() {
    }

    /**
     * @param c a character
     * @return true when {@code c} is in the base64url alphabet
     */
    public static boolean isAlphabet(char c) {
        return c < 128 && DECODE[c] >= 0;
    }

    /**
     * Decodes {@code s[from, to)}.
     *
     * @param s the text (already known to be ASCII)
     * @param from first index
     * @param to index after the last
     * @return the bytes, or null when the text is not canonical strict base64url
     */
    public static byte[] decode(String s, int from, int to) {
        int length = to - from;
        int remainder = length & 3;
        if (remainder == 1) {
            return null;
        }
        int fullQuads = length >> 2;
        byte[] out = new byte[fullQuads * 3 + (remainder == 0 ? 0 : remainder - 1)];
        int in = from;
        int o = 0;
        for (int q = 0; q < fullQuads; q++) {
            int a = value(s.charAt(in));
            int b = value(s.charAt(in + 1));
            int c = value(s.charAt(in + 2));
            int d = value(s.charAt(in + 3));
            if ((a | b | c | d) < 0) {
                return null;
            }
            int bits = a << 18 | b << 12 | c << 6 | d;
            out[o] = (byte) (bits >> 16);
            out[o + 1] = (byte) (bits >> 8);
            out[o + 2] = (byte) bits;
            in += 4;
            o += 3;
        }
        if (remainder == 2) {
            int a = value(s.charAt(in));
            int b = value(s.charAt(in + 1));
            if ((a | b) < 0 || (b & 0x0f) != 0) {
                return null;
            }
            out[o] = (byte) (a << 2 | b >> 4);
        } else if (remainder == 3) {
            int a = value(s.charAt(in));
            int b = value(s.charAt(in + 1));
            int c = value(s.charAt(in + 2));
            if ((a | b | c) < 0 || (c & 0x03) != 0) {
                return null;
            }
            int bits = a << 12 | b << 6 | c;
            out[o] = (byte) (bits >> 10);
            out[o + 1] = (byte) (bits >> 2);
        }
        return out;
    }

    private static int value(char c) {
        return c < 128 ? DECODE[c] : -1;
    }
}
