package io.nohop.core.internal;

/**
 * Makes endpoint-provided text (kids) safe to put in a log line: control and line-separator
 * characters cannot forge log entries, and the length is capped so a hostile key set cannot flood
 * the log.
 */
public final class LogText {
    /** The longest text kept by {@link #escape(String)}. */
    public static final int MAX_LENGTH = 64;

    private LogText() {
    }

    /**
     * Returns printable text of at most {@value #MAX_LENGTH} characters plus an ellipsis.
     *
     * @param text untrusted text, may be null
     * @return printable text of at most {@value #MAX_LENGTH} characters plus an ellipsis
     */
    public static String escape(String text) {
        return escape(text, MAX_LENGTH);
    }

    /**
     * Returns printable text of at most {@code maxLength} characters plus an ellipsis.
     *
     * @param text untrusted text, may be null
     * @param maxLength the longest text kept
     * @return printable text of at most {@code maxLength} characters plus an ellipsis
     */
    public static String escape(String text, int maxLength) {
        if (text == null) {
            return "(none)";
        }
        int end = Math.min(text.length(), maxLength);
        StringBuilder out = new StringBuilder(end + 3);
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            boolean unsafe = Character.isISOControl(c) || c == '\u2028' || c == '\u2029'
                    || Character.getType(c) == Character.FORMAT || Character.isSurrogate(c);
            out.append(unsafe ? '?' : c);
        }
        if (text.length() > maxLength) {
            out.append("...");
        }
        return out.toString();
    }
}
