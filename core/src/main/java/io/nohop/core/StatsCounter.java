package io.nohop.core;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts a verifier's key-set events for {@link TokenVerifier#stats()}. It listens to the key sources
 * beside the user's listener (never instead of it) and is always on: the events are rare and off the
 * request path, but for {@code unknownKidRefreshSuppressed}, a single add on a token already rejected.
 *
 * <p>Thread-safe: every count is a {@link LongAdder}; the code table is fixed at construction. A
 * snapshot is not atomic across counters (each is read once), which metrics do not need.
 */
final class StatsCounter implements VerifierListener {
    /**
     * The failure codes a refresh is counted under (CONTRACTS: stable, lower_snake), in the order metrics
     * list them; {@code other} takes what none of them describes (an internal error).
     */
    static final List<String> FAILURE_CODES = List.of("unreachable", "timeout", "http_status", "too_large",
            "not_json", "not_a_jwks", "empty_set", "no_usable_key", "redirect", "unsigned", "bad_signature",
            "wrong_type", "expired_set", "rollback", "issuer_mismatch", "other");

    private final Clock clock;
    private final Duration maxStaleness;
    private final Duration maxRefreshInterval;
    private final LongAdder succeeded = new LongAdder();
    private final LongAdder notModified = new LongAdder();
    private final Map<String, LongAdder> failures = new LinkedHashMap<>();
    private final LongAdder added = new LongAdder();
    private final LongAdder removed = new LongAdder();
    private final LongAdder materialChanged = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder suppressed = new LongAdder();

    StatsCounter(Clock clock, Duration maxStaleness, Duration maxRefreshInterval) {
        this.clock = clock;
        this.maxStaleness = maxStaleness;
        this.maxRefreshInterval = maxRefreshInterval;
        for (String code : FAILURE_CODES) {
            failures.put(code, new LongAdder());
        }
    }

    VerifierStats snapshot() {
        Map<String, Long> failed = new LinkedHashMap<>();
        failures.forEach((code, n) -> failed.put(code, n.sum()));
        return new VerifierStats(clock.instant(), succeeded.sum(), notModified.sum(), failed, added.sum(),
                removed.sum(), materialChanged.sum(), refused.sum(), suppressed.sum(), maxStaleness,
                maxRefreshInterval);
    }

    @Override
    public void refreshSucceeded(URI jwksUri, int keyCount, Duration took) {
        succeeded.increment();
    }

    @Override
    public void refreshNotModified(URI jwksUri) {
        notModified.increment();
    }

    @Override
    public void refreshFailed(URI jwksUri, String cause, int consecutiveFailures, Instant nextAttempt) {
        failures.getOrDefault(failureCode(cause), failures.get("other")).increment();
    }

    @Override
    public void keysAdded(URI jwksUri, Set<String> kids) {
        added.add(kids.size());
    }

    @Override
    public void keysRemoved(URI jwksUri, Set<String> kids) {
        removed.add(kids.size());
    }

    @Override
    public void keyMaterialChanged(URI jwksUri, String kid) {
        materialChanged.increment();
    }

    @Override
    public void keyRefused(URI jwksUri, String kid, String why) {
        refused.increment();
    }

    @Override
    public void unknownKidRefreshSuppressed(URI jwksUri) {
        suppressed.increment();
    }

    /**
     * The failure code of a refresh failure. The key cache reports a fixed description today; until it
     * reports the code itself (the key-cache branch of issue 13 makes it), the code is read from the
     * descriptions it writes ({@code BoundedFetcher}, {@code RefreshingKeySource}, {@code KeySetLoader},
     * {@code DiscoveryDocument}). Once the event carries the code, this method goes.
     *
     * @param cause the description {@link VerifierListener#refreshFailed} received
     * @return one of {@link #FAILURE_CODES}
     */
    static String failureCode(String cause) {
        String c = cause.toLowerCase(Locale.ROOT);
        if (c.startsWith("discovery: ")) {
            return failureCode(c.substring("discovery: ".length()));
        }
        if (c.contains("timed out")) {
            return "timeout";
        }
        if (c.startsWith("response larger than")) {
            return "too_large";
        }
        if (c.startsWith("http ")) {
            // Redirects are never followed; a 304 without a held key set is a status problem.
            return c.startsWith("http 3") && !c.startsWith("http 304") ? "redirect" : "http_status";
        }
        if (c.contains("not valid json") || c.contains("is not json")) {
            return "not_json";
        }
        if (c.contains("not a jwks")) {
            return "not_a_jwks";
        }
        if (c.contains("key set is empty")) {
            return "empty_set";
        }
        if (c.contains("no usable key")) {
            return "no_usable_key";
        }
        if (c.contains("names another issuer")) {
            return "issuer_mismatch";
        }
        if (c.startsWith("connection refused") || c.startsWith("i/o error") || c.startsWith("fetch failed")
                || c.startsWith("request refused") || c.startsWith("interrupted") || c.startsWith("source closed")) {
            return "unreachable";
        }
        return "other";
    }
}
