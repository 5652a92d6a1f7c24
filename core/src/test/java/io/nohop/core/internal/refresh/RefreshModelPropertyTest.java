package io.nohop.core.internal.refresh;

import io.nohop.core.VerifierHealth.Status;
import io.nohop.core.internal.keyset.KeySnapshot;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random sequences of endpoint behaviours and clock steps, against a real loopback endpoint: what the
 * endpoint last confirmed is what the snapshot holds, usable exactly until the staleness bound; and
 * fetches are never closer together than the schedule and the rate limit allow: the schedule spaces
 * fetches by at least minRefresh after a confirmation and the retry floor after a failure; only an
 * unknown kid may bring a fetch sooner, after a confirmation (never during failures), at most one such
 * per minRefresh (the unknown-kid budget is its own: scheduled fetches do not spend it).
 */
class RefreshModelPropertyTest {

    enum Behaviour {
        SERVE_A(true, Set.of("a"), 3600),
        SERVE_AB(true, Set.of("a", "b"), 3600),
        SERVE_B_SHORT(true, Set.of("b"), 120),
        SERVER_ERROR(false, Set.of(), 0),
        TOO_MANY_REQUESTS(false, Set.of(), 0),
        NOT_JSON(false, Set.of(), 0),
        EMPTY_SET(false, Set.of(), 0);

        final boolean confirms;
        final Set<String> kids;
        final long maxAge;

        Behaviour(boolean confirms, Set<String> kids, long maxAge) {
            this.confirms = confirms;
            this.kids = kids;
            this.maxAge = maxAge;
        }

        FaultyEndpoint.Answer answer() {
            switch (this) {
                case SERVER_ERROR:
                    return FaultyEndpoint.status(500);
                case TOO_MANY_REQUESTS:
                    return FaultyEndpoint.status(429, Map.of("Retry-After", "120"));
                case NOT_JSON:
                    return FaultyEndpoint.body(200, TestKeys.NOT_JSON);
                case EMPTY_SET:
                    return FaultyEndpoint.body(200, TestKeys.EMPTY_SET);
                default:
                    return FaultyEndpoint.documentWithMaxAge(TestKeys.jwks(kids.stream().sorted()
                            .toArray(String[]::new)), maxAge);
            }
        }
    }

    /** @param behaviour how the endpoint answers from now on @param advance clock step @param probe ask for an unknown kid first */
    record Step(Behaviour behaviour, Duration advance, boolean probe) {
    }

    /** A request as the script answered it, logged before the client could see the answer. */
    record Served(Instant at, Behaviour behaviour) {
    }

    @Provide
    Arbitrary<List<Step>> scripts() {
        Arbitrary<Duration> steps = Arbitraries.oneOf(
                Arbitraries.longs().between(0, 120), Arbitraries.longs().between(0, 5400))
                .map(Duration::ofSeconds);
        return Combinators.combine(Arbitraries.of(Behaviour.class), steps, Arbitraries.of(true, false))
                .as(Step::new).list().ofMinSize(1).ofMaxSize(15);
    }

    @Property(tries = 100)
    void theLastConfirmedKeysAreUsableUntilTheStalenessBoundAndNeverAfterWithFetchesWithinTheSchedule(
            @ForAll("scripts") List<Step> script, @ForAll long seed) {
        try (RefreshFixture world = new RefreshFixture()) {
            world.maxStaleness = Duration.ofHours(6);
            world.seed = seed;
            List<Served> served = new ArrayList<>();
            Behaviour[] current = {Behaviour.SERVE_A};
            world.endpoint.answerKeys((exchange, endpoint) -> {
                Behaviour now = current[0];
                synchronized (served) {
                    served.add(new Served(world.clock.instant(), now));
                }
                now.answer().write(exchange, endpoint);
            });
            RefreshingKeySource source = world.started();
            Instant t0 = world.now();

            int probes = 0;
            List<Instant> probedAt = new ArrayList<>();
            for (Step step : script) {
                current[0] = step.behaviour();
                if (step.probe()) {
                    source.unknownKid("probe-" + probes++);
                    probedAt.add(world.now());
                }
                world.scheduler.advance(step.advance());
                checkSnapshotAgainstLastConfirmation(world, source, served);
            }
            checkFetchSpacing(world, served, probedAt, Duration.between(t0, world.now()));
        }
    }

    private static void checkSnapshotAgainstLastConfirmation(RefreshFixture world, RefreshingKeySource source,
                                                             List<Served> served) {
        Served last = null;
        synchronized (served) {
            for (Served s : served) {
                if (s.behaviour().confirms) {
                    last = s;
                }
            }
        }
        Instant now = world.now();
        KeySnapshot snapshot = source.snapshot();
        Instant bound = last.at().plus(world.maxStaleness);
        if (now.isBefore(bound)) {
            assertEquals(last.behaviour().kids, snapshot.kids(), "the last confirmed set is the one in use");
            assertEquals(bound, snapshot.usableUntil());
            assertTrue(source.health().status() != Status.DOWN);
        } else {
            assertFalse(now.isBefore(snapshot.usableUntil()), "keys past the staleness bound are not usable");
            assertEquals(Status.DOWN, source.health().status());
        }
    }

    private static void checkFetchSpacing(RefreshFixture world, List<Served> served, List<Instant> probedAt,
                                          Duration elapsed) {
        Duration afterFailure = world.timing().retryDelayFloor();
        Instant lastEarly = null;
        int early = 0;
        for (int i = 1; i < served.size(); i++) {
            Served before = served.get(i - 1);
            Instant at = served.get(i).at();
            Duration gap = Duration.between(before.at(), at);
            Duration least = before.behaviour().confirms ? world.minRefresh : afterFailure;
            if (gap.compareTo(least) >= 0) {
                continue;
            }
            // Sooner than the schedule: only an unknown kid, asked since the last fetch, after a confirmation.
            assertTrue(before.behaviour().confirms, "fetch " + i + " only " + gap + " after a " + before.behaviour()
                    + " answer");
            assertTrue(probedAt.stream().anyMatch(p -> !p.isBefore(before.at()) && !p.isAfter(at)),
                    "fetch " + i + " only " + gap + " after the last, and no unknown kid asked for it");
            assertTrue(lastEarly == null || !Duration.between(lastEarly, at).minus(world.minRefresh).isNegative(),
                    "two unknown-kid fetches within minRefresh: " + lastEarly + ", " + at);
            lastEarly = at;
            early++;
        }
        Duration closest = afterFailure.compareTo(world.minRefresh) < 0 ? afterFailure : world.minRefresh;
        assertTrue(served.size() - early <= 1 + elapsed.toMillis() / closest.toMillis(), served.size() + " fetches");
        assertTrue(early <= 1 + elapsed.toMillis() / world.minRefresh.toMillis(), early + " unknown-kid fetches");
    }
}
