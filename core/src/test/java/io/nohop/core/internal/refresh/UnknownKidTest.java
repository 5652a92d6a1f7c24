package io.nohop.core.internal.refresh;

import io.nohop.core.internal.DaemonThreads;
import io.nohop.core.internal.keyset.KeySnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static io.nohop.core.internal.refresh.FaultyEndpoint.document;
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
        source.unknownKid("made-up");       // spends the interval's budget
        world.scheduler.runDue();
        Instant spentAt = world.now();
        assertEquals(1, unknownKidFetches());
        world.scheduler.advance(Duration.ofSeconds(1));

        source.unknownKid("b");
        world.endpoint.answerKeys(documentWithMaxAge(TestKeys.jwks("a", "b"), MAX_AGE));
        world.scheduler.advanceTo(spentAt.plus(world.minRefresh).minusMillis(1));
        assertNull(source.snapshot().byKid("b"));

        world.scheduler.advanceTo(spentAt.plus(world.minRefresh));
        assertNotNull(source.snapshot().byKid("b"));
        assertEquals(2, unknownKidFetches());
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

    // ---------------------------------------------------------------- issue 12: the default unknown-kid path

    // Not DaemonThreads: "nohop-" names are the library's own threads, which CloseTest counts.
    private static final java.util.concurrent.ThreadFactory WAITER_THREADS = task -> {
        Thread t = new Thread(task, "test-waiter");
        t.setDaemon(true);
        return t;
    };

    @Test
    void aKidFirstSeenRightAfterAScheduledFetchIsFetchedAtOnce() {
        // An issuer that signs with a key the moment it publishes it: the verifier's last fetch (here its
        // first) cannot have held the key, so that fetch must not have spent the unknown-kid budget.
        RefreshingKeySource source = startedWith("a");
        world.scheduler.advance(Duration.ofMillis(500));
        world.endpoint.answerKeys(documentWithMaxAge(TestKeys.jwks("a", "new"), MAX_AGE));

        source.unknownKid("new");
        world.scheduler.runDue();

        assertNotNull(source.snapshot().byKid("new"));
        assertEquals(1, unknownKidFetches());
    }

    @Test
    void unknownKidFetchesStayOnePerIntervalBesideScheduledOnes() {
        // A short max-age: scheduled refreshes every minRefresh, and made-up kids all along.
        world.endpoint.answerKeys(document(TestKeys.jwks("a"), java.util.Map.of("Cache-Control", "no-cache")));
        RefreshingKeySource source = world.started();
        Instant t0 = world.now();
        for (int i = 0; i < 3_000; i++) {
            source.unknownKid("made-up-" + i);
            world.scheduler.advance(Duration.ofMillis(100));
        }
        Duration elapsed = Duration.between(t0, world.now());

        long intervals = elapsed.toMillis() / world.minRefresh.toMillis();
        long scheduled = intervals;
        int fetches = world.endpoint.requests(FaultyEndpoint.JWKS_PATH).size() - 1;
        assertTrue(fetches <= scheduled + intervals + 1, fetches + " fetches in " + elapsed);
        assertTrue(world.listener.suppressed.get() >= 3_000 - (intervals + 1));
    }

    @Test
    void awaitKid_rateLimitedKid_returnsAtOnceWithoutWaitingForTheDeferredRefresh() throws Exception {
        RefreshingKeySource source = startedWith("a");
        source.unknownKid("made-up");
        world.scheduler.runDue();
        world.scheduler.advance(Duration.ofSeconds(1));

        source.unknownKid("b");     // rate-limited: its refresh is deferred to the end of the interval

        assertNull(awaitOnAnotherThread(source, "b", Duration.ofHours(1)).byKid("b"));
        assertEquals(0, source.waitingCallers());
    }

    @Test
    void awaitKid_knownAbsentKid_returnsAtOnce() throws Exception {
        RefreshingKeySource source = startedWith("a");
        source.unknownKid("ghost");
        world.scheduler.runDue();
        source.unknownKid("ghost");

        assertNull(awaitOnAnotherThread(source, "ghost", Duration.ofHours(1)).byKid("ghost"));
    }

    @Test
    void awaitKid_aPendingRefreshThatFindsNothing_releasesItsWaitersAtOnce() throws Exception {
        RefreshingKeySource source = startedWith("a");
        source.unknownKid("made-up");
        ExecutorService waiter = Executors.newSingleThreadExecutor(WAITER_THREADS);
        try {
            CompletableFuture<KeySnapshot> waited = CompletableFuture.supplyAsync(() -> await(source, "made-up",
                    Duration.ofHours(1)), waiter);
            awaitWaiters(source, 1);
            world.scheduler.runDue();

            assertNull(waited.get(30, TimeUnit.SECONDS).byKid("made-up"));
        } finally {
            waiter.shutdownNow();
        }
    }

    @Test
    void awaitKid_atMostMaxWaitersWaitAtOnce_theNextReturnsAtOnce() throws Exception {
        RefreshingKeySource source = startedWith("a");
        world.endpoint.answerKeys(documentWithMaxAge(TestKeys.jwks("a", "new"), MAX_AGE));
        source.unknownKid("new");       // requested; the fake scheduler runs it only when told
        int max = RefreshingKeySource.MAX_WAITERS;
        ExecutorService waiters = Executors.newFixedThreadPool(max, WAITER_THREADS);
        try {
            List<CompletableFuture<KeySnapshot>> waiting = new ArrayList<>();
            for (int i = 0; i < max; i++) {
                waiting.add(CompletableFuture.supplyAsync(() -> await(source, "new", Duration.ofHours(1)), waiters));
            }
            awaitWaiters(source, max);

            assertNull(awaitOnAnotherThread(source, "new", Duration.ofHours(1)).byKid("new"), "one too many");

            world.scheduler.runDue();
            for (CompletableFuture<KeySnapshot> w : waiting) {
                assertNotNull(w.get(30, TimeUnit.SECONDS).byKid("new"));
            }
        } finally {
            waiters.shutdownNow();
        }
    }

    private static KeySnapshot await(RefreshingKeySource source, String kid, Duration maxWait) {
        try {
            return source.awaitKid(kid, maxWait);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** awaitKid on a thread of its own; a wait for the (hour-long) bound would fail the 30 s get. */
    private static KeySnapshot awaitOnAnotherThread(RefreshingKeySource source, String kid, Duration maxWait)
            throws Exception {
        ExecutorService thread = Executors.newSingleThreadExecutor(WAITER_THREADS);
        try {
            return CompletableFuture.supplyAsync(() -> await(source, kid, maxWait), thread).get(30, TimeUnit.SECONDS);
        } finally {
            thread.shutdownNow();
        }
    }

    /** Until {@code n} callers wait in awaitKid (other threads get there in their own time), 30 s at most. */
    private static void awaitWaiters(RefreshingKeySource source, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (source.waitingCallers() < n && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            Thread.yield();
        }
        assertEquals(n, source.waitingCallers());
    }
}
