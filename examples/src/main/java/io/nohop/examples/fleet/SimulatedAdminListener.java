package io.nohop.examples.fleet;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.nohop.keys.KeyState;
import io.nohop.keys.server.JwksServer;
import io.nohop.keys.server.Publication;
import io.nohop.keys.server.PublishedKey;
import io.nohop.keys.server.internal.EndpointMetrics;
import io.nohop.keys.server.internal.FleetView;
import io.nohop.keys.server.internal.InstanceTable;
import io.nohop.keys.server.internal.PublicationHistory;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the security team sees of the simulated fleet: the admin side of {@code nohop serve
 * --admin-bind}, made of the endpoint's own classes — the {@link InstanceTable} (default capacity
 * 100,000), the {@link PublicationHistory}, the {@link FleetView} census behind {@code GET /status} and
 * the {@code nohop_endpoint_pollers} gauges, and the {@link EndpointMetrics} registry behind
 * {@code GET /metrics} — fed exactly as {@code JwksServer} feeds them on each answered JWKS request
 * (name from {@code Nohop-Instance}, the generation of the validator presented, the generation held
 * afterwards). Only the HTTP listener is missing: the documents are rendered in process, at virtual
 * instants, instead of being fetched.
 */
final class SimulatedAdminListener {
    /** The freshness window of {@code nohop serve} (default 1 h). */
    static final Duration FRESHNESS_WINDOW = Duration.ofHours(1);
    /** The instance table size of {@code nohop serve} (default 100,000). */
    static final int TABLE_SIZE = 100_000;

    private final List<SimulatedEndpoint.Publication> publications;
    private final Duration maxAge;
    private final long activationAtMillis;
    private final String oldKid;
    private final String newKid;
    private final InstanceTable table = new InstanceTable(TABLE_SIZE);
    private final PublicationHistory history;
    private final EndpointMetrics metrics;
    private int published;
    private long nowMillis;
    // Answers not yet added to the registry's counters: added in bulk before anything reads them
    // (a census or a document), not one counter increment per request.
    private long unreportedOk;
    private long unreportedNotModified;
    // The validator presented last and the one-element list JwksServer would hand the history: the fleet presents
    // the same few ETag strings, so one list per validator rather than one per request.
    private String presentedLast;
    private List<String> presentedList = List.of();

    /**
     * @param publications what the endpoint serves, in time order
     * @param maxAge the max-age sent
     * @param lead the store's publish lead
     * @param activationAtMillis when the new key starts signing
     * @param oldKid the key that signs before
     * @param newKid the key that signs after
     */
    SimulatedAdminListener(List<SimulatedEndpoint.Publication> publications, Duration maxAge, Duration lead,
                           long activationAtMillis, String oldKid, String newKid) {
        this.publications = List.copyOf(publications);
        this.maxAge = maxAge;
        this.activationAtMillis = activationAtMillis;
        this.oldKid = oldKid;
        this.newKid = newKid;
        SimulatedEndpoint.Publication first = publications.get(0);
        this.history = new PublicationHistory(first.etag(), first.kids(), Instant.EPOCH);
        this.metrics = new EndpointMetrics(List.of(JwksServer.JWKS_PATH, JwksServer.SIGNED_JWKS_PATH,
                JwksServer.OPENID_PATH, JwksServer.HEALTH_PATH), this::pollersBySet, table::size,
                () -> Duration.between(history.current().firstServedAt(), Instant.ofEpochMilli(nowMillis)), lead, maxAge);
    }

    /**
     * An answered JWKS request, recorded as {@code JwksServer} records it.
     *
     * <p>The table entry the verifier's last poll was recorded in comes back with it, so that the poll is recorded
     * without looking its name up: the same table as {@code JwksServer} keeps by name (a property of
     * {@code InstanceTable} proves it), without the hash lookup that was a sixth of the simulation's time (two
     * cache misses per poll at 100,000 names, where a server pays them once per request among many other costs).
     *
     * @param known the entry of the verifier's previous poll under its current name, or null before its first
     * @param instance the {@code Nohop-Instance} the verifier sent
     * @param presentedEtag the {@code If-None-Match} it sent, if any
     * @param nowMillis when it was answered
     * @param notModified whether the answer was 304
     * @return the verifier's entry, to hand back at its next poll
     */
    InstanceTable.Entry answered(InstanceTable.Entry known, String instance, Optional<String> presentedEtag,
                                 long nowMillis, boolean notModified) {
        advanceTo(nowMillis);
        long presented = presentedEtag.isPresent() ? history.generationOf(presented(presentedEtag.get()))
                : InstanceTable.PRESENTED_NONE;
        long sent = history.current().generation();
        InstanceTable.Entry entry = known == null ? table.record(instance, true, nowMillis, presented, sent)
                : table.recordAgain(known, nowMillis, presented, sent);
        if (notModified) {
            unreportedNotModified++;
        } else {
            unreportedOk++;
        }
        return entry;
    }

