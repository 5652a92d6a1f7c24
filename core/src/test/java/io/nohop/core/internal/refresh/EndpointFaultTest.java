package io.nohop.core.internal.refresh;

import io.nohop.core.RefreshFailure;
import io.nohop.core.VerifierHealth;
import io.nohop.core.VerifierHealth.Status;
import io.nohop.core.internal.keyset.KeySnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.nohop.core.internal.refresh.FaultyEndpoint.body;
import static io.nohop.core.internal.refresh.FaultyEndpoint.documentWithMaxAge;
import static io.nohop.core.internal.refresh.FaultyEndpoint.hang;
import static io.nohop.core.internal.refresh.FaultyEndpoint.oversized;
import static io.nohop.core.internal.refresh.FaultyEndpoint.slowDrip;
import static io.nohop.core.internal.refresh.FaultyEndpoint.status;
import static io.nohop.core.internal.refresh.RefreshFixture.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each endpoint fault, one test each: the last good keys stay in the snapshot, health moves
 * FRESH → STALE → DOWN exactly when the freshness lifetime and then the staleness bound end, and every
 * retry delay lies within the backoff bounds.
 */
class EndpointFaultTest {
    private static final long MAX_AGE = 300;
    // Real time: each retry against a hung endpoint costs this much wall-clock time.
    private static final Duration SHORT_DEADLINE = Duration.ofMillis(400);

    private final RefreshFixture world = new RefreshFixture();

    @BeforeEach
    void boundsSmallEnoughToWalkThrough() {
        world.maxStaleness = Duration.ofHours(2);
        world.maxRefresh = Duration.ofMinutes(30);
        world.initialRetryDelay = Duration.ofSeconds(30);
        world.maxBodyBytes = 64 * 1024;
    }

    @AfterEach
    void close() {
        world.close();
    }

    @Test
    void refusedConnection() {
        survives(Optional.empty(), RefreshFailure.UNREACHABLE, "connection refused");
    }

    @Test
    void hungEndpointIsAbandonedAtTheTotalDeadline() {
        fewerSlowAttempts();
        survives(Optional.of(hang()), RefreshFailure.TIMEOUT, "timed out");
    }

    @Test
    void slowDripBodyIsAbandonedAtTheTotalDeadline() {
        fewerSlowAttempts();
        survives(Optional.of(slowDrip(10_000)), RefreshFailure.TIMEOUT, "timed out");
    }

    @Test
    void serverError() {
        survives(Optional.of(status(500)), RefreshFailure.HTTP_STATUS, "HTTP 500");
    }

    @Test
    void unavailable() {
        survives(Optional.of(status(503)), RefreshFailure.HTTP_STATUS, "HTTP 503");
    }

    @Test
    void redirectIsNotFollowed() {
        survives(Optional.of(status(302, Map.of("Location", "http://127.0.0.1:1/elsewhere"))), RefreshFailure.REDIRECT,
                "HTTP 302");
    }

    @Test
    void tooManyRequests() {
        survives(Optional.of(status(429)), RefreshFailure.HTTP_STATUS, "HTTP 429");
    }

    @Test
    void notJson() {
        survives(Optional.of(body(200, TestKeys.NOT_JSON)), RefreshFailure.NOT_JSON, "not valid JSON");
    }

    @Test
    void notAKeySet() {
        survives(Optional.of(body(200, TestKeys.NOT_A_JWKS)), RefreshFailure.NOT_A_JWKS, "not a JWKS");
    }

    @Test
    void oversizedBodyIsRefusedWhileStreaming() {
        survives(Optional.of(oversized(world.maxBodyBytes + 1, false)), RefreshFailure.TOO_LARGE, "larger than");
    }

    @Test
    void oversizedDeclaredLengthIsRefusedBeforeReading() {
        survives(Optional.of(oversized(world.maxBodyBytes + 1, true)), RefreshFailure.TOO_LARGE, "larger than");
    }

    @Test
    void emptyKeySet() {
        survives(Optional.of(body(200, TestKeys.EMPTY_SET)), RefreshFailure.EMPTY_SET, "empty");
    }

    @Test
    void noUsableKey() {
        survives(Optional.of(body(200, TestKeys.NO_USABLE_KEY)), RefreshFailure.NO_USABLE_KEY, "no usable key");
    }

    @Test
    void retryAfterSecondsIsHonouredAsTheEarliestRetry() {
        RefreshingKeySource source = startWithGoodKeys();
        world.endpoint.answerKeys(status(429, Map.of("Retry-After", "600")));
        world.scheduler.advance(Duration.ofMinutes(20));

        List<RecordingListener.Failure> failures = world.listener.failures();
        assertFalse(failures.isEmpty());
        failures.forEach(f -> Expect.between(f.delay(), Duration.ofSeconds(600), world.maxRefresh));
        assertEquals(List.of("a", "b"), List.copyOf(source.snapshot().kids()));
    }

