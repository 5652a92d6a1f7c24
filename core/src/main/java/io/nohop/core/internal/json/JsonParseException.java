package io.nohop.core.internal.json;

/**
 * The input is not JSON that {@link StrictJson} accepts.
 *
 * <p>The message is a fixed description plus a byte offset; it never contains any of the input,
 * which is attacker-controlled. Malformed input is normal traffic for a token verifier, so no stack
 * trace is filled in.
 */
public final class JsonParseException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What class of rule the input broke. */
    public enum Kind {
        /** Not RFC 8259 JSON, invalid UTF-8, or a number that cannot be represented. */
        SYNTAX,
        /** An object names the same member twice (compared after unescaping). */
        DUPLICATE_MEMBER,
        /** Containers are nested deeper than the caller's limit. */
        TOO_DEEP,
        /** Well-formed JSON whose top-level value is not an object. */
        NOT_AN_OBJECT
    }

    private final Kind kind;
    private final int offset;

    JsonParseException(Kind kind, String reason, int offset) {
        super(reason + " at offset " + offset, null, false, false);
        this.kind = kind;
        this.offset = offset;
    }

    /**
     * What class of rule the input broke.
     *
     * @return the kind; never null
     */
    public Kind kind() {
        return kind;
    }

    /**
     * Where the problem was found, counted in bytes from the start of the JSON text (not from the
     * start of the array it was passed in).
     *
     * @return a byte offset, at least 0 and at most the length of the text
     */
    public int offset() {
        return offset;
    }
}
