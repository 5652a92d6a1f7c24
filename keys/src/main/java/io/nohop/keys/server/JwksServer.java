package io.nohop.keys.server;

import io.nohop.keys.internal.LogSafe;
import io.nohop.keys.server.internal.DateHeader;
import io.nohop.keys.server.internal.HttpEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The key-distribution endpoint: a read-only HTTP server that serves what a {@link PublicationSource}
 * computes, rendered into bytes once per change.
 *
 * <ul>
 *   <li>{@code GET|HEAD /.well-known/jwks.json}: {@code application/json}, a strong {@code ETag},
 *       {@code Cache-Control: public, max-age=N, stale-if-error=M}, 304 on a matching {@code If-None-Match};</li>
 *   <li>{@code GET|HEAD /.well-known/jwks.jwt} when the publication has a signed key set: the compact JWS,
 *       {@code application/jwk-set+jwt}, with its own strong ETag and the same Cache-Control and 304 rules;</li>
 *   <li>{@code GET|HEAD /.well-known/openid-configuration} when there is an issuer: {@code issuer} and
 *       {@code jwks_uri} (the public URL without a trailing slash + {@code /.well-known/jwks.json}), and
 *       {@code signed_jwks_uri} ({@code /.well-known/jwks.jwt}) when there is a signed key set;</li>
 *   <li>{@code GET|HEAD /healthz}: key count, active kid, next transition, and whether the last reload
 *       failed ({@code lastError}: {@code null}, {@code store_unreadable} or {@code source_failed} —
 *       never a path or an exception's text; those go to the log);</li>
 *   <li>any other path: 404 whatever the method; a known path with another method: 405.</li>
 * </ul>
 *
 * <p>What is published follows the clock and the store: the source is asked again every reload
 * interval (default 1 s), so scheduled transitions and changes made by other processes appear within
 * that interval. A source that fails keeps the last good rendering in service; the failure is logged
 * once per distinct message and shown in {@code /healthz}. Nothing on the wire can change keys: no
 * request body is ever read.
 *
 * <p><b>Slow and idle clients.</b> Requests are read without blocking on a few I/O threads
 * ({@link Settings#threads(int)}), so a client that sends slowly or nothing holds a connection, never
 * a thread, and every connection is bounded: its request head must arrive within
 * {@link Settings#requestHeaderTimeout(Duration)} (from the connection opening, or from the first byte
 * of a later request), it may sit idle between requests for {@link Settings#idleTimeout(Duration)},
 * its header fields may take at most {@link Settings#maxRequestHeaderBytes(int)} bytes (else 431 and closed; the
 * request line at most 4 KiB, else 414),
 * and at most {@link Settings#maxConnections(int)} are open at once.
 *
 * <p><b>Admin listener</b> (off unless {@link Settings#adminAddress(InetSocketAddress)} is set): a
 * second listener, never the public one, that serves {@code GET /status} (JSON: the publication, its
 * keys and how many instances hold each, per instance its last poll and whether it holds the current
 * set, and a summary) and {@code GET /metrics} (Prometheus text format), on an I/O thread of its own
 * (a status walks the whole instance table; the public listener never waits for it). With it on, the server keeps
 * a bounded table of the verifier instances that fetch the key set: keyed by the {@code Nohop-Instance}
 * request header, or, for clients that do not send one, by their address and {@code User-Agent}.
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
    /** The admin listener's status path. */
    public static final String STATUS_PATH = "/status";
    /** The admin listener's metrics path. */
    public static final String METRICS_PATH = "/metrics";

    private static final Logger ACCESS = LoggerFactory.getLogger("io.nohop.keys.access");

    private final HttpEngine engine;
    private final InetSocketAddress bound;
    private final Optional<InetSocketAddress> adminBound;
    private final ScheduledExecutorService reloader;
    private final Publisher publisher;

    private JwksServer(PublicationSource source, Settings settings, Rendering first, InetSocketAddress address)
            throws IOException {
        Clock clock = settings.clock;
        // Served for the instant between binding and knowing the bound port (the openid document
        // names it): the openid route does not exist until it is rendered.
        this.publisher = new Publisher(source, clock, first, settings.reloadProblems);
        boolean admin = settings.adminAddress.isPresent();
        EndpointRoutes routes = new EndpointRoutes(publisher, clock, settings.maxAge, settings.staleIfError,
                settings.freshnessWindow, admin, settings.instanceTableSize, settings.publishLead);
        this.engine = new HttpEngine(settings.threads, new HttpEngine.Limits(settings.requestHeaderTimeout,
                settings.idleTimeout, settings.maxRequestHeaderBytes, settings.maxConnections), new DateHeader(clock));
        try {
            this.bound = engine.listen(address, routes.publicListener(), JwksServer::logAccess, false);
            String publicUrl = stripTrailingSlash(settings.publicUrl.orElse("http://" + hostText(bound) + ":" + bound.getPort()));
            publisher.servedAt(publicUrl);
            if (admin) {
                InetSocketAddress adminAddress = settings.adminAddress.get();
                try {
                    this.adminBound = Optional.of(engine.listen(adminAddress,
                            routes.adminListener(), JwksServer::logAccess, true));
                } catch (IOException e) {
                    throw new IOException("admin listener " + adminAddress.getHostString() + ":" + adminAddress.getPort()
                            + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
                }
            } else {
                this.adminBound = Optional.empty();
            }
        } catch (IOException | RuntimeException e) {
            engine.close();
            throw e;
        }
        this.reloader = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "nohop-reload"));
    }

    /**
     * Binds, renders the first publication and starts serving. Fails if the first publication
     * cannot be computed: a server with nothing to serve should not start.
     *
     * @param address where to listen (port 0: any free port)
     * @param source what to publish
     * @param settings cache lifetimes, public URL, reload interval, threads, bounds, admin listener, clock
     * @return the running server
     * @throws IOException if an address cannot be bound
     * @throws Exception if the source fails on the first call
     */
    public static JwksServer start(InetSocketAddress address, PublicationSource source, Settings settings)
            throws Exception {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(address, "address");
        Instant now = settings.clock.instant();
        Rendering first = Rendering.of(source.publicationAt(now), now, 1);
        JwksServer s = new JwksServer(source, settings, first, address);
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
        return bound;
    }

    /**
     * Returns {@code http://HOST:PORT} of the bound address.
     *
     * @return {@code http://HOST:PORT} of the bound address
     */
    public String boundUrl() {
        return "http://" + hostText(bound) + ":" + bound.getPort();
    }

    /**
     * Returns the admin listener's bound address, if it was asked for.
     *
     * @return the admin listener's address, or empty when it is off
     */
    public Optional<InetSocketAddress> adminAddress() {
        return adminBound;
    }

    /**
     * Returns {@code http://HOST:PORT} of the admin listener, if it was asked for.
     *
     * @return the admin listener's URL, or empty when it is off
     */
    public Optional<String> adminUrl() {
        return adminBound.map(a -> "http://" + hostText(a) + ":" + a.getPort());
    }

    /**
     * Asks the source again and swaps in a new rendering if anything changed. Called every reload
     * interval; exposed so tests and tools need not wait for the timer.
     */
    public void reload() {
        publisher.reload();
    }

    private static void logAccess(String method, String path, int status, long bytes, long micros) {
        if (ACCESS.isInfoEnabled()) {
            ACCESS.info("{} {} {} {}B {}us", printable(method), printable(path), status, bytes, micros);
        }
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

    /** Log text from the wire or an exception: printable ASCII only, at most 200 characters. */
    static String printable(String text) {
        return LogSafe.printable(text, 200);
    }

    private static String hostText(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return host.indexOf(':') >= 0 ? "[" + compressed(host) + "]" : host;
    }

    /**
     * An IPv6 address as RFC 5952 writes it ({@code ::1}, not {@code 0:0:0:0:0:0:0:1}): the longest run of
     * two or more zero groups (the first of equal runs) becomes {@code ::}. The JDK already drops leading
     * zeros and writes lowercase; a zone ({@code %...}) is dropped (it means nothing in a URL to others).
     */
    static String compressed(String ipv6) {
        int zone = ipv6.indexOf('%');
        String[] groups = (zone >= 0 ? ipv6.substring(0, zone) : ipv6).split(":", -1);
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < groups.length; ) {
            int j = i;
            while (j < groups.length && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        if (bestStart < 0) {
            return String.join(":", groups);
        }
        String head = String.join(":", java.util.Arrays.asList(groups).subList(0, bestStart));
        String tail = String.join(":", java.util.Arrays.asList(groups).subList(bestStart + bestLength, groups.length));
        return head + "::" + tail;
    }

    private static String stripTrailingSlash(String url) {
        String stripped = url;
        while (stripped.endsWith("/")) {
            stripped = stripped.substring(0, stripped.length() - 1);
        }
        return stripped;
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
     * Stops accepting connections, closes idle ones, lets requests in flight finish for up to
     * {@code grace}, then closes the rest and stops every thread it started, and waits for them to end.
     *
     * @param grace how long requests in flight may take to finish
     */
    public void close(Duration grace) {
        reloader.shutdownNow();
        engine.close(grace);
        try {
            reloader.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Server settings; each setter checks its value at once. */
    public static final class Settings {
        private Clock clock = Clock.systemUTC();
        private Duration maxAge = Duration.ofMinutes(5);
        private Duration staleIfError = Duration.ofDays(1);
        private Optional<String> publicUrl = Optional.empty();
        private Duration reloadInterval = Duration.ofSeconds(1);
        private int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        private Duration requestHeaderTimeout = Duration.ofSeconds(10);
        private Duration idleTimeout = Duration.ofSeconds(30);
        private int maxRequestHeaderBytes = 8192;
        private int maxConnections = 10_000;
        private Optional<InetSocketAddress> adminAddress = Optional.empty();
        private int instanceTableSize = 100_000;
        private Duration freshnessWindow = Duration.ofHours(1);
        private Optional<Duration> publishLead = Optional.empty();
        private Consumer<String> reloadProblems = problem -> { };

        /**
         * Creates default settings: max-age 300 s, stale-if-error 1 d, reload every 1 s, I/O threads one
         * per processor up to 4, request head within 10 s, idle connections closed after 30 s, request
         * heads up to 8 KiB, at most 10,000 connections, no admin listener.
         */
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
         * Sets the public URL announced as {@code jwks_uri} (default: the bound address): the
         * {@code jwks_uri} is this URL without its trailing slashes, followed by {@link #JWKS_PATH}.
         *
         * @param publicUrl the URL verifiers reach this server at, for {@code jwks_uri}; default the bound
         *                  address. An absolute {@code http} or {@code https} URL with a host, and optionally a
         *                  path prefix (a reverse proxy's); no query, fragment or user info
         * @return this
         * @throws IllegalArgumentException if the URL is not of that form
         */
        public Settings publicUrl(String publicUrl) {
            Objects.requireNonNull(publicUrl, "publicUrl");
            java.net.URI uri;
            try {
                uri = new java.net.URI(publicUrl);
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("publicUrl is not a URL: " + publicUrl, e);
            }
            String scheme = uri.getScheme();
            if (scheme == null || uri.getHost() == null
                    || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
                throw new IllegalArgumentException("publicUrl must be an absolute http or https URL: " + publicUrl);
            }
            // jwks_uri is this URL with a path appended: a query or fragment would end up in front of the
            // path, and credentials do not belong in a published document.
            if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                throw new IllegalArgumentException("publicUrl must have no query, fragment or user info: " + publicUrl);
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
         * Sets where to tell, besides the SLF4J log, that reloads fail and the last good publication stays in
         * service, and that the source answers again: one line per distinct failure, told once two reloads in a
         * row saw it (a writing command caught between its two writes is gone a reload later), for a process
         * (such as {@code nohop serve}) whose operators read its output rather than a log. Called on the reload
         * thread; a sink that throws is ignored. Default: nowhere but the log.
         *
         * @param sink receives one printable line (no control characters; paths as the source's message names them)
         * @return this
         */
        public Settings reloadProblems(Consumer<String> sink) {
            this.reloadProblems = Objects.requireNonNull(sink, "sink");
            return this;
        }

        /**
         * Sets the number of I/O threads that read requests and write answers (default one per
         * processor, at most 4). They never block: answers are prepared bytes.
         *
         * @param threads I/O threads, 1 to 64
         * @return this
         */
        public Settings threads(int threads) {
            if (threads < 1 || threads > 64) {
                throw new IllegalArgumentException("threads must be between 1 and 64: " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * Sets how long a request head (request line and headers) may take to arrive, counted from the
         * connection opening for its first request and from the first byte of any later one (default
         * 10 s). A connection that overruns it is closed without an answer.
         *
         * @param timeout 100 ms to 10 min
         * @return this
         */
        public Settings requestHeaderTimeout(Duration timeout) {
            this.requestHeaderTimeout = within("requestHeaderTimeout", timeout, Duration.ofMillis(100), Duration.ofMinutes(10));
            return this;
        }

        /**
         * Sets how long a connection may sit idle between requests, and how long a client may take to
         * accept an answer (default 30 s). Then it is closed.
         *
         * @param timeout 100 ms to 1 h
         * @return this
         */
        public Settings idleTimeout(Duration timeout) {
            this.idleTimeout = within("idleTimeout", timeout, Duration.ofMillis(100), Duration.ofHours(1));
            return this;
        }

        /**
         * Sets the most bytes of header fields a request may carry (default 8 KiB); more are answered
         * {@code 431} and the connection closed. The request line is bounded apart: at most 4 KiB, or this
         * value if smaller (else {@code 414}). A head is thus at most the two together.
         *
         * @param bytes 1 KiB to 64 KiB
         * @return this
         */
        public Settings maxRequestHeaderBytes(int bytes) {
            if (bytes < 1024 || bytes > 65536) {
                throw new IllegalArgumentException("maxRequestHeaderBytes must be between 1024 and 65536: " + bytes);
            }
            this.maxRequestHeaderBytes = bytes;
            return this;
        }

        /**
         * Sets the most connections open at once, over both listeners (default 10,000); further ones are
         * closed as they arrive.
         *
         * @param connections 1 to 1,000,000
         * @return this
         */
        public Settings maxConnections(int connections) {
            if (connections < 1 || connections > 1_000_000) {
                throw new IllegalArgumentException("maxConnections must be between 1 and 1000000: " + connections);
            }
            this.maxConnections = connections;
            return this;
        }

        /**
         * Turns on the admin listener ({@code GET /status}, {@code GET /metrics}) at this address (port
         * 0: any free port), and with it the instance table. Off by default. Bind it to loopback or a
         * management network: it tells who polls and when.
         *
         * @param address where the admin listener listens
         * @return this
         */
        public Settings adminAddress(InetSocketAddress address) {
            this.adminAddress = Optional.of(Objects.requireNonNull(address, "adminAddress"));
            return this;
        }

        /**
         * Sets how many verifier instances the instance table remembers (default 100,000); the least
         * recently polled is forgotten first.
         *
         * @param size 1 to 10,000,000
         * @return this
         */
        public Settings instanceTableSize(int size) {
            if (size < 1 || size > 10_000_000) {
                throw new IllegalArgumentException("instanceTableSize must be between 1 and 10000000: " + size);
            }
            this.instanceTableSize = size;
            return this;
        }

        /**
         * Sets the freshness window: instances that polled within it count as "seen" in
         * {@code /status} and the pollers metric (default 1 h).
         *
         * @param window 1 s to 30 d
         * @return this
         */
        public Settings freshnessWindow(Duration window) {
            this.freshnessWindow = within("freshnessWindow", window, Duration.ofSeconds(1), Duration.ofDays(30));
            return this;
        }

        /**
         * Sets the store's publish lead L, reported as {@code nohop_endpoint_publish_lead_seconds}
         * (default unknown: NaN).
         *
         * @param lead the publish lead, not negative
         * @return this
         */
        public Settings publishLead(Duration lead) {
            if (lead.isNegative()) {
                throw new IllegalArgumentException("publishLead must not be negative: " + lead);
            }
            this.publishLead = Optional.of(lead);
            return this;
        }

        private static Duration within(String name, Duration value, Duration min, Duration max) {
            Objects.requireNonNull(value, name);
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ": " + value);
            }
            return value;
        }
    }
}