    @Test
    void retryAfterDateIsHonoured() {
        startWithGoodKeys();
        Instant retryAt = world.now().plus(Duration.ofMinutes(15));
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(retryAt.atOffset(ZoneOffset.UTC));
        world.endpoint.answerKeys(status(429, Map.of("Retry-After", date)));
        world.scheduler.advance(Duration.ofSeconds(MAX_AGE));

        RecordingListener.Failure first = world.listener.failures().get(0);
        Expect.between(first.nextAttempt(), retryAt, first.at().plus(world.maxRefresh));
    }

    @Test
    void retryAfterBeyondTheMaximumRefreshIsCapped() {
        startWithGoodKeys();
        world.endpoint.answerKeys(status(503, Map.of("Retry-After", "86400")));
        world.scheduler.advance(Duration.ofSeconds(MAX_AGE));

        RecordingListener.Failure first = world.listener.failures().get(0);
        assertEquals(world.maxRefresh, first.delay());
    }

    @Test
    void aSuccessAfterFailuresResetsTheBackoffAndHealth() {
        RefreshingKeySource source = startWithGoodKeys();
        world.endpoint.answerKeys(status(500));
        world.scheduler.advance(Duration.ofMinutes(40));
        assertEquals(Status.STALE, status(source));

        world.endpoint.answerKeys(documentWithMaxAge(TestKeys.jwks("a", "b"), MAX_AGE));
        world.scheduler.advance(world.maxRefresh);

        VerifierHealth.Source health = source.health();
        assertEquals(Status.FRESH, health.status());
        assertEquals(0, health.consecutiveFailures());
        assertEquals(Optional.empty(), health.lastError());
    }

    // Every attempt against a hung or dripping endpoint costs the deadline in real time: make fewer.
    private void fewerSlowAttempts() {
        world.fetchTimeout = SHORT_DEADLINE;
        world.maxStaleness = Duration.ofHours(1);
        world.initialRetryDelay = Duration.ofMinutes(10);
    }

    private RefreshingKeySource startWithGoodKeys() {
        world.endpoint.answerKeys(documentWithMaxAge(TestKeys.jwks("a", "b"), MAX_AGE));
        RefreshingKeySource source = world.started();
        // With the short deadline, a machine under load may miss the very first fetch: retry until it lands.
        for (int attempt = 0; attempt < 5 && status(source) != Status.FRESH; attempt++) {
            world.scheduler.advanceTo(source.health().nextRefresh().orElseThrow());
        }
        assertEquals(Status.FRESH, status(source));
        return source;
    }

    /**
     * @param fault how the endpoint misbehaves after the first good answer; empty: it goes away
     * @param code the failure code events and health must carry
     * @param cause text the health's last error must contain
     */
    private void survives(Optional<FaultyEndpoint.Answer> fault, RefreshFailure code, String cause) {
        RefreshingKeySource source = startWithGoodKeys();
        Instant t0 = world.now();
        KeySnapshot good = source.snapshot();
        Instant freshUntil = t0.plusSeconds(MAX_AGE);
        Instant usableUntil = t0.plus(world.maxStaleness);
        assertEquals(usableUntil, good.usableUntil());

        fault.ifPresentOrElse(world.endpoint::answerKeys, world.endpoint::stop);

        world.scheduler.advanceTo(freshUntil.minusMillis(1));
        assertEquals(Status.FRESH, status(source));
        assertTrue(source.health().consecutiveFailures() >= 1, "the refresh ahead of expiry has failed");
        assertEquals(List.of("a", "b"), List.copyOf(source.snapshot().kids()));

        world.scheduler.advanceTo(freshUntil);
        assertEquals(Status.STALE, status(source));

        world.scheduler.advanceTo(usableUntil.minusMillis(1));
        VerifierHealth.Source health = source.health();
        assertEquals(Status.STALE, health.status());
        assertEquals(List.of("a", "b"), List.copyOf(source.snapshot().kids()));
        assertEquals(usableUntil, source.snapshot().usableUntil());
        assertEquals(Optional.of(t0), health.lastSuccess());
        assertTrue(health.consecutiveFailures() >= 2);
        String lastError = health.lastError().orElseThrow();
        assertTrue(lastError.startsWith(code.code() + ": ") && lastError.contains(cause), lastError);
        assertFalse(lastError.contains("secret"), "never response body text: " + lastError);

        world.scheduler.advanceTo(usableUntil);
        assertEquals(Status.DOWN, status(source));
        assertFalse(world.now().isBefore(source.snapshot().usableUntil()), "keys past the bound are not usable");

        assertEquals(List.of(Status.FRESH, Status.STALE, Status.DOWN), world.listener.statuses());
        RefreshTiming timing = world.timing();
        for (RecordingListener.Failure f : world.listener.failures()) {
            assertEquals(code, f.failure());
            Expect.between(f.delay(), timing.retryDelayFloor(), timing.retryDelayCeiling(f.failures()));
        }
    }
}
