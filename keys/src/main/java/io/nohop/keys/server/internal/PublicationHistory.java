package io.nohop.keys.server.internal;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The last few key sets this server has served, numbered in order, so that the validator a client
 * presents tells which one it holds. Bounded: the oldest are forgotten (a client presenting one of
 * those is counted as holding an "older" set).
 */
public final class PublicationHistory {
    /** How many publications are remembered. */
    public static final int DEPTH = 32;

    /**
     * One served key set.
     *
     * @param generation its number (1 for the first this server served)
     * @param etag its strong validator
     * @param kids the kids it publishes
     * @param firstServedAt when this server first served it
     */
    public record Served(long generation, String etag, List<String> kids, Instant firstServedAt) { }

    private final Deque<Served> served = new ArrayDeque<>();
    // Other validators of the same key set (the signed key set's ETag: a re-signed set keeps its keys,
    // so it keeps its generation), bounded like the history itself.
    private final Map<String, Long> aliases = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > 4 * DEPTH;
        }
    };
    private volatile Served current;

    /**
     * Starts with the first publication.
     *
     * @param etag its validator
     * @param kids its kids
     * @param at when it was first served
     */
    public PublicationHistory(String etag, List<String> kids, Instant at) {
        current = new Served(1, etag, List.copyOf(kids), at);
        served.addFirst(current);
    }

    /**
     * Makes a new key set current, unless it is the current one.
     *
     * @param etag its validator
     * @param kids its kids
     * @param at when it is first served
     * @return the current publication afterwards
     */
    public synchronized Served publish(String etag, List<String> kids, Instant at) {
        if (current.etag().equals(etag)) {
            return current;
        }
        Served next = new Served(current.generation() + 1, etag, List.copyOf(kids), at);
        served.addFirst(next);
        if (served.size() > DEPTH) {
            served.removeLast();
        }
        current = next;
        return next;
    }

    /**
     * Records another validator (such as the signed key set's ETag) for the key set served now, so a
     * client presenting it is counted as holding that generation.
     *
     * @param etag the other validator
     */
    public synchronized void alias(String etag) {
        aliases.put(etag, current.generation());
    }

    /**
     * Returns the publication served now.
     *
     * @return the publication served now
     */
    public Served current() {
        return current;
    }

    /**
     * Classifies a client's {@code If-None-Match} values: the generation it names (weak comparison,
     * lists, {@code *} meaning the current one), {@link InstanceTable#PRESENTED_NONE} without any,
     * {@link InstanceTable#PRESENTED_UNKNOWN} for validators this server does not remember.
     *
     * @param ifNoneMatch the header values (may be empty)
     * @return the generation or marker
     */
    public long generationOf(List<String> ifNoneMatch) {
        if (ifNoneMatch == null || ifNoneMatch.isEmpty()) {
            return InstanceTable.PRESENTED_NONE;
        }
        Served now = current;
        long best = InstanceTable.PRESENTED_UNKNOWN;
        for (String header : ifNoneMatch) {
            // Nearly every poll presents one validator, the current one: no split, no trim, no copy.
            if (header.equals(now.etag())) {
                return now.generation();
            }
            for (String candidate : header.split(",", 16)) {
                long known = generationOfOne(candidate, now);
                if (known == now.generation()) {
                    return known;
                }
                best = Math.max(best, known);
            }
        }
        return best;
    }

    private long generationOfOne(String candidate, Served now) {
        String c = candidate.trim();
        if (c.startsWith("W/")) {
            c = c.substring(2);
        }
        if (c.equals("*") || c.equals(now.etag())) {
            return now.generation();
        }
        return find(c).map(Served::generation).orElse((long) InstanceTable.PRESENTED_UNKNOWN);
    }

    private synchronized Optional<Served> find(String etag) {
        for (Served s : served) {
            if (s.etag().equals(etag)) {
                return Optional.of(s);
            }
        }
        Long aliased = aliases.get(etag);
        return aliased == null ? Optional.empty() : generation(aliased);
    }

    /**
     * Returns the remembered publication with that number, if still remembered.
     *
     * @param generation the number
     * @return the publication, if still remembered
     */
    public synchronized Optional<Served> generation(long generation) {
        for (Served s : served) {
            if (s.generation() == generation) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
