package io.nohop.keys.server;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The key-distribution endpoint: a read-only HTTP server on the JDK's {@link HttpServer} that serves
 * what a {@link PublicationSource} computes, rendered into bytes once per change.
 *
 * <ul>
 *   <li>{@code GET|HEAD /.well-known/jwks.json}: {@code application/json}, a strong {@code ETag},
 *       {@code Cache-Control: public, max-age=N, stale-if-error=M}, 304 on a matching {@code If-None-Match};</li>
 *   <li>{@code GET|HEAD /.well-known/jwks.jwt} when the publication has a signed key set: the compact JWS,
 *       {@code application/jwk-set+jwt}, with the same ETag, Cache-Control and 304 rules;</li>
 *   <li>{@code GET|HEAD /.well-known/openid-configuration} when there is an issuer: {@code issuer} and
 *       {@code jwks_uri} (the public URL without a trailing slash + {@code /.well-known/jwks.json}), and
 *       {@code signed_jwks_uri} ({@code /.well-known/jwks.jwt}) when there is a signed key set;</li>
 *   <li>{@code GET|HEAD /healthz}: key count, active kid, next transition, and whether the last reload failed;</li>
 *   <li>any other path: 404 whatever the method; a known path with another method: 405.</li>
 * </ul>
 *
 * <p>What is published follows the clock and the store: the source is asked again every reload
 * interval (default 1 s), so scheduled transitions and changes made by other processes appear within
 * that interval. A source that fails keeps the last good rendering in service; the failure is logged
 * once per distinct message and shown in {@code /healthz}. Nothing on the wire can change keys: no
 * request body is ever read.
 */
public final class JwksServer implements AutoCloseable {
    /** The JWKS path. */
    public static final String JWKS_PATH = "/.well-known/jwks.json";
    /** The signed key set path (OpenID Federation 1.0 signed JWK set). */
    public static final String SIGNED_JWKS_PATH = "/.well-known/jwks.jwt";
    /** The media type of the signed key set. */
    public static final String SIGNED_JWKS_TYPE = "application/jwk-set+jwt";
    /** The OpenID metadata path. */
    public static final String OPENID_PATH = "/.well-known/openid-configuration";
    /** The health path. */
    public static final String HEALTH_PATH = "/healthz";

    private static final Logger LOG = LoggerFactory.getLogger(JwksServer.class);
    private static final Logger ACCESS = LoggerFactory.getLogger("io.nohop.keys.access");

    private final HttpServer server;
    private final PublicationSource source;
    private final Clock clock;
    private final String cacheControl;
    private final String publicUrl;
    private final ThreadPoolExecutor handlers;
    private final ScheduledExecutorService reloader;
    private volatile Rendered rendered;
    private volatile String lastError;

    /** One rendering: the bytes served until the publication changes. */
    private record Rendered(Publication publication, byte[] jwks, String etag, byte[] openid, Instant renderedAt,
                            byte[] signedJwks, String signedEtag) { }

