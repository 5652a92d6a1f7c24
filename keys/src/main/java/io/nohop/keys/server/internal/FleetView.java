package io.nohop.keys.server.internal;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.nohop.keys.server.Publication;
import io.nohop.keys.server.PublishedKey;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the instance table says about the fleet at one instant: the census behind the
 * {@code nohop_endpoint_pollers} gauges and the {@code GET /status} document.
 *
 * <p>An instance "holds" the publication it was last sent in full or confirmed with a 304; it is
 * "seen" when it polled within the freshness window. Expected times come from what was observed:
 * each instance's next poll is expected one observed poll interval (the time between its last two
 * polls; the max-age sent when it polled only once) after its last.
 */
public final class FleetView {
    /** How many instances {@code /status} lists (least recently polled first); the summary counts all. */
    public static final int LISTED_INSTANCES = 1000;

    private final Instant now;
    private final Duration window;
    private final Duration maxAge;
    private final PublicationHistory.Served current;
    private final Map<Long, Set<String>> kidsByGeneration = new HashMap<>();
    private final List<InstanceTable.Row> seen;
    private final int inTable;
    private final int capacity;

    /**
     * Takes the census.
     *
     * @param table the instance table
     * @param history the publications served
     * @param now the instant
     * @param window the freshness window
     * @param maxAge the max-age sent
     */
    public FleetView(InstanceTable table, PublicationHistory history, Instant now, Duration window, Duration maxAge) {
        this.now = now;
        this.window = window;
        this.maxAge = maxAge;
        this.current = history.current();
        this.seen = table.polledSince(now.minus(window).toEpochMilli());
        this.inTable = table.size();
        this.capacity = table.capacity();
        for (InstanceTable.Row r : seen) {
            kidsByGeneration.computeIfAbsent(r.sentGeneration(),
                    g -> history.generation(g).map(s -> Set.copyOf(s.kids())).orElse(Set.of()));
        }
    }

    /**
     * Returns the instances seen within the window that hold the current, the previous and an older publication.
     *
     * @return {current, previous, older}
     */
    public long[] pollersBySet() {
        long[] counts = new long[3];
        for (InstanceTable.Row r : seen) {
            counts[setIndex(r.sentGeneration())]++;
        }
        return counts;
    }

    private int setIndex(long generation) {
        return InstanceTable.setIndex(current.generation(), generation);
    }

    /**
     * {@link #pollersBySet()} of the census that {@code new FleetView(table, history, now, window, maxAge)} would take,
     * counted in the table without copying its entries (for the metrics scrape).
     *
     * @param table the instance table
     * @param history the publications served
     * @param now the instant of the census
     * @param window the freshness window
     * @return {current, previous, older}
     */
    public static long[] pollersBySet(InstanceTable table, PublicationHistory history, Instant now, Duration window) {
        return table.pollersBySet(now.minus(window).toEpochMilli(), history.current().generation());
    }

    private static final String[] SETS = {"current", "previous", "older"};

    private String presented(long generation) {
        if (generation == InstanceTable.PRESENTED_NONE) {
            return "none";
        }
        if (generation == InstanceTable.PRESENTED_UNKNOWN) {
            return "unknown";
        }
        return SETS[setIndex(generation)];
    }

    /**
     * An instance seen in the window is overdue when it has not polled for more than this many of its poll intervals
     * (the last one observed, else the max-age sent): a verifier draws each interval between 75 and 95 % of the max-age,
     * so a live one is at most about 1.3 intervals late; one past 1.5 has stopped, or lost its way to the endpoint, and
     * no estimate of when the fleet holds a change can count on it.
     */
    public static final double OVERDUE_INTERVALS = 1.5;

    private long intervalMillis(InstanceTable.Row r) {
        long observed = r.pollIntervalMillis();
        return observed > 0 ? observed : maxAge.toMillis();
    }

