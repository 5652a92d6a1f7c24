package io.nohop.keys.internal;

/**
 * Makes text read from files or the network safe to put in a one-line message or a table key: control
 * and non-ASCII characters become {@code ?}, and the length is capped. The one place keys does this
 * (log lines, error messages, the endpoint's access log and instance names, {@code nohop status}).
 */
public final class LogSafe {

    private static final int MAX = 120;

    private LogSafe() {
    }

    /**
     * The printable form of some untrusted text, cut at 120 characters with an ellipsis.
     *
     * @param text untrusted text; null reads as empty
     * @return at most 120 printable ASCII characters (plus an ellipsis when cut)
     */
    public static String text(String text) {
        String shown = printable(text, MAX);
        return text != null && text.length() > MAX ? shown + "..." : shown;
    }

    /**
     * Printable ASCII only (anything else becomes {@code ?}), at most {@code max} characters, cut
     * without a mark.
     *
     * @param text untrusted text; null reads as empty
     * @param max the longest result
     * @return the safe text
     */
    public static String printable(String text, int max) {
        if (text == null) {
            return "";
        }
        int end = Math.min(text.length(), max);
        StringBuilder out = new StringBuilder(end);
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            out.append(c < 0x20 || c > 0x7e ? '?' : c);
        }
        return out.toString();
    }
}
