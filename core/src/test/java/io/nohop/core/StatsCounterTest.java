package io.nohop.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The counters behind TokenVerifier.stats(): one per key-set event kind, failures by failure code. */
class StatsCounterTest {
    private static final URI JWKS = URI.create("https://keys.example/jwks.json");

    @Test
    void events_countedByKind_andFailuresByCode() {
        StatsCounter counter = new StatsCounter(Tokens.CLOCK, Duration.ofHours(24), Duration.ofHours(1));
        counter.refreshSucceeded(JWKS, 2, Duration.ofMillis(5));
        counter.refreshNotModified(JWKS);
        counter.refreshFailed(JWKS, RefreshFailure.TIMEOUT, "after 10000 ms", 1, Instant.EPOCH);
        counter.refreshFailed(JWKS, RefreshFailure.HTTP_STATUS, "HTTP 503", 2, Instant.EPOCH);
        counter.keysAdded(JWKS, Set.of("a", "b"));
        counter.keysRemoved(JWKS, Set.of("c"));
        counter.keyMaterialChanged(JWKS, "d");
        counter.keyRefused(JWKS, "e", "use is not sig");
        counter.unknownKidRefreshSuppressed(JWKS);
        VerifierStats stats = counter.snapshot();
        assertEquals(Tokens.NOW, stats.takenAt());
        assertEquals(1, stats.refreshesSucceeded());
        assertEquals(1, stats.refreshesNotModified());
        assertEquals(1, stats.refreshFailures().get("timeout"));
        assertEquals(1, stats.refreshFailures().get("http_status"));
        assertEquals(2, stats.refreshesFailed());
        assertEquals(2, stats.keysAdded());
        assertEquals(1, stats.keysRemoved());
        assertEquals(1, stats.keyMaterialChanges());
        assertEquals(1, stats.keysRefused());
        assertEquals(1, stats.unknownKidRefreshesSuppressed());
        assertEquals(Duration.ofHours(24), stats.maxStaleness());
        assertEquals(Duration.ofHours(1), stats.maxRefreshInterval());
        assertEquals(StatsCounter.FAILURE_CODES, java.util.List.copyOf(stats.refreshFailures().keySet()));
    }
}
