package io.nohop.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The counters behind TokenVerifier.stats(): one per key-set event kind, failures by failure code. */
class StatsCounterTest {
    private static final URI JWKS = URI.create("https://keys.example/jwks.json");

    @Test
    void events_countedByKind_andFailuresByCode() {
        StatsCounter counter = new StatsCounter(Tokens.CLOCK, Duration.ofHours(24), Duration.ofHours(1));
        counter.refreshSucceeded(JWKS, 2, Duration.ofMillis(5));
        counter.refreshNotModified(JWKS);
        counter.refreshFailed(JWKS, "timed out after 10000 ms", 1, Instant.EPOCH);
        counter.refreshFailed(JWKS, "HTTP 503 unavailable", 2, Instant.EPOCH);
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

    // The descriptions the key cache writes today (BoundedFetcher, RefreshingKeySource, KeySetLoader,
    // DiscoveryDocument), and the code each is counted under.
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "connection refused | unreachable",
        "I/O error (ConnectException) | unreachable",
        "fetch failed (IllegalStateException) | unreachable",
        "request refused by the HTTP client | unreachable",
        "connect timed out | timeout",
        "timed out after 10000 ms | timeout",
        "response larger than 262144 bytes | too_large",
        "HTTP 404 unexpected status | http_status",
        "HTTP 500 server error | http_status",
        "HTTP 429 too many requests | http_status",
        "HTTP 304 but no key set is held | http_status",
        "HTTP 302 unexpected status | redirect",
        "key set refused: key set is not valid JSON (unexpected end) | not_json",
        "key set refused: document is not a JWKS: no \"keys\" array | not_a_jwks",
        "key set refused: key set is empty | empty_set",
        "key set refused: key set has no usable key (2 refused) | no_usable_key",
        "discovery: connection refused | unreachable",
        "discovery: HTTP 503 unavailable | http_status",
        "discovery document is not JSON | not_json",
        "discovery document names another issuer | issuer_mismatch",
        "discovery jwks_uri is not https | other",
        "internal error (NullPointerException) | other",
    })
    void failureCode_ofEachDescriptionTheKeyCacheWrites(String cause, String code) {
        assertEquals(code, StatsCounter.failureCode(cause));
    }
}