    private Map<String, Object> instanceSummary(InstanceTable.Row r, long nowMillis) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("instance", r.name());
        s.put("lastPoll", Instant.ofEpochMilli(r.lastPollMillis()).toString());
        s.put("secondsSincePoll", (nowMillis - r.lastPollMillis()) / 1000.0);
        s.put("holds", SETS[setIndex(r.sentGeneration())]);
        return s;
    }

    /**
     * Returns the {@code /status} document.
     *
     * @param publication what is published now
     * @param activeKid the key that signs now
     * @return the JSON document
     */
    public byte[] statusJson(Publication publication, String activeKid) {
        long nowMillis = now.toEpochMilli();
        long[] sets = pollersBySet();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("now", now.toString());
        doc.put("freshnessWindowSeconds", window.toSeconds());
        doc.put("maxAgeSeconds", maxAge.toSeconds());

        Map<String, Object> pub = new LinkedHashMap<>();
        pub.put("etag", current.etag());
        pub.put("servedSince", current.firstServedAt().toString());
        pub.put("activeKid", activeKid);
        pub.put("nextTransition", publication.nextTransition().map(Instant::toString).orElse(null));
        List<Object> keys = new ArrayList<>();
        Map<String, PublishedKey> described = new HashMap<>();
        for (PublishedKey k : publication.keys()) {
            described.put(k.kid(), k);
        }
        for (String kid : current.kids()) {
            Map<String, Object> key = new LinkedHashMap<>();
            PublishedKey d = described.get(kid);
            key.put("kid", kid);
            key.put("state", d == null ? null : d.state().name());
            key.put("publishedAt", d == null ? null : d.publishedAt().toString());
            long heldBy = 0;
            InstanceTable.Row slowest = null;
            for (InstanceTable.Row r : seen) {
                if (kidsByGeneration.getOrDefault(r.sentGeneration(), Set.of()).contains(kid)) {
                    heldBy++;
                } else if (slowest == null) {
                    slowest = r; // seen is in poll order: the first without the key polled longest ago
                }
            }
            key.put("heldBy", heldBy);
            key.put("notHeldBy", seen.size() - heldBy);
            key.put("slowest", slowest == null ? null : instanceSummary(slowest, nowMillis));
            keys.add(key);
        }
        pub.put("keys", keys);
        doc.put("publication", pub);

        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("instancesInTable", inTable);
        summary.put("tableCapacity", capacity);
        summary.put("instancesSeen", seen.size());
        summary.put("onCurrentSet", sets[0]);
        summary.put("onPreviousSet", sets[1]);
        summary.put("onOlderSet", sets[2]);
        summary.put("fractionOnCurrentSet", seen.isEmpty() ? null : (double) sets[0] / seen.size());
        summary.put("notPolledSinceChange", sets[1] + sets[2]);
        long maxInterval = -1;
        long expectedWithin = 0;
        long overdue = 0;
        for (InstanceTable.Row r : seen) {
            long observed = r.pollIntervalMillis();
            if (observed > 0) {
                maxInterval = Math.max(maxInterval, observed);
            }
            long interval = intervalMillis(r);
            if (nowMillis - r.lastPollMillis() > OVERDUE_INTERVALS * interval) {
                overdue++;
            } else {
                expectedWithin = Math.max(expectedWithin, r.lastPollMillis() + interval - nowMillis);
            }
        }
        summary.put("maxPollIntervalSeconds", maxInterval < 0 ? null : maxInterval / 1000.0);
        summary.put("overdueInstances", overdue);
        summary.put("expectedFleetPollWithinSeconds",
                seen.size() == overdue ? null : Math.max(0, expectedWithin) / 1000.0);
        if (seen.isEmpty()) {
            summary.put("slowest", null);
        } else {
            summary.put("slowest", instanceSummary(seen.get(0), nowMillis));
        }
        doc.put("summary", summary);

        List<Object> instances = new ArrayList<>();
        for (InstanceTable.Row r : seen.subList(0, Math.min(seen.size(), LISTED_INSTANCES))) {
            Map<String, Object> i = new LinkedHashMap<>();
            i.put("instance", r.name());
            i.put("named", r.named());
            i.put("lastPoll", Instant.ofEpochMilli(r.lastPollMillis()).toString());
            i.put("secondsSincePoll", (nowMillis - r.lastPollMillis()) / 1000.0);
            i.put("pollIntervalSeconds", r.pollIntervalMillis() > 0 ? r.pollIntervalMillis() / 1000.0 : null);
            i.put("presented", presented(r.presentedGeneration()));
            i.put("holds", SETS[setIndex(r.sentGeneration())]);
            i.put("holdsCurrent", setIndex(r.sentGeneration()) == 0);
            instances.add(i);
        }
        doc.put("instances", instances);
        doc.put("instancesOmitted", Math.max(0, seen.size() - LISTED_INSTANCES));
        return JSONObjectUtils.toJSONString(doc).getBytes(StandardCharsets.UTF_8);
    }
}
