package io.nohop.core;

/** Makes text that came from outside (kids, claim values) safe to put in a log line. */
final class LogText {
    private static final int MAX = 64;

    private LogText() {
    }

    /**
     * @param text untrusted text, or null
     * @return the text in quotes, control and non-ASCII characters escaped, cut to 64 characters
     */
    static String quote(String text) {
        if (text == null) {
            return "(none)";
        }
        StringBuilder sb = new StringBuilder(Math.min(text.length(), MAX) + 8).append('"');
        for (int i = 0; i < text.length() && i < MAX; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (text.length() > MAX) {
            sb.append("...");
        }
        return sb.append('"').toString();
    }
}
