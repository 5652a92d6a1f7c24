package io.nohop.keys.server.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The endpoint's metrics, in a Micrometer Prometheus registry of its own, served as text by
 * {@code GET /metrics} on the admin listener. The names are a contract (alert rules and dashboards
 * use them): {@code nohop_endpoint_requests_total{path,status}}, {@code nohop_endpoint_pollers{set}},
 * {@code nohop_endpoint_instances}, {@code nohop_endpoint_publication_age_seconds},
 * {@code nohop_endpoint_publish_lead_seconds}, {@code nohop_endpoint_max_age_seconds}.
 */
public final class EndpointMetrics {
    /** The content type of {@link #scrape()}: the Prometheus text format 0.0.4. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<String> paths;
    private final ConcurrentHashMap<Integer, Counter> requests = new ConcurrentHashMap<>();
    private final Supplier<long[]> census;
    private volatile CachedCensus cached;

    private record CachedCensus(long atNanos, long[] sets) { }

    /**
     * Registers the gauges (held strongly: Micrometer would otherwise let the suppliers be collected).
     *
     * @param paths the public paths that get their own {@code path} label; any other is {@code other}
     * @param census counts the instances seen within the freshness window by the set they hold, {current, previous,
     *               older} ({@link FleetView#pollersBySet(InstanceTable, PublicationHistory, java.time.Instant, Duration)});
     *               called at most once per scrape
     * @param instances the number of entries in the instance table
     * @param publicationAge time since what is served last changed
     * @param publishLead the store's publish lead L, or null if unknown (reported as NaN)
     * @param maxAge the max-age sent
     */
    public EndpointMetrics(List<String> paths, Supplier<long[]> census, Supplier<Integer> instances,
                           Supplier<Duration> publicationAge, Duration publishLead, Duration maxAge) {
        this.paths = List.copyOf(paths);
        this.census = census;
        for (int i = 0; i < 3; i++) {
            int set = i;
            Gauge.builder("nohop.endpoint.pollers", this, m -> m.census().sets()[set])
                    .description("instances seen within the freshness window, by the publication they hold")
                    .tag("set", set == 0 ? "current" : set == 1 ? "previous" : "older")
                    .strongReference(true).register(registry);
        }
        Gauge.builder("nohop.endpoint.instances", instances, s -> s.get())
                .description("entries in the instance table").strongReference(true).register(registry);
        Gauge.builder("nohop.endpoint.publication.age", publicationAge, s -> s.get().toMillis() / 1000.0)
                .description("time since what is served last changed").baseUnit("seconds").strongReference(true)
                .register(registry);
        double lead = publishLead == null ? Double.NaN : publishLead.toSeconds();
        Gauge.builder("nohop.endpoint.publish.lead", () -> lead)
                .description("the store's publish lead L").baseUnit("seconds").strongReference(true).register(registry);
        double age = maxAge.toSeconds();
        Gauge.builder("nohop.endpoint.max.age", () -> age)
                .description("the Cache-Control max-age sent with the key set").baseUnit("seconds").strongReference(true)
                .register(registry);
    }

    private CachedCensus census() {
        CachedCensus c = cached;
        long now = System.nanoTime();
        // The three pollers gauges are read in one scrape; one table walk serves them all.
        if (c == null || now - c.atNanos() > 500_000_000L) {
            c = new CachedCensus(now, census.get());
            cached = c;
        }
        return c;
    }

    /**
     * Counts one answered request on the public listener.
     *
     * @param path the raw path requested
     * @param status the status sent
     */
    public void request(String path, int status) {
        counter(path, status).increment();
    }

    /**
     * Counts {@code count} answered requests to one path with one status at once (a simulation that
     * answers millions of requests adds them up between scrapes; the series are the same).
     *
     * @param path the raw path requested
     * @param status the status sent
     * @param count how many (at least 0)
     */
    public void requests(String path, int status, long count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be at least 0: " + count);
        }
        if (count > 0) {
            counter(path, status).increment(count);
        }
    }

    private Counter counter(String path, int status) {
        int index = paths.indexOf(path);
        int key = (index + 1) * 1000 + status;
        Counter c = requests.get(key);
        if (c == null) {
            c = requests.computeIfAbsent(key, k -> Counter.builder("nohop.endpoint.requests")
                    .description("requests answered on the public listener")
                    .tag("path", index < 0 ? "other" : paths.get(index))
                    .tag("status", Integer.toString(status))
                    .register(registry));
        }
        return c;
    }

    /**
     * Returns the Prometheus text exposition.
     *
     * @return the Prometheus text exposition
     */
    public byte[] scrape() {
        return registry.scrape().getBytes(StandardCharsets.UTF_8);
    }
}
