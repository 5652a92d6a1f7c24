package io.nohop.keys.server;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the endpoint publishes at one moment: the JWKS document and the facts {@code /healthz} reports.
 *
 * @param jwksJson the public JWKS document (no private members)
 * @param keyCount how many keys it holds
 * @param activeKid the key that signs now, if any
 * @param nextTransition the next instant at which what is published or which key signs changes, if any
 * @param issuer the store's issuer, if any (enables {@code /.well-known/openid-configuration})
 * @param signedJwks the signed key set (compact JWS, {@code application/jwk-set+jwt}) whose keys
 *     {@code jwksJson} holds, if any (enables {@code /.well-known/jwks.jwt} and {@code signed_jwks_uri})
 * @param keys each published key's state and publication time, for {@code GET /status} on the admin
 *     listener; empty when the source does not describe its keys (then status lists the JWKS's kids alone)
 */
public record Publication(String jwksJson, int keyCount, Optional<String> activeKid, Optional<Instant> nextTransition,
                          Optional<String> issuer, Optional<String> signedJwks, List<PublishedKey> keys) {
    /**
     * Checks that nothing is null.
     *
     * @param jwksJson the document
     * @param keyCount key count
     * @param activeKid active kid
     * @param nextTransition next transition
     * @param issuer issuer
     * @param signedJwks the signed key set
     * @param keys the published keys' descriptions (copied)
     */
    public Publication {
        Objects.requireNonNull(jwksJson, "jwksJson");
        Objects.requireNonNull(activeKid, "activeKid");
        Objects.requireNonNull(nextTransition, "nextTransition");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(signedJwks, "signedJwks");
        keys = List.copyOf(keys);
    }

    /**
     * A publication with a signed key set that does not describe its keys beyond the JWKS.
     *
     * @param jwksJson the document
     * @param keyCount key count
     * @param activeKid active kid
     * @param nextTransition next transition
     * @param issuer issuer
     * @param signedJwks the signed key set
     */
    public Publication(String jwksJson, int keyCount, Optional<String> activeKid, Optional<Instant> nextTransition,
                       Optional<String> issuer, Optional<String> signedJwks) {
        this(jwksJson, keyCount, activeKid, nextTransition, issuer, signedJwks, List.of());
    }

    /**
     * A publication without a signed key set, describing its keys for {@code GET /status}.
     *
     * @param jwksJson the document
     * @param keyCount key count
     * @param activeKid active kid
     * @param nextTransition next transition
     * @param issuer issuer
     * @param keys the published keys' descriptions (copied)
     */
    public Publication(String jwksJson, int keyCount, Optional<String> activeKid, Optional<Instant> nextTransition,
                       Optional<String> issuer, List<PublishedKey> keys) {
        this(jwksJson, keyCount, activeKid, nextTransition, issuer, Optional.empty(), keys);
    }

    /**
     * A publication without a signed key set that does not describe its keys beyond the JWKS.
     *
     * @param jwksJson the document
     * @param keyCount key count
     * @param activeKid active kid
     * @param nextTransition next transition
     * @param issuer issuer
     */
    public Publication(String jwksJson, int keyCount, Optional<String> activeKid, Optional<Instant> nextTransition,
                       Optional<String> issuer) {
        this(jwksJson, keyCount, activeKid, nextTransition, issuer, Optional.empty(), List.of());
    }
}
