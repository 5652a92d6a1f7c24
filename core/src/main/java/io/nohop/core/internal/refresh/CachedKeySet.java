package io.nohop.core.internal.refresh;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One source's entry in the cache file: the last accepted document exactly as the endpoint sent it,
 * with what is needed to trust it again after a restart.
 *
 * <p>{@code mediaType} says what {@code document} is: a plain JWKS ({@value #JWKS}), or, for a source
 * that pins roots, a signed key set ({@value SignedKeySetVerifier#MEDIA_TYPE}, the compact JWS), which is
 * verified again under the pinned roots when loaded; {@code newestIssuedAt} then carries the {@code iat}
 * of the newest signed set accepted — the set stored — so that the rollback check survives a restart.
 * A reader refuses an entry whose media type its source cannot use, and says so. Public (in this
 * unexported package) only as part of the {@link KeySetStore} seam.
 *
 * @param source what the key source was configured with (the JWKS URI, or the discovery URL): the
 *               entry's key in the file
 * @param jwksUri where the document came from
 * @param confirmedAt when the endpoint last confirmed the document (200 or 304)
 * @param lifetime the freshness lifetime granted at that confirmation
 * @param revalidation the document's ETag / Last-Modified, for the first conditional request
 * @param mediaType what {@code document} is
 * @param newestIssuedAt the {@code iat} of the newest signed key set accepted; empty for a plain JWKS
 * @param document the raw bytes as the endpoint sent them
 */
public record CachedKeySet(URI source, URI jwksUri, Instant confirmedAt, Duration lifetime, RevalidationHeaders revalidation,
                    String mediaType, Optional<Instant> newestIssuedAt, byte[] document) {
    /** The media type of a plain JWKS document. */
    static final String JWKS = "application/json";

    /** Checks that nothing is null. */
    public CachedKeySet {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(jwksUri, "jwksUri");
        Objects.requireNonNull(confirmedAt, "confirmedAt");
        Objects.requireNonNull(lifetime, "lifetime");
        Objects.requireNonNull(revalidation, "revalidation");
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(newestIssuedAt, "newestIssuedAt");
        Objects.requireNonNull(document, "document");
    }

    /** @return an entry for a plain JWKS document */
    static CachedKeySet jwks(URI source, URI jwksUri, Instant confirmedAt, Duration lifetime,
                             RevalidationHeaders revalidation, byte[] document) {
        return new CachedKeySet(source, jwksUri, confirmedAt, lifetime, revalidation, JWKS, Optional.empty(), document);
    }

    /** @return an entry for a signed key set that passed the checks; {@code issuedAt} is its {@code iat} */
    static CachedKeySet signed(URI source, URI jwksUri, Instant confirmedAt, Duration lifetime,
                               RevalidationHeaders revalidation, Instant issuedAt, byte[] document) {
        return new CachedKeySet(source, jwksUri, confirmedAt, lifetime, revalidation, SignedKeySetVerifier.MEDIA_TYPE,
                Optional.of(issuedAt), document);
    }

    CachedKeySet confirmedAgain(Instant at, Duration newLifetime, RevalidationHeaders newRevalidation) {
        return new CachedKeySet(source, jwksUri, at, newLifetime, newRevalidation, mediaType, newestIssuedAt, document);
    }
}
