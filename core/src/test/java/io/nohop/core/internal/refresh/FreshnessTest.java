package io.nohop.core.internal.refresh;

import io.nohop.core.VerifierHealth.Status;
import io.nohop.core.internal.DaemonThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.nohop.core.internal.refresh.FaultyEndpoint.document;
import static io.nohop.core.internal.refresh.FaultyEndpoint.documentWithMaxAge;
import static io.nohop.core.internal.refresh.RefreshFixture.status;
import static io.nohop.core.internal.refresh.Expect.between;
import static io.nohop.core.internal.refresh.Expect.scaled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FreshnessTest {
    /** What Spring Security adds to Spring Authorization Server's JWKS endpoint. */
    private static final Map<String, String> NO_STORE =
            Map.of("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate");

    private final RefreshFixture world = new RefreshFixture();

    @AfterEach
    void close() {
        world.close();
    }

    private Instant nextRefresh(RefreshingKeySource source) {
        return source.health().nextRefresh().orElseThrow();
    }

    @Test
    void startNeverFetchesOnTheCallersThreadAndTheFirstFetchInstallsTheKeys() {
        world.endpoint.answerKeys(document(TestKeys.jwks("a", "b")));
        RefreshingKeySource source = world.source();
        source.start();
        assertTrue(world.endpoint.requests().isEmpty());
        assertEquals(Status.DOWN, status(source));

        world.scheduler.runDue();

        assertEquals(java.util.List.of("a", "b"), java.util.List.copyOf(source.snapshot().kids()));
        assertEquals(world.now().plus(world.maxStaleness), source.snapshot().usableUntil());
        assertEquals(Status.FRESH, status(source));
        assertEquals(java.util.Optional.of("application/json"), world.endpoint.requests().get(0).accept());
    }

    @Test
    void withoutMaxAgeTheDefaultLifetimeApplies() {
        world.endpoint.answerKeys(document(TestKeys.jwks("a")));
        RefreshingKeySource source = world.started();
        Instant t0 = world.now();

        between(nextRefresh(source), t0.plus(scaled(world.defaultRefresh, 0.75)),
                t0.plus(scaled(world.defaultRefresh, 0.95)));
    }

    @Test
    void maxAgeWithinBoundsSetsTheLifetimeAndTheRefreshRunsAheadOfIt() {
        world.endpoint.answerKeys(documentWithMaxAge(TestKeys.jwks("a"), 600));
        RefreshingKeySource source = world.started();
        Instant t0 = world.now();

        Duration lifetime = Duration.ofSeconds(600);
        between(nextRefresh(source), t0.plus(scaled(lifetime, 0.75)), t0.plus(scaled(lifetime, 0.95)));
    }

    @Test
    void aTinyMaxAgeIsRaisedToTheMinimumRefresh() {
        world.endpoint.answerKeys(documentWithMaxAge(TestKeys.jwks("a"), 1));
        RefreshingKeySource source = world.started();
        Instant t0 = world.now();

        assertEquals(t0.plus(world.minRefresh), nextRefresh(source));
        world.scheduler.advanceTo(t0.plus(world.minRefresh).minusMillis(1));
        assertEquals(1, world.endpoint.requests().size());
    }

    @Test
    void aHugeMaxAgeIsCappedAtTheMaximumRefresh() {
        world.endpoint.answerKeys(documentWithMaxAge(TestKeys.jwks("a"), 10_000_000));
        RefreshingKeySource source = world.started();
        Instant t0 = world.now();

        between(nextRefresh(source), t0.plus(scaled(world.maxRefresh, 0.75)),
                t0.plus(scaled(world.maxRefresh, 0.95)));
    }

    @Test
    void noCacheMeansTheMinimumRefresh() {
        world.endpoint.answerKeys(document(TestKeys.jwks("a"), Map.of("Cache-Control", "no-cache")));
        RefreshingKeySource source = world.started();

        assertEquals(world.now().plus(world.minRefresh), nextRefresh(source));
    }

    @Test
    void conditionalRequestsSendTheValidatorsOfTheDocumentHeld() {
        world.endpoint.answerKeys(document(TestKeys.jwks("a"),
                Map.of("Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT")));
        RefreshingKeySource source = world.started();
        String etag = "\"" + Integer.toHexString(TestKeys.jwks("a").hashCode()) + "\"";

        world.scheduler.advanceTo(nextRefresh(source));

        FaultyEndpoint.Request second = world.endpoint.requests().get(1);
        assertTrue(world.endpoint.requests().get(0).ifNoneMatch().isEmpty());
        assertEquals(java.util.Optional.of(etag), second.ifNoneMatch());
        assertEquals(java.util.Optional.of("Wed, 21 Oct 2015 07:28:00 GMT"), second.ifModifiedSince());
        assertEquals(304, second.status());
    }

    @Test
    void notModifiedRenewsFreshnessAndTheStalenessBound() {
        world.endpoint.answerKeys(documentWithMaxAge(TestKeys.jwks("a"), 600));
        RefreshingKeySource source = world.started();
        Instant renewedAt = nextRefresh(source);

        world.scheduler.advanceTo(renewedAt);

        assertEquals(1, world.listener.notModified.get());
        assertEquals(java.util.List.of("a"), java.util.List.copyOf(source.snapshot().kids()));
        assertEquals(renewedAt.plus(world.maxStaleness), source.snapshot().usableUntil());
        assertEquals(java.util.Optional.of(renewedAt), source.health().lastSuccess());
        // The first lifetime would have ended at t0 + 600 s; the 304 granted a new one from renewedAt.
        world.endpoint.stop();
        world.scheduler.advanceTo(renewedAt.plusSeconds(600).minusMillis(1));
        assertEquals(Status.FRESH, status(source));
        world.scheduler.advanceTo(renewedAt.plusSeconds(600));
        assertEquals(Status.STALE, status(source));
    }

    @Test
    void aChangedDocumentIsFetchedWhole() {
        world.endpoint.answerKeys(document(TestKeys.jwks("a")));
        RefreshingKeySource source = world.started();
        world.endpoint.answerKeys(document(TestKeys.jwks("a", "b")));

        world.scheduler.advanceTo(nextRefresh(source));

        assertEquals(200, world.endpoint.requests().get(1).status());
        assertEquals(java.util.List.of("a", "b"), java.util.List.copyOf(source.snapshot().kids()));
    }

    @Test
    void differentRandomSeedsSpreadAFleetsRefreshes() {
        world.endpoint.answerKeys(documentWithMaxAge(TestKeys.jwks("a"), 3600));
        java.util.Set<Instant> refreshTimes = new java.util.HashSet<>();
        for (long seed = 1; seed <= 5; seed++) {
            world.seed = seed;
            refreshTimes.add(nextRefresh(world.started()));
        }
        assertEquals(5, refreshTimes.size());
    }

    @Test
    void noStoreEndpoint_refreshDueAsFreshnessEnds_healthStaysFreshThroughEveryFetchAndNothingWarns() {
        // Each fetch takes 250 ms of test time; the status is read while the fetch is in flight.
        Duration fetchTakes = Duration.ofMillis(250);
        AtomicReference<RefreshingKeySource> held = new AtomicReference<>();
        List<Status> duringFetches = new ArrayList<>();
        FaultyEndpoint.Answer keys = document(TestKeys.jwks("a"), NO_STORE);
        world.endpoint.answerKeys((exchange, endpoint) -> {
            world.clock.advance(fetchTakes);
            RefreshingKeySource source = held.get();
            if (source != null) {
                synchronized (duringFetches) {
                    duringFetches.add(status(source));
                }
            }
            keys.write(exchange, endpoint);
        });
        RefreshingKeySource source = world.started();
        held.set(source);
        for (int i = 0; i < 10; i++) {
            Instant due = nextRefresh(source);
            assertEquals(world.now().plus(world.minRefresh), due, "no-store: refreshed at the minimum interval");
            world.scheduler.advanceTo(due);
            assertEquals(Status.FRESH, status(source));
        }

        assertEquals(11, world.endpoint.requests().size());
        assertEquals(java.util.Collections.nCopies(10, Status.FRESH), duringFetches);
        // A change to STALE and a failed refresh are the key cache's only warnings (SourceEvents): neither.
        assertEquals(List.of(Status.FRESH), world.listener.statuses(), "never left FRESH");
        assertEquals(List.of(), world.listener.failures());
    }

    @Test
    void noStoreEndpoint_refreshDueAsFreshnessEndsUnansweredForAFetchTimeout_turnsStale() throws Exception {
        world.fetchTimeout = Duration.ofMinutes(10);    // real-time deadline far away: only the test clock moves
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        FaultyEndpoint.Answer keys = document(TestKeys.jwks("a"), NO_STORE);
        // The first fetch on the test's thread (so its refresh timer is armed when started() returns), the
        // refresh on a thread of its own, so that the test clock can move while it hangs.
        ExecutorService fetchThread = Executors.newSingleThreadExecutor(DaemonThreads.named("test-fetch"));
        AtomicReference<java.util.concurrent.Executor> fetchOn = new AtomicReference<>(Runnable::run);
        world.fetchExecutor = task -> fetchOn.get().execute(task);
        try {
            world.endpoint.answerKeys(keys);
            RefreshingKeySource source = world.started();
            Instant due = nextRefresh(source);
            fetchOn.set(fetchThread);
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

            world.scheduler.advanceTo(due);
            assertTrue(arrived.await(30, TimeUnit.SECONDS));
            world.scheduler.advanceTo(due.plus(world.fetchTimeout).minusMillis(1));
            assertEquals(Status.FRESH, status(source), "the refresh due is still within its fetch time");
            world.scheduler.advanceTo(due.plus(world.fetchTimeout));
            assertEquals(Status.STALE, status(source), "the refresh due did not answer within the fetch timeout");
            source.close();
        } finally {
            release.countDown();
            fetchThread.shutdown();
            assertTrue(fetchThread.awaitTermination(30, TimeUnit.SECONDS));
        }
        assertEquals(List.of(Status.FRESH, Status.STALE), world.listener.statuses());
    }

    @Test
    void noStoreEndpoint_refreshDueAsFreshnessEndsFails_staleAtTheFailure() {
        world.endpoint.answerKeys(document(TestKeys.jwks("a"), NO_STORE));
        RefreshingKeySource source = world.started();
        Instant due = nextRefresh(source);
        world.endpoint.answerKeys(FaultyEndpoint.status(503));

        world.scheduler.advanceTo(due);

        assertEquals(1, source.health().consecutiveFailures());
        assertEquals(Status.STALE, status(source), "a failed refresh past freshness is STALE at once, no grace");
        assertEquals(List.of(Status.FRESH, Status.STALE), world.listener.statuses());
    }

    @Test
    void refreshDueWellBeforeFreshnessEnds_staleExactlyWhenFreshnessEndsWhileTheEndpointIsDown() {
        world.endpoint.answerKeys(documentWithMaxAge(TestKeys.jwks("a"), 600));
        RefreshingKeySource source = world.started();
        Instant freshUntil = world.now().plusSeconds(600);
        world.endpoint.stop();

        world.scheduler.advanceTo(freshUntil.minusMillis(1));
        assertEquals(Status.FRESH, status(source));
        world.scheduler.advanceTo(freshUntil);
        assertEquals(Status.STALE, status(source));
    }

}
