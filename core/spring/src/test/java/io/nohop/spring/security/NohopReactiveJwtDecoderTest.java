package io.nohop.spring.security;

import io.nohop.core.TokenVerifier;
import io.nohop.core.VerifierListener;
import io.nohop.spring.TestIssuer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static io.nohop.spring.TestIssuer.claims;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The reactive decoder on a scheduler: answers arrive on the scheduler's thread, and a cancel from
 * another thread while that thread is delivering the answer (as a servlet container's completion does
 * while the answer is being written) does not interrupt it, and a cancel before the scheduler runs the
 * verification means it is not done.
 */
class NohopReactiveJwtDecoderTest {
    private static TestIssuer issuer;
    private static TokenVerifier verifier;
    private static Scheduler scheduler;
    private static NohopReactiveJwtDecoder decoder;

    @BeforeAll
    static void start() throws InterruptedException {
        issuer = new TestIssuer();
        verifier = TokenVerifier.builder().jwksUri(issuer.jwksUri()).issuer(TestIssuer.ISSUER)
                .audience(TestIssuer.AUDIENCE).build();
        verifier.awaitKeys(Duration.ofSeconds(10));
        scheduler = Schedulers.newBoundedElastic(1, 16, "decoder-test");
        decoder = new NohopReactiveJwtDecoder(new NohopJwtDecoder(verifier), scheduler);
    }

    @AfterAll
    static void stop() {
        scheduler.dispose();
        verifier.close();
        issuer.close();
    }

    @Test
    void decode_acceptedToken_emittedOnTheSchedulersThread() throws Exception {
        Delivery delivery = deliver(decoder.decode(issuer.rs256(claims())), subscription -> { });
        Jwt jwt = assertInstanceOf(Jwt.class, delivery.signal);
        assertEquals("alice", jwt.getSubject());
        assertNotEquals(Thread.currentThread().getName(), delivery.thread);
    }

    @Test
    void decode_rejectedToken_errorSignalWithTheDecodersException() throws Exception {
        Delivery delivery = deliver(decoder.decode("not.a.token"), subscription -> { });
        assertInstanceOf(BadJwtException.class, delivery.signal);
    }

    @Test
    void decode_cancelledFromAnotherThreadWhileTheAnswerIsDelivered_deliveringThreadNotInterrupted() throws Exception {
        Delivery accepted = deliver(decoder.decode(issuer.rs256(claims())), NohopReactiveJwtDecoderTest::cancelFromAnotherThread);
        Delivery rejected = deliver(decoder.decode("not.a.token"), NohopReactiveJwtDecoderTest::cancelFromAnotherThread);
        assertInstanceOf(Jwt.class, accepted.signal);
        assertFalse(accepted.interrupted, "the thread delivering an accepted token was interrupted");
        assertInstanceOf(BadJwtException.class, rejected.signal);
        assertFalse(rejected.interrupted, "the thread delivering a rejection was interrupted");
    }

    @Test
    void decode_cancelledBeforeTheSchedulerRunsIt_tokenNotVerified() throws Exception {
        AtomicInteger verifications = new AtomicInteger();
        VerifierListener counting = new VerifierListener() {
            @Override
            public void tokenAccepted(String kid, long nanos) {
                verifications.incrementAndGet();
            }
        };
        Scheduler single = Schedulers.newSingle("decoder-test-single");
        try (TokenVerifier counted = TokenVerifier.builder().jwksUri(issuer.jwksUri()).issuer(TestIssuer.ISSUER)
                .audience(TestIssuer.AUDIENCE).listener(counting).build()) {
            counted.awaitKeys(Duration.ofSeconds(10));
            NohopReactiveJwtDecoder singleThreaded = new NohopReactiveJwtDecoder(new NohopJwtDecoder(counted), single);
            String token = issuer.rs256(claims());
            singleThreaded.decode(token).block(Duration.ofSeconds(10));
            assertEquals(1, verifications.get(), "a decode that is not cancelled verifies");

            CountDownLatch release = new CountDownLatch(1);
            single.schedule(() -> awaitUninterruptibly(release)); // holds the scheduler's only thread
            Disposable subscription = singleThreaded.decode(token).subscribe();
            subscription.dispose();
            release.countDown();
            CompletableFuture<Void> after = new CompletableFuture<>();
            single.schedule(() -> after.complete(null)); // runs after the cancelled decode's task (one thread, in order)
            after.get(10, TimeUnit.SECONDS);

            assertEquals(1, verifications.get(), "the cancelled decode did not verify");
        } finally {
            single.dispose();
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What the servlet adapter does when the request completes: cancels the chain from its own thread. */
    private static void cancelFromAnotherThread(Subscription subscription) {
        Thread canceller = new Thread(subscription::cancel, "container");
        canceller.start();
        try {
            canceller.join();
        } catch (InterruptedException e) {
            // The interrupt is what the test looks for: keep it visible to the caller.
            Thread.currentThread().interrupt();
        }
    }

    private record Delivery(Object signal, String thread, boolean interrupted) {
    }

    /**
     * Subscribes, runs {@code whileDelivering} inside onNext/onError on the delivering thread, and reports
     * the signal, the thread and whether that thread was interrupted afterwards (the flag is cleared so the
     * pooled thread stays usable).
     */
    private static Delivery deliver(Mono<Jwt> answer, Consumer<Subscription> whileDelivering) throws Exception {
        CompletableFuture<Delivery> delivered = new CompletableFuture<>();
        answer.subscribe(new CoreSubscriber<Jwt>() {
            private Subscription subscription;

            @Override
            public void onSubscribe(Subscription s) {
                subscription = s;
                s.request(1);
            }

            @Override
            public void onNext(Jwt jwt) {
                settle(jwt);
            }

            @Override
            public void onError(Throwable e) {
                settle(e);
            }

            @Override
            public void onComplete() {
            }

            private void settle(Object signal) {
                whileDelivering.accept(subscription);
                delivered.complete(new Delivery(signal, Thread.currentThread().getName(), Thread.interrupted()));
            }
        });
        return delivered.get(10, TimeUnit.SECONDS);
    }
}
