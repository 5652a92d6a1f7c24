package io.nohop.keys.server;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the endpoint publishes at one moment: the JWKS document, the signed key set holding the same
 * keys, and the facts {@code /healthz} reports.
 *
 * @param jwksJson the public JWKS document (no private members)
 * @param keyCount how many keys it holds
 * @param activeKid the key that signs now, if any
 * @param nextTransition the next instant at which what is published or which key signs changes, if any
 * @param issuer the store's issuer, if any (enables {@code /.well-known/openid-configuration})
 * @param signedJwks the signed key set (compact JWS, {@code application/jwk-set+jwt}) whose keys
 *     {@code jwksJson} holds, if any (enables {@code /.well-known/jwks.jwt} and {@code signed_jwks_uri})
 */
public record Publication(String jwksJson, int keyCount, Optional<String> activeKid, Optional<Instant> nextTransition,
                          Optional<String> issuer, Optional<String> signedJwks) {
    /**
     * Checks that nothing is null.
     *
     * @param jwksJson the document
     * @param keyCount key count
     * @param activeKid active kid
     * @param nextTransition next transition
     * @param issuer issuer
     * @param signedJwks the signed key set
     */
    public Publication {
        Objects.requireNonNull(jwksJson, "jwksJson");
        Objects.requireNonNull(activeKid, "activeKid");
        Objects.requireNonNull(nextTransition, "nextTransition");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(signedJwks, "signedJwks");
    }

    /**
     * A publication without a signed key set (a plain JWKS only).
     *
     * @param jwksJson the document
     * @param keyCount key count
     * @param activeKid active kid
     * @param nextTransition next transition
     * @param issuer issuer
     */
    public Publication(String jwksJson, int keyCount, Optional<String> activeKid, Optional<Instant> nextTransition,
                       Optional<String> issuer) {
        this(jwksJson, keyCount, activeKid, nextTransition, issuer, Optional.empty());
    }
}
