package io.nohop.core.internal.refresh;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The last accepted JWKS document with what is needed to trust it again after a restart.
 *
 * @param source what the key source was configured with (the JWKS URI, or the discovery URL): a file
 *               written for another source is foreign and ignored
 * @param jwksUri where the document came from
 * @param confirmedAt when the endpoint last confirmed the document (200 or 304)
 * @param lifetime the freshness lifetime granted at that confirmation
 * @param validators the document's ETag / Last-Modified, for the first conditional request
 * @param document the raw JWKS bytes as the endpoint sent them
 */
record CachedKeySet(URI source, URI jwksUri, Instant confirmedAt, Duration lifetime, Validators validators,
                    byte[] document) {
    CachedKeySet {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(jwksUri, "jwksUri");
        Objects.requireNonNull(confirmedAt, "confirmedAt");
        Objects.requireNonNull(lifetime, "lifetime");
        Objects.requireNonNull(validators, "validators");
        Objects.requireNonNull(document, "document");
    }

    CachedKeySet confirmedAgain(Instant at, Duration newLifetime, Validators newValidators) {
        return new CachedKeySet(source, jwksUri, at, newLifetime, newValidators, document);
    }
}
