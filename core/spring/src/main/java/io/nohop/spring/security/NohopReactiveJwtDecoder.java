package io.nohop.spring.security;

import io.nohop.core.TokenVerifier;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Spring Security {@link ReactiveJwtDecoder} (WebFlux) backed by a nohop {@link TokenVerifier}: the
 * same {@link Jwt}, exceptions and answers as {@link NohopJwtDecoder}, delivered as a {@link Mono}
 * (errors as error signals).
 *
 * <p>By default a verifier may block a token with an unknown kid for up to its
 * {@code waitForUnknownKid} bound (1 s) while the key-set fetch that may bring the kid is under way:
 * give such a verifier's decoder {@code Schedulers.boundedElastic()} (the auto-configuration does unless
 * {@code nohop.wait-for-unknown-kid=0}). A verifier built with {@code waitForUnknownKid(Duration.ZERO)}
 * touches memory only, so its decoder may run on the subscribing thread (an event loop), as Spring's own
 * reactive decoder verifies signatures; the one-argument constructor does that.
 *
 * <p>On a scheduler, the answer is delivered on the scheduler's thread, and cancelling the {@link Mono}
 * never interrupts that thread (the verification runs to its end and its answer is dropped): the thread
 * goes on to write the response, and an interrupt there truncates it.
 *
 * <p>Immutable and thread-safe. It does not own the verifier: whoever built it closes it.
 */
public final class NohopReactiveJwtDecoder implements ReactiveJwtDecoder {
    // A scheduled verification: not started yet, running, or cancelled before it started.
    private static final int PENDING = 0;
    private static final int RUNNING = 1;
    private static final int CANCELLED = 2;

    private final NohopJwtDecoder decoder;
    private final Scheduler scheduler;

    /**
     * A decoder that verifies on the subscribing thread, with {@link NohopJwtDecoder}'s defaults: for a
     * verifier that never waits ({@code waitForUnknownKid(Duration.ZERO)}).
     *
     * @param verifier the verifier
     */
    public NohopReactiveJwtDecoder(TokenVerifier verifier) {
        this(new NohopJwtDecoder(verifier), Schedulers.immediate());
    }

    /**
     * A decoder over a configured blocking decoder, verifying on {@code scheduler}.
     *
     * @param decoder the decoder that does the work (its converter, validator and Retry-After apply)
     * @param scheduler where verification runs: {@code Schedulers.immediate()} for the subscribing
     *     thread, {@code Schedulers.boundedElastic()} when the verifier may wait for unknown kids
     */
    public NohopReactiveJwtDecoder(NohopJwtDecoder decoder, Scheduler scheduler) {
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    /**
     * Verifies the token and emits it as Spring's {@link Jwt}, or an error signal with the exceptions
     * {@link NohopJwtDecoder#decode(String)} throws.
     *
     * @param token the compact JWS, without a {@code Bearer } prefix
     * @return the verified token, lazily: nothing happens until subscription
     */
    @Override
    public Mono<Jwt> decode(String token) throws JwtException {
        if (scheduler == Schedulers.immediate()) {
            return Mono.fromCallable(() -> decoder.decode(token));
        }
        // Not subscribeOn(scheduler): its worker, disposed from another thread, interrupts the thread the
        // task runs on, and downstream of the decoder that thread goes on to write the HTTP response. On
        // Tomcat the request's completion cancels the chain from a container thread while the scheduler's
        // thread is still flushing the answer, which then arrives truncated (a 503 cut mid-chunk). The
        // task is handed to the scheduler directly and its Disposable kept from the chain, so nothing can
        // interrupt it. A cancel before the task starts makes it do nothing; after, the answer is dropped
        // (the wait inside is bounded by waitForUnknownKid, so finishing costs at most that bound).
        return Mono.create(sink -> {
            AtomicInteger state = new AtomicInteger(PENDING);
            sink.onCancel(() -> state.compareAndSet(PENDING, CANCELLED));
            scheduler.schedule(() -> {
                if (!state.compareAndSet(PENDING, RUNNING)) {
                    return;
                }
                Jwt jwt;
                try {
                    jwt = decoder.decode(token);
                } catch (Throwable e) {
                    sink.error(e);
                    return;
                }
                sink.success(jwt);
            });
        });
    }
}
