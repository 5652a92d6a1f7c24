package io.nohop.core;

import io.nohop.core.internal.keyset.KeySource;
import org.jspecify.annotations.Nullable;

/**
 * A key source and the issuer its keys may vouch for.
 *
 * @param source where the keys come from
 * @param issuer the one {@code iss} these keys vouch for ({@code trustIssuer}, {@code discoverIssuer}), or
 *               null when they vouch for any issuer the policy accepts ({@code jwks}, {@code jwksUri})
 */
record TrustedSource(KeySource source, @Nullable String issuer) {
    /**
     * Whether this source may hold the key of a token that claims {@code unverifiedIssuer}. A routing
     * decision, not a trust decision: the claim is read before the signature is checked, and the
     * policy checks it again afterwards (step 7).
     *
     * @param unverifiedIssuer the token's {@code iss} as parsed, not yet verified (any JSON value, or null)
     * @return true when the source is unbound or bound to exactly that issuer
     */
    boolean couldHold(@Nullable Object unverifiedIssuer) {
        return issuer == null || issuer.equals(unverifiedIssuer);
    }
}
