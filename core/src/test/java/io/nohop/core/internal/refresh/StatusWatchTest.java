package io.nohop.core.internal.refresh;

import io.nohop.core.VerifierHealth.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

import static io.nohop.core.internal.refresh.FaultyEndpoint.document;
import static io.nohop.core.internal.refresh.RefreshFixture.status;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Status changes are reported at the instant they happen, whether or not a refresh round is there to
 * look: a round out on a fetch thread, or refused by the executor, is watched by a timer; a round that
 * runs at once is not, so the steady state keeps one timer per source (the refresh).
 */
class StatusWatchTest {
    private final RefreshFixture world = new RefreshFixture();
    /** Rounds handed to the "fetch thread", run only when a test says so. */
    private final List<Runnable> held = new ArrayList<>();

    @AfterEach
    void close() {
        world.close();
    }

    private Instant nextRefresh(RefreshingKeySource source) {
        return source.health().nextRefresh().orElseThrow();
    }

    /** A source whose rounds wait on a fetch thread that runs them only when told; its first round has run. */
    private RefreshingKeySource startedWithHeldRounds() {
        world.fetchExecutor = held::add;
        RefreshingKeySource source = world.source();
        source.start();
        world.scheduler.runDue();
        runHeldRound();
        assertEquals(Status.FRESH, status(source));
        return source;
    }

    private void runHeldRound() {
        held.remove(0).run();
    }

    @Test
    void steadyState_roundsRunAtOnce_onlyTheRefreshTimerIsPending() {
        world.endpoint.answerKeys(document(TestKeys.jwks("a")));
        RefreshingKeySource source = world.started();
        assertEquals(List.of(nextRefresh(source)), world.scheduler.pending());

        world.scheduler.advanceTo(nextRefresh(source));

        assertEquals(2, world.endpoint.requests().size());
        assertEquals(List.of(nextRefresh(source)), world.scheduler.pending());
        assertEquals(List.of(Status.FRESH), world.listener.statuses());
    }

    @Test
    void roundHeldOnTheFetchThread_staleReportedWhenFreshnessEnds() {
        world.endpoint.answerKeys(document(TestKeys.jwks("a")));
        Instant confirmed = world.now();
        RefreshingKeySource source = startedWithHeldRounds();
        Instant freshUntil = confirmed.plus(world.defaultRefresh);

        world.scheduler.advanceTo(nextRefresh(source));
        assertEquals(1, held.size(), "the refresh round waits on the fetch thread");
        world.scheduler.advanceTo(freshUntil.minusMillis(1));
        assertEquals(List.of(Status.FRESH), world.listener.statuses());
        world.scheduler.advanceTo(freshUntil);

        assertEquals(List.of(Status.FRESH, Status.STALE), world.listener.statuses());
    }

    @Test
    void roundStillHeldAtTheStalenessBound_downReportedThen() {
        world.endpoint.answerKeys(document(TestKeys.jwks("a")));
        RefreshingKeySource source = startedWithHeldRounds();
        Instant usableUntil = source.snapshot().usableUntil();

        world.scheduler.advanceTo(usableUntil.minusMillis(1));
        assertEquals(List.of(Status.FRESH, Status.STALE), world.listener.statuses());
        world.scheduler.advanceTo(usableUntil);

        assertEquals(List.of(Status.FRESH, Status.STALE, Status.DOWN), world.listener.statuses());
    }

    @Test
    void heldRoundEndsWithConfirmation_freshReportedAgainAndOneTimerLeft() {
        world.endpoint.answerKeys(document(TestKeys.jwks("a")));
        RefreshingKeySource source = startedWithHeldRounds();
        world.scheduler.advanceTo(world.now().plus(world.defaultRefresh).plusSeconds(1));
        assertEquals(Status.STALE, status(source));

        runHeldRound();

        assertEquals(List.of(Status.FRESH, Status.STALE, Status.FRESH), world.listener.statuses());
        world.scheduler.advanceTo(nextRefresh(source).minusMillis(1));
        assertEquals(List.of(Status.FRESH, Status.STALE, Status.FRESH), world.listener.statuses());
    }

    @Test
    void executorRefusesTheRefresh_staleStillReportedWhenFreshnessEnds() {
        world.endpoint.answerKeys(document(TestKeys.jwks("a")));
        boolean[] refusing = {false};
        world.fetchExecutor = round -> {
            if (refusing[0]) {
                throw new RejectedExecutionException("shut down");
            }
            round.run();
        };
        Instant confirmed = world.now();
        RefreshingKeySource source = world.started();
        refusing[0] = true;

        world.scheduler.advanceTo(nextRefresh(source));
        world.scheduler.advanceTo(confirmed.plus(world.defaultRefresh));

        assertEquals(List.of(Status.FRESH, Status.STALE), world.listener.statuses());
    }
}
