package io.nohop.core.internal.refresh;

import io.nohop.core.RefreshFailure;
import io.nohop.core.VerifierHealth;
import io.nohop.core.internal.LogText;
import io.nohop.core.internal.keyset.InvalidKeySetException;
import io.nohop.core.internal.keyset.KeySnapshot;
import io.nohop.core.internal.keyset.KeySource;
import io.nohop.core.internal.keyset.LoadedKeySet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Keys learned from a JWKS endpoint in the background, kept fresh ahead of expiry, and kept in use
 * (within the staleness bound) while the endpoint is slow, down or wrong. Made by {@link KeyCache}.
 *
 * <p>This class only drives the parts, each its own class: {@link KeySetFetcher} (one bounded HTTP
 * fetch, on the verifier's shared client; reached through the {@link KeySetTransport} seam, as the
 * cache file through {@link KeySetStore} and the loader through {@link KeySetDecoder}), {@link RefreshTiming} (freshness, refresh-ahead and retry
 * delays, jittered), {@link UnknownKidGate} (rate limit, negative entries and deferred refreshes for
 * unknown kids), {@link KeySetChanges} (the one diff per accepted document), {@link KeySetFile}
 * (last-known-good persistence), {@link DiscoveryDocument} (OpenID metadata), {@link StatusTracker}
 * (status changes), {@link SourceEvents} (logs and listener calls).
 *
 * <p>Concurrency contract:
 * <ul>
 * <li>Everything the source knows is one immutable {@link KeyCacheState} in one volatile field. The
 *     request path ({@link #snapshot()}, {@link #unknownKid(String)}) and {@link #health()} read it
 *     with one volatile read, never block and never throw; keys and their confirmation change together.</li>
 * <li>One writer at a time: the state is replaced only by {@link #start()} (before any fetch can be
 *     scheduled) and by the fetch round, of which at most one runs per source ({@code fetchRequestedAt});
 *     every trigger (schedule, retry, unknown kid) that arrives while a round is in flight collapses
 *     into it. So a transition reads the state, computes the next one and publishes it without a lock.</li>
 * <li>Rounds run on the environment's fetch executor, timers on its scheduler; the HTTP exchange itself
 *     on the shared client's threads, bounded by the fetch deadline. {@link #close()} may come from any
 *     thread: it stops the timers and aborts the exchange in flight, and nothing is published after it.</li>
 * </ul>
 *
 * <p>Health: FRESH while the last confirmation's freshness lifetime lasts (a failed refresh-ahead does
 * not change that), and past it while the refresh due at its end is still within the fetch timeout and
 * has not failed; STALE after that, while the keys are still within {@code maxStaleness} of their last
 * confirmation; DOWN before any keys and from {@link KeySnapshot#usableUntil()} on.
 */
public final class RefreshingKeySource implements KeySource {
    private static final Logger LOG = LoggerFactory.getLogger(RefreshingKeySource.class);
    private static final String JSON = "application/json";
    /** The most request threads that wait for an unknown kid at once on one source; the others are answered at once. */
    static final int MAX_WAITERS = 64;

    private final Optional<String> discoveredIssuer;
    private final RefreshOptions options;
    // The environment's fetch executor, held here: every round is handed to it, and the environment record
    // would be one more object to reach per round (a cache miss each at a fleet simulation's 100,000 sources).
    private final Executor fetchExecutor;
    private final Clock clock;
    private final KeySetTransport transport;
    private final KeySetDecoder decoder;
    private final Optional<KeySetStore> file;
    private final RefreshTiming timing;
    private final SourceEvents events;
    private final UnknownKidGate gate;
    private final StatusTracker status;
    private final TimerSlot refreshTimer;
    private final RoundProgress progress = new RoundProgress();
    // One object each for every arming of the refresh timer and every round handed to the fetch executor
    // (a method reference evaluated there would be a new object each time).
    private final Runnable fetchDue = this::requestFetch;
    private final Runnable round = this::fetchRound;

    private volatile KeyCacheState state;
    private volatile KeySetTransport.Exchange inFlight;
    // Where roots are pinned: the iat of the newest signed key set accepted (the rollback floor) and the
    // exp of the one held. Written only by the one writer (start, then the fetch rounds) and read only by
    // it; the request path never needs them (the exp is already in the snapshot's usableUntil).
    private final Optional<SignedKeySetVerifier> signedSets;
    private volatile Optional<Instant> newestIssuedAt = Optional.empty();
    private volatile Optional<Instant> heldExpiresAt = Optional.empty();
    // Fields with VarHandles, not Atomic* objects: every refresh round reads them, and an object of its own
    // each would be one more cache line to fetch per round (at a fleet simulation's 100,000 sources, a miss each).
    private volatile boolean started;
    private volatile boolean closed;
    // System.nanoTime() when the round in flight was requested, or NO_ROUND: one atomic, so that whoever
    // sees a round in flight also sees when it was requested.
    private static final long NO_ROUND = Long.MIN_VALUE;
    private volatile long fetchRequestedAt = NO_ROUND;
    private volatile int waiters;
    private static final VarHandle STARTED;
    private static final VarHandle CLOSED;
    private static final VarHandle FETCH_REQUESTED_AT;
    private static final VarHandle WAITERS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STARTED = lookup.findVarHandle(RefreshingKeySource.class, "started", boolean.class);
            CLOSED = lookup.findVarHandle(RefreshingKeySource.class, "closed", boolean.class);
            FETCH_REQUESTED_AT = lookup.findVarHandle(RefreshingKeySource.class, "fetchRequestedAt", long.class);
            WAITERS = lookup.findVarHandle(RefreshingKeySource.class, "waiters", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    RefreshingKeySource(URI configured, Optional<URI> jwksUri, Optional<String> discoveredIssuer,
                        RefreshOptions options, RefreshEnvironment environment, KeySetTransport transport,
                        KeySetDecoder decoder, Optional<KeySetStore> file, Optional<SignedKeySetVerifier> signedSets) {
        this.discoveredIssuer = discoveredIssuer;
        this.signedSets = signedSets;
        this.options = options;
        this.fetchExecutor = environment.fetchExecutor();
        this.clock = environment.clock();
        this.transport = transport;
        this.decoder = decoder;
        this.file = file;
        this.state = KeyCacheState.initial(configured, jwksUri);
        this.timing = new RefreshTiming(options, environment.random());
        this.events = new SourceEvents(environment.listener());
        this.refreshTimer = new TimerSlot(environment.scheduler(), "refresh");
        this.gate = new UnknownKidGate(options.minRefresh(), options.negativeKidTtl(), clock,
                new TimerSlot(environment.scheduler(), "unknown-kid"),
                new TimerSlot(environment.scheduler(), "deferred unknown-kid"),
                fetchDue, () -> state.consecutiveFailures() == 0);
        this.status = new StatusTracker(() -> state, () -> fetchRequestedAt != NO_ROUND, clock,
                new TimerSlot(environment.scheduler(), "status"), events);
    }

    // ---------------------------------------------------------------- request path and waits

    @Override
    public KeySnapshot snapshot() {
        return state.keys();
    }

    @Override
    public void unknownKid(String kid) {
        if (kid == null || !started || closed) {
            return;
        }
        try {
            KeyCacheState s = state;
            if (s.keys().byKid(kid) != null) {
                return;
            }
            if (s.consecutiveFailures() > 0 || s.jwksUri().isEmpty()) {
                // A retry with backoff is already scheduled; an extra fetch would only add load to a failing endpoint.
                events.unknownKidRefreshSuppressed(s.shownUri());
            } else if (gate.admit(kid) != UnknownKidGate.Decision.REFRESH_NOW) {
                events.unknownKidRefreshSuppressed(s.shownUri());
            }
        } catch (RuntimeException e) {
            LOG.debug("unknown-kid refresh request dropped ({})", e.getClass().getSimpleName());
        }
    }

    /**
     * Waits only while a fetch that may bring the kid is actually coming: a round in flight, or the
     * refresh the gate just requested for unknown kids. A kid that is rate-limited (its refresh
     * deferred), known absent, or asked while the endpoint fails returns at once; so does every caller
     * beyond {@link #MAX_WAITERS}. Ends as soon as the kid is held, is found absent, or nothing is coming
     * any more; at the latest after {@code maxWait}, and never later than {@code maxWait} after the fetch
     * in flight was requested. So a flood of made-up kids holds at most {@link #MAX_WAITERS} request
     * threads, each at most one bound, per fetch — and unknown kids trigger at most one fetch per interval.
     */
    @Override
    public KeySnapshot awaitKid(String kid, Duration maxWait) throws InterruptedException {
        // Cheapest first: when nothing is coming (the flood's common case) two volatile reads decide.
        if (kid == null || !started || !fetchComing() || state.keys().byKid(kid) != null
                || gate.isKnownAbsent(kid)) {
            return state.keys();
        }
        if ((int) WAITERS.getAndAdd(this, 1) + 1 > MAX_WAITERS) {
            WAITERS.getAndAdd(this, -1);
            return state.keys();
        }
        long budget = RoundProgress.saturatedNanos(maxWait);
        long begin = System.nanoTime();
        try {
            progress.await(() -> state.keys().byKid(kid) != null || !mayBringKid(kid), () -> waitLeft(begin, budget));
        } finally {
            WAITERS.getAndAdd(this, -1);
        }
        return state.keys();
    }

    /** @return the callers waiting in {@link #awaitKid} right now (for tests of the cap) */
    int waitingCallers() {
        return waiters;
    }

    // The caller's bound, and never past that bound counted from when the fetch in flight was requested:
    // a slow or hung endpoint holds the threads that rode on its fetch one bound at most, later ones not at all.
    private long waitLeft(long begin, long budget) {
        long now = System.nanoTime();
        long left = budget - (now - begin);
        long requested = fetchRequestedAt;
        if (requested != NO_ROUND) {
            left = Math.min(left, budget - Math.max(0, now - requested));
        }
        return left;
    }

    // A fetch is requested for unknown kids or in flight, and nothing says it is pointless for this kid.
    private boolean mayBringKid(String kid) {
        return fetchComing() && !gate.isKnownAbsent(kid);
    }

    // Pending is read first: a round is marked in flight before it clears pending, so no hand-over is missed.
    private boolean fetchComing() {
        return !closed && (gate.kidFetchPending() || fetchRequestedAt != NO_ROUND);
    }

    @Override
    public boolean awaitFirstKeys(Duration timeout) throws InterruptedException {
        progress.await(timeout, () -> closed || usableNow());
        return usableNow();
    }

    private boolean usableNow() {
        KeySnapshot keys = state.keys();
        return !keys.isEmpty() && clock.instant().isBefore(keys.usableUntil());
    }

    /** Reads the state only: asking for health never reports or changes anything. */
    @Override
    public VerifierHealth.Source health() {
        return state.health(clock.instant(), closed);
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void start() {
        if (closed || !STARTED.compareAndSet(this, false, true)) {
            return;
        }
        // A quick local read: the keys are usable before start() returns, even if the endpoint is down.
        file.flatMap(f -> f.restore(state.configured(), state.jwksUri(), clock.instant(), options.maxStaleness(),
                signedSets)).ifPresent(this::serveRestored);
        publish(state.rescheduled(clock.instant()));
        armRefreshTimer();
        status.check();
    }

    @Override
    public void close() {
        if (!CLOSED.compareAndSet(this, false, true)) {
            return;
        }
        refreshTimer.close();
        gate.close();
        status.close();
        KeySetTransport.Exchange call = inFlight;
        if (call != null) {
            call.abort();
        }
        progress.signal();
    }

    // ---------------------------------------------------------------- one fetch round

    /** Starts a fetch round unless one is in flight (then this trigger collapses into it). */
    private void requestFetch() {
        long now = System.nanoTime();
        long mark = now == NO_ROUND ? now + 1 : now;
        if (closed || !started || !FETCH_REQUESTED_AT.compareAndSet(this, NO_ROUND, mark)) {
            return;
        }
        try {
            fetchExecutor.execute(round);
        } catch (RejectedExecutionException e) {
            fetchRequestedAt = NO_ROUND;
            // Nothing is coming now: whoever waits for a kid stops waiting, and no round will look at the status.
            gate.requestRefused();
            progress.signal();
            status.guard();
            LOG.debug("fetch executor refused the key refresh");
            return;
        }
        // Still out (on a fetch thread): until it ends, a timer watches for a status change it would report
        // late. A round that already ran inside execute() (a direct executor) has looked itself.
        if (fetchRequestedAt == mark) {
            status.guard();
        }
    }

    private void fetchRound() {
        try {
            if (closed) {
                return;
            }
            Optional<URI> target = state.jwksUri();
            if (target.isEmpty()) {
                target = discover(discoveredIssuer.orElseThrow());
            }
            if (target.isPresent() && !closed) {
                fetchKeys(target.get());
            }
        } catch (RuntimeException e) {
            // A bug, not an endpoint fault; keep the last good keys and retry like any failure.
            LOG.error("key refresh from {} failed unexpectedly ({})", state.shownUri(), e.getClass().getName());
            if (!closed) {
                failed(FetchResult.Failed.of(RefreshFailure.INTERNAL_ERROR, e.getClass().getSimpleName()));
            }
        } finally {
            inFlight = null;
            fetchRequestedAt = NO_ROUND;
            if (!closed) {
                // Armed only now that no round is in flight: a timer that fired during this round's tail
                // would have collapsed into it and been lost.
                armRefreshTimer();
                gate.roundEnded();
            }
            // After the gate: a waiter then sees whether another round is coming for its kid.
            progress.signal();
        }
    }

    private FetchResult fetch(URI uri, String accept, RevalidationHeaders sent) {
        KeySetTransport.Exchange call = transport.start(uri, accept, sent, options.fetchTimeout(), options.maxBodyBytes());
        inFlight = call;
        // Read after the write above: a close() that missed this call has set closed by now.
        if (closed) {
            call.abort();
        }
        return call.await();
    }

    private Optional<URI> discover(String issuer) {
        FetchResult result = fetch(state.configured(), JSON, RevalidationHeaders.NONE);
        if (closed) {
            return Optional.empty();
        }
        if (!(result instanceof FetchResult.Body body)) {
            FetchResult.Failed failure = result instanceof FetchResult.Failed f ? f
                    : FetchResult.Failed.of(RefreshFailure.HTTP_STATUS, "HTTP 304 to an unconditional request");
            failed(new FetchResult.Failed(failure.failure(), failure.detail() + " (discovery)", failure.retryAfter()));
            return Optional.empty();
        }
        URI found;
        try {
            found = signedSets.isPresent() ? DiscoveryDocument.signedJwksUri(body.body(), issuer)
                    : DiscoveryDocument.jwksUri(body.body(), issuer);
        } catch (DiscoveryDocument.Refused e) {
            failed(FetchResult.Failed.of(e.failure(), e.getMessage()));
            return Optional.empty();
        }
        if (!EndpointUriRule.allows(found, options.unsafeAllowPlainHttp())) {
            failed(FetchResult.Failed.of(RefreshFailure.BAD_METADATA,
                    "discovery jwks_uri is not https (plain http only to loopback)"));
            return Optional.empty();
        }
        LOG.info("discovered JWKS URI {} for issuer {}", found, LogText.escape(issuer, 200));
        publish(state.discovered(found));
        return Optional.of(found);
    }

    private void fetchKeys(URI uri) {
        Instant startedAt = clock.instant();
        gate.fetchStarted();
        FetchResult result = fetch(uri, signedSets.isPresent() ? SignedKeySetVerifier.MEDIA_TYPE : JSON,
                state.revalidationFor(uri));
        if (closed) {
            return;
        }
        Instant doneAt = clock.instant();
        if (result instanceof FetchResult.Body body) {
            Document document;
            try {
                document = read(body.body(), doneAt);
            } catch (InvalidKeySetException e) {
                failed(FetchResult.Failed.of(e.failure(), e.getMessage()));
                return;
            }
            accept(uri, document, body, doneAt, Duration.between(startedAt, doneAt));
        } else if (result instanceof FetchResult.NotModified notModified) {
            if (state.keys().isEmpty()) {
                failed(FetchResult.Failed.of(RefreshFailure.HTTP_STATUS, "HTTP 304 but no key set is held"));
            } else if (heldExpiresAt.isPresent() && !doneAt.isBefore(heldExpiresAt.get())) {
                // A 304 may confirm the held set, never beyond its exp: a frozen publication ends there.
                failed(FetchResult.Failed.of(RefreshFailure.EXPIRED_SET, "HTTP 304, but the signed key set held "
                        + "expired at " + heldExpiresAt.get() + " and the endpoint has nothing newer"));
            } else {
                renew(uri, notModified, doneAt);
            }
        } else {
            failed((FetchResult.Failed) result);
        }
    }

    /**
     * A fetched document that passed the source's checks: its keys, and for a signed key set its
     * {@code iat} and {@code exp}.
     */
    private record Document(LoadedKeySet keys, Optional<Instant> issuedAt, Optional<Instant> expiresAt) {
    }

    /** A plain JWKS, or, where roots are pinned, a signed key set checked against the rollback floor. */
    private Document read(byte[] body, Instant now) throws InvalidKeySetException {
        if (signedSets.isEmpty()) {
            return new Document(decoder.decode(body), Optional.empty(), Optional.empty());
        }
        SignedKeySetVerifier.Verified verified = signedSets.get().verify(body, now, newestIssuedAt);
        return new Document(verified.keys(), Optional.of(verified.issuedAt()), Optional.of(verified.expiresAt()));
    }

    private void accept(URI uri, Document document, FetchResult.Body body, Instant at, Duration took) {
        KeyCacheState before = state;
        Duration lifetime = untilExpiry(timing.lifetime(body.freshness()), at, document.expiresAt());
        KeySetChanges changes = KeySetChanges.between(before.keys(), document.keys().keys());
        KeySnapshot keys = KeySnapshot.of(changes.keys(), at, usableUntil(at, document.expiresAt()));
        Optional<CachedKeySet> entry = file.map(f -> document.issuedAt()
                .map(iat -> CachedKeySet.signed(before.configured(), uri, at, lifetime, body.revalidation(), iat,
                        body.body()))
                .orElseGet(() -> CachedKeySet.jwks(before.configured(), uri, at, lifetime, body.revalidation(),
                        body.body())));
        // Written before the keys are published: whoever waits for the first keys (and may exit right
        // after) then also finds them on disk.
        entry.ifPresent(this::persist);
        Instant next = at.plus(timing.refreshDelay(lifetime));
        document.issuedAt().ifPresent(iat -> newestIssuedAt = Optional.of(iat));
        heldExpiresAt = document.expiresAt();
        // One write: from here on a removed key is gone, a new key usable, and both are confirmed.
        publish(before.confirmed(uri, keys, body.revalidation(), at, lifetime, next, options.fetchTimeout(), entry));
        gate.fetchConfirmed(keys.kids());
        events.keySetChanged(uri, changes, document.keys().refused());
        events.refreshSucceeded(uri, keys.keys().size(), took, next);
        status.check();
    }

    private void renew(URI uri, FetchResult.NotModified answer, Instant at) {
        KeyCacheState before = state;
        Duration lifetime = untilExpiry(timing.lifetime(answer.freshness()), at, heldExpiresAt);
        RevalidationHeaders revalidation = before.revalidation().updatedBy(answer.revalidation());
        KeySnapshot keys = before.keys().renewed(at, usableUntil(at, heldExpiresAt));
        // Rewritten so that a restart trusts the keys from this confirmation, not from the last 200.
        Optional<CachedKeySet> entry = before.persisted().map(d -> d.confirmedAgain(at, lifetime, revalidation));
        entry.ifPresent(this::persist);
        Instant next = at.plus(timing.refreshDelay(lifetime));
        publish(before.confirmed(uri, keys, revalidation, at, lifetime, next, options.fetchTimeout(), entry));
        gate.fetchConfirmed(keys.kids());
        events.refreshNotModified(uri, next);
        status.check();
    }

    private void failed(FetchResult.Failed failure) {
        KeyCacheState before = state;
        int failures = before.consecutiveFailures() + 1;
        Instant next = clock.instant().plus(timing.retryDelay(failures, failure.retryAfter()));
        publish(before.failed(failure.text(), next));
        gate.fetchFailed();
        events.refreshFailed(before.shownUri(), failure, failures, next);
        status.check();
    }

    private void serveRestored(KeySetStore.Restored restored) {
        CachedKeySet entry = restored.entry();
        KeyCacheState before = state;
        KeySetChanges changes = KeySetChanges.between(before.keys(), restored.keys().keys());
        KeySnapshot keys = KeySnapshot.of(changes.keys(), entry.confirmedAt(),
                usableUntil(entry.confirmedAt(), restored.expiresAt()));
        Duration lifetime = untilExpiry(timing.lifetime(Optional.of(entry.lifetime())), entry.confirmedAt(),
                restored.expiresAt());
        // The rollback floor survives the restart: the restored set was verified again, so its iat is trusted.
        newestIssuedAt = entry.newestIssuedAt();
        heldExpiresAt = restored.expiresAt();
        // Hole 1 of issue 10: a plain JWKS in the file is nobody's word, and its ETag is public; sent back,
        // a 304 would confirm whatever keys the file holds. So the first fetch after a restore is
        // unconditional, unless the document was verified again under pinned roots.
        RevalidationHeaders first = signedSets.isPresent() ? entry.revalidation() : RevalidationHeaders.NONE;
        publish(before.restored(entry, keys, lifetime, clock.instant(), first));
        events.keySetChanged(entry.jwksUri(), changes, restored.keys().refused());
    }

    /** The staleness bound, and where a signed key set is held, never past its {@code exp}. */
    private Instant usableUntil(Instant confirmedAt, Optional<Instant> expiresAt) {
        Instant bound = confirmedAt.plus(options.maxStaleness());
        return expiresAt.isPresent() && expiresAt.get().isBefore(bound) ? expiresAt.get() : bound;
    }

    /**
     * A freshness lifetime that ends no later than the held set's {@code exp}, so that the refresh it
     * schedules comes before the set expires (a re-signed set is fetched before the verifier goes DOWN).
     */
    private static Duration untilExpiry(Duration lifetime, Instant at, Optional<Instant> expiresAt) {
        if (expiresAt.isEmpty()) {
            return lifetime;
        }
        Duration left = Duration.between(at, expiresAt.get());
        return left.compareTo(lifetime) < 0 ? (left.isNegative() ? Duration.ZERO : left) : lifetime;
    }

    private void persist(CachedKeySet entry) {
        file.orElseThrow().save(entry, clock.instant(), options.maxStaleness());
    }

    // ---------------------------------------------------------------- state and timers

    /** The only write of the state (see the concurrency contract above). */
    private void publish(KeyCacheState next) {
        state = next;
        progress.signal();
    }

    /** Arms the refresh timer for the state's next refresh; called when no round is in flight. */
    private void armRefreshTimer() {
        Instant next = state.nextRefreshAt();
        if (next != null) {
            // In nanoseconds, not a Duration: armed at every poll. Beyond 292 years either way, the far end.
            Instant now = clock.instant();
            long delay;
            try {
                delay = ChronoUnit.NANOS.between(now, next);
            } catch (ArithmeticException e) {
                delay = next.isAfter(now) ? Long.MAX_VALUE : 0;
            }
            refreshTimer.armNanos(delay, fetchDue);
        }
    }
}
