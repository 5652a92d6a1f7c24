package io.nohop.keys;

import com.nimbusds.jose.jwk.JWKSet;
import io.nohop.keys.internal.KeySetJws;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The store's latest signed key set, as checked under the store's root key: an OpenID Federation 1.0
 * signed JWK set (compact JWS, header {@code typ: jwk-set+jwt}, {@code alg}, {@code kid} = the root's
 * RFC 7638 thumbprint; claims {@code iss} and {@code sub} (the store's issuer, when it has one),
 * {@code iat}, {@code exp}, {@code keys}). {@code serve} and {@code export} publish exactly its keys.
 * Immutable.
 */
public final class SignedKeySet {

    private final KeySetJws.VerifiedKeySet verified;

    SignedKeySet(KeySetJws.VerifiedKeySet verified) {
        this.verified = Objects.requireNonNull(verified, "verified");
    }

    /**
     * The document itself: the compact JWS, served as {@code application/jwk-set+jwt}.
     *
     * @return the compact serialization, without a line ending
     */
    public String compactSerialization() {
        return verified.compact();
    }

    /**
     * The plain JWKS of the same keys, for {@code /.well-known/jwks.json}: public members only.
     *
     * @return the JSON text of the JWK set
     */
    public String jwksJson() {
        return new JWKSet(verified.keys()).toString(true);
    }

    /**
     * The kids of the keys it publishes, in document order (oldest key first).
     *
     * @return the kids
     */
    public List<String> kids() {
        return verified.kids();
    }

    /**
     * When it was signed ({@code iat}); strictly increasing from one set of a store to the next.
     *
     * @return the instant
     */
    public Instant issuedAt() {
        return Instant.ofEpochSecond(verified.issuedAt());
    }

    /**
     * When verifiers that pin the root stop accepting it ({@code exp}).
     *
     * @return the instant
     */
    public Instant expiresAt() {
        return Instant.ofEpochSecond(verified.expiresAt());
    }

    /**
     * The kid (RFC 7638 thumbprint) of the root key that signed it.
     *
     * @return the kid
     */
    public String signerKid() {
        return verified.signerKid();
    }

    /**
     * Its {@code iss} claim: the store's issuer, when the store has one.
     *
     * @return the issuer
     */
    public Optional<String> issuer() {
        return verified.issuer();
    }

    @Override
    public String toString() {
        return "SignedKeySet[iat=" + issuedAt() + ", exp=" + expiresAt() + ", signer=" + signerKid() + ", kids=" + kids() + "]";
    }
}
