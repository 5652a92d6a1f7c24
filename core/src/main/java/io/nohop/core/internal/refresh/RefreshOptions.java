package io.nohop.core.internal.refresh;

import io.nohop.core.VerifierListener;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.random.RandomGenerator;

/**
 * Everything a refreshing key source needs, already validated by {@code TokenVerifier.Builder}
 * (each bound checked on its own and against the others). Values are never null.
 *
 * @param minRefresh floor of the refresh interval, and the minimum gap between unknown-kid refreshes
 * @param defaultRefresh the freshness lifetime when the endpoint sends no usable {@code max-age}
 * @param maxRefresh ceiling of the refresh interval; also caps the retry backoff during an outage
 * @param maxStaleness how long the last good keys are served without a successful refresh; then DOWN
 * @param initialBackoff the first retry delay after a failure (doubled per failure, full jitter)
 * @param negativeKidTtl how long a kid that a refresh did not find is remembered as absent
 * @param connectTimeout TCP/TLS connect timeout
 * @param fetchTimeout total time for one fetch, headers and body
 * @param maxBodyBytes responses longer than this are refused (read streamed, never buffered whole first)
 * @param allowInsecureHttp whether plain http is allowed to non-loopback hosts (unsafe; off by default)
 * @param cacheFile where the last accepted key set is persisted; empty when not persisted
 * @param clock time source
 * @param scheduler runs timers (refresh, retry); in tests a controllable fake
 * @param fetchExecutor runs the blocking fetches; in tests a direct executor
 * @param random jitter source
 * @param listener the user's listener; every call is guarded by the source (a listener may throw)
 */
public record RefreshSettings(Duration minRefresh, Duration defaultRefresh, Duration maxRefresh,
                              Duration maxStaleness, Duration initialBackoff, Duration negativeKidTtl,
                              Duration connectTimeout, Duration fetchTimeout, int maxBodyBytes,
                              boolean allowInsecureHttp, Optional<Path> cacheFile, Clock clock,
                              ScheduledExecutorService scheduler, Executor fetchExecutor, RandomGenerator random,
                              VerifierListener listener) {
    /** Checks that nothing is null. */
    public RefreshSettings {
        Objects.requireNonNull(minRefresh);
        Objects.requireNonNull(defaultRefresh);
        Objects.requireNonNull(maxRefresh);
        Objects.requireNonNull(maxStaleness);
        Objects.requireNonNull(initialBackoff);
        Objects.requireNonNull(negativeKidTtl);
        Objects.requireNonNull(connectTimeout);
        Objects.requireNonNull(fetchTimeout);
        Objects.requireNonNull(cacheFile);
        Objects.requireNonNull(clock);
        Objects.requireNonNull(scheduler);
        Objects.requireNonNull(fetchExecutor);
        Objects.requireNonNull(random);
        Objects.requireNonNull(listener);
    }

    /**
     * Whether a URI may be fetched under these settings: https always, http only to loopback unless
     * insecure http was explicitly allowed.
     *
     * @param uri the URI
     * @return true when allowed
     */
    public boolean allows(URI uri) {
        String scheme = uri.getScheme();
        if ("https".equalsIgnoreCase(scheme)) {
            return true;
        }
        if (!"http".equalsIgnoreCase(scheme)) {
            return false;
        }
        if (allowInsecureHttp) {
            return true;
        }
        String host = uri.getHost();
        return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]")
                || host.equals("::1"));
    }
}
