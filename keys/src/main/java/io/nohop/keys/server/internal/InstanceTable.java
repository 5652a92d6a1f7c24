package io.nohop.keys.server.internal;

import io.nohop.keys.internal.LogSafe;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * Which verifier instance polled the key set when, what it presented and what it was sent: a
 * bounded table, least recently polled evicted first.
 *
 * <p>Every name here came off the wire, so it is attacker text: {@link #nameOf} caps it at
 * {@value #MAX_NAME_LENGTH} characters of printable ASCII before it becomes a key, and the table never
 * holds more than its capacity. Memory is therefore bounded whatever names a client makes up (151
 * bytes per entry measured with default 8-character names, 15.2 MB at the default 100,000, the poll log
 * included; names cut at 64 characters add about 56 bytes each, so under 25 MB however they are chosen). A flood of made-up
 * names can push real instances out of the table; the status it feeds is advisory, never an input to any decision the
 * endpoint makes.
 *
 * <p>Thread-safe: one lock around a {@link HashMap} and a log of polls in poll order. A poll costs one hash lookup
 * (none when the caller hands back the instance's {@link Entry}) and one append to the log, under the lock;
 * nothing here allocates per poll once an instance is known (the log grows by doubling until it settles). Least
 * recently polled first is read from the log: an entry's latest slot in it is its place; its older slots still
 * name it but are stale (the entry records where its latest slot is), and when they make up half the log they are
 * dropped in one pass. Clearing the old slot at each poll would be one more write to a random place in a large
 * array: a cache miss per poll at 100,000 instances. A {@code LinkedHashMap} in access order gives the same order,
 * but relinks each polled entry between its neighbours: three more scattered writes per poll, which at 100,000
 * instances are three cache misses (measured in the fleet simulation, issue 11).
 */
public final class InstanceTable {
    /** The longest instance name kept (longer names are cut). */
    public static final int MAX_NAME_LENGTH = 64;

    /** What the instance presented as {@code If-None-Match}, classified against the publications served. */
    public static final int PRESENTED_NONE = -1;
    /** It presented a validator this server never sent (or no longer remembers). */
    public static final int PRESENTED_UNKNOWN = -2;

    private final int capacity;
    private final HashMap<String, Entry> entries;
    // The poll log, oldest first, as a ring of entries whose length is a power of two: each entry's latest
    // poll is at the slot it records (Entry.slot); the slots of its earlier polls still name it and are
    // stale. So the live slots (live(i)) are the entries in poll order, and dropping the stale ones (when the
    // ring is full) touches only the ring and the entries it moves. An entry is evicted only from its own
    // latest slot at the head, after every older slot of it: no slot ever names an evicted entry.
    private Entry[] log = new Entry[16];
    private int logHead;
    private int logSize;

    /**
     * One instance's last poll, as {@link #record} returns it: opaque to callers, mutated under the table's lock only.
     * A caller that knows which instance polls again may hand it back to {@link #recordAgain}, which then skips the
     * name lookup (the fleet simulation, where each simulated verifier polls as itself; a server cannot tell who
     * polls without reading the name).
     */
    public static final class Entry {
        private final String name;
        private final boolean named;
        /** Its slot in the log: where its latest poll is recorded; -1 once evicted. */
        private int slot = -1;
        private long lastPollMillis;
        private long previousPollMillis = -1;
        private long presentedGeneration;
        private long sentGeneration;

        private Entry(String name, boolean named) {
            this.name = name;
            this.named = named;
        }
    }

    /**
     * What a caller may see of one entry: a copy.
     *
     * @param name the instance name (capped, printable ASCII)
     * @param named whether the client named itself ({@code Nohop-Instance}) or is keyed by address and user agent
     * @param lastPollMillis epoch millis of its last poll
     * @param previousPollMillis epoch millis of the poll before, or -1
     * @param presentedGeneration the generation whose validator it presented, {@link #PRESENTED_NONE} or {@link #PRESENTED_UNKNOWN}
     * @param sentGeneration the generation it holds after its last poll (sent in full or confirmed by 304)
     */
    public record Row(String name, boolean named, long lastPollMillis, long previousPollMillis,
                      long presentedGeneration, long sentGeneration) {
        /**
         * Returns the time between its last two polls in millis, or -1 if it polled once.
         *
         * @return the time between its last two polls in millis, or -1 if it polled once
         */
        public long pollIntervalMillis() {
            return previousPollMillis < 0 ? -1 : lastPollMillis - previousPollMillis;
        }
    }

    /**
     * Creates an empty table.
     *
     * @param capacity the most entries held; the least recently polled is evicted beyond it
     */
    public InstanceTable(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.capacity = capacity;
        this.entries = new HashMap<>(Math.min(capacity, 1024) * 2);
    }

    /**
     * The table key for a poll: the {@code Nohop-Instance} header if the client sent one, else its
     * address and user agent (so that verifiers without the header, such as other JWKS clients, still
     * show up, one entry per host and client kind).
     *
     * @param instanceHeader the {@code Nohop-Instance} header, or null
     * @param remoteAddress the client's address text
     * @param userAgent the {@code User-Agent} header, or null
     * @return the capped, printable key
     */
    public static String nameOf(String instanceHeader, String remoteAddress, String userAgent) {
        if (instanceHeader != null && !instanceHeader.isBlank()) {
            return LogSafe.printable(instanceHeader.strip(), MAX_NAME_LENGTH);
        }
        return LogSafe.printable(remoteAddress + " " + (userAgent == null || userAgent.isBlank() ? "-" : userAgent.strip()),
                MAX_NAME_LENGTH);
    }

    /**
     * Records a poll.
     *
     * @param name the key from {@link #nameOf}
     * @param named whether the client named itself
     * @param nowMillis when
     * @param presentedGeneration what it presented
     * @param sentGeneration what it holds now
     * @return the instance's entry, for {@link #recordAgain}
     */
    public Entry record(String name, boolean named, long nowMillis, long presentedGeneration, long sentGeneration) {
        synchronized (entries) {
            Entry e = entries.get(name);
            if (e == null) {
                e = new Entry(name, named);
                entries.put(name, e);
            } else {
                e.previousPollMillis = e.lastPollMillis;
            }
            polled(e, nowMillis, presentedGeneration, sentGeneration);
            return e;
        }
    }

    /**
     * Records another poll of the instance {@code known} stands for: the same as {@link #record} with its name and
     * {@code named}, without looking the name up while the entry is still held. An entry this table has evicted since,
     * or one from another table, is looked up by its name as {@link #record} does (a new entry if the name is not held).
     *
     * @param known what {@link #record} or this method returned for the instance
     * @param nowMillis when
     * @param presentedGeneration what it presented
     * @param sentGeneration what it holds now
     * @return the instance's entry now: {@code known}, or the one that replaced it
     */
    public Entry recordAgain(Entry known, long nowMillis, long presentedGeneration, long sentGeneration) {
        synchronized (entries) {
            // Held by this table exactly when its latest slot here names it: an evicted entry has no slot, and another
            // table's entry is not in this log (a read of the ring instead of a field per entry in every server's table).
            int at = known.slot;
            if (at < 0 || at >= log.length || log[at] != known) {
                return record(known.name, known.named, nowMillis, presentedGeneration, sentGeneration);
            }
            known.previousPollMillis = known.lastPollMillis;
            polled(known, nowMillis, presentedGeneration, sentGeneration);
            return known;
        }
    }

    // Under the lock: the poll's values, its slot at the log's end, and the bound.
    private void polled(Entry e, long nowMillis, long presentedGeneration, long sentGeneration) {
        e.lastPollMillis = nowMillis;
        e.presentedGeneration = presentedGeneration;
        e.sentGeneration = sentGeneration;
        append(e);
        while (entries.size() > capacity) {
            evictLeastRecentlyPolled();
        }
    }

    private void append(Entry e) {
        if (logSize == log.length) {
            // Full: drop the stale slots if they are at least half of it, else grow. Either way amortised O(1)
            // per poll, and the ring stays within about four times the entries.
            if (logSize >= 2 * entries.size()) {
                rebuild(log.length);
            } else {
                rebuild(log.length * 2);
            }
        }
        int at = (logHead + logSize) & (log.length - 1);
        log[at] = e;
        e.slot = at;
        logSize++;
    }

    /** The entry whose latest poll is at the ring's slot {@code at}, or null if that slot is empty or stale. */
    private Entry live(int at) {
        Entry e = log[at];
        return e != null && e.slot == at ? e : null;
    }

    private void evictLeastRecentlyPolled() {
        while (logSize > 0) {
            Entry e = live(logHead);
            log[logHead] = null;
            logHead = (logHead + 1) & (log.length - 1);
            logSize--;
            if (e != null) {
                entries.remove(e.name);
                e.slot = -1;
                return;
            }
        }
    }

    // The live entries in order from slot 0 of a ring of the given length (a power of two), stale slots dropped.
    private void rebuild(int length) {
        Entry[] kept = new Entry[length];
        int n = 0;
        for (int i = 0; i < logSize; i++) {
            Entry e = live((logHead + i) & (log.length - 1));
            if (e != null) {
                kept[n] = e;
                e.slot = n;
                n++;
            }
        }
        log = kept;
        logHead = 0;
        logSize = n;
    }

    /**
     * Returns the number of entries.
     *
     * @return the number of entries
     */
    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    /** @return the poll log's length in records (for tests of its bound) */
    int logLength() {
        synchronized (entries) {
            return log.length;
        }
    }

    /**
     * Returns the capacity.
     *
     * @return the most entries held
     */
    public int capacity() {
        return capacity;
    }

    /**
     * Which set an instance holds, for the {@code nohop_endpoint_pollers{set}} gauges and {@code GET /status}: 0 the
     * current publication (or newer), 1 the one before, 2 an older one.
     *
     * @param currentGeneration the generation served now
     * @param sentGeneration the generation the instance holds
     * @return 0, 1 or 2
     */
    public static int setIndex(long currentGeneration, long sentGeneration) {
        long behind = currentGeneration - sentGeneration;
        return behind <= 0 ? 0 : behind == 1 ? 1 : 2;
    }

    /**
     * Counts the entries polled at or after {@code sinceMillis} by the set they hold ({@link #setIndex}), without
     * copying them: what a metrics scrape needs, where {@link #polledSince} would copy and sort every entry (100,000 at
     * the default size) to count three numbers.
     *
     * @param sinceMillis the oldest poll to count (epoch millis)
     * @param currentGeneration the generation served now
     * @return {current, previous, older}
     */
    public long[] pollersBySet(long sinceMillis, long currentGeneration) {
        long[] counts = new long[3];
        synchronized (entries) {
            for (int i = 0; i < logSize; i++) {
                Entry e = live((logHead + i) & (log.length - 1));
                if (e != null && e.lastPollMillis >= sinceMillis) {
                    counts[setIndex(currentGeneration, e.sentGeneration)]++;
                }
            }
        }
        return counts;
    }

    /**
     * Copies the entries polled at or after {@code sinceMillis}, least recently polled first.
     *
     * @param sinceMillis the oldest poll to include (epoch millis)
     * @return the copies
     */
    public List<Row> polledSince(long sinceMillis) {
        List<Row> rows;
        synchronized (entries) {
            // Sized once: a census of 100,000 entries would otherwise copy the list seventeen times as it grows.
            rows = new ArrayList<>(entries.size());
            for (int i = 0; i < logSize; i++) {
                Entry e = live((logHead + i) & (log.length - 1));
                if (e != null && e.lastPollMillis >= sinceMillis) {
                    rows.add(new Row(e.name, e.named, e.lastPollMillis, e.previousPollMillis,
                            e.presentedGeneration, e.sentGeneration));
                }
            }
        }
        // Log order is poll order, which is time order for polls recorded with a monotone clock; sort anyway, a wall
        // clock may step back.
        rows.sort((a, b) -> Long.compare(a.lastPollMillis(), b.lastPollMillis()));
        return rows;
    }
}
