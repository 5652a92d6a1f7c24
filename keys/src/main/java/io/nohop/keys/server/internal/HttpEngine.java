package io.nohop.keys.server.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP/1.1 transport under the key endpoint (Netty, NIO). Request heads are read without
 * blocking on a few event-loop threads, so a client that sends slowly or nothing holds a connection
 * (bounded in time, count and bytes), never a thread.
 *
 * <p>Per connection: its first request's head must arrive within {@code requestHeaderTimeout} of the
 * connection opening; between requests the connection may sit idle for {@code idleTimeout}, and a
 * request's head must be complete within {@code requestHeaderTimeout} of its first byte; a response
 * must be taken by the client within {@code idleTimeout}. A head larger than {@code maxHeaderBytes}
 * is answered 431 (a request line over its share, 414) and the connection closed. A request that
 * announces a body is answered and the connection closed, so no body is ever read. Connections over
 * {@code maxConnections} are closed as they arrive. Responses queue at most Netty's write-buffer high
 * mark (64 KiB) before the connection stops being read.
 */
public final class HttpEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpEngine.class);

    /**
     * The bounds on what one client may make the server hold.
     *
     * @param requestHeaderTimeout the most time a request head may take to arrive
     * @param idleTimeout the most time a connection may sit between requests, or a response wait for the client
     * @param maxHeaderBytes the largest request head (request line and headers)
     * @param maxConnections the most open connections over all listeners
     */
    public record Limits(Duration requestHeaderTimeout, Duration idleTimeout, int maxHeaderBytes, int maxConnections) {
        /**
         * Checks the values.
         *
         * @param requestHeaderTimeout header time bound
         * @param idleTimeout idle bound
         * @param maxHeaderBytes header size bound
         * @param maxConnections connection bound
         */
        public Limits {
            Objects.requireNonNull(requestHeaderTimeout, "requestHeaderTimeout");
            Objects.requireNonNull(idleTimeout, "idleTimeout");
        }
    }

    /** Called once per answered request, after the answer was handed to the socket. */
    @FunctionalInterface
    public interface AccessListener {
        /**
         * Reports one answered request.
         *
         * @param method the method as sent (attacker text)
         * @param path the raw path (attacker text)
         * @param status the status sent
         * @param bytes the body bytes sent
         * @param micros how long answering took
         */
        void answered(String method, String path, int status, long bytes, long micros);
    }

    private final Limits limits;
    private final EventLoops boss;
    private final EventLoops workers;
    private EventLoops ownLoops;
    /** Open connections, for closing them at shutdown. */
    private final Set<Channel> connections = ConcurrentHashMap.newKeySet();
    private final List<Channel> listeners = new ArrayList<>();
    private final AtomicInteger open = new AtomicInteger();
    private final DateHeader date;

    /**
     * Starts the event loops (daemon threads named {@code nohop-accept} and {@code nohop-http-N}).
     *
     * @param threads event-loop threads that read requests and write answers
     * @param limits per-connection bounds
     * @param date the {@code Date} header source
     */
    public HttpEngine(int threads, Limits limits, DateHeader date) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.date = Objects.requireNonNull(date, "date");
        this.boss = new EventLoops(1, "nohop-accept");
        this.workers = new EventLoops(threads, "nohop-http");
    }

    /**
     * Binds a listener that answers with {@code routes}.
     *
     * @param address where to listen (port 0: any free port)
     * @param routes what answers
     * @param access told of every answer
     * @param ownThread whether its connections get an I/O thread of their own ({@code nohop-admin}),
     *     for answers that take real work (the admin listener's table walks) and must not delay the rest
     * @return the bound address
     * @throws IOException if the address cannot be bound
     */
    public InetSocketAddress listen(InetSocketAddress address, Exchange.Routes routes, AccessListener access,
                                    boolean ownThread) throws IOException {
        EventLoopGroup loops = workers;
        if (ownThread) {
            synchronized (listeners) {
                if (ownLoops == null) {
                    ownLoops = new EventLoops(1, "nohop-admin");
                }
                loops = ownLoops;
            }
        }
        // The socket's family follows the address asked for: a default (IPv6) socket bound to 0.0.0.0
        // would listen on every IPv6 address too, which --bind 0.0.0.0 did not ask for.
        SocketProtocolFamily family = address.getAddress() instanceof Inet4Address
                ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, loops)
                .channelFactory(() -> new NioServerSocketChannel(SelectorProvider.provider(), family))
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ConnectionGuard guard = new ConnectionGuard();
                        HttpDecoderConfig decoder = new HttpDecoderConfig()
                                .setMaxInitialLineLength(Math.min(4096, limits.maxHeaderBytes()))
                                .setMaxHeaderSize(limits.maxHeaderBytes())
                                .setMaxChunkSize(8192);
                        ch.pipeline().addLast("guard", guard)
                                .addLast("codec", new HttpServerCodec(decoder))
                                .addLast("exchange", new ExchangeHandler(guard, routes, access));
                    }
                });
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            Throwable cause = bound.cause();
            throw cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause);
        }
        synchronized (listeners) {
            listeners.add(bound.channel());
        }
        return (InetSocketAddress) bound.channel().localAddress();
    }

    /**
     * Returns the number of open connections.
     *
     * @return the number of open connections
     */
    public int openConnections() {
        return open.get();
    }

    /** Stops at once. */
    @Override
    public void close() {
        close(Duration.ZERO);
    }

    /**
     * Stops accepting, lets requests in flight finish for up to {@code grace} (idle connections are
     * closed at once), then closes the rest and stops every thread it started, waiting for them.
     *
     * @param grace how long requests in flight may take
     */
    public void close(Duration grace) {
        synchronized (listeners) {
            for (Channel l : listeners) {
                l.close().awaitUninterruptibly();
            }
            listeners.clear();
        }
        for (Channel c : connections) {
            c.eventLoop().execute(() -> {
                ConnectionGuard g = c.pipeline().get(ConnectionGuard.class);
                if (g != null) {
                    g.drain(c);
                }
            });
        }
        long deadline = System.nanoTime() + grace.toNanos();
        for (Channel c : connections) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                c.closeFuture().awaitUninterruptibly(TimeUnit.NANOSECONDS.toMillis(left) + 1);
            }
        }
        for (Channel c : connections) {
            c.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        List<EventLoops> groups = new ArrayList<>(List.of(boss, workers));
        synchronized (listeners) {
            if (ownLoops != null) {
                groups.add(ownLoops);
            }
        }
        for (EventLoops g : groups) {
            g.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        }
        // Every thread this server started ends before close() returns. (Netty's own groups would also
        // start its shared helper thread, which outlives them by a second: EventLoops does without it.)
        boolean interrupted = false;
        for (EventLoops g : groups) {
            try {
                g.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Where a connection is in its request cycle; every state has a deadline. */
    private enum Phase { FIRST_REQUEST, IDLE, READING_HEAD, ANSWERING }

    /**
     * Counts the connection, and closes it when the phase it is in overruns its bound. Runs on the
     * connection's event loop only, so its fields need no synchronisation. The deadline is a field that
     * phase changes overwrite; one timer per connection checks it when due and re-arms itself for the
     * rest, so a request costs no timer operations.
     */
    private final class ConnectionGuard extends ChannelDuplexHandler {
        private Phase phase = Phase.FIRST_REQUEST;
        private long deadlineNanos;
        private ScheduledFuture<?> timer;
        private boolean counted;
        private boolean draining;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            counted = true;
            if (open.incrementAndGet() > limits.maxConnections()) {
                LOG.debug("connection limit {} reached; closing a new connection", limits.maxConnections());
                ctx.close();
                return;
            }
            connections.add(ctx.channel());
            deadlineNanos = System.nanoTime() + limits.requestHeaderTimeout().toNanos();
            schedule(ctx, limits.requestHeaderTimeout().toNanos());
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (counted) {
                open.decrementAndGet();
                counted = false;
            }
            connections.remove(ctx.channel());
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (phase == Phase.IDLE && msg instanceof ByteBuf b && b.isReadable()) {
                enter(Phase.READING_HEAD, limits.requestHeaderTimeout());
            }
            ctx.fireChannelRead(msg);
        }

        /** The codec produced a request head; its answer must be taken within the idle bound. */
        void headComplete() {
            enter(Phase.ANSWERING, limits.idleTimeout());
        }

        /**
         * The answer was handed to the socket; wait for the next request. Should the client not read
         * it, the idle bound still runs out and closes the connection (and reading stops while the
         * answer cannot be written, so nothing piles up meanwhile).
         */
        void answered(ChannelHandlerContext ctx) {
            if (draining) {
                ctx.close();
                return;
            }
            enter(Phase.IDLE, limits.idleTimeout());
        }

        boolean draining() {
            return draining;
        }

        /** Shutting down: close now if no request is under way, else after its answer. */
        void drain(Channel channel) {
            draining = true;
            if (phase == Phase.IDLE || phase == Phase.FIRST_REQUEST) {
                channel.close();
            }
        }

        private void enter(Phase next, Duration bound) {
            phase = next;
            deadlineNanos = System.nanoTime() + bound.toNanos();
        }

        private void schedule(ChannelHandlerContext ctx, long delayNanos) {
            timer = ctx.executor().schedule(() -> check(ctx), delayNanos, TimeUnit.NANOSECONDS);
        }

        private void check(ChannelHandlerContext ctx) {
            if (!ctx.channel().isOpen()) {
                return;
            }
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                LOG.debug("closing a connection from {}: {} overran its bound", ctx.channel().remoteAddress(), phase);
                ctx.close();
            } else {
                schedule(ctx, left);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // Resets and broken pipes are what clients do; nothing to report above debug.
            LOG.debug("connection error from {}: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }

    /** Turns decoded request heads into answers; drops every body chunk unread. */
    private final class ExchangeHandler extends ChannelInboundHandlerAdapter {
        private final ConnectionGuard guard;
        private final Exchange.Routes routes;
        private final AccessListener access;
        private boolean closing;

        ExchangeHandler(ConnectionGuard guard, Exchange.Routes routes, AccessListener access) {
            this.guard = guard;
            this.routes = routes;
            this.access = access;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpRequest request && !closing) {
                    exchange(ctx, request);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void exchange(ChannelHandlerContext ctx, HttpRequest request) {
            long start = System.nanoTime();
            guard.headComplete();
            String method = request.method().name();
            String uri = request.uri();
            Exchange.Response answer;
            boolean keepAlive;
            if (request.decoderResult().isFailure()) {
                Throwable cause = request.decoderResult().cause();
                int status = cause instanceof TooLongHttpHeaderException ? 431
                        : cause instanceof TooLongHttpLineException ? 414
                        : cause instanceof TooLongFrameException ? 431 : 400;
                answer = Exchange.Response.status(status).header("Content-Type", "application/json")
                        .header("Cache-Control", "no-store").header("X-Content-Type-Options", "nosniff")
                        .body(status == 431 ? HEADERS_TOO_LARGE : status == 414 ? URI_TOO_LONG : BAD_REQUEST);
                keepAlive = false;
                method = "-";
                uri = "-";
            } else if (!hostFieldValid(request)) {
                // RFC 9112 §3.2: an HTTP/1.1 request without Host, any request with more than one, or
                // one whose value is not a host[:port] is answered 400.
                answer = Exchange.Response.status(400).header("Content-Type", "application/json")
                        .header("Cache-Control", "no-store").header("X-Content-Type-Options", "nosniff")
                        .body(BAD_REQUEST);
                keepAlive = false;
            } else {
                HttpHeaders h = request.headers();
                Exchange.Request view = new Exchange.Request(method, pathOf(uri),
                        h.getAll(HttpHeaderNames.IF_NONE_MATCH), h.get("Nohop-Instance"), h.get(HttpHeaderNames.USER_AGENT),
                        remoteText(ctx.channel()));
                try {
                    answer = routes.answer(view);
                } catch (RuntimeException e) {
                    LOG.error("unexpected failure answering a request", e);
                    answer = Exchange.Response.status(500).header("Content-Type", "application/json")
                            .header("Cache-Control", "no-store").body(INTERNAL_ERROR);
                }
                boolean announcesBody = HttpUtil.getContentLength(request, 0L) > 0 || HttpUtil.isTransferEncodingChunked(request);
                keepAlive = HttpUtil.isKeepAlive(request) && !announcesBody && !guard.draining();
            }
            boolean head = "HEAD".equals(method);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(answer.status()),
                    head || answer.body().length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(answer.body()));
            HttpHeaders out = response.headers();
            List<String> headers = answer.headers();
            for (int i = 0; i < headers.size(); i += 2) {
                out.set(headers.get(i), headers.get(i + 1));
            }
            out.set(HttpHeaderNames.DATE, date.now());
            if (answer.status() != 304) {
                out.setInt(HttpHeaderNames.CONTENT_LENGTH, answer.body().length);
            }
            HttpUtil.setKeepAlive(response, keepAlive);
            long bytes = head ? 0 : answer.body().length;
            if (keepAlive) {
                ctx.writeAndFlush(response, ctx.voidPromise());
                guard.answered(ctx);
                if (!ctx.channel().isWritable()) {
                    // A client that pipelines requests without reading answers: stop reading it.
                    ctx.channel().config().setAutoRead(false);
                }
            } else {
                closing = true;
                ctx.writeAndFlush(response).addListener(f -> ctx.close());
            }
            access.answered(method, uri, answer.status(), bytes, (System.nanoTime() - start) / 1000);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                ctx.channel().config().setAutoRead(true);
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("connection error from {}: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }

    private static final byte[] HEADERS_TOO_LARGE = json("request_header_fields_too_large");
    private static final byte[] URI_TOO_LONG = json("uri_too_long");
    private static final byte[] BAD_REQUEST = json("bad_request");
    private static final byte[] INTERNAL_ERROR = json("internal_error");

    private static byte[] json(String error) {
        return ("{\"error\":\"" + error + "\"}").getBytes(StandardCharsets.US_ASCII);
    }

    /** The path of an origin-form target without its query; of an absolute-form target, its path. */
    static String pathOf(String uri) {
        String target = uri;
        if (!target.startsWith("/")) {
            int scheme = target.indexOf("://");
            if (scheme < 0) {
                return target;
            }
            int slash = target.indexOf('/', scheme + 3);
            target = slash < 0 ? "/" : target.substring(slash);
        }
        int end = target.length();
        int q = target.indexOf('?');
        if (q >= 0) {
            end = q;
        }
        int f = target.indexOf('#');
        if (f >= 0 && f < end) {
            end = f;
        }
        return target.substring(0, end);
    }

    /**
     * Whether the request's {@code Host} field is as RFC 9112 §3.2 requires: exactly one on HTTP/1.1, at
     * most one on HTTP/1.0, and its value empty or made of the characters of a URI's host and port
     * (RFC 3986: unreserved, percent-encoded, sub-delimiters, and the colon and brackets of a port and
     * an IP literal).
     */
    static boolean hostFieldValid(HttpRequest request) {
        List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
        boolean http11 = request.protocolVersion().majorVersion() == 1 && request.protocolVersion().minorVersion() >= 1;
        if (hosts.size() > 1 || (http11 && hosts.isEmpty())) {
            return false;
        }
        if (hosts.isEmpty()) {
            return true;
        }
        String host = hosts.get(0);
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-._~%!$&'()*+,;=:[]".indexOf(c) >= 0;
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    private static String remoteText(Channel channel) {
        if (channel.remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null) {
            return a.getAddress().getHostAddress();
        }
        return "unknown";
    }
}
