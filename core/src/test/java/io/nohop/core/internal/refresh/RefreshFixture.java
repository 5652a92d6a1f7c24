package io.nohop.core.internal.refresh;

import io.nohop.core.testing.MutableClock;
import ch.qos.logback.classic.Level;
import io.nohop.core.VerifierHealth;
import io.nohop.core.VerifierListener;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;

/**
 * One test's world: a fake clock and scheduler, a direct fetch executor, a real loopback endpoint,
 * a recording listener, and options a test may change before creating a source. Each source gets a
 * key cache of its own (as a restarted verifier would), closed with the world.
 */
final class RefreshFixture implements AutoCloseable {
    static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    static {
        // The fault tests provoke warnings by the hundred; keep the build output readable.
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.nohop.core.internal.refresh"))
                .setLevel(Level.valueOf(System.getProperty("nohop.test.log", "OFF")));
        warmUpHttp();
    }

    // The first fetch in a JVM loads and compiles the whole HTTP stack; tests with short deadlines
    // must not pay that cost inside their deadline.
    private static void warmUpHttp() {
        try (RefreshFixture warmUp = new RefreshFixture()) {
            warmUp.endpoint.answerKeys(FaultyEndpoint.document(TestKeys.jwks("warm-up")));
            warmUp.started();
        }
    }

    final MutableClock clock = new MutableClock(START);
    final FakeScheduler scheduler = new FakeScheduler(clock);
    final RecordingListener listener = new RecordingListener(clock);
    final FaultyEndpoint endpoint;

    Duration minRefresh = Duration.ofSeconds(30);
    Duration defaultRefresh = Duration.ofMinutes(5);
    Duration maxRefresh = Duration.ofHours(1);
    Duration maxStaleness = Duration.ofHours(24);
    Duration initialRetryDelay = Duration.ofSeconds(10);
    Duration negativeKidTtl = Duration.ofMinutes(5);
    Duration connectTimeout = Duration.ofSeconds(2);
    Duration fetchTimeout = Duration.ofSeconds(5);
    int maxBodyBytes = 256 * 1024;
    boolean unsafeAllowPlainHttp;
    Optional<Path> cacheFile = Optional.empty();
    long seed = 42;
    Executor fetchExecutor = Runnable::run;
    VerifierListener listenerInUse = listener;

    private final List<RefreshingKeySource> sources = new ArrayList<>();
    private final List<KeyCache> caches = new ArrayList<>();

    RefreshFixture() {
        try {
            endpoint = new FaultyEndpoint(clock);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    RefreshOptions options() {
        return new RefreshOptions(minRefresh, defaultRefresh, maxRefresh, maxStaleness, initialRetryDelay,
                negativeKidTtl, fetchTimeout, maxBodyBytes, unsafeAllowPlainHttp);
    }

    RefreshTiming timing() {
        return new RefreshTiming(options(), new SplittableRandom(seed));
    }

    /** @return a new key cache with this world's environment; closed with the world */
    KeyCache keyCache() {
        KeyCache cache = new KeyCache(new RefreshEnvironment(clock, scheduler, fetchExecutor,
                new SplittableRandom(seed), listenerInUse), connectTimeout, cacheFile);
        caches.add(cache);
        return cache;
    }

    RefreshingKeySource source() {
        return track(keyCache().forJwksUri(endpoint.jwksUri(), options()));
    }

    RefreshingKeySource discovering(String issuer) {
        return track(keyCache().discovering(issuer, options()));
    }

    /** @return a source of the endpoint's key set that reads only signed key sets, checked by {@code signedSets} */
    RefreshingKeySource signedSource(SignedKeySetVerifier signedSets) {
        return track(keyCache().forJwksUri(endpoint.jwksUri(), options(), Optional.of(signedSets)));
    }

    /** @return a discovering source that pins roots: it follows signed_jwks_uri */
    RefreshingKeySource signedDiscovering(String issuer, SignedKeySetVerifier signedSets) {
        return track(keyCache().discovering(issuer, options(), Optional.of(signedSets)));
    }

    /** @return {@code source}, started, after its first fetch */
    RefreshingKeySource started(RefreshingKeySource source) {
        source.start();
        scheduler.runDue();
        return source;
    }

    /** @return a source that has started and run its first fetch */
    RefreshingKeySource started() {
        RefreshingKeySource source = source();
        source.start();
        scheduler.runDue();
        return source;
    }

    private RefreshingKeySource track(RefreshingKeySource source) {
        sources.add(source);
        return source;
    }

    Instant now() {
        return clock.instant();
    }

    static VerifierHealth.Status status(RefreshingKeySource source) {
        return source.health().status();
    }

    static URI uri(String text) {
        return URI.create(text);
    }

    /** Closes every source, then every key cache: afterwards no thread of theirs runs. */
    void closeSources() {
        sources.forEach(RefreshingKeySource::close);
        caches.forEach(KeyCache::close);
    }

    @Override
    public void close() {
        closeSources();
        endpoint.close();
    }
}
