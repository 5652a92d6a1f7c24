package io.nohop.core.internal.refresh;

import io.nohop.core.internal.LogText;

import io.nohop.core.VerifierHealth;
import io.nohop.core.VerifierListener;
import io.nohop.core.internal.keyset.RefusedKey;
import io.nohop.core.internal.keyset.InvalidKeySetException;
import io.nohop.core.internal.keyset.KeySetLoader;
import io.nohop.core.internal.keyset.KeySnapshot;
import io.nohop.core.internal.keyset.KeySource;
import io.nohop.core.internal.keyset.LoadedKeySet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Keys learned from a JWKS endpoint in the background, kept fresh ahead of expiry, and kept in use
 * (within the staleness bound) while the endpoint is slow, down or wrong.
 *
 * <p>Layers, each its own class: {@link BoundedFetcher} (one bounded HTTP fetch),
 * {@link RefreshTiming} (freshness, refresh-ahead and backoff, all jittered), {@link UnknownKidGate}
 * (rate limit and negative entries for unknown kids), {@link KeySetFile} (last-known-good
 * persistence), {@link DiscoveryDocument} (OpenID metadata). This class only sequences them.
 *
 * <p>Threads: the request path ({@link #snapshot()}, {@link #unknownKid(String)}) reads one volatile
 * reference and a few atomics, never blocks and never throws. Timers run on the settings' scheduler;
 * fetches on the settings' fetch executor, one at a time per source: every trigger (schedule, retry,
 * unknown kid) that arrives while a fetch is in flight collapses into it.
 *
 * <p>Health: FRESH while the last confirmation's freshness lifetime lasts (a failed refresh-ahead does
 * not change that); STALE after it, while the keys are still within {@code maxStaleness} of their last
 * confirmation; DOWN before any keys and from {@link KeySnapshot#usableUntil()} on.
 */
public final class RefreshingKeySource implements KeySource {
    private static final Logger LOG = LoggerFactory.getLogger(RefreshingKeySource.class);
    private static final int MAX_ERROR_TEXT = 160;

    private final RefreshSettings settings;
    private final Clock clock;
    /** What the source was configured with: the JWKS URI, or the discovery metadata URL. */
    private final URI configured;
    private final Optional<String> discoveredIssuer;
    private final RefreshTiming timing;
    private final UnknownKidGate gate;
    private final Optional<KeySetFile> file;
    private final RefusedKeyReport refusedKeys = new RefusedKeyReport();

    private volatile KeySnapshot snapshot = KeySnapshot.EMPTY;
    private volatile RefreshState state = RefreshState.INITIAL;
    private volatile Optional<URI> jwksUri;
    private volatile BoundedFetcher fetcher;

    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean fetchInFlight = new AtomicBoolean();
    private final AtomicBoolean deferredPending = new AtomicBoolean();
    private final AtomicBoolean listenerFailureLogged = new AtomicBoolean();
    private final AtomicReference<VerifierHealth.Status> reportedStatus =
            new AtomicReference<>(VerifierHealth.Status.DOWN);

    private final Object timers = new Object();
    private ScheduledFuture<?> refreshTimer;
    private ScheduledFuture<?> statusTimer;
    private Instant statusTimerAt;
    private ScheduledFuture<?> deferredTimer;

    // Rounds are counted so that awaitKid can wait for "a fetch that started after I asked".
    private final AtomicLong roundsStarted = new AtomicLong();
    private final AtomicLong roundsCompleted = new AtomicLong();
    private final ReentrantLock progressLock = new ReentrantLock();
    private final Condition progress = progressLock.newCondition();

    private RefreshingKeySource(URI configured, Optional<URI> jwksUri, Optional<String> issuer,
                                RefreshSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = settings.clock();
        this.configured = configured;
        this.jwksUri = jwksUri;
        this.discoveredIssuer = issuer;
        this.timing = new RefreshTiming(settings);
        this.gate = new UnknownKidGate(settings.minRefresh(), settings.negativeKidTtl(), clock);
        this.file = settings.cacheFile().map(path -> new KeySetFile(path, settings.maxBodyBytes()));
    }

    /**
     * @param jwksUri the JWKS endpoint
     * @param settings validated settings
     * @return a source; {@link #start()} begins fetching
     * @throws IllegalArgumentException when the URI is not allowed (https required, except loopback)
     */
    public static RefreshingKeySource forJwksUri(URI jwksUri, RefreshSettings settings) {
        Objects.requireNonNull(jwksUri, "jwksUri");
        requireAllowed(jwksUri, settings);
        return new RefreshingKeySource(jwksUri, Optional.of(jwksUri), Optional.empty(), settings);
    }

    /**
     * @param issuer the issuer whose {@code /.well-known/openid-configuration} names the JWKS URI
     * @param settings validated settings
     * @return a source; {@link #start()} begins with discovery, then fetching
     * @throws IllegalArgumentException when the metadata URL is not allowed or not a URL
     */
    public static RefreshingKeySource discovering(String issuer, RefreshSettings settings) {
        Objects.requireNonNull(issuer, "issuer");
        URI metadata = DiscoveryDocument.metadataUri(issuer);
        requireAllowed(metadata, settings);
        return new RefreshingKeySource(metadata, Optional.empty(), Optional.of(issuer), settings);
    }

    private static void requireAllowed(URI uri, RefreshSettings settings) {
        if (!uri.isAbsolute() || uri.getHost() == null || !settings.allows(uri)) {
            throw new IllegalArgumentException("key endpoint must be an https URL (plain http only to loopback, "
                    + "unless insecure http is explicitly allowed): " + uri);
        }
    }

    // ---------------------------------------------------------------- request path

    @Override
    public KeySnapshot snapshot() {
        return snapshot;
    }

    @Override
    public void unknownKid(String kid) {
        if (kid == null || !started.get() || closed.get()) {
            return;
        }
        try {
            if (snapshot.byKid(kid) != null) {
                return;
            }
            if (state.consecutiveFailures() > 0 || jwksUri.isEmpty()) {
                // A retry with backoff is already scheduled; an extra fetch would only add load to a failing endpoint.
                emit(l -> l.unknownKidRefreshSuppressed(currentUri()));
                return;
            }
            switch (gate.admit(kid)) {
                case REFRESH_NOW:
                    // Through the scheduler, so that the request thread never runs a fetch itself.
                    schedule(this::unknownKidFetch, Duration.ZERO);
                    break;
                case RATE_LIMITED:
                    deferUnknownKidFetch();
                    emit(l -> l.unknownKidRefreshSuppressed(currentUri()));
                    break;
                default:
                    emit(l -> l.unknownKidRefreshSuppressed(currentUri()));
                    break;
            }
        } catch (RuntimeException e) {
            LOG.debug("unknown-kid refresh request dropped ({})", e.getClass().getSimpleName());
        }
    }

    @Override
    public KeySnapshot awaitKid(String kid, Duration maxWait) throws InterruptedException {
        KeySnapshot now = snapshot;
        if (kid == null || now.byKid(kid) != null || !started.get() || closed.get() || gate.isKnownAbsent(kid)) {
            return now;
        }
        long target = roundsStarted.get() + 1;
        awaitProgress(maxWait, () -> snapshot.byKid(kid) != null || roundsCompleted.get() >= target);
        return snapshot;
    }

    @Override
    public boolean awaitFirstKeys(Duration timeout) throws InterruptedException {
        awaitProgress(timeout, this::usableNow);
        return usableNow();
    }

    private boolean usableNow() {
        KeySnapshot s = snapshot;
        return !s.isEmpty() && clock.instant().isBefore(s.usableUntil());
    }

    // Real elapsed time (nanoTime): this bounds how long a caller's thread waits, which a test clock cannot shorten.
    private void awaitProgress(Duration maxWait, java.util.function.BooleanSupplier done)
            throws InterruptedException {
        long budget = saturatedNanos(maxWait);
        long begin = System.nanoTime();
        progressLock.lock();
        try {
            while (!done.getAsBoolean() && !closed.get()) {
                long left = budget - (System.nanoTime() - begin);
                if (left <= 0) {
                    return;
                }
                progress.awaitNanos(left);
            }
        } finally {
            progressLock.unlock();
        }
    }

    private static long saturatedNanos(Duration d) {
        try {
            return Math.max(0, d.toNanos());
        } catch (ArithmeticException e) {
            return d.isNegative() ? 0 : Long.MAX_VALUE;
        }
    }

    private void signalProgress() {
        progressLock.lock();
        try {
            progress.signalAll();
        } finally {
            progressLock.unlock();
        }
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void start() {
        if (closed.get() || !started.compareAndSet(false, true)) {
            return;
        }
        fetcher = new BoundedFetcher(settings);
        // A quick local read: the keys are usable before start() returns, even if the endpoint is down.
        file.ifPresent(this::restoreFrom);
        scheduleRefresh(clock.instant());
        armStatusTimer();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        synchronized (timers) {
            cancel(refreshTimer);
            cancel(statusTimer);
            cancel(deferredTimer);
            refreshTimer = null;
            statusTimer = null;
            deferredTimer = null;
        }
        BoundedFetcher f = fetcher;
        if (f != null) {
            f.close();
        }
        signalProgress();
    }

    private static void cancel(ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    @Override
    public VerifierHealth.Source health() {
        VerifierHealth.Status status = statusAt(clock.instant());
        reportIfChanged(status);
        RefreshState s = state;
        return new VerifierHealth.Source(Optional.of(currentUri()), status, snapshot.keys().size(),
                s.lastSuccess(), s.consecutiveFailures(), s.lastError(),
                closed.get() ? Optional.empty() : s.nextRefresh());
    }

    private URI currentUri() {
        return jwksUri.orElse(configured);
    }

    // ---------------------------------------------------------------- triggers

    private void refreshTimerFired() {
        reportIfChanged(statusAt(clock.instant()));
        requestFetch();
    }

    private void unknownKidFetch() {
        // Coalesced into a fetch in flight: that round's end re-arms the deferred fetch for kids still waiting.
        requestFetch();
    }

    private void deferUnknownKidFetch() {
        if (!deferredPending.compareAndSet(false, true)) {
            return;
        }
        Duration wait = Duration.between(clock.instant(), gate.nextAllowed());
        ScheduledFuture<?> timer = schedule(this::deferredFetchFired, wait.isNegative() ? Duration.ZERO : wait);
        synchronized (timers) {
            deferredTimer = timer;
        }
        if (timer == null) {
            deferredPending.set(false);
        }
    }

    private void deferredFetchFired() {
        deferredPending.set(false);
        if (closed.get() || !gate.hasWaitingKids() || state.consecutiveFailures() > 0) {
            return;
        }
        if (gate.claim()) {
            requestFetch();
        } else {
            deferUnknownKidFetch();
        }
    }

    /** Starts a fetch round unless one is in flight (then this trigger collapses into it). */
    private void requestFetch() {
        if (closed.get() || !started.get() || !fetchInFlight.compareAndSet(false, true)) {
            return;
        }
        try {
            settings.fetchExecutor().execute(this::fetchRound);
        } catch (RejectedExecutionException e) {
            fetchInFlight.set(false);
            LOG.debug("fetch executor refused the key refresh");
        }
    }

    // ---------------------------------------------------------------- one fetch round

    private void fetchRound() {
        roundsStarted.incrementAndGet();
        try {
            if (closed.get()) {
                return;
            }
            Optional<URI> target = jwksUri;
            if (target.isEmpty()) {
                target = discover(discoveredIssuer.orElseThrow());
            }
            if (target.isPresent() && !closed.get()) {
                fetchKeys(target.get());
            }
        } catch (RuntimeException e) {
            // A bug, not an endpoint fault; keep the last good keys and retry like any failure.
            LOG.error("key refresh from {} failed unexpectedly ({})", currentUri(), e.getClass().getName());
            if (!closed.get()) {
                failed("internal error (" + e.getClass().getSimpleName() + ")", Optional.empty());
            }
        } finally {
            fetchInFlight.set(false);
            roundsCompleted.incrementAndGet();
            signalProgress();
            if (!closed.get() && gate.hasWaitingKids() && state.consecutiveFailures() == 0) {
                // Kids that asked while this round was in flight were not answered by it.
                deferUnknownKidFetch();
            }
        }
    }

    private Optional<URI> discover(String issuer) {
        FetchResult result = fetcher.fetch(configured, Validators.NONE);
        if (closed.get()) {
            return Optional.empty();
        }
        if (!(result instanceof FetchResult.Body)) {
            FetchResult.Failed failure = result instanceof FetchResult.Failed
                    ? (FetchResult.Failed) result : FetchResult.Failed.because("unexpected discovery answer");
            failed("discovery: " + failure.cause(), failure.retryAfter());
            return Optional.empty();
        }
        URI found;
        try {
            found = DiscoveryDocument.jwksUri(((FetchResult.Body) result).body(), issuer);
        } catch (DiscoveryDocument.Refused e) {
            failed(e.getMessage(), Optional.empty());
            return Optional.empty();
        }
        if (!settings.allows(found)) {
            failed("discovery jwks_uri is not https", Optional.empty());
            return Optional.empty();
        }
        LOG.info("discovered JWKS URI {} for issuer {}", found, LogText.escape(issuer, 200));
        jwksUri = Optional.of(found);
        return jwksUri;
    }

    private void fetchKeys(URI uri) {
        Instant startedAt = clock.instant();
        gate.fetchStarted();
        FetchResult result = fetcher.fetch(uri, state.validatorsFor(uri));
        if (closed.get()) {
            return;
        }
        Instant doneAt = clock.instant();
        if (result instanceof FetchResult.Body) {
            FetchResult.Body body = (FetchResult.Body) result;
            LoadedKeySet loaded;
            try {
                loaded = KeySetLoader.load(body.body());
            } catch (InvalidKeySetException e) {
                failed("key set refused: " + LogText.escape(e.getMessage(), MAX_ERROR_TEXT), Optional.empty());
                return;
            }
            accept(uri, loaded, body, doneAt, Duration.between(startedAt, doneAt));
        } else if (result instanceof FetchResult.NotModified) {
            if (snapshot.isEmpty()) {
                failed("HTTP 304 but no key set is held", Optional.empty());
                return;
            }
            renew(uri, (FetchResult.NotModified) result, doneAt);
        } else {
            FetchResult.Failed failure = (FetchResult.Failed) result;
            failed(failure.cause(), failure.retryAfter());
        }
    }

    private void accept(URI uri, LoadedKeySet loaded, FetchResult.Body body, Instant at, Duration took) {
        Duration lifetime = timing.lifetime(body.freshness());
        Optional<CachedKeySet> document = file.map(f -> new CachedKeySet(configured, uri, at, lifetime,
                body.validators(), body.body()));
        // Written before the keys are installed: whoever waits for the first keys (and may exit right
        // after) then also finds them on disk.
        document.ifPresent(this::persist);
        Instant next = at.plus(timing.refreshDelay(lifetime));
        // State before snapshot: a reader who sees the new keys (health(), awaitKeys()) must also see
        // them as confirmed, never as "installed but never confirmed" (STALE for an instant).
        state = state.confirmed(uri, body.validators(), at, lifetime, next, document);
        install(KeySnapshot.of(KeySnapshot.reusingUnchanged(loaded.keys(), snapshot), at,
                at.plus(settings.maxStaleness())), loaded.refused(), uri);
        scheduleRefresh(next);
        int count = loaded.keys().size();
        LOG.debug("key set from {} accepted: {} keys, fresh for {}, next refresh at {}", uri, count, lifetime, next);
        emit(l -> l.refreshSucceeded(uri, count, took));
        reportIfChanged(statusAt(clock.instant()));
        armStatusTimer();
    }

    private void renew(URI uri, FetchResult.NotModified answer, Instant at) {
        Duration lifetime = timing.lifetime(answer.freshness());
        KeySnapshot renewed = snapshot.renewed(at, at.plus(settings.maxStaleness()));
        RefreshState before = state;
        Validators validators = before.validators().updatedBy(answer.validators());
        Optional<CachedKeySet> document = before.document().map(d -> d.confirmedAgain(at, lifetime, validators));
        Instant next = at.plus(timing.refreshDelay(lifetime));
        state = before.confirmed(uri, validators, at, lifetime, next, document);
        snapshot = renewed;
        gate.fetchConfirmed(renewed.kids());
        scheduleRefresh(next);
        // Rewritten so that a restart trusts the keys from this confirmation, not from the last 200.
        document.ifPresent(this::persist);
        LOG.debug("key set from {} not modified; fresh for {}, next refresh at {}", uri, lifetime, next);
        emit(l -> l.refreshNotModified(uri));
        reportIfChanged(statusAt(clock.instant()));
        armStatusTimer();
    }

    /** Installs a new key set and reports how it differs from the previous one. */
    private void install(KeySnapshot next, List<RefusedKey> refused, URI uri) {
        KeySnapshot previous = snapshot;
        KeySetChanges changes = KeySetChanges.between(previous, next);
        // One volatile write: from here on, a removed key is gone and a new key is usable.
        snapshot = next;
        gate.fetchConfirmed(next.kids());
        signalProgress();
        if (!changes.added().isEmpty()) {
            LOG.info("keys added at {}: {}", uri, escaped(changes.added()));
            emit(l -> l.keysAdded(uri, changes.added()));
        }
        if (!changes.removed().isEmpty()) {
            LOG.info("keys removed at {}: {}", uri, escaped(changes.removed()));
            emit(l -> l.keysRemoved(uri, changes.removed()));
        }
        for (String kid : changes.materialChanged()) {
            LOG.warn("kid {} at {} now has different key material; using the new key (tokens signed with the "
                    + "old one will fail; this usually means a broken issuer)", LogText.escape(kid), uri);
            emit(l -> l.keyMaterialChanged(uri, kid));
        }
        for (RefusedKey key : refusedKeys.newlyRefused(refused)) {
            String kid = key.kid() == null ? "" : key.kid();
            LOG.warn("key {} at {} refused: {}", LogText.escape(key.kid()), uri, key.reason());
            emit(l -> l.keyRefused(uri, kid, key.reason()));
        }
    }

    private static String escaped(Set<String> kids) {
        return kids.stream().limit(20).map(LogText::escape).collect(Collectors.joining(", ", "[", kids.size() > 20
                ? ", ...]" : "]"));
    }

    private void failed(String cause, Optional<Duration> retryAfter) {
        Instant now = clock.instant();
        int failures = state.consecutiveFailures() + 1;
        Instant next = now.plus(timing.retryDelay(failures, retryAfter));
        state = state.failed(cause, next);
        gate.fetchFailed();
        scheduleRefresh(next);
        URI uri = currentUri();
        if (failures == 1) {
            LOG.warn("key refresh from {} failed: {}; keeping the last good keys, retrying at {}", uri, cause, next);
        } else {
            LOG.debug("key refresh from {} failed again ({} in a row): {}; retrying at {}", uri, failures, cause,
                    next);
        }
        emit(l -> l.refreshFailed(uri, cause, failures, next));
        reportIfChanged(statusAt(now));
        armStatusTimer();
    }

    // ---------------------------------------------------------------- last-known-good file

    private void restoreFrom(KeySetFile keyFile) {
        Optional<CachedKeySet> read;
        try {
            read = keyFile.read();
        } catch (KeySetFile.Unreadable e) {
            LOG.warn("ignoring key cache file {}: {}", keyFile.path(), e.getMessage());
            return;
        }
        if (read.isEmpty()) {
            LOG.debug("no key cache file at {} yet", keyFile.path());
            return;
        }
        CachedKeySet cached = read.get();
        Instant now = clock.instant();
        Instant usableUntil = cached.confirmedAt().plus(settings.maxStaleness());
        String refusal = null;
        if (!cached.source().equals(configured) || jwksUri.filter(u -> !u.equals(cached.jwksUri())).isPresent()) {
            refusal = "it was written for another key source";
        } else if (cached.confirmedAt().isAfter(now)) {
            refusal = "its confirmation time lies in the future";
        } else if (!now.isBefore(usableUntil)) {
            refusal = "it is older than the staleness bound";
        }
        LoadedKeySet loaded = null;
        if (refusal == null) {
            try {
                loaded = KeySetLoader.load(cached.document());
            } catch (InvalidKeySetException e) {
                refusal = "its key set is unusable (" + LogText.escape(e.getMessage(), MAX_ERROR_TEXT) + ")";
            }
        }
        if (refusal != null) {
            LOG.warn("ignoring key cache file {}: {}", keyFile.path(), refusal);
            return;
        }
        Duration lifetime = timing.lifetime(Optional.of(cached.lifetime()));
        state = new RefreshState(Optional.of(cached.jwksUri()), cached.validators(),
                Optional.of(cached.confirmedAt()), cached.confirmedAt().plus(lifetime), 0, Optional.empty(),
                Optional.of(now), Optional.of(cached));
        install(KeySnapshot.of(loaded.keys(), cached.confirmedAt(), usableUntil), loaded.refused(),
                cached.jwksUri());
        LOG.info("serving {} keys from cache file {} (confirmed at {}, usable until {}) while refreshing",
                loaded.keys().size(), keyFile.path(), cached.confirmedAt(), usableUntil);
        reportIfChanged(statusAt(now));
    }

    private void persist(CachedKeySet document) {
        KeySetFile keyFile = file.orElseThrow();
        try {
            keyFile.write(document);
        } catch (IOException | RuntimeException e) {
            // The keys in memory are fine; only a restart during an outage would lack them.
            LOG.warn("could not write key cache file {} ({}); keys stay in memory", keyFile.path(),
                    e.getClass().getSimpleName());
        }
    }

    // ---------------------------------------------------------------- status

    private VerifierHealth.Status statusAt(Instant now) {
        KeySnapshot s = snapshot;
        if (s.isEmpty() || !now.isBefore(s.usableUntil())) {
            return VerifierHealth.Status.DOWN;
        }
        return now.isBefore(state.freshUntil()) ? VerifierHealth.Status.FRESH : VerifierHealth.Status.STALE;
    }

    private void reportIfChanged(VerifierHealth.Status now) {
        VerifierHealth.Status before = reportedStatus.getAndSet(now);
        if (before == now) {
            return;
        }
        URI uri = currentUri();
        if (now == VerifierHealth.Status.DOWN) {
            LOG.error("keys from {} are unavailable (was {}): tokens are rejected with keys_unavailable", uri, before);
        } else if (now == VerifierHealth.Status.STALE) {
            LOG.warn("keys from {} are stale (was {}): serving the last good keys, last confirmed {}", uri, before,
                    state.lastSuccess().map(Instant::toString).orElse("never"));
        } else {
            LOG.info("keys from {} are fresh (was {})", uri, before);
        }
        emit(l -> l.statusChanged(uri, before, now));
    }

    /** One timer at the next instant the status changes by itself (freshness ends, staleness bound). */
    private void armStatusTimer() {
        Instant now = clock.instant();
        Instant freshUntil = state.freshUntil();
        Instant usableUntil = snapshot.usableUntil();
        Instant at;
        if (!snapshot.isEmpty() && now.isBefore(freshUntil)) {
            at = freshUntil;
        } else if (!snapshot.isEmpty() && now.isBefore(usableUntil)) {
            at = usableUntil;
        } else {
            return;
        }
        synchronized (timers) {
            if (closed.get() || at.equals(statusTimerAt)) {
                return;
            }
            cancel(statusTimer);
            statusTimerAt = at;
            statusTimer = schedule(this::statusTimerFired, Duration.between(now, at));
        }
    }

    private void statusTimerFired() {
        synchronized (timers) {
            statusTimerAt = null;
        }
        reportIfChanged(statusAt(clock.instant()));
        armStatusTimer();
    }

    // ---------------------------------------------------------------- timers and listener

    private void scheduleRefresh(Instant at) {
        Duration delay = Duration.between(clock.instant(), at);
        synchronized (timers) {
            if (closed.get()) {
                return;
            }
            cancel(refreshTimer);
            refreshTimer = schedule(this::refreshTimerFired, delay.isNegative() ? Duration.ZERO : delay);
        }
        if (!state.nextRefresh().equals(Optional.of(at))) {
            state = state.rescheduled(at);
        }
    }

    /** @return the timer, or null when the scheduler refused it (shut down) */
    private ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        if (closed.get()) {
            return null;
        }
        try {
            return settings.scheduler().schedule(guarded(task), saturatedNanos(delay), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("scheduler refused a key refresh timer");
            return null;
        }
    }

    // A timer task that throws would be silently dropped by a ScheduledExecutorService; log it instead.
    private Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("key refresh timer failed ({})", e.getClass().getName());
            }
        };
    }

    private void emit(Consumer<VerifierListener> event) {
        try {
            event.accept(settings.listener());
        } catch (RuntimeException e) {
            if (listenerFailureLogged.compareAndSet(false, true)) {
                LOG.warn("a verifier listener threw {}; ignored (logged once)", e.getClass().getName());
            }
        }
    }
}
