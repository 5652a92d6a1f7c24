package io.nohop.core.internal.json;

import com.nimbusds.jose.util.JSONObjectUtils;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** TEMPORARY STUB (lenient, via Nimbus): the strict parser from branch {@code json} replaces this file. */
public final class StrictJson {
    /** JSON null. */
    public static final Object NULL = new Object();

    private StrictJson() {
    }

    /**
     * @param utf8 bytes
     * @param maxDepth ignored by the stub
     * @return the object
     * @throws JsonParseException on bad JSON
     */
    public static Map<String, Object> parseObject(byte[] utf8, int maxDepth) throws JsonParseException {
        return parseObject(utf8, 0, utf8.length, maxDepth);
    }

    /**
     * @param utf8 bytes
     * @param off offset
     * @param len length
     * @param maxDepth ignored by the stub
     * @return the object
     * @throws JsonParseException on bad JSON
     */
    public static Map<String, Object> parseObject(byte[] utf8, int off, int len, int maxDepth)
            throws JsonParseException {
        try {
            return JSONObjectUtils.parse(new String(utf8, off, len, StandardCharsets.UTF_8));
        } catch (java.text.ParseException | RuntimeException e) {
            throw new JsonParseException();
        }
    }

    /**
     * @param value a value
     * @return compact JSON
     */
    public static String writeCompact(Object value) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) value;
        return JSONObjectUtils.toJSONString(map);
    }
}
