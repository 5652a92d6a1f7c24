package io.nohop.core.internal.json;

/** TEMPORARY STUB: replaced by branch {@code json}. */
public final class JsonParseException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Creates one. */
    public JsonParseException() {
        super("bad JSON", null, false, false);
    }
}
