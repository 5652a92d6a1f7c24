package io.nohop.keys;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A root key of a store (the key-set signing key), as services pin it: its public JWK. The private
 * part stays encrypted in the store and never signs a token.
 */
public final class RootKey {

    private final String kid;
    private final SigningAlgorithm algorithm;
    private final String publicJwkJson;
    private final Instant createdAt;
    private final Optional<String> endorsement;

    RootKey(String kid, SigningAlgorithm algorithm, String publicJwkJson, Instant createdAt, Optional<String> endorsement) {
        this.kid = Objects.requireNonNull(kid, "kid");
        this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
        this.publicJwkJson = Objects.requireNonNull(publicJwkJson, "publicJwkJson");
        this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
        this.endorsement = Objects.requireNonNull(endorsement, "endorsement");
    }

    /**
     * The kid: the RFC 7638 SHA-256 thumbprint of the public key, base64url.
     *
     * @return the kid
     */
    public String kid() {
        return kid;
    }

    /**
     * The algorithm it signs key sets with.
     *
     * @return the algorithm
     */
    public SigningAlgorithm algorithm() {
        return algorithm;
    }

    /**
     * The public JWK to pin, one line of JSON with {@code kty}, the key members, {@code kid}, {@code alg}
     * and {@code use: sig}; never private members.
     *
     * @return the JSON text
     */
    public String publicJwkJson() {
        return publicJwkJson;
    }

    /**
     * When it was created.
     *
     * @return the instant
     */
    public Instant createdAt() {
        return createdAt;
    }

    /**
     * The endorsement by its predecessor: a compact JWS ({@code typ: nohop-root-endorsement+jwt}, signed
     * by the previous root, claims {@code jwk} = this root's public JWK and {@code iat}). A publisher that
     * trusts the predecessor can trust this root without reading it from a file it cannot authenticate.
     *
     * @return the endorsement, or empty for a store's first root
     */
    public Optional<String> endorsement() {
        return endorsement;
    }

    @Override
    public String toString() {
        return "RootKey[" + kid + " " + algorithm + "]";
    }
}
