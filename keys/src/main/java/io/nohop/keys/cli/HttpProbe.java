package io.nohop.keys.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One bounded HTTP GET for {@code nohop doctor}, within the same bounds a verifier's fetch has: a connect
 * timeout, a total deadline over headers and body (a server that drips its body cannot hold the doctor),
 * a body cap enforced while streaming (a body over the cap is reported as such, never read beyond it),
 * and redirects never followed (a verifier does not follow them either). Each exchange is a blocking
 * {@link HttpClient#send} on a thread this probe owns, waited for with the total deadline.
 */
final class HttpProbe implements AutoCloseable {

    /** What the endpoint answered. {@code body} holds at most the cap; {@code tooLarge} says there was more. */
    record Answer(int status, HttpHeaders headers, byte[] body, boolean tooLarge, Duration firstByte) {
        Optional<String> header(String name) {
            return headers.firstValue(name);
        }
    }

    /** Why there is no answer: {@code timeout} or {@code unreachable}, with a short detail (no exception names). */
    record Failure(String code, String detail) {
    }

    /** Either an answer or a failure. */
    record Outcome(Optional<Answer> answer, Optional<Failure> failure) {
    }

    private final HttpClient client;
    private final ExecutorService thread;
    private final Duration total;
    private final int cap;
    private final String userAgent;

    HttpProbe(Duration connectTimeout, Duration total, int cap, String userAgent) {
        this.thread = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "nohop-doctor-http");
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder().connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).executor(thread).build();
        this.total = total;
        this.cap = cap;
        this.userAgent = userAgent;
    }

    /**
     * GETs {@code uri}.
     *
     * @param uri an absolute http(s) URI
     * @param accept the Accept header
     * @param extra further request headers (If-None-Match, If-Modified-Since)
     * @return the answer, or why there is none
     * @throws InterruptedException if interrupted while waiting
     */
    Outcome get(URI uri, String accept, Map<String, String> extra) throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(total)
                .header("Accept", accept).header("User-Agent", userAgent);
        extra.forEach(request::header);
        long start = System.nanoTime();
        long[] firstByte = {-1};
        HttpResponse.BodyHandler<Capped> handler = info -> {
            firstByte[0] = System.nanoTime();
            return new CappedSubscriber(cap, info.headers().firstValueAsLong("Content-Length").orElse(-1));
        };
        Future<HttpResponse<Capped>> exchange = thread.submit(() -> client.send(request.build(), handler));
        try {
            HttpResponse<Capped> response = exchange.get(total.toNanos(), TimeUnit.NANOSECONDS);
            Capped body = response.body();
            return new Outcome(Optional.of(new Answer(response.statusCode(), response.headers(), body.bytes(),
                    body.tooLarge(), Duration.ofNanos(firstByte[0] - start))), Optional.empty());
        } catch (TimeoutException e) {
            exchange.cancel(true);
            return failed("timeout", "no complete answer within " + total.toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpConnectTimeoutException) {
                return failed("timeout", "no connection within the connect timeout");
            }
            if (cause instanceof HttpTimeoutException) {
                return failed("timeout", "no answer within " + total.toMillis() + " ms");
            }
            if (cause instanceof ConnectException) {
                // The JDK's client throws it for a name that does not resolve too (caused by UnresolvedAddressException).
                return failed("unreachable", unresolved(cause) ? "host name not resolved" : "connection refused");
            }
            if (cause instanceof IOException io) {
                return failed("unreachable", io.getMessage() == null ? "input/output error"
                        : NohopCommand.oneLine(io.getMessage()));
            }
            return failed("unreachable", cause == null ? "no detail" : cause.getClass().getSimpleName());
        }
    }

    static boolean unresolved(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.nio.channels.UnresolvedAddressException) {
                return true;
            }
        }
        return false;
    }

    private static Outcome failed(String code, String detail) {
        return new Outcome(Optional.empty(), Optional.of(new Failure(code, detail)));
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }

    /** A body of at most the cap; {@code tooLarge} when the endpoint sent or declared more. */
    record Capped(byte[] bytes, boolean tooLarge) {
    }

    /** Collects at most {@code cap} bytes, then stops reading (cancels the stream) and says so. */
    private static final class CappedSubscriber implements HttpResponse.BodySubscriber<Capped> {
        private final int cap;
        private final long declared;
        private final CompletableFuture<Capped> body = new CompletableFuture<>();
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        CappedSubscriber(int cap, long declared) {
            this.cap = cap;
            this.declared = declared;
        }

        @Override
        public CompletionStage<Capped> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (declared > cap) {
                s.cancel();
                body.complete(new Capped(new byte[0], true));
                return;
            }
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (body.isDone()) {
                return;
            }
            for (ByteBuffer b : buffers) {
                if (received.size() + b.remaining() > cap) {
                    subscription.cancel();
                    body.complete(new Capped(received.toByteArray(), true));
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                received.write(chunk, 0, chunk.length);
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable failure) {
            body.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
            body.complete(new Capped(received.toByteArray(), false));
        }
    }
}
