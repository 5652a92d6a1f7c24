package io.nohop.core.internal.refresh;

import io.nohop.core.VerifierHealth;
import io.nohop.core.internal.keyset.KeySnapshot;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one key source knows, as one immutable value: the keys and what the endpoint last said
 * about them. {@link RefreshingKeySource} publishes a new one with a single volatile write, so a
 * reader — the request path reading {@link #keys()}, or {@code health()} — always sees keys and their
 * confirmation together, never new keys with an old confirmation or the reverse. Health and status are
 * pure functions of a state and an instant.
 *
 * @param configured what the source was configured with: the JWKS URI, or the discovery metadata URL
 * @param jwksUri where keys are fetched from: the configured URI, or the one discovery found (empty until then)
 * @param keys the keys in use; {@link KeySnapshot#usableUntil()} is the staleness bound
 * @param documentUri where the document held came from (its revalidation headers apply only there)
 * @param revalidation ETag / Last-Modified of the document held
 * @param lastSuccess the last confirmation (200 or 304)
 * @param freshUntil the end of the freshness lifetime granted by the last confirmation
 * @param consecutiveFailures failed attempts since the last confirmation
 * @param lastError {@code "code: short detail"} of the last failure; empty after a confirmation
 * @param nextRefresh when the next fetch is scheduled
 * @param persisted the document held as the cache file stores it (only when there is a cache file), to
 *                  write it again after a 304
 */
record KeyCacheState(URI configured, Optional<URI> jwksUri, KeySnapshot keys, Optional<URI> documentUri,
                     RevalidationHeaders revalidation, Optional<Instant> lastSuccess, Instant freshUntil,
                     int consecutiveFailures, Optional<String> lastError, Optional<Instant> nextRefresh,
                     Optional<CachedKeySet> persisted) {
    KeyCacheState {
        Objects.requireNonNull(configured, "configured");
        Objects.requireNonNull(jwksUri, "jwksUri");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(documentUri, "documentUri");
        Objects.requireNonNull(revalidation, "revalidation");
        Objects.requireNonNull(lastSuccess, "lastSuccess");
        Objects.requireNonNull(freshUntil, "freshUntil");
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(nextRefresh, "nextRefresh");
        Objects.requireNonNull(persisted, "persisted");
    }

    /** @return the state before any keys: DOWN */
    static KeyCacheState initial(URI configured, Optional<URI> jwksUri) {
        return new KeyCacheState(configured, jwksUri, KeySnapshot.EMPTY, Optional.empty(), RevalidationHeaders.NONE,
                Optional.empty(), Instant.MIN, 0, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** @return the URI to name in health, events and logs: the JWKS URI once known, else the configured one */
    URI shownUri() {
        return jwksUri.orElse(configured);
    }

    /** @return the revalidation headers to send to {@code target}: none unless the document held came from there */
    RevalidationHeaders revalidationFor(URI target) {
        return documentUri.filter(target::equals).isPresent() ? revalidation : RevalidationHeaders.NONE;
    }

    VerifierHealth.Status statusAt(Instant now) {
        if (keys.isEmpty() || !now.isBefore(keys.usableUntil())) {
            return VerifierHealth.Status.DOWN;
        }
        return now.isBefore(freshUntil) ? VerifierHealth.Status.FRESH : VerifierHealth.Status.STALE;
    }

    /** @return the next instant after {@code now} at which the status changes by itself, if any */
    Optional<Instant> nextStatusChange(Instant now) {
        if (keys.isEmpty()) {
            return Optional.empty();
        }
        if (now.isBefore(freshUntil)) {
            return Optional.of(freshUntil);
        }
        return now.isBefore(keys.usableUntil()) ? Optional.of(keys.usableUntil()) : Optional.empty();
    }

    VerifierHealth.Source health(Instant now, boolean closed) {
        return new VerifierHealth.Source(Optional.of(shownUri()), statusAt(now), keys.keys().size(), lastSuccess,
                consecutiveFailures, lastError, closed ? Optional.empty() : nextRefresh);
    }

    KeyCacheState discovered(URI found) {
        return new KeyCacheState(configured, Optional.of(found), keys, documentUri, revalidation, lastSuccess,
                freshUntil, consecutiveFailures, lastError, nextRefresh, persisted);
    }

    /**
     * A document from the cache file, served until the first refresh confirms or replaces it.
     *
     * @param firstRevalidation what the first refresh sends back: the entry's validators only where the
     *                          document was verified again on load (a signed key set); none for a plain
     *                          JWKS, whose file nobody vouches for (a 304 to the endpoint's public ETag
     *                          would re-confirm whatever keys the file holds)
     */
    KeyCacheState restored(CachedKeySet entry, KeySnapshot restoredKeys, Duration lifetime, Instant now,
                           RevalidationHeaders firstRevalidation) {
        return new KeyCacheState(configured, jwksUri, restoredKeys, Optional.of(entry.jwksUri()), firstRevalidation,
                Optional.of(entry.confirmedAt()), entry.confirmedAt().plus(lifetime), 0, Optional.empty(),
                Optional.of(now), Optional.of(entry));
    }

    /** The endpoint confirmed keys (200 with a new document, or 304 for the one held). */
    KeyCacheState confirmed(URI from, KeySnapshot confirmedKeys, RevalidationHeaders newRevalidation, Instant at,
                            Duration lifetime, Instant next, Optional<CachedKeySet> held) {
        return new KeyCacheState(configured, jwksUri, confirmedKeys, Optional.of(from), newRevalidation,
                Optional.of(at), at.plus(lifetime), 0, Optional.empty(), Optional.of(next), held);
    }

    KeyCacheState failed(String error, Instant next) {
        return new KeyCacheState(configured, jwksUri, keys, documentUri, revalidation, lastSuccess, freshUntil,
                consecutiveFailures + 1, Optional.of(error), Optional.of(next), persisted);
    }

    KeyCacheState rescheduled(Instant next) {
        return new KeyCacheState(configured, jwksUri, keys, documentUri, revalidation, lastSuccess, freshUntil,
                consecutiveFailures, lastError, Optional.of(next), persisted);
    }
}
