package io.nohop.core.internal.refresh;

import io.nohop.core.RefreshFailure;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What one bounded HTTP fetch produced: a body, a 304, or a failure with its code and fixed text. Public
 * (in this unexported package) only as part of the {@link KeySetTransport} seam.
 */
public sealed interface FetchResult {

    /**
     * A 200 answer whose whole body arrived within the bounds.
     *
     * @param body the body bytes (at most the configured cap)
     * @param revalidation the response's ETag / Last-Modified
     * @param freshness the lifetime the response declared, if any
     */
    record Body(byte[] body, RevalidationHeaders revalidation, Optional<Duration> freshness) implements FetchResult {
        public Body {
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(revalidation, "revalidation");
            Objects.requireNonNull(freshness, "freshness");
        }
    }

    /**
     * A 304 answer to a conditional request: the document held is still current.
     *
     * @param revalidation validators the 304 repeated (may be empty)
     * @param freshness the lifetime the response declared, if any
     */
    record NotModified(RevalidationHeaders revalidation, Optional<Duration> freshness) implements FetchResult {
        public NotModified {
            Objects.requireNonNull(revalidation, "revalidation");
            Objects.requireNonNull(freshness, "freshness");
        }
    }

    /**
     * No usable answer (or an answer refused).
     *
     * @param failure the stable code
     * @param detail short fixed text, never response body text or a file path
     * @param retryAfter the delay the server asked for (429, 503), if any
     */
    record Failed(RefreshFailure failure, String detail, Optional<Duration> retryAfter) implements FetchResult {
        public Failed {
            Objects.requireNonNull(failure, "failure");
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(retryAfter, "retryAfter");
        }

        static Failed of(RefreshFailure failure, String detail) {
            return new Failed(failure, detail, Optional.empty());
        }

        /** @return {@code "code: detail"}, as health's {@code lastError} shows it */
        String text() {
            return failure.code() + ": " + detail;
        }
    }
}
