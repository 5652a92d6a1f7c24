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
import java.util.function.BooleanSupplier;

/**
 * Decides whether a token's unknown kid may trigger a refresh, and schedules the refreshes it grants.
 * Request path ({@link #admit}): lock-free and O(1) apart from arming a timer, never a fetch.
 *
 * <p>Two defences, and why both: a kid that a refresh already looked for and did not find is
 * remembered for a while (a negative entry), so tokens repeating one bogus kid cost nothing; but a
 * flood of <em>different</em> made-up kids is not stopped by negative entries — each kid is new — so
 * the real budget is the rate limit: at most one unknown-kid refresh per {@code minRefresh} since the
 * last fetch of any kind. The limit is shared, not per kid, which is exactly why a genuine new kid
 * is still learned during a flood: a kid that asked while the budget was spent is answered by a refresh
 * deferred to the moment the budget returns, and that refresh fetches the whole set, so the genuine
 * kid arrives with it, at most one interval after it was published.
 *
 * <p>Concurrency: {@link #admit} runs on request threads; {@code fetchStarted/Confirmed/Failed} on the
 * one fetch round in flight; the two timers on the scheduler. Each piece of state is an atomic or
 * written by the fetch round only.
 */
final class UnknownKidGate {
    /** What an unknown kid did. */
    enum Decision {
        /** A refresh was scheduled now; this call won the interval's budget. */
        REFRESH_NOW,
        /** The budget is spent; a refresh is (or was already) deferred to {@link #nextAllowed()}. */
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

    private final TimerSlot now;
    private final TimerSlot deferred;
    private final Runnable fetch;
    private final BooleanSupplier endpointHealthy;

    /**
     * @param minRefresh the budget: one unknown-kid refresh per this interval
     * @param negativeTtl how long a kid a refresh did not find is remembered
     * @param clock time source
     * @param now the timer that runs a granted refresh at once (never on the request thread)
     * @param deferred the timer that runs a refresh deferred until the budget returns
     * @param fetch asks the source for a fetch round (collapses into one in flight)
     * @param endpointHealthy false while the endpoint is failing: its retries, not kids, decide when to fetch
     */
    UnknownKidGate(Duration minRefresh, Duration negativeTtl, Clock clock, TimerSlot now, TimerSlot deferred,
                   Runnable fetch, BooleanSupplier endpointHealthy) {
        this.minGapMillis = minRefresh.toMillis();
        this.clock = clock;
        this.now = now;
        this.deferred = deferred;
        this.fetch = fetch;
        this.endpointHealthy = endpointHealthy;
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
            Instant instant = clock.instant();
            return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
        };
    }

    /**
     * @param kid the unknown kid
     * @return what it did: a refresh now, deferred, or nothing
     */
    Decision admit(String kid) {
        if (absent.getIfPresent(kid) != null) {
            return Decision.KNOWN_ABSENT;
        }
        Set<String> kids = waiting.get();
        if (kids.size() < MAX_WAITING_KIDS) {
            kids.add(kid);
        }
        if (claim()) {
            // Through the scheduler, so that the request thread never runs a fetch itself.
            now.arm(Duration.ZERO, fetch);
            return Decision.REFRESH_NOW;
        }
        deferRefresh();
        return Decision.RATE_LIMITED;
    }

    /**
     * @param kid a kid
     * @return true when a recent refresh looked for it and did not find it
     */
    boolean isKnownAbsent(String kid) {
        return absent.getIfPresent(kid) != null;
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

    /** A fetch round ended: kids that asked while it was in flight were not answered by it. */
    void roundEnded() {
        if (hasWaitingKids() && endpointHealthy.getAsBoolean()) {
            deferRefresh();
        }
    }

    /** Cancels the pending refreshes. */
    void close() {
        now.close();
        deferred.close();
    }

    /** @return when the next unknown-kid refresh will be allowed */
    Instant nextAllowed() {
        long allowed = nextAllowedMillis.get();
        return allowed == Long.MIN_VALUE ? Instant.EPOCH : Instant.ofEpochMilli(allowed);
    }

    private boolean hasWaitingKids() {
        return !waiting.get().isEmpty();
    }

    // True when this caller won the interval's single unknown-kid refresh.
    private boolean claim() {
        long nowMillis = clock.millis();
        long allowed = nextAllowedMillis.get();
        return nowMillis >= allowed && nextAllowedMillis.compareAndSet(allowed, nowMillis + minGapMillis);
    }

    // One deferred refresh at a time, at the end of the interval.
    private void deferRefresh() {
        deferred.armIfIdle(Duration.between(clock.instant(), nextAllowed()), this::deferredRefreshDue);
    }

    private void deferredRefreshDue() {
        if (!hasWaitingKids() || !endpointHealthy.getAsBoolean()) {
            return;
        }
        if (claim()) {
            fetch.run();
        } else {
            deferRefresh();
        }
    }
}
