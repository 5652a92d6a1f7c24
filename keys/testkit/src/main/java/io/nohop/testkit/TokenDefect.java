package io.nohop.testkit;

import io.nohop.core.RejectionReason;

/**
 * What is wrong with a token from {@link NohopIssuerExtension#defectiveToken(TokenDefect, TokenSpec)},
 * and the rejection a verifier configured with the kit's JWKS URI, issuer and audience gives it.
 *
 * <p>Each defect is the only thing wrong with its token: the signature verifies under a published key
 * (except for {@link #BAD_SIGNATURE}), and the claims are those of the spec otherwise. The time
 * defects lie an hour away from now, beyond any clock skew a verifier allows (at most 10 minutes).
 */
public enum TokenDefect {
    /** {@code exp} one hour ago ({@code iat} one lifetime before that). */
    EXPIRED(RejectionReason.EXPIRED),
    /** {@code nbf} one hour from now ({@code iat} now, {@code exp} one lifetime after {@code nbf}). */
    NOT_YET_VALID(RejectionReason.NOT_YET_VALID),
    /** A genuine token of the kit's issuer for the audience {@link NohopIssuerExtension#WRONG_AUDIENCE} only. */
    WRONG_AUDIENCE(RejectionReason.AUDIENCE_MISMATCH),
    /** {@code iss} is {@link NohopIssuerExtension#WRONG_ISSUER}. */
    WRONG_ISSUER(RejectionReason.ISSUER_MISMATCH),
    /**
     * A genuine token of the kit's issuer (header and claims unchanged, the kid of the key that signs now)
     * whose signature was made by another key, as a forger without the private key would.
     */
    BAD_SIGNATURE(RejectionReason.BAD_SIGNATURE);

    private final RejectionReason rejection;

    TokenDefect(RejectionReason rejection) {
        this.rejection = rejection;
    }

    /**
     * The rejection a verifier configured with the kit's JWKS URI, issuer and audience gives a token
     * with this defect.
     *
     * @return the reason; its {@link RejectionReason#code()} is the stable code
     */
    public RejectionReason expectedRejection() {
        return rejection;
    }
}
