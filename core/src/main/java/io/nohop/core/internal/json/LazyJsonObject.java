package io.nohop.core.internal.json;

import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;

/**
 * A JSON object already checked by {@link StrictJson#validateObjectReading}, parsed the first time it is read:
 * a token's header is needed in full only once its signature verified (and a token rejected before that, e.g.
 * for an unknown kid, never pays for building it). Equal to what {@link StrictJson#parseObject} returns.
 *
 * <p>Thread-safe: the parsed object is immutable and published through a volatile field; two threads reading
 * it first may each parse it, and either result is used.
 */
final class LazyJsonObject extends AbstractMap<String, Object> {
    private final byte[] json;
    private final int maxDepth;
    private volatile Map<String, Object> parsed;

    /** @param json checked JSON text (kept, not copied: the caller no longer changes it) */
    LazyJsonObject(byte[] json, int maxDepth) {
        this.json = json;
        this.maxDepth = maxDepth;
    }

    private Map<String, Object> parsed() {
        Map<String, Object> map = parsed;
        if (map == null) {
            try {
                map = StrictJson.parseObject(json, maxDepth);
            } catch (JsonParseException e) {
                throw new IllegalStateException("a JSON text checked before no longer parses", e);
            }
            parsed = map;
        }
        return map;
    }

    @Override
    public Object get(Object key) {
        return parsed().get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return parsed().containsKey(key);
    }

    @Override
    public int size() {
        return parsed().size();
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return parsed().entrySet();
    }
}
