package io.nohop.core.internal.refresh;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Decides whether a token's unknown kid may trigger a refresh, and schedules the refreshes it grants.
 * Request path ({@link #admit}): lock-free and O(1) apart from arming a timer, never a fetch.
 *
 * <p>Two defences, and why both: a kid that a refresh already looked for and did not find is
 * remembered for a while (a negative entry), so tokens repeating one bogus kid cost nothing; but a
 * flood of <em>different</em> made-up kids is not stopped by negative entries — each kid is new — so
 * the real budget is the rate limit: at most one unknown-kid refresh per {@code minRefresh}. The limit
 * is shared, not per kid, which is exactly why a genuine new kid is still learned during a flood: a
 * kid that asked while the budget was spent is answered by a refresh deferred to the moment the budget
 * returns, and that refresh fetches the whole set, so the genuine kid arrives with it, at most one
 * interval after it was published.
 *
 * <p>The budget is spent by unknown-kid refreshes only, not by scheduled ones: an issuer that signs
 * with a key the moment it publishes it (Spring Authorization Server and many others) is seen a moment
 * after some scheduled fetch, and that fetch cannot have held the key. So a kid seen first is fetched
 * at once unless another unknown kid spent the budget within the interval; the endpoint sees at most
 * one such fetch per interval on top of its schedule, whatever the tokens say.
 *
 * <p>A refresh this gate requested stays <em>pending</em> ({@link #kidFetchPending()}) until a fetch
 * round starts fetching and takes the kids asked so far; a request that collapsed into a round already
 * in flight (which started before those kids asked) is requested again the moment that round ends.
 * Requests that wait for their kid ({@code RefreshingKeySource.awaitKid}) ride only on such a pending
 * refresh or on a round in flight, never on a deferred one.
 *
 * <p>Concurrency: {@link #admit} runs on request threads; {@code fetchStarted/Confirmed/Failed} and
 * {@link #roundEnded()} on the one fetch round in flight; the two timers on the scheduler. Each piece of
 * state is an atomic or written by the fetch round only.
 */
final class UnknownKidGate {
    /** What an unknown kid did. */
    enum Decision {
        /** A refresh was scheduled now; this call won the interval's budget. */
        REFRESH_NOW,
        /** A refresh another unknown kid won is pending (not started yet): this kid rides on it. */
        JOINED,
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
    private final Duration negativeTtl;
    // Built at the first negative entry, by the fetch round (the only writer): most sources never meet an
    // unknown kid, and a bounded Caffeine cache costs about a kilobyte per source before it holds anything.
    private volatile Cache<String, Boolean> absent;
    // Fields with VarHandles, not Atomic* objects: every refresh round reads pending and whether kids wait,
    // and an object of its own each would be one more cache line per round (at a fleet simulation's
    // 100,000 sources, a miss each).
    private volatile long nextAllowedMillis = Long.MIN_VALUE;
    // Set when this gate requests a refresh; cleared when a round takes the waiting kids (or cannot come).
    private volatile boolean pending;
    // Kids that asked since the last fetch started; judged when the next fetch finishes.
    private volatile Set<String> waiting = ConcurrentHashMap.newKeySet();
    // Set after a kid is added to waiting, cleared before waiting is swapped: false means no kid waits, so a
    // round need not look into the set. A kid added to the set swapped out rides on the fetch that took it
    // and may leave this true for nothing: the next look finds the set empty.
    private volatile boolean kidsWaiting;
    private static final VarHandle NEXT_ALLOWED_MILLIS;
    private static final VarHandle WAITING;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            NEXT_ALLOWED_MILLIS = lookup.findVarHandle(UnknownKidGate.class, "nextAllowedMillis", long.class);
            WAITING = lookup.findVarHandle(UnknownKidGate.class, "waiting", Set.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    // Written only by the one fetch in flight; volatile because consecutive fetches may run on different threads.
    private volatile Set<String> inFetch = Set.of();

    private final TimerSlot now;
    private final TimerSlot deferred;
    private final Runnable fetch;
    private final BooleanSupplier endpointHealthy;

    /**
     * @param minRefresh the budget: one unknown-kid refresh per this interval (scheduled refreshes do not spend it)
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
        this.negativeTtl = negativeTtl;
    }

    private Cache<String, Boolean> negativeEntries() {
        Cache<String, Boolean> entries = absent;
        if (entries == null) {
            entries = Caffeine.newBuilder()
                    .maximumSize(MAX_NEGATIVE_ENTRIES)
                    .expireAfterWrite(negativeTtl)
                    .ticker(clockTicker(clock))
                    // Maintenance on the calling thread: no pool threads that close() could not stop.
                    .executor(Runnable::run)
                    .build();
            absent = entries;
        }
        return entries;
    }

    private static Ticker clockTicker(Clock clock) {
        return () -> {
            Instant instant = clock.instant();
            return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
        };
    }

    /**
     * @param kid the unknown kid
     * @return what it did: a refresh now, a ride on a pending one, deferred, or nothing
     */
    Decision admit(String kid) {
        if (isKnownAbsent(kid)) {
            return Decision.KNOWN_ABSENT;
        }
        Set<String> kids = waiting;
        if (kids.size() < MAX_WAITING_KIDS) {
            kids.add(kid);
        }
        kidsWaiting = true;
        if (pending) {
            return Decision.JOINED;
        }
        if (claim()) {
            pending = true;
            // Through the scheduler, so that the request thread never runs a fetch itself.
            now.arm(Duration.ZERO, fetch);
            return Decision.REFRESH_NOW;
        }
        deferRefresh();
        return Decision.RATE_LIMITED;
    }

    /** @return true from the moment this gate requests a refresh until a round starts fetching for it */
    boolean kidFetchPending() {
        return pending;
    }

    /**
     * @param kid a kid
     * @return true when a recent refresh looked for it and did not find it
     */
    boolean isKnownAbsent(String kid) {
        Cache<String, Boolean> entries = absent;
        return entries != null && entries.getIfPresent(kid) != null;
    }

    /**
     * A fetch (of any kind) starts: it will answer the kids waiting so far, so a refresh requested for
     * them is no longer pending. Only unknown-kid refreshes spend the budget ({@link #claim}).
     */
    void fetchStarted() {
        // Nearly every fetch is a scheduled one with no kid waiting: it takes nothing and allocates nothing.
        // A kid added after this look waits for the next fetch, as one added just after a swap would.
        Set<String> taken = Set.of();
        if (kidsWaiting) {
            // Cleared before the swap: a kid added after it sets it again.
            kidsWaiting = false;
            if (!waiting.isEmpty()) {
                @SuppressWarnings("unchecked")
                Set<String> swapped = (Set<String>) WAITING.getAndSet(this, ConcurrentHashMap.newKeySet());
                taken = swapped;
            }
        }
        if (!taken.isEmpty() || !inFetch.isEmpty()) {
            inFetch = taken;
        }
        // Read before written: most fetches find nothing pending, and a volatile write is a fence.
        if (pending) {
            pending = false;
        }
    }

    /**
     * The fetch confirmed a key set: kids it was asked about and did not contain become negative entries.
     *
     * @param kids the kids of the confirmed set
     */
    void fetchConfirmed(Set<String> kids) {
        Set<String> asked = inFetch;
        if (asked.isEmpty()) {
            return;
        }
        for (String kid : asked) {
            if (!kids.contains(kid)) {
                negativeEntries().put(kid, Boolean.TRUE);
            }
        }
        inFetch = Set.of();
    }

    /** The fetch failed: it says nothing about any kid. */
    void fetchFailed() {
        if (!inFetch.isEmpty()) {
            inFetch = Set.of();
        }
    }

    /**
     * A fetch round ended: kids that asked while it was in flight were not answered by it. A refresh
     * requested for them (which collapsed into this round) runs now; otherwise one is deferred until the
     * budget returns. While the endpoint fails, its retries decide, and nothing is pending.
     */
    void roundEnded() {
        if (!endpointHealthy.getAsBoolean()) {
            pending = false;
        } else if (pending) {
            now.arm(Duration.ZERO, fetch);
        } else if (hasWaitingKids()) {
            deferRefresh();
        }
    }

    /** The source could not start the refresh requested (its executor refused it): it is not coming. */
    void requestRefused() {
        pending = false;
    }

    /** Cancels the pending refreshes. */
    void close() {
        now.close();
        deferred.close();
        pending = false;
    }

    /** @return when the next unknown-kid refresh will be allowed */
    Instant nextAllowed() {
        long allowed = nextAllowedMillis;
        return allowed == Long.MIN_VALUE ? Instant.EPOCH : Instant.ofEpochMilli(allowed);
    }

    private boolean hasWaitingKids() {
        return kidsWaiting && !waiting.isEmpty();
    }

    // True when this caller won the interval's single unknown-kid refresh.
    private boolean claim() {
        long nowMillis = clock.millis();
        long allowed = nextAllowedMillis;
        return nowMillis >= allowed && NEXT_ALLOWED_MILLIS.compareAndSet(this, allowed, nowMillis + minGapMillis);
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
            pending = true;
            fetch.run();
        } else {
            deferRefresh();
        }
    }
}
