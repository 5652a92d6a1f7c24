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
 * <p>Room for signed key sets: {@code mediaType} says what {@code document} is — today always a plain
 * JWKS ({@value #JWKS}); a signed key set ({@code application/jwk-set+jwt}, a compact JWS) is stored
 * the same way and verified again when loaded — and {@code newestIssuedAt} carries the {@code iat} of
 * the newest signed set accepted, so that the rollback check survives a restart. A reader refuses an
 * entry whose media type it cannot use, and says so. Public (in this unexported package) only as part
 * of the {@link KeySetStore} seam.
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

    CachedKeySet confirmedAgain(Instant at, Duration newLifetime, RevalidationHeaders newRevalidation) {
        return new CachedKeySet(source, jwksUri, at, newLifetime, newRevalidation, mediaType, newestIssuedAt, document);
    }
}
