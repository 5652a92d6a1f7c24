package io.nohop.core.internal.refresh;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fetches one URL within hard bounds: a connect timeout, a TOTAL deadline covering headers and body
 * ({@link HttpRequest.Builder#timeout} alone stops at the headers, so a server that drips its body
 * one byte a second would hold the fetch forever), a body cap enforced while streaming, no redirects,
 * {@code Accept: application/json}. Only 200 is a body; 304 only answers a conditional request.
 *
 * <p>The HttpClient runs on an executor of daemon threads named {@code nohop-http-N} that this class
 * owns, so {@link #close()} can stop them. Caveat: on JDK 17 the HttpClient also keeps one internal
 * selector thread ({@code HttpClient-N-SelectorManager}, not ours to name) that ends only when the
 * client becomes unreachable; on JDK 21+ {@code close()} stops it at once through
 * {@code HttpClient.shutdownNow()}.
 *
 * <p>The deadline is measured in real elapsed time ({@link System#nanoTime()}), not with the
 * injected clock: it bounds real network I/O, which a test clock cannot speed up.
 */
final class BoundedFetcher implements AutoCloseable {
    private static final Duration THREAD_STOP_WAIT = Duration.ofSeconds(2);

    private final DaemonThreads threadFactory = DaemonThreads.named("http");
    private final ExecutorService httpThreads;
    private final HttpClient client;
    private final Duration deadline;
    private final int maxBodyBytes;
    private final Clock clock;
    private final AtomicReference<CompletableFuture<?>> inFlight = new AtomicReference<>();
    private volatile boolean closed;

    BoundedFetcher(RefreshSettings settings) {
        this.httpThreads = Executors.newCachedThreadPool(threadFactory);
        this.client = HttpClient.newBuilder()
                .executor(httpThreads)
                // HTTP/1.1: a key set is one small GET. The default (HTTP/2) sends an h2c upgrade request
                // on plain http, which buys nothing here and which some servers and proxies mishandle.
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.deadline = settings.fetchTimeout();
        this.maxBodyBytes = settings.maxBodyBytes();
        this.clock = settings.clock();
    }

    /**
     * Fetches {@code uri}, blocking the calling thread at most the total deadline.
     *
     * @param uri what to fetch
     * @param validators sent as {@code If-None-Match} / {@code If-Modified-Since}; NONE for unconditional
     * @return the outcome; never throws
     */
    FetchResult fetch(URI uri, Validators validators) {
        if (closed) {
            return FetchResult.Failed.because("source closed");
        }
        HttpRequest request;
        try {
            HttpRequest.Builder builder = HttpRequest.newBuilder(uri).GET()
                    .timeout(deadline)
                    .header("Accept", "application/json")
                    .header("User-Agent", "nohop");
            validators.etag().ifPresent(etag -> builder.header("If-None-Match", etag));
            validators.lastModified().ifPresent(date -> builder.header("If-Modified-Since", date));
            request = builder.build();
        } catch (IllegalArgumentException e) {
            return FetchResult.Failed.because("request refused by the HTTP client");
        }
        long deadlineNanos = System.nanoTime() + deadline.toNanos();
        AtomicReference<CappedBodySubscriber> bodyReader = new AtomicReference<>();
        CompletableFuture<HttpResponse<byte[]>> response = client.sendAsync(request, info -> {
            if (info.statusCode() != 200) {
                return HttpResponse.BodySubscribers.replacing(new byte[0]);
            }
            CappedBodySubscriber reader = new CappedBodySubscriber(maxBodyBytes,
                    info.headers().firstValueAsLong("Content-Length").orElse(-1));
            bodyReader.set(reader);
            return reader;
        });
        inFlight.set(response);
        try {
            if (closed) {
                return FetchResult.Failed.because("source closed");
            }
            HttpResponse<byte[]> answer = response.get(Math.max(0, deadlineNanos - System.nanoTime()),
                    TimeUnit.NANOSECONDS);
            return classify(answer, validators);
        } catch (TimeoutException e) {
            abort(response, bodyReader);
            return FetchResult.Failed.because("timed out after " + deadline.toMillis() + " ms");
        } catch (InterruptedException e) {
            abort(response, bodyReader);
            Thread.currentThread().interrupt();
            return FetchResult.Failed.because("interrupted");
        } catch (CancellationException e) {
            return FetchResult.Failed.because("source closed");
        } catch (ExecutionException e) {
            abort(response, bodyReader);
            return FetchResult.Failed.because(describe(e.getCause()));
        } finally {
            inFlight.compareAndSet(response, null);
        }
    }

    private FetchResult classify(HttpResponse<byte[]> answer, Validators sent) {
        int status = answer.statusCode();
        if (status == 200) {
            return new FetchResult.Body(answer.body(), Validators.of(answer.headers()),
                    ResponseDirectives.freshness(answer.headers()));
        }
        if (status == 304 && !sent.isEmpty()) {
            return new FetchResult.NotModified(Validators.of(answer.headers()),
                    ResponseDirectives.freshness(answer.headers()));
        }
        if (status == 429 || status == 503) {
            return new FetchResult.Failed("HTTP " + status + (status == 429 ? " too many requests" : " unavailable"),
                    ResponseDirectives.retryAfter(answer.headers(), clock.instant()));
        }
        if (status >= 500 && status <= 599) {
            return FetchResult.Failed.because("HTTP " + status + " server error");
        }
        return FetchResult.Failed.because("HTTP " + status + " unexpected status");
    }

    private static void abort(CompletableFuture<?> response, AtomicReference<CappedBodySubscriber> bodyReader) {
        // Cancelling the future aborts the exchange (JDK 16+); aborting the reader also stops a body mid-way.
        response.cancel(true);
        CappedBodySubscriber reader = bodyReader.get();
        if (reader != null) {
            reader.abort();
        }
    }

    // Fixed text only: exception messages may quote what the server sent.
    private String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CappedBodySubscriber.BodyTooLargeException) {
                return "response larger than " + maxBodyBytes + " bytes";
            }
            if (t instanceof HttpConnectTimeoutException) {
                return "connect timed out";
            }
            if (t instanceof HttpTimeoutException) {
                return "timed out after " + deadline.toMillis() + " ms";
            }
            if (t instanceof ConnectException) {
                return "connection refused";
            }
        }
        if (failure instanceof IOException) {
            return "I/O error (" + failure.getClass().getSimpleName() + ")";
        }
        return "fetch failed (" + (failure == null ? "unknown" : failure.getClass().getSimpleName()) + ")";
    }

    /** Aborts a fetch in flight and stops the HTTP threads. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        CompletableFuture<?> pending = inFlight.getAndSet(null);
        if (pending != null) {
            pending.cancel(true);
        }
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
