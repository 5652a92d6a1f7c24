package io.nohop.core.internal.refresh;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Decides whether a token's unknown kid may trigger a refresh. Request path: lock-free and O(1).
 *
 * <p>Two defences, and why both: a kid that a refresh already looked for and did not find is
 * remembered for a while (a negative entry), so tokens repeating one bogus kid cost nothing; but a
 * flood of <em>different</em> made-up kids is not stopped by negative entries — each kid is new — so
 * the real budget is the rate limit: at most one unknown-kid refresh per {@code minRefresh} since the
 * last fetch of any kind. The limit is shared, not per kid, which is exactly why a genuine new kid
 * is still learned during a flood: the next allowed refresh fetches the whole set, and the genuine
 * kid arrives with it, at most one interval after it was published.
 */
final class UnknownKidGate {
    /** What an unknown kid may do. */
    enum Decision {
        /** Refresh now; this call won the interval's budget. */
        REFRESH_NOW,
        /** A refresh ran or was granted less than minRefresh ago; one will be allowed at {@link #nextAllowed()}. */
        RATE_LIMITED,
        /** A recent refresh looked for this kid and did not find it. */
        KNOWN_ABSENT
    }

    // Bounds memory under a flood; kids beyond it are simply not remembered.
    static final int MAX_NEGATIVE_ENTRIES = 10_000;
    static final int MAX_WAITING_KIDS = 1_000;

    private final long minGapMillis;
    private final Clock clock;
    private final Cache<String, Boolean> absent;
    private final AtomicLong nextAllowedMillis = new AtomicLong(Long.MIN_VALUE);
    // Kids that asked since the last fetch started; judged when the next fetch finishes.
    private final AtomicReference<Set<String>> waiting = new AtomicReference<>(ConcurrentHashMap.newKeySet());
    // Written only by the one fetch in flight; volatile because consecutive fetches may run on different threads.
    private volatile Set<String> inFetch = Set.of();

    UnknownKidGate(Duration minRefresh, Duration negativeTtl, Clock clock) {
        this.minGapMillis = minRefresh.toMillis();
        this.clock = clock;
        this.absent = Caffeine.newBuilder()
                .maximumSize(MAX_NEGATIVE_ENTRIES)
                .expireAfterWrite(negativeTtl)
                .ticker(clockTicker(clock))
                // Maintenance on the calling thread: no pool threads that close() could not stop.
                .executor(Runnable::run)
                .build();
    }

    private static Ticker clockTicker(Clock clock) {
        return () -> {
            Instant now = clock.instant();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        };
    }

    /**
     * @param kid the unknown kid
     * @return whether it may trigger a refresh now
     */
    Decision admit(String kid) {
        if (absent.getIfPresent(kid) != null) {
            return Decision.KNOWN_ABSENT;
        }
        Set<String> kids = waiting.get();
        if (kids.size() < MAX_WAITING_KIDS) {
            kids.add(kid);
        }
        return claim() ? Decision.REFRESH_NOW : Decision.RATE_LIMITED;
    }

    /**
     * @param kid a kid
     * @return true when a recent refresh looked for it and did not find it
     */
    boolean isKnownAbsent(String kid) {
        return absent.getIfPresent(kid) != null;
    }

    /** @return true when this caller won the interval's single unknown-kid refresh */
    boolean claim() {
        long now = clock.millis();
        long allowed = nextAllowedMillis.get();
        return now >= allowed && nextAllowedMillis.compareAndSet(allowed, now + minGapMillis);
    }

    /** @return when the next unknown-kid refresh will be allowed */
    Instant nextAllowed() {
        long allowed = nextAllowedMillis.get();
        return allowed == Long.MIN_VALUE ? Instant.EPOCH : Instant.ofEpochMilli(allowed);
    }

    /** @return true when kids asked since the last fetch started */
    boolean hasWaitingKids() {
        return !waiting.get().isEmpty();
    }

    /** A fetch (of any kind) starts: it spends the budget, and it will answer the kids waiting so far. */
    void fetchStarted() {
        long next = clock.millis() + minGapMillis;
        nextAllowedMillis.accumulateAndGet(next, Math::max);
        inFetch = waiting.getAndSet(ConcurrentHashMap.newKeySet());
    }

    /**
     * The fetch confirmed a key set: kids it was asked about and did not contain become negative entries.
     *
     * @param kids the kids of the confirmed set
     */
    void fetchConfirmed(Set<String> kids) {
        for (String kid : inFetch) {
            if (!kids.contains(kid)) {
                absent.put(kid, Boolean.TRUE);
            }
        }
        inFetch = Set.of();
    }

    /** The fetch failed: it says nothing about any kid. */
    void fetchFailed() {
        inFetch = Set.of();
    }
}
