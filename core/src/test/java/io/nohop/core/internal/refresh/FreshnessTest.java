package io.nohop.core.internal.refresh;

import io.nohop.core.VerifierHealth.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static io.nohop.core.internal.refresh.FaultyEndpoint.document;
import static io.nohop.core.internal.refresh.FaultyEndpoint.documentWithMaxAge;
import static io.nohop.core.internal.refresh.RefreshFixture.status;
import static io.nohop.core.internal.refresh.Expect.between;
import static io.nohop.core.internal.refresh.Expect.scaled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FreshnessTest {
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

}