    private JwksServer(HttpServer server, PublicationSource source, Clock clock, Duration maxAge,
                       Duration staleIfError, Optional<String> publicUrl, int threads, Rendered first) {
        this.server = server;
        this.source = source;
        this.clock = clock;
        this.cacheControl = "public, max-age=" + maxAge.toSeconds() + ", stale-if-error=" + staleIfError.toSeconds();
        InetSocketAddress bound = server.getAddress();
        this.publicUrl = stripTrailingSlash(publicUrl.orElse("http://" + hostText(bound) + ":" + bound.getPort()));
        this.rendered = withOpenid(first);
        AtomicInteger n = new AtomicInteger();
        // Handlers only copy prepared bytes, so a small pool suffices; when it is saturated the
        // accepting thread runs the handler itself, which slows accepting instead of queueing forever.
        this.handlers = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(256),
                r -> daemon(r, "nohop-http-" + n.incrementAndGet()), new ThreadPoolExecutor.CallerRunsPolicy());
        this.reloader = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "nohop-reload"));
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
    }

    /**
     * Binds, renders the first publication and starts serving. Fails if the first publication
     * cannot be computed: a server with nothing to serve should not start.
     *
     * @param address where to listen (port 0: any free port)
     * @param source what to publish
     * @param settings cache lifetimes, public URL, reload interval, threads, clock
     * @return the running server
     * @throws IOException if the address cannot be bound
     * @throws Exception if the source fails on the first call
     */
    public static JwksServer start(InetSocketAddress address, PublicationSource source, Settings settings)
            throws Exception {
        Objects.requireNonNull(source, "source");
        Instant now = settings.clock.instant();
        Rendered first = render(source.publicationAt(now), now);
        HttpServer http = HttpServer.create(address, 64);
        JwksServer s = new JwksServer(http, source, settings.clock, settings.maxAge, settings.staleIfError,
                settings.publicUrl, settings.threads, first);
        http.start();
        long every = settings.reloadInterval.toMillis();
        s.reloader.scheduleWithFixedDelay(s::reload, every, every, TimeUnit.MILLISECONDS);
        return s;
    }

    /**
     * Returns the bound address (with the real port when 0 was asked).
     *
     * @return the bound address (with the real port when 0 was asked)
     */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /**
     * Returns {@code http://HOST:PORT} of the bound address.
     *
     * @return {@code http://HOST:PORT} of the bound address
     */
    public String boundUrl() {
        InetSocketAddress a = server.getAddress();
        return "http://" + hostText(a) + ":" + a.getPort();
    }

    /**
     * Asks the source again and swaps in a new rendering if anything changed. Called every reload
     * interval; exposed so tests and tools need not wait for the timer.
     */
    public void reload() {
        Instant now = clock.instant();
        try {
            Publication p = source.publicationAt(now);
            Rendered current = rendered;
            if (!p.equals(current.publication())) {
                Rendered next = withOpenid(render(p, now));
                if (!next.etag().equals(current.etag())) {
                    LOG.info("publishing {} keys (active {}), ETag {}", p.keyCount(), p.activeKid().orElse("none"),
                            next.etag());
                }
                rendered = next;
            }
            if (lastError != null) {
                LOG.info("store readable again");
                lastError = null;
            }
        } catch (Exception e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (!message.equals(lastError)) {
                LOG.warn("cannot read the keys; still serving the last good key set: {}", message);
            }
            lastError = message;
        } catch (Error e) {
            // Keep the timer alive whatever happens; the server keeps serving what it has.
            LOG.error("unexpected error while reloading; still serving the last good key set", e);
        }
    }

    private static Rendered render(Publication p, Instant now) {
        byte[] body = p.jwksJson().getBytes(StandardCharsets.UTF_8);
        byte[] signed = p.signedJwks().map(jwt -> jwt.getBytes(StandardCharsets.US_ASCII)).orElse(new byte[0]);
        return new Rendered(p, body, etag(body), new byte[0], now, signed, etag(signed));
    }

    private Rendered withOpenid(Rendered r) {
        if (r.publication().issuer().isEmpty()) {
            return r;
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("issuer", r.publication().issuer().get());
        meta.put("jwks_uri", publicUrl + JWKS_PATH);
        if (r.publication().signedJwks().isPresent()) {
            meta.put("signed_jwks_uri", publicUrl + SIGNED_JWKS_PATH);
        }
        byte[] openid = JSONObjectUtils.toJSONString(meta).getBytes(StandardCharsets.UTF_8);
        return new Rendered(r.publication(), r.jwks(), r.etag(), openid, r.renderedAt(), r.signedJwks(), r.signedEtag());
    }

    private static String etag(byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        long start = System.nanoTime();
        int status = 500;
        long length = 0;
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod();
            Rendered r = rendered;
            boolean known = JWKS_PATH.equals(path) || HEALTH_PATH.equals(path)
                    || (OPENID_PATH.equals(path) && r.publication().issuer().isPresent())
                    || (SIGNED_JWKS_PATH.equals(path) && r.publication().signedJwks().isPresent());
            Headers headers = exchange.getResponseHeaders();
            if (!known) {
                status = 404;
                length = send(exchange, status, "application/json", "no-store", json("error", "not_found"));
            } else if (!"GET".equals(method) && !"HEAD".equals(method)) {
                headers.set("Allow", "GET, HEAD");
                status = 405;
                length = send(exchange, status, "application/json", "no-store", json("error", "method_not_allowed"));
            } else if (HEALTH_PATH.equals(path)) {
                status = 200;
                length = send(exchange, status, "application/json", "no-store", health(r));
            } else if (OPENID_PATH.equals(path)) {
                status = 200;
                length = send(exchange, status, "application/json", cacheControl, r.openid());
            } else if (SIGNED_JWKS_PATH.equals(path)) {
                headers.set("ETag", r.signedEtag());
                if (matches(exchange.getRequestHeaders().get("If-None-Match"), r.signedEtag())) {
                    headers.set("Cache-Control", cacheControl);
                    status = 304;
                    exchange.sendResponseHeaders(304, -1);
                } else {
                    status = 200;
                    length = send(exchange, status, SIGNED_JWKS_TYPE, cacheControl, r.signedJwks());
                }
            } else {
                headers.set("ETag", r.etag());
                if (matches(exchange.getRequestHeaders().get("If-None-Match"), r.etag())) {
                    headers.set("Cache-Control", cacheControl);
                    status = 304;
                    exchange.sendResponseHeaders(304, -1);
                } else {
                    status = 200;
                    length = send(exchange, status, "application/json", cacheControl, r.jwks());
                }
            }
        } finally {
            if (ACCESS.isInfoEnabled()) {
                ACCESS.info("{} {} {} {}B {}us", exchange.getRequestMethod(),
                        printable(exchange.getRequestURI().getRawPath()), status, length,
                        (System.nanoTime() - start) / 1000);
            }
        }
    }

    private static long send(HttpExchange exchange, int status, String type, String cache, byte[] body)
            throws IOException {
        Headers headers = exchange.getResponseHeaders();
        headers.set("Content-Type", type);
        headers.set("Cache-Control", cache);
        headers.set("X-Content-Type-Options", "nosniff");
        if ("HEAD".equals(exchange.getRequestMethod())) {
            exchange.sendResponseHeaders(status, -1);
            return 0;
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
        return body.length;
    }

    /** RFC 9110 §13.1.2: If-None-Match uses the weak comparison; {@code *} matches any current representation. */
    static boolean matches(java.util.List<String> ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String header : ifNoneMatch) {
            for (String candidate : header.split(",")) {
                String c = candidate.trim();
                if (c.startsWith("W/")) {
                    c = c.substring(2);
                }
                if (c.equals("*") || c.equals(etag)) {
                    return true;
                }
            }
        }
        return false;
    }

    private byte[] health(Rendered r) {
        Map<String, Object> h = new LinkedHashMap<>();
        String error = lastError;
        h.put("status", error == null ? "ok" : "stale");
        h.put("keys", r.publication().keyCount());
        h.put("activeKid", r.publication().activeKid().orElse(null));
        h.put("nextTransition", r.publication().nextTransition().map(Instant::toString).orElse(null));
        h.put("renderedAt", r.renderedAt().toString());
        h.put("etag", r.etag());
        h.put("lastError", error);
        return JSONObjectUtils.toJSONString(h).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] json(String key, String value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(key, value);
        return JSONObjectUtils.toJSONString(m).getBytes(StandardCharsets.UTF_8);
    }

    private static String printable(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length() && i < 200; i++) {
            char c = text.charAt(i);
            sb.append(c < 0x20 || c > 0x7e ? '?' : c);
        }
        return sb.toString();
    }

    private static String hostText(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Stops at once, cutting requests in flight, and stops every thread the server started. */
    @Override
    public void close() {
        close(Duration.ZERO);
    }

    /**
     * Stops accepting connections, lets requests in flight finish for up to {@code grace} (whole
     * seconds; the JDK server may wait the whole grace period), then stops every thread it started.
     *
     * @param grace how long requests in flight may take to finish
     */
    public void close(Duration grace) {
        reloader.shutdownNow();
        server.stop((int) Math.min(Integer.MAX_VALUE, grace.toSeconds()));
        handlers.shutdownNow();
    }

    /** Server settings; each setter checks its value at once. */
    public static final class Settings {
        private Clock clock = Clock.systemUTC();
        private Duration maxAge = Duration.ofMinutes(5);
        private Duration staleIfError = Duration.ofDays(1);
        private Optional<String> publicUrl = Optional.empty();
        private Duration reloadInterval = Duration.ofSeconds(1);
        private int threads = 4;

        /** Creates default settings: max-age 300 s, stale-if-error 1 d, reload every 1 s, 4 threads. */
        public Settings() {
        }

        /**
         * Sets the clock that decides what is published (default the system clock).
         *
         * @param clock time source for what is published
         * @return this
         */
        public Settings clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets the {@code max-age} that verifiers and caches may keep the JWKS (default 300 s).
         *
         * @param maxAge the {@code Cache-Control: max-age} of the JWKS; whole seconds, 0 to 1 day
         * @return this
         */
        public Settings maxAge(Duration maxAge) {
            if (maxAge.isNegative() || maxAge.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("maxAge must be between 0 and 1 day: " + maxAge);
            }
            this.maxAge = maxAge;
            return this;
        }

        /**
         * Sets how long caches in front of the endpoint may serve the JWKS while it fails (default 1 day).
         *
         * @param staleIfError the {@code stale-if-error} lifetime (RFC 5861) for caches in front of the endpoint
         * @return this
         */
        public Settings staleIfError(Duration staleIfError) {
            if (staleIfError.isNegative()) {
                throw new IllegalArgumentException("staleIfError must not be negative: " + staleIfError);
            }
            this.staleIfError = staleIfError;
            return this;
        }

        /**
         * Sets the public URL announced as {@code jwks_uri} (default: the bound address).
         *
         * @param publicUrl the URL verifiers reach this server at, for {@code jwks_uri}; default the bound address
         * @return this
         */
        public Settings publicUrl(String publicUrl) {
            java.net.URI uri = java.net.URI.create(Objects.requireNonNull(publicUrl, "publicUrl"));
            if (!uri.isAbsolute() || uri.getHost() == null) {
                throw new IllegalArgumentException("publicUrl must be an absolute URL: " + publicUrl);
            }
            this.publicUrl = Optional.of(publicUrl);
            return this;
        }

        /**
         * Sets how often the source is asked again (default 1 s).
         *
         * @param interval how often the source is asked again; 100 ms to 1 min
         * @return this
         */
        public Settings reloadInterval(Duration interval) {
            if (interval.compareTo(Duration.ofMillis(100)) < 0 || interval.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("reloadInterval must be between 100 ms and 1 min: " + interval);
            }
            this.reloadInterval = interval;
            return this;
        }

        /**
         * Sets the number of handler threads (default 4).
         *
         * @param threads handler threads, 1 to 64
         * @return this
         */
        public Settings threads(int threads) {
            if (threads < 1 || threads > 64) {
                throw new IllegalArgumentException("threads must be between 1 and 64: " + threads);
            }
            this.threads = threads;
            return this;
        }
    }
}
