package io.nohop.core;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of a verifier's key freshness, cheap to take, for health endpoints and readiness probes.
 *
 * @param status the worst status over all key sources
 * @param sources one entry per key source (per trusted issuer / JWKS URI, or the fixed key set)
 */
public record VerifierHealth(Status status, List<Source> sources) {

    /** How trustworthy the keys in use are. */
    public enum Status {
        /**
         * Keys were confirmed by the endpoint within their freshness lifetime; or that lifetime just ended
         * and the refresh due at its end has not failed and is still within the fetch timeout (an endpoint
         * that sends {@code no-cache}, {@code no-store} or {@code max-age=0} has its refresh due at the
         * very instant freshness ends).
         */
        FRESH,
        /**
         * The endpoint is failing: the freshness lifetime is over and a refresh failed, or the one due did
         * not answer within the fetch timeout. The last good keys are still served, within the staleness bound.
         */
        STALE,
        /** No keys yet, or past the staleness bound: every token is rejected with {@code keys_unavailable}. */
        DOWN
    }

    /**
     * The health of one key source.
     *
     * @param jwksUri where the keys come from; empty for a fixed key set
     * @param status this source's status
     * @param keyCount usable keys held
     * @param lastSuccess when the endpoint last confirmed the keys (fetch or 304); empty if never
     * @param consecutiveFailures failed fetches since the last success
     * @param lastError a short description of the last failure; empty after a success
     * @param nextRefresh when the next fetch is scheduled; empty for a fixed key set or after close
     */
    public record Source(Optional<URI> jwksUri, Status status, int keyCount, Optional<Instant> lastSuccess,
                         int consecutiveFailures, Optional<String> lastError, Optional<Instant> nextRefresh) {
        /**
         * Checks that nothing is null and counts are not negative.
         *
         * @param jwksUri where the keys come from
         * @param status this source's status
         * @param keyCount usable keys held
         * @param lastSuccess last confirmation
         * @param consecutiveFailures failures since the last success
         * @param lastError last failure
         * @param nextRefresh next scheduled fetch
         */
        public Source {
            Objects.requireNonNull(jwksUri, "jwksUri");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(lastSuccess, "lastSuccess");
            Objects.requireNonNull(lastError, "lastError");
            Objects.requireNonNull(nextRefresh, "nextRefresh");
            if (keyCount < 0 || consecutiveFailures < 0) {
                throw new IllegalArgumentException("counts must not be negative: keyCount=" + keyCount
                        + ", consecutiveFailures=" + consecutiveFailures);
            }
        }

        /**
         * How old the keys are: the time since the endpoint last confirmed them.
         *
         * @param now the current instant
         * @return the age, or empty when no keys were ever confirmed
         */
        public Optional<Duration> keyAge(Instant now) {
            Objects.requireNonNull(now, "now");
            return lastSuccess.map(t -> Duration.between(t, now));
        }
    }

    /**
     * Checks that nothing is null.
     *
     * @param status the worst status
     * @param sources one entry per key source
     */
    public VerifierHealth {
        Objects.requireNonNull(status, "status");
        sources = List.copyOf(Objects.requireNonNull(sources, "sources"));
    }
}
