package io.nohop.core.internal.refresh;

import io.nohop.core.internal.DaemonThreads;
import io.nohop.core.internal.keyset.KeySnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static io.nohop.core.internal.refresh.FaultyEndpoint.documentWithMaxAge;
import static io.nohop.core.internal.refresh.FaultyEndpoint.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UnknownKidTest {
    // Long enough that no scheduled refresh falls inside these tests: every extra fetch is an unknown-kid one.
    private static final long MAX_AGE = 3600;

    private final RefreshFixture world = new RefreshFixture();

    @AfterEach
    void close() {
        world.close();
    }

    private RefreshingKeySource startedWith(String... kids) {
        world.endpoint.answerKeys(documentWithMaxAge(TestKeys.jwks(kids), MAX_AGE));
        return world.started();
    }

    private int unknownKidFetches() {
        return world.endpoint.requests(FaultyEndpoint.JWKS_PATH).size() - 1;
    }

    @Test
    void aFloodOfRandomKidsCostsAtMostOneFetchPerIntervalAndAGenuineKidIsStillLearnedWithinOne() {
        RefreshingKeySource source = startedWith("a");
        Instant t0 = world.now();
        SplittableRandom random = new SplittableRandom(7);
        Instant publishedAt = null;
        Instant learnedAt = null;
        for (int i = 0; i < 10_000; i++) {
            source.unknownKid("forged-" + Long.toHexString(random.nextLong()));
            if (i == 3_333) {
                world.endpoint.answerKeys(documentWithMaxAge(TestKeys.jwks("a", "genuine"), MAX_AGE));
                publishedAt = world.now();
            }
            world.scheduler.advance(Duration.ofMillis(10));
            if (learnedAt == null && source.snapshot().byKid("genuine") != null) {
                learnedAt = world.now();
            }
        }
        Duration elapsed = Duration.between(t0, world.now());

        long allowed = elapsed.toMillis() / world.minRefresh.toMillis() + 1;
        assertTrue(unknownKidFetches() <= allowed, unknownKidFetches() + " fetches for " + elapsed);
        assertNotNull(learnedAt, "the genuine kid was never learned");
        Expect.between(Duration.between(publishedAt, learnedAt), Duration.ZERO, world.minRefresh);
        assertTrue(world.listener.suppressed.get() >= 10_000 - unknownKidFetches());
    }

    @Test
    void triggersArrivingWhileAFetchIsInFlightCollapseIntoIt() throws InterruptedException {
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService fetchThread = Executors.newSingleThreadExecutor(DaemonThreads.named("test-fetch"));
        world.fetchExecutor = fetchThread;
        FaultyEndpoint.Answer keys = documentWithMaxAge(TestKeys.jwks("a"), MAX_AGE);
        world.endpoint.answerKeys((exchange, endpoint) -> {
            arrived.countDown();
            try {
                if (release.await(30, TimeUnit.SECONDS)) {
                    keys.write(exchange, endpoint);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        RefreshingKeySource source = world.source();
        source.start();
        world.scheduler.runDue();
        assertTrue(arrived.await(30, TimeUnit.SECONDS));

        world.scheduler.advance(world.minRefresh);
        for (int i = 0; i < 100; i++) {
            source.unknownKid("k" + i);
        }
        world.scheduler.runDue();
        release.countDown();
        assertTrue(source.awaitFirstKeys(Duration.ofSeconds(30)));
        fetchThread.shutdown();
        assertTrue(fetchThread.awaitTermination(30, TimeUnit.SECONDS));

        assertEquals(1, world.endpoint.requests().size());
    }

    @Test
    void unknownKidNeverFetchesOnTheCallersThread() {
        RefreshingKeySource source = startedWith("a");
        world.scheduler.advance(world.minRefresh);

        source.unknownKid("b");
        assertEquals(0, unknownKidFetches());

        world.scheduler.runDue();
        assertEquals(1, unknownKidFetches());
    }

    @Test
    void aKidPublishedAfterARateLimitedAskIsFetchedWhenTheIntervalEnds() {
        RefreshingKeySource source = startedWith("a");
        Instant t0 = world.now();
        world.scheduler.advance(Duration.ofSeconds(1));

        source.unknownKid("b");
        world.endpoint.answerKeys(documentWithMaxAge(TestKeys.jwks("a", "b"), MAX_AGE));
        world.scheduler.advanceTo(t0.plus(world.minRefresh).minusMillis(1));
        assertNull(source.snapshot().byKid("b"));

        world.scheduler.advanceTo(t0.plus(world.minRefresh));
        assertNotNull(source.snapshot().byKid("b"));
        assertEquals(1, unknownKidFetches());
    }

    @Test
    void aKidThatARefreshDidNotFindTriggersNothingUntilItsNegativeEntryExpires() {
        RefreshingKeySource source = startedWith("a");
        world.scheduler.advance(world.minRefresh);
        source.unknownKid("ghost");
        world.scheduler.runDue();
        assertEquals(1, unknownKidFetches());

        world.scheduler.advance(world.minRefresh.multipliedBy(2));
        source.unknownKid("ghost");
        world.scheduler.advance(world.minRefresh);
        assertEquals(1, unknownKidFetches(), "a known-absent kid spends no budget");

        world.scheduler.advance(world.negativeKidTtl);
        source.unknownKid("ghost");
        world.scheduler.runDue();
        assertEquals(2, unknownKidFetches());
    }

    @Test
    void unknownKidDuringAnOutageLeavesTheRetryToTheBackoff() {
        RefreshingKeySource source = startedWith("a");
        world.endpoint.answerKeys(status(500));
        world.scheduler.advance(Duration.ofSeconds(MAX_AGE));
        int failures = source.health().consecutiveFailures();
        assertTrue(failures >= 1);
        int before = world.endpoint.requests().size();
        Instant nextRetry = source.health().nextRefresh().orElseThrow();

        source.unknownKid("b");
        world.scheduler.advanceTo(nextRetry.minusMillis(1));

        assertEquals(before, world.endpoint.requests().size());
    }

    @Test
    void unknownKidNeverThrowsEvenWhenTheListenerDoes() {
        RefreshingKeySource source = startedWith("a");
        world.scheduler.advance(world.minRefresh);
        world.listener.throwAfterRecording();
        for (int i = 0; i < 100; i++) {
            source.unknownKid("x" + i);
        }
        source.unknownKid(null);
        world.scheduler.runDue();
        assertEquals(1, unknownKidFetches());
    }

    @Test
    void awaitKidReturnsOnceTheRefreshTheKidTriggeredHasCompleted() throws Exception {
        RefreshingKeySource source = startedWith("a");
        world.scheduler.advance(world.minRefresh);
        world.endpoint.answerKeys(documentWithMaxAge(TestKeys.jwks("a", "b"), MAX_AGE));
        source.unknownKid("b");

        // A thread of its own, not the common pool: on a 2-core machine the common pool has one worker,
        // and JDK 25's HttpClient completes some of its work there, so a waiter blocking it stalls the fetch.
        java.util.concurrent.ExecutorService waiter = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            CompletableFuture<KeySnapshot> waited = CompletableFuture.supplyAsync(() -> {
                try {
                    return source.awaitKid("b", Duration.ofSeconds(30));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, waiter);
            world.scheduler.runDue();

            assertNotNull(waited.get(30, TimeUnit.SECONDS).byKid("b"));
        } finally {
            waiter.shutdownNow();
        }
    }

    @Test
    void awaitKidGivesUpAfterItsMaximumWait() throws InterruptedException {
        RefreshingKeySource source = startedWith("a");
        source.unknownKid("b");

        KeySnapshot after = source.awaitKid("b", Duration.ofMillis(20));

        assertNull(after.byKid("b"));
    }

    @Test
    void awaitFirstKeysIsTrueOnceAKeySetIsUsable() throws InterruptedException {
        world.endpoint.answerKeys(documentWithMaxAge(TestKeys.jwks("a"), MAX_AGE));
        RefreshingKeySource source = world.source();
        source.start();
        assertFalse(source.awaitFirstKeys(Duration.ofMillis(10)));

        world.scheduler.runDue();

        assertTrue(source.awaitFirstKeys(Duration.ZERO));
    }
}
