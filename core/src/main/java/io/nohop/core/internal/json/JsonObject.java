package io.nohop.core.internal.json;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A JSON object as {@link StrictJson} returns it: unmodifiable, members in input order, held in two
 * arrays (names, values) with each name's hash — no entry objects, no hash table to fill, because a
 * token's claims are read a dozen times and written once, per request. {@link #get} compares hashes in
 * order, then the name; an object of more than {@value #LINEAR_MEMBERS} members (a hostile one) gets a
 * hash index, so a lookup never costs more than a constant.
 *
 * <p>Thread-safe once built (final arrays, never written after construction). Equality and hash code are
 * those of {@link Map}.
 */
final class JsonObject extends AbstractMap<String, Object> {
    static final int LINEAR_MEMBERS = 16;
    static final JsonObject EMPTY = new JsonObject(new String[0], new Object[0], new int[0]);

    private final String[] names;
    private final Object[] values;
    private final int[] hashes;
    private final Map<String, Integer> index;

    /** @param names distinct member names; {@code hashes[i] == names[i].hashCode()} (arrays are kept, not copied) */
    JsonObject(String[] names, Object[] values, int[] hashes) {
        this.names = names;
        this.values = values;
        this.hashes = hashes;
        if (names.length > LINEAR_MEMBERS) {
            Map<String, Integer> map = new HashMap<>(names.length * 2);
            for (int i = 0; i < names.length; i++) {
                map.put(names[i], i);
            }
            this.index = map;
        } else {
            this.index = null;
        }
    }

    private int indexOf(Object key) {
        if (!(key instanceof String)) {
            return -1;
        }
        if (index != null) {
            Integer i = index.get(key);
            return i == null ? -1 : i;
        }
        int hash = key.hashCode();
        for (int i = 0; i < names.length; i++) {
            if (hashes[i] == hash && (names[i] == key || names[i].equals(key))) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public Object get(Object key) {
        int i = indexOf(key);
        return i < 0 ? null : values[i];
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    public int size() {
        return names.length;
    }

    @Override
    public boolean isEmpty() {
        return names.length == 0;
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super Object> action) {
        for (int i = 0; i < names.length; i++) {
            action.accept(names[i], values[i]);
        }
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < names.length;
                    }

                    @Override
                    public Entry<String, Object> next() {
                        if (next >= names.length) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new SimpleImmutableEntry<>(names[i], values[i]);
                    }
                };
            }

            @Override
            public int size() {
                return names.length;
            }
        };
    }
}