    private List<String> presented(String etag) {
        if (etag != presentedLast) {
            presentedLast = etag;
            presentedList = List.of(etag);
        }
        return presentedList;
    }

    private void reportRequests() {
        metrics.requests(JwksServer.JWKS_PATH, 200, unreportedOk);
        metrics.requests(JwksServer.JWKS_PATH, 304, unreportedNotModified);
        unreportedOk = 0;
        unreportedNotModified = 0;
    }

    /**
     * Moves the admin side's time forward, noting any publication that started being served since.
     *
     * @param epochMillis the instant (never earlier than before)
     */
    void advanceTo(long epochMillis) {
        nowMillis = Math.max(nowMillis, epochMillis);
        while (published + 1 < publications.size() && publications.get(published + 1).fromMillis() <= nowMillis) {
            published++;
            SimulatedEndpoint.Publication p = publications.get(published);
            history.publish(p.etag(), p.kids(), Instant.ofEpochMilli(p.fromMillis()));
        }
    }

    /** @return the census {@code GET /status} and the pollers gauges would show now */
    FleetView census() {
        return new FleetView(table, history, Instant.ofEpochMilli(nowMillis), FRESHNESS_WINDOW, maxAge);
    }

    /**
     * @return what the {@code nohop_endpoint_pollers} gauges would show now (counted as the endpoint's scrape counts
     *         them, without copying the table)
     */
    long[] pollersBySet() {
        return FleetView.pollersBySet(table, history, Instant.ofEpochMilli(nowMillis), FRESHNESS_WINDOW);
    }

    /** @return entries in the instance table */
    int instances() {
        return table.size();
    }

    /**
     * The {@code GET /status} document now, with the per-instance list cut to its first {@code listed}
     * entries (the endpoint lists up to 1,000; a document in {@code docs/} needs only a few).
     *
     * @param listed how many instances to keep in the list
     * @return the JSON text
     */
    String status(int listed) {
        SimulatedEndpoint.Publication p = publications.get(published);
        List<PublishedKey> keys = new ArrayList<>();
        for (String kid : p.kids()) {
            // The old key: published a day before the simulated day (its exact age plays no part).
            Instant publishedAt = kid.equals(newKid) ? Instant.ofEpochMilli(publications.get(1).fromMillis())
                    : FleetSimulation.DAY_START.minus(Duration.ofDays(1));
            KeyState state = kid.equals(oldKid)
                    ? (nowMillis < activationAtMillis ? KeyState.ACTIVE : KeyState.RETIRING)
                    : (nowMillis < activationAtMillis ? KeyState.PENDING : KeyState.ACTIVE);
            keys.add(new PublishedKey(kid, state, publishedAt));
        }
        String active = nowMillis < activationAtMillis ? oldKid : newKid;
        Optional<Instant> next = nowMillis < activationAtMillis ? Optional.of(Instant.ofEpochMilli(activationAtMillis))
                : published + 1 < publications.size()
                ? Optional.of(Instant.ofEpochMilli(publications.get(published + 1).fromMillis())) : Optional.empty();
        Publication publication = new Publication(new String(p.document(), StandardCharsets.UTF_8), p.kids().size(),
                Optional.of(active), next, Optional.empty(), keys);
        String json = new String(census().statusJson(publication, active), StandardCharsets.UTF_8);
        try {
            Map<String, Object> doc = JSONObjectUtils.parse(json);
            List<Object> instances = JSONObjectUtils.getJSONArray(doc, "instances");
            if (instances != null && instances.size() > listed) {
                long omitted = ((Number) doc.get("instancesOmitted")).longValue();
                doc.put("instancesOmitted", omitted + instances.size() - listed);
                doc.put("instances", new ArrayList<>(instances.subList(0, listed)));
            }
            return JSONObjectUtils.toJSONString(doc);
        } catch (ParseException e) {
            throw new IllegalStateException("FleetView wrote JSON that does not parse", e);
        }
    }

    /**
     * The {@code GET /metrics} text now, limited to the {@code nohop_endpoint_} series.
     *
     * @return the Prometheus text lines of the endpoint's own metrics
     */
    String metrics() {
        reportRequests();
        StringBuilder out = new StringBuilder();
        for (String line : new String(metrics.scrape(), StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("nohop_endpoint_") || line.startsWith("# HELP nohop_endpoint_")
                    || line.startsWith("# TYPE nohop_endpoint_")) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }
}
