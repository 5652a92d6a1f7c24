package io.nohop.core.internal.refresh;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the key cache knows besides the keys themselves; replaced whole, never mutated, so a reader
 * (health) always sees one consistent state.
 *
 * @param documentUri where the document held came from (its validators apply only to that URI)
 * @param validators ETag / Last-Modified of the document held
 * @param lastSuccess the last confirmation (200 or 304)
 * @param freshUntil the end of the freshness lifetime granted by the last confirmation
 * @param consecutiveFailures failed attempts since the last confirmation
 * @param lastError fixed text describing the last failure; empty after a confirmation
 * @param nextRefresh when the next fetch is scheduled
 * @param document the document held, kept only when it is persisted (to rewrite it after a 304)
 */
record RefreshState(Optional<URI> documentUri, Validators validators, Optional<Instant> lastSuccess,
                    Instant freshUntil, int consecutiveFailures, Optional<String> lastError,
                    Optional<Instant> nextRefresh, Optional<CachedKeySet> document) {
    static final RefreshState INITIAL = new RefreshState(Optional.empty(), Validators.NONE, Optional.empty(),
            Instant.MIN, 0, Optional.empty(), Optional.empty(), Optional.empty());

    RefreshState {
        Objects.requireNonNull(documentUri, "documentUri");
        Objects.requireNonNull(validators, "validators");
        Objects.requireNonNull(lastSuccess, "lastSuccess");
        Objects.requireNonNull(freshUntil, "freshUntil");
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(nextRefresh, "nextRefresh");
        Objects.requireNonNull(document, "document");
    }

    /** The validators to send to {@code target}: none unless the document held came from there. */
    Validators validatorsFor(URI target) {
        return documentUri.filter(target::equals).isPresent() ? validators : Validators.NONE;
    }

    RefreshState confirmed(URI from, Validators newValidators, Instant at, Duration lifetime, Instant next,
                           Optional<CachedKeySet> held) {
        return new RefreshState(Optional.of(from), newValidators, Optional.of(at), at.plus(lifetime), 0,
                Optional.empty(), Optional.of(next), held);
    }

    RefreshState failed(String cause, Instant next) {
        return new RefreshState(documentUri, validators, lastSuccess, freshUntil, consecutiveFailures + 1,
                Optional.of(cause), Optional.of(next), document);
    }

    RefreshState rescheduled(Instant next) {
        return new RefreshState(documentUri, validators, lastSuccess, freshUntil, consecutiveFailures, lastError,
                Optional.of(next), document);
    }
}
