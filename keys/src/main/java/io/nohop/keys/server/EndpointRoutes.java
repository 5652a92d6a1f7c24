package io.nohop.keys.server;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.nohop.keys.server.internal.EndpointMetrics;
import io.nohop.keys.server.internal.Exchange;
import io.nohop.keys.server.internal.FleetView;
import io.nohop.keys.server.internal.InstanceTable;
import io.nohop.keys.server.internal.PublicationHistory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * What each path of {@link JwksServer} answers, on both listeners: the route tables, 404 and 405, the key
 * sets with their ETag and 304 rule, the OpenID document, {@code /healthz}, and with the admin listener on,
 * {@code /status} and {@code /metrics} and the polls and requests they report. Every answer is made from the
 * {@link Rendering} in service when the request arrives: prepared bytes, nothing to block on.
 */
final class EndpointRoutes {
    private static final String ALLOW = "GET, HEAD";
    private static final String NO_STORE = "no-store";
    private static final String JSON = "application/json";
    private static final byte[] NOT_FOUND = "{\"error\":\"not_found\"}".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] METHOD_NOT_ALLOWED = "{\"error\":\"method_not_allowed\"}".getBytes(StandardCharsets.US_ASCII);

    private final Publisher publisher;
    private final PublicationHistory history;
    private final Clock clock;
    private final Duration maxAge;
    private final Duration freshnessWindow;
    private final String cacheControl;
    // Both null while the admin listener is off: nothing is recorded or counted then.
    private final InstanceTable instances;
    private final EndpointMetrics metrics;
    private final Map<String, Route> publicRoutes;

    /**
     * Routes for one server.
     *
     * @param publisher the rendering in service, the last reload failure and the publication history
     * @param clock the server's clock, for poll times and the fleet's freshness
     * @param maxAge the key sets' {@code max-age}
     * @param staleIfError the key sets' {@code stale-if-error}
     * @param freshnessWindow instances that polled within it count as seen
     * @param admin whether the admin listener is on (and with it the instance table and metrics)
     * @param instanceTableSize how many instances the table remembers
     * @param publishLead the store's publish lead, for the metrics; empty when unknown
     */
    EndpointRoutes(Publisher publisher, Clock clock, Duration maxAge, Duration staleIfError, Duration freshnessWindow,
                   boolean admin, int instanceTableSize, Optional<Duration> publishLead) {
        this.publisher = publisher;
        this.history = publisher.history();
        this.clock = clock;
        this.maxAge = maxAge;
        this.freshnessWindow = freshnessWindow;
        this.cacheControl = "public, max-age=" + maxAge.toSeconds() + ", stale-if-error=" + staleIfError.toSeconds();
        this.instances = admin ? new InstanceTable(instanceTableSize) : null;
        this.publicRoutes = publicRoutes();
        this.metrics = admin ? new EndpointMetrics(new ArrayList<>(publicRoutes.keySet()),
                () -> FleetView.pollersBySet(instances, history, clock.instant(), freshnessWindow),
                instances::size, () -> Duration.between(history.current().firstServedAt(), clock.instant()),
                publishLead.orElse(null), maxAge) : null;
    }

    /** How the public listener answers: its route table, every request counted in the metrics. */
    Exchange.Routes publicListener() {
        return request -> answer(publicRoutes, request, true);
    }

    /** How the admin listener answers: its own route table, its requests not counted. Only with it on. */
    Exchange.Routes adminListener() {
        Map<String, Route> adminRoutes = adminRoutes();
        return request -> answer(adminRoutes, request, false);
    }

    /** One path's answers: when it exists, and what GET and HEAD get. */
    private record Route(Predicate<Rendering> exists, BiFunction<Exchange.Request, Rendering, Exchange.Response> get) { }

    /**
     * The public listener's paths, in one table. A new public document is one line here plus its
     * answering method.
     */
    private Map<String, Route> publicRoutes() {
        Map<String, Route> routes = new LinkedHashMap<>();
        routes.put(JwksServer.JWKS_PATH, new Route(r -> true, this::jwks));
        routes.put(JwksServer.SIGNED_JWKS_PATH, new Route(r -> r.signedJwks().length > 0, this::signedJwks));
        routes.put(JwksServer.OPENID_PATH,
                new Route(r -> r.publication().issuer().isPresent() && r.openid().length > 0, this::openid));
        routes.put(JwksServer.HEALTH_PATH, new Route(r -> true, this::health));
        return routes;
    }

    /** The admin listener's paths. */
    private Map<String, Route> adminRoutes() {
        Map<String, Route> routes = new LinkedHashMap<>();
        routes.put(JwksServer.STATUS_PATH, new Route(r -> true, this::status));
        routes.put(JwksServer.METRICS_PATH, new Route(r -> true, this::metrics));
        return routes;
    }

    private Exchange.Response answer(Map<String, Route> routes, Exchange.Request request, boolean counted) {
        Rendering r = publisher.rendered();
        Route route = routes.get(request.path());
        Exchange.Response answer;
        if (route == null || !route.exists().test(r)) {
            answer = plain(404, NO_STORE, NOT_FOUND);
        } else if (!"GET".equals(request.method()) && !"HEAD".equals(request.method())) {
            answer = Exchange.Response.status(405).header("Allow", ALLOW).header("Content-Type", JSON)
                    .header("Cache-Control", NO_STORE).header("X-Content-Type-Options", "nosniff")
                    .body(METHOD_NOT_ALLOWED);
        } else {
            answer = route.get().apply(request, r);
        }
        if (counted && metrics != null) {
            metrics.request(request.path(), answer.status());
        }
        return answer;
    }

    private static Exchange.Response plain(int status, String cache, byte[] body) {
        return Exchange.Response.status(status).header("Content-Type", JSON).header("Cache-Control", cache)
                .header("X-Content-Type-Options", "nosniff").body(body);
    }

    private Exchange.Response jwks(Exchange.Request request, Rendering r) {
        if (instances != null && !request.head()) {
            recordPoll(request, r);
        }
        if (JwksServer.matches(request.ifNoneMatch(), r.etag())) {
            return Exchange.Response.status(304).header("ETag", r.etag()).header("Cache-Control", cacheControl).noBody();
        }
        return Exchange.Response.status(200).header("ETag", r.etag()).header("Content-Type", JSON)
                .header("Cache-Control", cacheControl).header("X-Content-Type-Options", "nosniff").body(r.jwks());
    }

    private Exchange.Response signedJwks(Exchange.Request request, Rendering r) {
        if (instances != null && !request.head()) {
            recordPoll(request, r);
        }
        if (JwksServer.matches(request.ifNoneMatch(), r.signedEtag())) {
            return Exchange.Response.status(304).header("ETag", r.signedEtag()).header("Cache-Control", cacheControl)
                    .noBody();
        }
        return Exchange.Response.status(200).header("ETag", r.signedEtag())
                .header("Content-Type", JwksServer.SIGNED_JWKS_TYPE).header("Cache-Control", cacheControl)
                .header("X-Content-Type-Options", "nosniff").body(r.signedJwks());
    }

    /** Notes who fetched the key set, what validator it presented, and which publication it holds now. */
    private void recordPoll(Exchange.Request request, Rendering r) {
        boolean named = request.instance() != null && !request.instance().isBlank();
        String name = InstanceTable.nameOf(request.instance(), request.remoteAddress(), request.userAgent());
        instances.record(name, named, clock.millis(), history.generationOf(request.ifNoneMatch()), r.generation());
    }

    private Exchange.Response openid(Exchange.Request request, Rendering r) {
        return plain(200, cacheControl, r.openid());
    }

    private Exchange.Response health(Exchange.Request request, Rendering r) {
        Map<String, Object> h = new LinkedHashMap<>();
        String error = publisher.lastError();
        h.put("status", error == null ? "ok" : "stale");
        h.put("keys", r.publication().keyCount());
        h.put("activeKid", r.publication().activeKid().orElse(null));
        h.put("nextTransition", r.publication().nextTransition().map(Instant::toString).orElse(null));
        h.put("renderedAt", r.renderedAt().toString());
        h.put("etag", r.etag());
        h.put("lastError", error);
        return plain(200, NO_STORE, JSONObjectUtils.toJSONString(h).getBytes(StandardCharsets.UTF_8));
    }

    private FleetView fleet() {
        return new FleetView(instances, history, clock.instant(), freshnessWindow, maxAge);
    }

    private Exchange.Response status(Exchange.Request request, Rendering r) {
        byte[] body = fleet().statusJson(r.publication(), r.publication().activeKid().orElse(null));
        return plain(200, NO_STORE, body);
    }

    private Exchange.Response metrics(Exchange.Request request, Rendering r) {
        return Exchange.Response.status(200).header("Content-Type", EndpointMetrics.CONTENT_TYPE)
                .header("Cache-Control", NO_STORE).header("X-Content-Type-Options", "nosniff").body(metrics.scrape());
    }
}
