package io.nohop.core;

import io.nohop.core.internal.DaemonThreads;
import io.nohop.core.internal.LogText;
import io.nohop.core.internal.crypto.SignatureEngine;
import io.nohop.core.internal.keyset.FixedKeySource;
import io.nohop.core.internal.keyset.LoadedKeySet;
import io.nohop.core.internal.keyset.RefusedKey;
import io.nohop.core.internal.refresh.KeyCache;
import io.nohop.core.internal.refresh.RefreshEnvironment;
import io.nohop.core.internal.refresh.RefreshOptions;
import io.nohop.core.internal.refresh.SignedKeySetVerifier;
import io.nohop.core.internal.refresh.VerifierIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * The key sources one verifier trusts, and the threads it owns to keep them fresh. The one place
 * where sources are assembled from the builder's settings ({@link #assemble}); started once by
 * {@code build()}, closed once by {@link TokenVerifier#close()}.
 *
 * <p>Threads: a scheduler for refresh timers and an executor for the blocking fetches, each one daemon
 * thread made here, unless the builder was given its own (then never shut down here). Closing stops
 * the sources first (no new work), then the owned executors, and joins their threads, bounded.
 */
final class KeySources implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KeySources.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);

    /** An executor made here, and the factory that knows its threads (to join them on close). */
    private record OwnedExecutor(ExecutorService executor, DaemonThreads threads) { }

    private final List<TrustedSource> sources;
    private final List<OwnedExecutor> owned;
    // The refreshing sources' shared HTTP client and cache file; absent when every source is fixed.
    private final Optional<KeyCache> keyCache;

    private KeySources(List<TrustedSource> sources, List<OwnedExecutor> owned, Optional<KeyCache> keyCache) {
        this.sources = List.copyOf(sources);
        this.owned = List.copyOf(owned);
        this.keyCache = keyCache;
    }

    /**
     * Builds every source the builder names, in this order: fixed key sets, {@code jwksUri},
     * {@code trustIssuer}, {@code discoverIssuer}. Nothing starts yet.
     *
     * @param b a builder whose settings {@code build()} has already checked against each other
     * @param engine the verifier's crypto configuration, which also checks the signatures of signed key sets
     * @param keySetEvents where the refreshing sources report key-set events (already guarded: never throws)
     * @return the sources, not started
     */
    static KeySources assemble(TokenVerifier.Builder b, SignatureEngine engine, VerifierListener keySetEvents) {
        List<OwnedExecutor> owned = new ArrayList<>();
        List<TrustedSource> built = new ArrayList<>();
        Optional<KeyCache> cache = Optional.empty();
        try {
            for (LoadedKeySet keys : b.fixedKeySets) {
                logRefused(keys);
                built.add(new TrustedSource(new FixedKeySource(keys), null));
            }
            if (!b.jwksUris.isEmpty() || !b.boundUris.isEmpty() || !b.discoveredIssuers.isEmpty()) {
                RefreshOptions options = refreshOptions(b);
                // One HTTP client (with its own threads) and one cache file for all sources of this verifier.
                KeyCache keys = new KeyCache(refreshEnvironment(b, keySetEvents, owned), b.connectTimeout,
                        Optional.ofNullable(b.cacheFile), identity(b));
                cache = Optional.of(keys);
                for (TokenVerifier.Builder.SourceRoots<URI> s : b.jwksUris) {
                    built.add(new TrustedSource(keys.forJwksUri(s.source(), options,
                            signedSets(b, engine, s.roots(), Optional.empty())), null));
                }
                for (TokenVerifier.Builder.SourceRoots<Map.Entry<String, URI>> s : b.boundUris) {
                    String issuer = s.source().getKey();
                    built.add(new TrustedSource(keys.forJwksUri(s.source().getValue(), options,
                            signedSets(b, engine, s.roots(), Optional.of(issuer))), issuer));
                }
                for (TokenVerifier.Builder.SourceRoots<String> s : b.discoveredIssuers) {
                    String issuer = s.source();
                    built.add(new TrustedSource(keys.discovering(issuer, options,
                            signedSets(b, engine, s.roots(), Optional.of(issuer))), issuer));
                }
            }
        } catch (RuntimeException e) {
            // e.g. a URI refused by the loopback rule: stop what was made for the others.
            new KeySources(built, owned, cache).close();
            throw e;
        }
        return new KeySources(built, owned, cache);
    }

    /**
     * The signed-key-set check of a source that pins roots: the verifier's algorithm allowlist (the same
     * as for tokens) and, for a source bound to an issuer, that issuer as the set's required {@code iss}.
     */
    private static Optional<SignedKeySetVerifier> signedSets(TokenVerifier.Builder b, SignatureEngine engine,
                                                             Optional<PinnedRoots> roots, Optional<String> issuer) {
        return roots.map(r -> new SignedKeySetVerifier(r.keys(), b.algorithms, issuer, engine));
    }

    private static RefreshOptions refreshOptions(TokenVerifier.Builder b) {
        // defaultRefresh goes unclamped: RefreshTiming clamps it between the bounds.
        return new RefreshOptions(b.minRefresh, b.defaultRefresh, b.maxRefresh, b.maxStaleness, b.initialRetryDelay,
                b.negativeKidTtl, b.fetchTimeout, b.maxJwksBytes, b.unsafeAllowPlainHttp);
    }

    private static RefreshEnvironment refreshEnvironment(TokenVerifier.Builder b, VerifierListener events,
                                                         List<OwnedExecutor> owned) {
        ScheduledExecutorService scheduler = b.scheduler;
        if (scheduler == null) {
            DaemonThreads threads = DaemonThreads.named("jwks-scheduler");
            ScheduledThreadPoolExecutor own = new ScheduledThreadPoolExecutor(1, threads);
            own.setRemoveOnCancelPolicy(true);
            owned.add(new OwnedExecutor(own, threads));
            scheduler = own;
        }
        Executor fetches = b.executor;
        if (fetches == null) {
            DaemonThreads threads = DaemonThreads.named("jwks-fetch");
            ExecutorService own = Executors.newSingleThreadExecutor(threads);
            owned.add(new OwnedExecutor(own, threads));
            fetches = own;
        }
        RandomGenerator random = b.random != null ? b.random : RandomGeneratorFactory.getDefault().create();
        return new RefreshEnvironment(b.clock, scheduler, fetches, random, events);
    }

    // Each verifier its own name unless one was set: drawn from a generator of its own, never from the
    // jitter source, so that a test's fixed jitter stays exactly as it was.
    private static VerifierIdentity identity(TokenVerifier.Builder b) {
        VerifierIdentity identity = b.instanceName != null ? new VerifierIdentity(b.instanceName)
                : VerifierIdentity.random(RandomGeneratorFactory.getDefault().create());
        LOG.info("this verifier fetches keys as instance {} ({})", identity.instanceName(), VerifierIdentity.USER_AGENT);
        return identity;
    }

    private static void logRefused(LoadedKeySet keys) {
        for (RefusedKey refused : keys.refused()) {
            LOG.warn("key set: refused key {}: {}", LogText.escape(refused.kid()), refused.reason());
        }
    }

    /** @return every source, in assembly order */
    List<TrustedSource> all() {
        return sources;
    }

    /** Starts each source's background work (a refreshing source's first fetch); never blocks. */
    void start() {
        for (TrustedSource source : sources) {
            source.source().start();
        }
    }

    /**
     * Waits until every source has usable keys.
     *
     * @param timeout the longest to wait, over all sources together
     * @return true when all have usable keys
     * @throws InterruptedException if interrupted while waiting
     */
    boolean awaitKeys(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (TrustedSource source : sources) {
            long left = deadline - System.nanoTime();
            if (!source.source().awaitFirstKeys(Duration.ofNanos(Math.max(0, left)))) {
                return false;
            }
        }
        return true;
    }

    /** @return every source's health, and the worst status over them */
    VerifierHealth health() {
        List<VerifierHealth.Source> parts = new ArrayList<>(sources.size());
        VerifierHealth.Status worst = VerifierHealth.Status.FRESH;
        for (TrustedSource source : sources) {
            VerifierHealth.Source h = source.source().health();
            parts.add(h);
            if (h.status().compareTo(worst) > 0) {
                worst = h.status();
            }
        }
        return new VerifierHealth(worst, parts);
    }

    /** Stops the sources, then the owned executors, and joins their threads (bounded). Idempotent. */
    @Override
    public void close() {
        for (TrustedSource source : sources) {
            source.source().close();
        }
        // After the sources: they have aborted their exchanges; this stops the shared HTTP client's threads.
        keyCache.ifPresent(KeyCache::close);
        for (OwnedExecutor executor : owned) {
            executor.executor().shutdownNow();
        }
        // Join (bounded) so that "closed" means the threads are gone, not merely asked to stop:
        // awaitTermination alone returns just before the last worker thread actually ends.
        boolean interrupted = false;
        for (OwnedExecutor executor : owned) {
            try {
                if (!executor.executor().awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                        || !executor.threads().joinAll(STOP_WAIT)) {
                    LOG.warn("a verifier thread did not stop within {} of close()", STOP_WAIT);
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
