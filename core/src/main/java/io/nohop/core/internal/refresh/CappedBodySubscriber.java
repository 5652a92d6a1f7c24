package io.nohop.core.internal.refresh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a response body, one buffer at a time, and gives up (cancelling the stream) as soon as it
 * would exceed the cap — so an endpoint that sends gigabytes costs at most the cap plus one buffer.
 * A declared {@code Content-Length} over the cap is refused before a byte is read.
 */
final class CappedBodySubscriber implements HttpResponse.BodySubscriber<byte[]> {
    private final int cap;
    private final long declaredLength;
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private final ByteArrayOutputStream received;
    private volatile Flow.Subscription subscription;

    /**
     * @param cap the largest body accepted, in bytes
     * @param declaredLength the {@code Content-Length}, or -1 when absent
     */
    CappedBodySubscriber(int cap, long declaredLength) {
        this.cap = cap;
        this.declaredLength = declaredLength;
        this.received = new ByteArrayOutputStream((int) Math.min(cap, declaredLength >= 0 ? declaredLength : 8192));
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (declaredLength > cap) {
            refuse();
            return;
        }
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (body.isDone()) {
            return;
        }
        long incoming = 0;
        for (ByteBuffer b : buffers) {
            incoming += b.remaining();
        }
        if (received.size() + incoming > cap) {
            refuse();
            return;
        }
        for (ByteBuffer b : buffers) {
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
        body.complete(received.toByteArray());
    }

    /** Stops reading: used when the total deadline passes in the middle of the body. */
    void abort() {
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
        body.completeExceptionally(new IOException("body read aborted"));
    }

    private void refuse() {
        subscription.cancel();
        body.completeExceptionally(new BodyTooLargeException());
    }

    /** The body would exceed the cap. */
    static final class BodyTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        BodyTooLargeException() {
            super("response body over the size cap", null);
        }
    }
}
