package io.nohop.core.internal.refresh;

import java.time.Duration;
import java.util.Objects;

/**
 * How one key source refreshes, in one value: the bounds a user sets on the verifier's builder, which
 * has already checked each on its own and against the others. What all sources of a verifier share
 * (clock, threads, listener, HTTP client, cache file) is elsewhere: {@link RefreshEnvironment} and
 * {@link KeyCache}.
 *
 * @param minRefresh floor of the refresh interval, and the minimum gap between unknown-kid refreshes
 * @param defaultRefresh the freshness lifetime when the endpoint sends no usable {@code max-age} (clamped
 *                       to [minRefresh, maxRefresh] where it is used)
 * @param maxRefresh ceiling of the refresh interval; also caps the retry delay during an outage
 * @param maxStaleness how long the last good keys are served without a successful refresh; then DOWN
 * @param initialRetryDelay the first retry delay after a failure (doubled per failure, full jitter)
 * @param negativeKidTtl how long a kid that a refresh did not find is remembered as absent
 * @param fetchTimeout total time for one fetch, headers and body
 * @param maxBodyBytes responses longer than this are refused (read streamed, never buffered whole first)
 * @param unsafeAllowPlainHttp whether plain http to hosts other than loopback is allowed (off by default)
 */
public record RefreshOptions(Duration minRefresh, Duration defaultRefresh, Duration maxRefresh,
                             Duration maxStaleness, Duration initialRetryDelay, Duration negativeKidTtl,
                             Duration fetchTimeout, int maxBodyBytes, boolean unsafeAllowPlainHttp) {
    /** Checks that nothing is null. */
    public RefreshOptions {
        Objects.requireNonNull(minRefresh, "minRefresh");
        Objects.requireNonNull(defaultRefresh, "defaultRefresh");
        Objects.requireNonNull(maxRefresh, "maxRefresh");
        Objects.requireNonNull(maxStaleness, "maxStaleness");
        Objects.requireNonNull(initialRetryDelay, "initialRetryDelay");
        Objects.requireNonNull(negativeKidTtl, "negativeKidTtl");
        Objects.requireNonNull(fetchTimeout, "fetchTimeout");
    }
}
