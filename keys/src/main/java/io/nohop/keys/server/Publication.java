package io.nohop.keys.server;

import java.time.Instant;
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
 */
public record Publication(String jwksJson, int keyCount, Optional<String> activeKid, Optional<Instant> nextTransition,
                          Optional<String> issuer) {
    /**
     * Checks that nothing is null.
     *
     * @param jwksJson the document
     * @param keyCount key count
     * @param activeKid active kid
     * @param nextTransition next transition
     * @param issuer issuer
     */
    public Publication {
        Objects.requireNonNull(jwksJson, "jwksJson");
        Objects.requireNonNull(activeKid, "activeKid");
        Objects.requireNonNull(nextTransition, "nextTransition");
        Objects.requireNonNull(issuer, "issuer");
    }
}
