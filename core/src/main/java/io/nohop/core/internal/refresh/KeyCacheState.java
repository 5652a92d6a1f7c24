package io.nohop.core.internal.refresh;

import io.nohop.core.VerifierHealth;
import io.nohop.core.internal.keyset.KeySnapshot;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

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
 * @param lastSuccessAt the last confirmation (200 or 304), null before any ({@link #lastSuccess()})
 * @param freshUntil the end of the freshness lifetime granted by the last confirmation
 * @param staleFrom when the keys turn STALE unless a refresh confirms them first and none fails: the end of
 *                  the freshness lifetime or, when the refresh that confirmation scheduled is due so late
 *                  that its fetch may overrun that end, the refresh's due time plus one fetch timeout (never
 *                  before {@code freshUntil})
 * @param consecutiveFailures failed attempts since the last confirmation
 * @param lastError {@code "code: short detail"} of the last failure; empty after a confirmation
 * @param nextRefreshAt when the next fetch is scheduled, null when none is ({@link #nextRefresh()})
 * @param persisted the document held as the cache file stores it (only when there is a cache file), to
 *                  write it again after a 304
 */
record KeyCacheState(URI configured, Optional<URI> jwksUri, KeySnapshot keys, Optional<URI> documentUri,
                     RevalidationHeaders revalidation, @Nullable Instant lastSuccessAt, Instant freshUntil,
                     Instant staleFrom, int consecutiveFailures, Optional<String> lastError, @Nullable Instant nextRefreshAt,
                     Optional<CachedKeySet> persisted) {
    // lastSuccessAt and nextRefreshAt are nullable rather than Optional: a state is made at every poll and held
    // until the next, and a fleet of key caches (the simulation of issue 11) would otherwise allocate, and copy at
    // each young collection, two Optionals per poll that nobody reads on the request path.
    KeyCacheState {
        Objects.requireNonNull(configured, "configured");
        Objects.requireNonNull(jwksUri, "jwksUri");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(documentUri, "documentUri");
        Objects.requireNonNull(revalidation, "revalidation");
        Objects.requireNonNull(freshUntil, "freshUntil");
        Objects.requireNonNull(staleFrom, "staleFrom");
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(persisted, "persisted");
    }

    /** @return the state before any keys: DOWN */
    static KeyCacheState initial(URI configured, Optional<URI> jwksUri) {
        return new KeyCacheState(configured, jwksUri, KeySnapshot.EMPTY, Optional.empty(), RevalidationHeaders.NONE,
                null, Instant.MIN, Instant.MIN, 0, Optional.empty(), null, Optional.empty());
    }

    /** @return the last confirmation (200 or 304), if any */
    Optional<Instant> lastSuccess() {
        return Optional.ofNullable(lastSuccessAt);
    }

    /** @return when the next fetch is scheduled, if one is */
    Optional<Instant> nextRefresh() {
        return Optional.ofNullable(nextRefreshAt);
    }

    /** @return the URI to name in health, events and logs: the JWKS URI once known, else the configured one */
    URI shownUri() {
        return jwksUri.orElse(configured);
    }

    /** @return the revalidation headers to send to {@code target}: none unless the document held came from there */
    RevalidationHeaders revalidationFor(URI target) {
        return documentUri.filter(target::equals).isPresent() ? revalidation : RevalidationHeaders.NONE;
    }

    /**
     * FRESH while the freshness lifetime lasts, and after it while the refresh that was due has not failed
     * and is still within its fetch time ({@link #staleFrom}): an endpoint that grants exactly the minimum
     * refresh interval ({@code no-cache}, {@code max-age=0}) has its refresh due at the very instant
     * freshness ends, and a healthy endpoint must not read STALE for the length of every fetch. STALE once
     * a refresh failed after freshness ended, or the one due did not answer in time; DOWN without keys or
     * past the staleness bound.
     */
    VerifierHealth.Status statusAt(Instant now) {
        if (keys.isEmpty() || !now.isBefore(keys.usableUntil())) {
            return VerifierHealth.Status.DOWN;
        }
        return now.isBefore(staleAt()) ? VerifierHealth.Status.FRESH : VerifierHealth.Status.STALE;
    }

    /** @return the next instant after {@code now} at which the status changes by itself, if any */
    Optional<Instant> nextStatusChange(Instant now) {
        if (keys.isEmpty()) {
            return Optional.empty();
        }
        Instant staleAt = staleAt();
        // FRESH -> STALE only if the keys are still usable then: a signed set's exp may end them first.
        if (now.isBefore(staleAt) && staleAt.isBefore(keys.usableUntil())) {
            return Optional.of(staleAt);
        }
        return now.isBefore(keys.usableUntil()) ? Optional.of(keys.usableUntil()) : Optional.empty();
    }

    // A failure since the last confirmation ends the grace: only a refresh still in its fetch time has it.
    private Instant staleAt() {
        return consecutiveFailures == 0 && staleFrom.isAfter(freshUntil) ? staleFrom : freshUntil;
    }

    VerifierHealth.Source health(Instant now, boolean closed) {
        return new VerifierHealth.Source(Optional.of(shownUri()), statusAt(now), keys.keys().size(), lastSuccess(),
                consecutiveFailures, lastError, closed ? Optional.empty() : nextRefresh());
    }

    KeyCacheState discovered(URI found) {
        return new KeyCacheState(configured, Optional.of(found), keys, documentUri, revalidation, lastSuccessAt,
                freshUntil, staleFrom, consecutiveFailures, lastError, nextRefreshAt, persisted);
    }

    /**
     * A document from the cache file, served until the first refresh confirms or replaces it. No grace
     * past its freshness: the refresh it scheduled was due in an earlier life of the process.
     *
     * @param firstRevalidation what the first refresh sends back: the entry's validators only where the
     *                          document was verified again on load (a signed key set); none for a plain
     *                          JWKS, whose file nobody vouches for (a 304 to the endpoint's public ETag
     *                          would re-confirm whatever keys the file holds)
     */
    KeyCacheState restored(CachedKeySet entry, KeySnapshot restoredKeys, Duration lifetime, Instant now,
                           RevalidationHeaders firstRevalidation) {
        Instant fresh = entry.confirmedAt().plus(lifetime);
        return new KeyCacheState(configured, jwksUri, restoredKeys, Optional.of(entry.jwksUri()), firstRevalidation,
                entry.confirmedAt(), fresh, fresh, 0, Optional.empty(), now, Optional.of(entry));
    }

    /**
     * The endpoint confirmed keys (200 with a new document, or 304 for the one held).
     *
     * @param next when the refresh this confirmation schedules is due
     * @param fetchTime how long that refresh may take (the fetch timeout): the keys stay FRESH that long past
     *                  {@code next} if it falls at or after the end of the lifetime, unless it fails
     */
    KeyCacheState confirmed(URI from, KeySnapshot confirmedKeys, RevalidationHeaders newRevalidation, Instant at,
                            Duration lifetime, Instant next, Duration fetchTime, Optional<CachedKeySet> held) {
        Instant fresh = at.plus(lifetime);
        // The same endpoint as last time keeps its Optional, and the refresh's answer time is made only when it
        // is the later one (rarely): two objects fewer per poll.
        Optional<URI> source = documentUri.isPresent() && documentUri.get() == from ? documentUri : Optional.of(from);
        Instant staleFrom = endsAfter(next, fetchTime, fresh) ? next.plus(fetchTime) : fresh;
        return new KeyCacheState(configured, jwksUri, confirmedKeys, source, newRevalidation,
                at, fresh, staleFrom, 0, Optional.empty(), next, held);
    }

    /** Whether {@code start + length} is after {@code other}, without making the sum (no allocation). */
    static boolean endsAfter(Instant start, Duration length, Instant other) {
        long seconds;
        try {
            seconds = Math.addExact(start.getEpochSecond(), length.getSeconds());
        } catch (ArithmeticException e) {
            return length.getSeconds() > 0;
        }
        int nanos = start.getNano() + length.getNano();
        if (nanos >= 1_000_000_000) {
            seconds++;
            nanos -= 1_000_000_000;
        }
        return seconds > other.getEpochSecond() || seconds == other.getEpochSecond() && nanos > other.getNano();
    }

    KeyCacheState failed(String error, Instant next) {
        return new KeyCacheState(configured, jwksUri, keys, documentUri, revalidation, lastSuccessAt, freshUntil,
                staleFrom, consecutiveFailures + 1, Optional.of(error), next, persisted);
    }

    KeyCacheState rescheduled(Instant next) {
        return new KeyCacheState(configured, jwksUri, keys, documentUri, revalidation, lastSuccessAt, freshUntil,
                staleFrom, consecutiveFailures, lastError, next, persisted);
    }
}
