package io.nohop.core.internal.refresh;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** What one bounded HTTP fetch produced: a body, a 304, or a failure described by fixed text. */
sealed interface FetchResult {

    /**
     * A 200 answer whose whole body arrived within the bounds.
     *
     * @param body the body bytes (at most the configured cap)
     * @param validators the response's ETag / Last-Modified
     * @param freshness the lifetime the response declared, if any
     */
    record Body(byte[] body, Validators validators, Optional<Duration> freshness) implements FetchResult {
        public Body {
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(validators, "validators");
            Objects.requireNonNull(freshness, "freshness");
        }
    }

    /**
     * A 304 answer to a conditional request: the document held is still current.
     *
     * @param validators validators the 304 repeated (may be empty)
     * @param freshness the lifetime the response declared, if any
     */
    record NotModified(Validators validators, Optional<Duration> freshness) implements FetchResult {
        public NotModified {
            Objects.requireNonNull(validators, "validators");
            Objects.requireNonNull(freshness, "freshness");
        }
    }

    /**
     * No usable answer.
     *
     * @param cause short fixed text, never response body text
     * @param retryAfter the delay the server asked for (429, 503), if any
     */
    record Failed(String cause, Optional<Duration> retryAfter) implements FetchResult {
        public Failed {
            Objects.requireNonNull(cause, "cause");
            Objects.requireNonNull(retryAfter, "retryAfter");
        }

        static Failed because(String cause) {
            return new Failed(cause, Optional.empty());
        }
    }
}
