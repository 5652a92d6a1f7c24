package io.nohop.examples.fleet;

import io.nohop.core.VerifierHealth;
import io.nohop.core.VerifierListener;
import io.nohop.core.internal.keyset.InvalidKeySetException;
import io.nohop.core.internal.keyset.KeySnapshot;
import io.nohop.core.internal.keyset.VerificationKey;
import io.nohop.core.internal.refresh.CachedKeySet;
import io.nohop.core.internal.refresh.FetchResult;
import io.nohop.core.internal.refresh.KeyCache;
import io.nohop.core.internal.refresh.KeySetStore;
import io.nohop.core.internal.refresh.KeySetTransport;
import io.nohop.core.internal.refresh.RefreshEnvironment;
import io.nohop.core.internal.refresh.RefreshingKeySource;
import io.nohop.core.internal.refresh.RevalidationHeaders;
import io.nohop.core.internal.refresh.SignedKeySetVerifier;
import io.nohop.keys.server.internal.InstanceTable;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One verifier of the fleet: core's real key cache ({@link KeyCache}, {@link RefreshingKeySource} with
 * its {@code RefreshTiming} and {@code UnknownKidGate}), built exactly as a verifier builds it, with four
 * parts supplied by the simulation in place of the network, the threads, the disk and the listener:
 * <ul>
 * <li>a transport that asks the {@link SimulatedEndpoint} (the exchange itself takes no virtual time;
 *     the endpoint's queue delays the round, see {@link FetchThread}), naming the verifier as
 *     {@code Nohop-Instance} would: a default name drawn by core's {@code VerifierIdentity.random}, new
 *     at each (re)start;</li>
 * <li>a fetch executor that runs a fetch round when its answer arrives: at once, or after the endpoint's
 *     queueing delay, or after the fetch timeout;</li>
 * <li>a cache file in memory that survives the verifier's restarts;</li>
 * <li>a listener that tells the simulation what the key cache reported.</li>
 * </ul>
 * Restarting closes the key cache and builds a new one, as a restarted process would.
 *
 * <p>The verifier is its own transport, fetch executor and listener (one object, not four): each of the
 * 34 million refresh rounds of a day passes through all of them, and at 100,000 verifiers every object a
 * round reaches is a cache miss of its own, which is where the simulation's time goes.
 *
 * <p>Tokens: one arrives every token period at a phase of the verifier's own, signed by the key active
 * at that instant. While the verifier can verify it nothing needs simulating; from the moment it cannot
 * (checked after every fetch round, at start, when its status changes and when the signing key changes),
 * each arriving token is checked as the verifier's key selection would: {@code keys_unavailable} without
 * usable keys, else {@code unknown_key} — which, as in {@code KeySelector}, asks the source for a refresh
 * through the real unknown-kid gate — until one is accepted.
 */
final class SimulatedVerifier implements KeySetTransport, KeySetTransport.Exchange, Executor, VerifierListener {
    static final URI JWKS_URI = URI.create("https://keys.internal/.well-known/jwks.json");

    final int index;
    private final FleetSimulation world;
    private final long tokenPhaseMillis;
    private final CacheFileInMemory cacheFile = new CacheFileInMemory();
    // The fate of the request in flight (one round at a time per source), and the outcome it brings.
    private SimulatedEndpoint.Fate fate;
    private FetchResult outcome;
    private RefreshingKeySource source;
    private KeyCache keyCache;
    private boolean tokensAtRisk;
    private String instanceName;
    /** Its entry in the admin side's instance table under its current name; null until its first answered poll. */
    InstanceTable.Entry tableEntry;
    int restartWave;
    // The last answer of holds(...), and the key list and kid it was for.
    private List<VerificationKey> checkedKeys;
    private String checkedKid;
    private boolean checkedHolds;
    // What the simulation records of this verifier (epoch millis, -1 until it happens). Kept here rather
    // than in arrays indexed by verifier, which every refresh would touch at a random index (a cache miss
    // each, 34 million refreshes a day).
    /** When it first held the new key. */
    long heldNewKeyAt = -1;
    /** When the endpoint first confirmed its keys after the outage. */
    long recoveredAt = -1;
    /** When it first had usable keys after the restart with cache files (0) and without (1). */
    final long[] usableAfterRestartAt = {-1, -1};

    SimulatedVerifier(FleetSimulation world, int index, long tokenPhaseMillis) {
        this.world = world;
        this.index = index;
        this.tokenPhaseMillis = tokenPhaseMillis;
    }

    /**
     * Starts (or restarts) the verifier: a new key cache, as a new process would build it.
     *
     * @param withCacheFile whether this process has a cache file (the same one as before, if any)
     * @param wave which restart this is (0: the first start)
     */
    void start(boolean withCacheFile, int wave) {
        if (source != null) {
            source.close();
            keyCache.close();
        }
        restartWave = wave;
        // A new process draws a new default name, as a verifier without instanceName(...) does.
        instanceName = world.nextInstanceName();
        tableEntry = null;
        RefreshEnvironment environment = new RefreshEnvironment(world.clock, world.scheduler, this,
                world.jitter, this);
        keyCache = new KeyCache(environment, this, world.decoder,
                withCacheFile ? Optional.of(cacheFile) : Optional.empty());
        source = keyCache.forJwksUri(JWKS_URI, world.options);
        source.start();
        world.observe(this);
    }

    /** @return the {@code Nohop-Instance} it sends: a default name, new at each (re)start */
    String instanceName() {
        return instanceName;
    }

    KeySnapshot keys() {
        return source.snapshot();
    }

    /**
     * Whether {@code held} has a key with {@code kid}, asked after every round. A 304 renews the snapshot around the
     * same immutable key list, so the answer is kept for that list and kid: the kid-map lookup (three cache misses at
     * 100,000 verifiers, each with its own map) is made only when the list or the kid changed.
     */
    boolean holds(KeySnapshot held, String kid) {
        List<VerificationKey> list = held.keys();
        if (list != checkedKeys || !kid.equals(checkedKid)) {
            checkedKeys = list;
            checkedKid = kid;
            checkedHolds = held.byKid(kid) != null;
        }
        return checkedHolds;
    }

    /** The verifier may be unable to verify the current token: hand it tokens until it can. */
    void tokensAtRisk() {
        if (!tokensAtRisk) {
            tokensAtRisk = true;
            world.scheduler.schedule(this::tokenArrives, nextTokenAt() - world.clock.millis(), TimeUnit.MILLISECONDS);
        }
    }

    private long nextTokenAt() {
        long now = world.clock.millis();
        long period = world.tokenPeriodMillis;
        long sincePhase = now - world.originMillis - tokenPhaseMillis;
        long k = Math.floorDiv(sincePhase + period - 1, period);
        return world.originMillis + tokenPhaseMillis + k * period;
    }

    private void tokenArrives() {
        long now = world.clock.millis();
        KeySnapshot keys = source.snapshot();
        String kid = world.signingKid(now);
        if (!keys.isUsableAt(now)) {
            world.tokenRejected(now, false);
        } else if (keys.byKid(kid) == null) {
            world.tokenRejected(now, true);
            // As KeySelector does for an unknown kid: the source decides (rate limit, negative entries).
            source.unknownKid(kid);
        } else {
            tokensAtRisk = false;
            return;
        }
        world.scheduler.schedule(this::tokenArrives, world.tokenPeriodMillis, TimeUnit.MILLISECONDS);
    }

    // ---------------------------------------------------------------- the network

    /** The network: each exchange is answered by the endpoint, at the instant the round runs. */
    @Override
    public Exchange start(URI uri, String accept, RevalidationHeaders sent, Duration deadline, int maxBodyBytes) {
        outcome = world.endpoint.outcome(fate, sent, this, world.clock.millis());
        return this;
    }

    @Override
    public FetchResult await() {
        return outcome;
    }

    @Override
    public void abort() {
        // Nothing in flight: the exchange completed when the round ran.
    }

    @Override
    public void close() {
        // No threads.
    }

    // ---------------------------------------------------------------- the fetch thread

    /**
     * The fetch thread: a round is requested now (the request reaches the endpoint now) and runs when
     * its answer is in — at once, after its wait in the endpoint's queue, or at the fetch timeout. One
     * round at a time per source, as in a verifier, so one pending fate suffices.
     */
    @Override
    public void execute(Runnable round) {
        long now = world.clock.millis();
        long answeredAt = world.endpoint.arrive(now, this);
        if (answeredAt <= now) {
            runRound(round);
        } else {
            SimulatedEndpoint.Fate decided = fate;
            world.scheduler.schedule(() -> {
                fate = decided;
                runRound(round);
            }, answeredAt - now, TimeUnit.MILLISECONDS);
        }
    }

    /** @param decided what the endpoint decided for the request that just arrived */
    void fate(SimulatedEndpoint.Fate decided) {
        fate = decided;
    }

    private void runRound(Runnable round) {
        round.run();
        world.observe(this);
    }

    /** The cache file, kept in memory across restarts: one entry, as the single source writes it. */
    private final class CacheFileInMemory implements KeySetStore {
        private CachedKeySet entry;

        @Override
        public Optional<Restored> restore(URI sourceUri, Optional<URI> jwksUri, Instant now, Duration maxStaleness,
                                          Optional<SignedKeySetVerifier> signedSets) {
            CachedKeySet held = entry;
            if (held == null || !held.source().equals(sourceUri) || !now.isBefore(held.confirmedAt().plus(maxStaleness))) {
                return Optional.empty();
            }
            try {
                return Optional.of(new Restored(held, world.decoder.decode(held.document()), Optional.empty()));
            } catch (InvalidKeySetException e) {
                return Optional.empty();
            }
        }

        @Override
        public void save(CachedKeySet saved, Instant now, Duration keepOthersFor) {
            entry = saved;
        }
    }

    // ---------------------------------------------------------------- what the key cache reports

    @Override
    public void refreshSucceeded(URI jwksUri, int keyCount, Duration took) {
        world.confirmed(this);
    }

    @Override
    public void refreshNotModified(URI jwksUri) {
        world.confirmed(this);
    }

    @Override
    public void statusChanged(URI jwksUri, VerifierHealth.Status from, VerifierHealth.Status to) {
        if (to == VerifierHealth.Status.DOWN) {
            world.observe(this);
        }
    }
}
