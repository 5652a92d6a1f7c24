package io.nohop.keys.internal;

/**
 * Makes text read from files or the network safe to put in a one-line message: control and
 * non-ASCII characters become {@code ?}, and it is cut at 120 characters.
 */
public final class LogSafe {

    private static final int MAX = 120;

    private LogSafe() {
    }

    /**
     * The printable form of some untrusted text.
     *
     * @param text untrusted text
     * @return at most 120 printable ASCII characters (plus an ellipsis when cut)
     */
    public static String text(String text) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length() && i < MAX; i++) {
            char c = text.charAt(i);
            sb.append(c < 0x20 || c > 0x7e ? '?' : c);
        }
        return text.length() > MAX ? sb + "..." : sb.toString();
    }
}
