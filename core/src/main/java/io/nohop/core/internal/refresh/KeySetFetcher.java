package io.nohop.core.internal.refresh;

import io.nohop.core.RefreshFailure;
import io.nohop.core.internal.DaemonThreads;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one HTTP client of a verifier, shared by all its key sources. Each fetch is held within hard
 * bounds: a connect timeout, a TOTAL deadline covering headers and body ({@link HttpRequest.Builder#timeout}
 * alone stops at the headers, so a server that drips its body one byte a second would hold the fetch
 * forever), a body cap enforced while streaming, no redirects, {@code Accept: application/json} (or
 * {@code application/jwk-set+jwt} for a source that pins roots), and the verifier's identity
 * ({@link VerifierIdentity}: {@code User-Agent: nohop/<version>} and {@code Nohop-Instance: <name>}).
 * Only 200 is a body; 304 only answers a conditional request. The production {@link KeySetTransport}.
 *
 * <p>Threads: the client runs on an executor of daemon threads named {@code nohop-http-N} that this
 * class owns and {@link #close()} stops. Every exchange is a blocking {@link HttpClient#send} run on one
 * of those threads, never {@link HttpClient#sendAsync}: the future {@code sendAsync} returns completes
 * on {@link java.util.concurrent.ForkJoinPool#commonPool()} whatever executor the client has (JDK 17 when
 * the common pool has two or more workers; JDK 25 always), so a service that saturates the common pool
 * with blocking work would hold every refresh until the fetch deadline. {@code send} completes on the
 * client's own executor. The caller waits for the exchange with the total deadline and aborts it on
 * expiry: cancelling the task interrupts {@code send}, which aborts the exchange. Caveat: on JDK 17 the
 * client also keeps one internal selector thread ({@code HttpClient-N-SelectorManager}, not ours to
 * name) that ends only when the client becomes unreachable; on JDK 21+ {@code close()} stops it at once
 * through {@code HttpClient.shutdownNow()}.
 *
 * <p>The deadline is measured in real elapsed time, not with the injected clock: it bounds real network
 * I/O, which a test clock cannot speed up.
 */
final class KeySetFetcher implements KeySetTransport {
    private static final Duration THREAD_STOP_WAIT = Duration.ofSeconds(2);

    private final DaemonThreads threadFactory = DaemonThreads.named("http");
    private final ExecutorService httpThreads;
    private final HttpClient client;
    private final Clock clock;
    private final VerifierIdentity identity;

    /**
     * @param connectTimeout the TCP/TLS connect timeout of every fetch
     * @param clock turns a {@code Retry-After} HTTP-date into a delay
     * @param identity named in the headers of every request
     */
    KeySetFetcher(Duration connectTimeout, Clock clock, VerifierIdentity identity) {
        this.httpThreads = Executors.newCachedThreadPool(threadFactory);
        this.client = HttpClient.newBuilder()
                .executor(httpThreads)
                // HTTP/1.1: a key set is one small GET. The default (HTTP/2) sends an h2c upgrade request
                // on plain http, which buys nothing here and which some servers and proxies mishandle.
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.clock = clock;
        this.identity = identity;
    }

    /**
     * Starts fetching {@code uri} on the client's threads; {@link Call#await()} waits for the outcome.
     *
     * @param uri what to fetch
     * @param accept the media type asked for ({@code Accept})
     * @param sent sent as {@code If-None-Match} / {@code If-Modified-Since}; NONE for unconditional
     * @param deadline the total time allowed, headers and body
     * @param maxBodyBytes larger bodies are refused while streaming
     * @return the exchange in flight
     */
    @Override
    public Call start(URI uri, String accept, RevalidationHeaders sent, Duration deadline, int maxBodyBytes) {
        return new Call(uri, accept, sent, deadline, maxBodyBytes);
    }

    /** One exchange: awaited by the fetching thread, abortable from any thread (a closing source). */
    final class Call implements KeySetTransport.Exchange {
        private final RevalidationHeaders sent;
        private final Duration deadline;
        private final int maxBodyBytes;
        private final long deadlineNanos;
        private final AtomicReference<CappedBodySubscriber> bodyReader = new AtomicReference<>();
        private final Future<HttpResponse<byte[]>> exchange;
        private final FetchResult.Failed refused;

        private Call(URI uri, String accept, RevalidationHeaders sent, Duration deadline, int maxBodyBytes) {
            this.sent = sent;
            this.deadline = deadline;
            this.maxBodyBytes = maxBodyBytes;
            this.deadlineNanos = System.nanoTime() + deadline.toNanos();
            Future<HttpResponse<byte[]>> submitted = null;
            FetchResult.Failed notStarted = null;
            try {
                HttpRequest request = request(uri, accept);
                submitted = httpThreads.submit(() -> client.send(request, this::bodyFor));
            } catch (IllegalArgumentException e) {
                notStarted = FetchResult.Failed.of(RefreshFailure.UNREACHABLE, "request refused by the HTTP client");
            } catch (RejectedExecutionException e) {
                notStarted = FetchResult.Failed.of(RefreshFailure.UNREACHABLE, "HTTP client closed");
            }
            this.exchange = submitted;
            this.refused = notStarted;
        }

        private HttpRequest request(URI uri, String accept) {
            HttpRequest.Builder builder = HttpRequest.newBuilder(uri).GET()
                    .timeout(deadline)
                    .header("Accept", accept)
                    .header("User-Agent", VerifierIdentity.USER_AGENT)
                    .header("Nohop-Instance", identity.instanceName());
            sent.etag().ifPresent(etag -> builder.header("If-None-Match", etag));
            sent.lastModified().ifPresent(date -> builder.header("If-Modified-Since", date));
            return builder.build();
        }

        private HttpResponse.BodySubscriber<byte[]> bodyFor(HttpResponse.ResponseInfo info) {
            if (info.statusCode() != 200) {
                return HttpResponse.BodySubscribers.replacing(new byte[0]);
            }
            CappedBodySubscriber reader = new CappedBodySubscriber(maxBodyBytes,
                    info.headers().firstValueAsLong("Content-Length").orElse(-1));
            bodyReader.set(reader);
            return reader;
        }

        /**
         * Blocks the calling thread at most until the total deadline.
         *
         * @return the outcome; never throws
         */
        @Override
        public FetchResult await() {
            if (refused != null) {
                return refused;
            }
            try {
                HttpResponse<byte[]> answer = exchange.get(Math.max(0, deadlineNanos - System.nanoTime()),
                        TimeUnit.NANOSECONDS);
                return classify(answer);
            } catch (TimeoutException e) {
                abort();
                return FetchResult.Failed.of(RefreshFailure.TIMEOUT, "timed out after " + deadline.toMillis() + " ms");
            } catch (InterruptedException e) {
                abort();
                Thread.currentThread().interrupt();
                return FetchResult.Failed.of(RefreshFailure.UNREACHABLE, "fetch interrupted");
            } catch (CancellationException e) {
                return FetchResult.Failed.of(RefreshFailure.UNREACHABLE, "fetch aborted");
            } catch (ExecutionException e) {
                abort();
                return describe(e.getCause());
            }
        }

        /** Stops the exchange: interrupts {@code send} (which aborts it) and stops reading a body mid-way. */
        @Override
        public void abort() {
            if (exchange != null) {
                exchange.cancel(true);
            }
            CappedBodySubscriber reader = bodyReader.get();
            if (reader != null) {
                reader.abort();
            }
        }

        private FetchResult classify(HttpResponse<byte[]> answer) {
            int status = answer.statusCode();
            if (status == 200) {
                return new FetchResult.Body(answer.body(), RevalidationHeaders.of(answer.headers()),
                        ResponseDirectives.freshness(answer.headers()));
            }
            if (status == 304 && !sent.isEmpty()) {
                return new FetchResult.NotModified(RevalidationHeaders.of(answer.headers()),
                        ResponseDirectives.freshness(answer.headers()));
            }
            if (status == 429 || status == 503) {
                return new FetchResult.Failed(RefreshFailure.HTTP_STATUS,
                        "HTTP " + status + (status == 429 ? " too many requests" : " unavailable"),
                        ResponseDirectives.retryAfter(answer.headers(), clock.instant()));
            }
            if (status >= 300 && status <= 399) {
                return FetchResult.Failed.of(RefreshFailure.REDIRECT, "HTTP " + status + " redirect not followed");
            }
            if (status >= 500 && status <= 599) {
                return FetchResult.Failed.of(RefreshFailure.HTTP_STATUS, "HTTP " + status + " server error");
            }
            return FetchResult.Failed.of(RefreshFailure.HTTP_STATUS, "HTTP " + status + " unexpected status");
        }

        // Fixed text only: exception messages may quote what the server sent.
        private FetchResult.Failed describe(Throwable failure) {
            for (Throwable t = failure; t != null; t = t.getCause()) {
                if (t instanceof CappedBodySubscriber.BodyTooLargeException) {
                    return FetchResult.Failed.of(RefreshFailure.TOO_LARGE,
                            "response larger than " + maxBodyBytes + " bytes");
                }
                if (t instanceof HttpConnectTimeoutException) {
                    return FetchResult.Failed.of(RefreshFailure.TIMEOUT, "connect timed out");
                }
                if (t instanceof HttpTimeoutException) {
                    return FetchResult.Failed.of(RefreshFailure.TIMEOUT,
                            "timed out after " + deadline.toMillis() + " ms");
                }
                if (t instanceof ConnectException) {
                    return FetchResult.Failed.of(RefreshFailure.UNREACHABLE, connectFailure(t));
                }
                if (t instanceof InterruptedException) {
                    return FetchResult.Failed.of(RefreshFailure.UNREACHABLE, "fetch aborted");
                }
            }
            if (failure instanceof IOException) {
                return FetchResult.Failed.of(RefreshFailure.UNREACHABLE,
                        "I/O error (" + failure.getClass().getSimpleName() + ")");
            }
            return FetchResult.Failed.of(RefreshFailure.UNREACHABLE,
                    "fetch failed (" + (failure == null ? "unknown" : failure.getClass().getSimpleName()) + ")");
        }
    }

    /**
     * Why a connection could not be made, in fixed words: the JDK's client throws a bare {@link ConnectException} both
     * for a refused connection and for a host name that does not resolve (then caused by an
     * {@link UnresolvedAddressException}), and an operator told "connection refused" looks for a stopped server
     * when the name is wrong.
     *
     * @param failure the {@link ConnectException}
     * @return the detail of the {@code unreachable} failure
     */
    static String connectFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException) {
                return "host name not resolved";
            }
        }
        return "connection refused";
    }

    /** Aborts every exchange in flight and stops the HTTP threads (joined, bounded). Idempotent. */
    @Override
    public void close() {
        shutdownNowIfSupported(client);
        httpThreads.shutdownNow();
        try {
            httpThreads.awaitTermination(THREAD_STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            threadFactory.joinAll(THREAD_STOP_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // HttpClient.shutdownNow() exists from JDK 21; nohop targets 17, so it is looked up at run time.
    private static void shutdownNowIfSupported(HttpClient client) {
        Optional<Method> shutdownNow;
        try {
            shutdownNow = Optional.of(HttpClient.class.getMethod("shutdownNow"));
        } catch (NoSuchMethodException e) {
            shutdownNow = Optional.empty();
        }
        shutdownNow.ifPresent(m -> {
            try {
                m.invoke(client);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // Best effort: the selector thread then ends when the client is collected.
            }
        });
    }
}
