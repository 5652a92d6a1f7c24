package io.nohop.keys;

import com.nimbusds.jose.jwk.JWK;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One signing key as stored: its public JWK, its lifecycle timestamps and whether its encrypted
 * private part still exists. Immutable; the private part is never exposed.
 *
 * <p>The state at an instant t is a pure function of the timestamps: REVOKED if
 * {@code revokedAt <= t}; else RETIRED if {@code removeAt <= t}; else RETIRING if
 * {@code deactivateAt <= t}; else ACTIVE if {@code activateAt <= t}; else PENDING.
 */
public final class KeyRecord {

    private final long sequence;
    private final String kid;
    private final SigningAlgorithm algorithm;
    private final JWK publicJwk;
    private final Instant createdAt;
    private final Instant activateAt;
    private final Optional<Instant> deactivateAt;
    private final Optional<Instant> removeAt;
    private final Optional<Instant> revokedAt;
    private final Optional<String> revocationReason;
    private final Optional<SealedPrivateKey> privateKey;

    private KeyRecord(long sequence, String kid, SigningAlgorithm algorithm, JWK publicJwk, Instant createdAt,
                      Instant activateAt, Optional<Instant> deactivateAt, Optional<Instant> removeAt,
                      Optional<Instant> revokedAt, Optional<String> revocationReason,
                      Optional<SealedPrivateKey> privateKey) {
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence must be positive: " + sequence);
        }
        if (publicJwk.isPrivate()) {
            throw new IllegalArgumentException("a key record's JWK must be public: kid " + kid);
        }
        this.sequence = sequence;
        this.kid = Objects.requireNonNull(kid, "kid");
        this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
        this.publicJwk = publicJwk;
        this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
        this.activateAt = Objects.requireNonNull(activateAt, "activateAt");
        this.deactivateAt = Objects.requireNonNull(deactivateAt, "deactivateAt");
        this.removeAt = Objects.requireNonNull(removeAt, "removeAt");
        this.revokedAt = Objects.requireNonNull(revokedAt, "revokedAt");
        this.revocationReason = Objects.requireNonNull(revocationReason, "revocationReason");
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
    }

    static KeyRecord of(long sequence, String kid, SigningAlgorithm algorithm, JWK publicJwk, Instant createdAt,
                        Instant activateAt, Optional<Instant> deactivateAt, Optional<Instant> removeAt,
                        Optional<Instant> revokedAt, Optional<String> revocationReason,
                        Optional<SealedPrivateKey> privateKey) {
        return new KeyRecord(sequence, kid, algorithm, publicJwk, createdAt, activateAt, deactivateAt, removeAt,
                revokedAt, revocationReason, privateKey);
    }

    KeyRecord withSchedule(Optional<Instant> newDeactivateAt, Optional<Instant> newRemoveAt) {
        return new KeyRecord(sequence, kid, algorithm, publicJwk, createdAt, activateAt, newDeactivateAt, newRemoveAt,
                revokedAt, revocationReason, privateKey);
    }

    KeyRecord revoked(Instant at, Optional<String> reason) {
        return new KeyRecord(sequence, kid, algorithm, publicJwk, createdAt, activateAt, deactivateAt, removeAt,
                Optional.of(at), reason, Optional.empty());
    }

    KeyRecord withoutPrivateKey() {
        return new KeyRecord(sequence, kid, algorithm, publicJwk, createdAt, activateAt, deactivateAt, removeAt,
                revokedAt, revocationReason, Optional.empty());
    }

    Optional<SealedPrivateKey> sealedPrivateKey() {
        return privateKey;
    }

    JWK publicJwk() {
        return publicJwk;
    }

    /**
     * The order in which records were appended to the store (1 for the first key).
     *
     * @return the sequence number
     */
    public long sequence() {
        return sequence;
    }

    /**
     * The key id: the RFC 7638 SHA-256 thumbprint of the public key, base64url.
     *
     * @return the kid
     */
    public String kid() {
        return kid;
    }

    /**
     * The signing algorithm.
     *
     * @return the algorithm
     */
    public SigningAlgorithm algorithm() {
        return algorithm;
    }

    /**
     * The public JWK as JSON, with {@code kid}, {@code alg} and {@code use: sig}; never private members.
     *
     * @return the JSON text of the public JWK
     */
    public String publicJwkJson() {
        return publicJwk.toJSONString();
    }

    /**
     * When the record was created.
     *
     * @return the creation instant
     */
    public Instant createdAt() {
        return createdAt;
    }

    /**
     * When the key starts signing.
     *
     * @return the activation instant
     */
    public Instant activateAt() {
        return activateAt;
    }

    /**
     * When the key stops signing; set once a successor is scheduled.
     *
     * @return the deactivation instant, if scheduled
     */
    public Optional<Instant> deactivateAt() {
        return deactivateAt;
    }

    /**
     * When the key leaves the published set: {@code deactivateAt + T + S}.
     *
     * @return the removal instant, if scheduled
     */
    public Optional<Instant> removeAt() {
        return removeAt;
    }

    /**
     * When the key was revoked.
     *
     * @return the revocation instant, if revoked
     */
    public Optional<Instant> revokedAt() {
        return revokedAt;
    }

    /**
     * The reason given for the revocation.
     *
     * @return the reason, if one was given
     */
    public Optional<String> revocationReason() {
        return revocationReason;
    }

    /**
     * Tells whether the encrypted private part still exists (it is destroyed on revocation and retirement).
     *
     * @return true while the key could still be decrypted for signing
     */
    public boolean hasPrivateKey() {
        return privateKey.isPresent();
    }

    /**
     * The lifecycle state at an instant.
     *
     * @param t the instant
     * @return the state, derived from the timestamps alone
     */
    public KeyState stateAt(Instant t) {
        if (reached(revokedAt, t)) {
            return KeyState.REVOKED;
        }
        if (reached(removeAt, t)) {
            return KeyState.RETIRED;
        }
        if (reached(deactivateAt, t)) {
            return KeyState.RETIRING;
        }
        if (!activateAt.isAfter(t)) {
            return KeyState.ACTIVE;
        }
        return KeyState.PENDING;
    }

    /**
     * The first instant after {@code t} at which the state changes, if any is scheduled.
     *
     * @param t the instant
     * @return the next transition
     */
    public Optional<Instant> nextTransitionAfter(Instant t) {
        KeyState now = stateAt(t);
        return Stream.of(Optional.of(activateAt), deactivateAt, removeAt, revokedAt)
                .flatMap(Optional::stream)
                .filter(i -> i.isAfter(t))
                .sorted()
                .filter(i -> stateAt(i) != now)
                .findFirst();
    }

    private static boolean reached(Optional<Instant> at, Instant t) {
        return at.isPresent() && !at.get().isAfter(t);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyRecord r && sequence == r.sequence && kid.equals(r.kid) && algorithm == r.algorithm
                && createdAt.equals(r.createdAt) && activateAt.equals(r.activateAt)
                && deactivateAt.equals(r.deactivateAt) && removeAt.equals(r.removeAt) && revokedAt.equals(r.revokedAt)
                && revocationReason.equals(r.revocationReason) && privateKey.isPresent() == r.privateKey.isPresent();
    }

    @Override
    public int hashCode() {
        return Objects.hash(sequence, kid);
    }

    @Override
    public String toString() {
        return "KeyRecord[#" + sequence + " " + kid + " " + algorithm + " activateAt=" + activateAt
                + " deactivateAt=" + deactivateAt.map(Instant::toString).orElse("-")
                + " removeAt=" + removeAt.map(Instant::toString).orElse("-")
                + " revokedAt=" + revokedAt.map(Instant::toString).orElse("-") + "]";
    }
}
