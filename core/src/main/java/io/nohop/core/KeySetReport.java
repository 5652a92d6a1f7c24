package io.nohop.core;

import io.nohop.core.internal.keyset.InvalidKeySetException;
import io.nohop.core.internal.crypto.SignatureEngine;
import io.nohop.core.internal.keyset.JwsAlgorithm;
import io.nohop.core.internal.keyset.KeySetLoader;
import io.nohop.core.internal.keyset.LoadedKeySet;
import io.nohop.core.internal.keyset.RefusedKey;
import io.nohop.core.internal.keyset.VerificationKey;
import io.nohop.core.internal.refresh.SignedKeySetVerifier;

import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a verifier would make of one key-set document, key by key: for diagnostic tools such as
 * {@code nohop doctor}, which must report each key exactly as {@link TokenVerifier} would load it rather
 * than by rules of their own. The same code judges the document here and in a verifier: a key is kept or
 * dropped for the same reason (RSA under 2048 bits, {@code use} other than {@code sig}, private members,
 * a duplicate {@code kid}, a point not on its curve, an unsupported curve or key type, ...), and a signed
 * key set is checked under the pinned roots as a source that pins them checks it.
 *
 * <p>Unlike a verifier, a report also answers a document that a verifier would refuse as a whole: then
 * {@link #failure()} says why, with the same {@link RefreshFailure} code a refresh would report, and
 * {@link #keys()} still lists each key and why it was dropped when the keys could be read (a set with no
 * usable key). Nothing here is cached or shared; it does no I/O. Never holds key material beyond the
 * public keys' descriptions and thumbprints. Immutable.
 */
public final class KeySetReport {
    private final Optional<RefreshFailure> failure;
    private final Optional<String> failureDetail;
    private final List<Key> keys;
    private final Optional<Instant> issuedAt;
    private final Optional<Instant> expiresAt;

    private KeySetReport(Optional<RefreshFailure> failure, Optional<String> failureDetail, List<Key> keys,
                         Optional<Instant> issuedAt, Optional<Instant> expiresAt) {
        this.failure = failure;
        this.failureDetail = failureDetail;
        this.keys = List.copyOf(keys);
        this.issuedAt = issuedAt;
        this.expiresAt = expiresAt;
    }

    /**
     * Judges a plain JWKS document ({@code {"keys":[...]}}) as {@link TokenVerifier.Builder#jwksUri(java.net.URI)}
     * would on a refresh.
     *
     * @param document the document's bytes exactly as received
     * @return the report: a failure ({@code not_json}, {@code not_a_jwks}, {@code empty_set},
     *         {@code no_usable_key}) or none, and every key read
     * @throws NullPointerException if {@code document} is null
     */
    public static KeySetReport ofJwks(byte[] document) {
        Objects.requireNonNull(document, "document");
        try {
            return of(KeySetLoader.inspect(document), Optional.empty(), Optional.empty());
        } catch (InvalidKeySetException e) {
            return refused(e);
        }
    }

    /**
     * Judges a signed key set ({@code application/jwk-set+jwt}) as a source pinning {@code roots} would on
     * its first refresh, with the verifier's default algorithm allowlist: signature under a pinned root,
     * {@code typ}, {@code iat}/{@code exp}, {@code iss} when {@code issuer} is given, {@code exp} against
     * {@code now} without skew, then its keys. Rollback cannot be judged from one document and is not.
     *
     * @param document the document's bytes exactly as received
     * @param roots the roots a verifier would pin
     * @param issuer the issuer the source would be bound to ({@code trustIssuer}, {@code discoverIssuer}), if any
     * @param now the current instant
     * @return the report: a failure ({@code unsigned}, {@code bad_signature}, {@code wrong_type},
     *         {@code not_json}, {@code invalid_claim}, {@code issuer_mismatch}, {@code expired_set},
     *         {@code not_a_jwks}, {@code empty_set}, {@code no_usable_key}) or none; the keys, {@code iat} and
     *         {@code exp} once the signature verified
     * @throws NullPointerException if an argument is null
     */
    public static KeySetReport ofSignedKeySet(byte[] document, PinnedRoots roots, Optional<String> issuer, Instant now) {
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(roots, "roots");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(now, "now");
        SignedKeySetVerifier verifier = new SignedKeySetVerifier(roots.keys(), EnumSet.allOf(JwsAlgorithm.class), issuer,
                SignatureEngine.defaults());
        try {
            SignedKeySetVerifier.Verified verified = verifier.inspect(document, now);
            return of(verified.keys(), Optional.of(verified.issuedAt()), Optional.of(verified.expiresAt()));
        } catch (InvalidKeySetException e) {
            return refused(e);
        }
    }

    private static KeySetReport refused(InvalidKeySetException e) {
        return new KeySetReport(Optional.of(e.failure()), Optional.of(e.getMessage()), List.of(), Optional.empty(),
                Optional.empty());
    }

    private static KeySetReport of(LoadedKeySet loaded, Optional<Instant> issuedAt, Optional<Instant> expiresAt) {
        List<Key> keys = new ArrayList<>();
        for (VerificationKey key : loaded.keys()) {
            keys.add(new Key(Optional.ofNullable(key.kid()), Optional.empty(), Optional.of(describe(key)),
                    Optional.of(key.thumbprint())));
        }
        for (RefusedKey refused : loaded.refused()) {
            keys.add(new Key(Optional.ofNullable(refused.kid()), Optional.of(refused.reason()), Optional.empty(),
                    Optional.empty()));
        }
        Optional<RefreshFailure> failure = Optional.empty();
        Optional<String> detail = Optional.empty();
        if (loaded.keys().isEmpty()) {
            failure = Optional.of(loaded.refused().isEmpty() ? RefreshFailure.EMPTY_SET : RefreshFailure.NO_USABLE_KEY);
            detail = Optional.of(loaded.refused().isEmpty() ? "key set is empty"
                    : "key set has no usable key (" + loaded.refused().size() + " refused)");
        }
        return new KeySetReport(failure, detail, keys, issuedAt, expiresAt);
    }

    private static String describe(VerificationKey key) {
        String type = switch (key.keyType()) {
            case RSA -> "RSA " + ((RSAPublicKey) key.publicKey()).getModulus().bitLength() + " bits";
            case EC -> "EC " + key.curve();
            case OKP -> key.curve();
        };
        return key.pinnedAlgorithm() == null ? type : type + ", alg " + key.pinnedAlgorithm().name();
    }

    /**
     * Why a verifier would refuse the whole document (keep its last good keys and count a failed refresh).
     *
     * @return the refresh failure code, or empty when a verifier would take the document
     */
    public Optional<RefreshFailure> failure() {
        return failure;
    }

    /**
     * The failure in words: fixed text, which quotes nothing from the document beyond an escaped {@code kid}.
     *
     * @return the detail, present exactly when {@link #failure()} is
     */
    public Optional<String> failureDetail() {
        return failureDetail;
    }

    /**
     * Every key the document lists, as a verifier would judge it: the kept ones first, in document order,
     * then the dropped ones. Empty when the keys could not be read at all (not JSON, not a JWKS, a signed set
     * whose signature or claims were refused).
     *
     * @return the keys
     */
    public List<Key> keys() {
        return keys;
    }

    /**
     * The signed key set's {@code iat}, once its signature verified under a pinned root.
     *
     * @return the instant, or empty (a plain JWKS, or a signed set refused before its claims were read)
     */
    public Optional<Instant> issuedAt() {
        return issuedAt;
    }

    /**
     * The signed key set's {@code exp}, once its signature verified under a pinned root: past it, a verifier
     * holding nothing newer is DOWN.
     *
     * @return the instant, or empty (a plain JWKS, or a signed set refused before its claims were read)
     */
    public Optional<Instant> expiresAt() {
        return expiresAt;
    }

    /** @return a summary: the failure code and the number of keys kept and dropped, never key material */
    @Override
    public String toString() {
        long kept = keys.stream().filter(Key::kept).count();
        return "KeySetReport[" + failure.map(RefreshFailure::code).orElse("usable") + ", kept=" + kept
                + ", dropped=" + (keys.size() - kept) + "]";
    }

    /** One key of the document, kept or dropped, as a verifier would judge it. Immutable. */
    public static final class Key {
        private final Optional<String> kid;
        private final Optional<String> droppedBecause;
        private final Optional<String> description;
        private final Optional<String> thumbprint;

        private Key(Optional<String> kid, Optional<String> droppedBecause, Optional<String> description,
                    Optional<String> thumbprint) {
            this.kid = kid;
            this.droppedBecause = droppedBecause;
            this.description = description;
            this.thumbprint = thumbprint;
        }

        /**
         * The key's {@code kid} as the document gave it: attacker-influenced text, escape it before printing.
         *
         * @return the kid, or empty when the JWK names none (or is not a JSON object)
         */
        public Optional<String> kid() {
            return kid;
        }

        /** @return true when a verifier would use the key */
        public boolean kept() {
            return droppedBecause.isEmpty();
        }

        /**
         * Why a verifier would drop the key: fixed text ("RSA key shorter than 2048 bits", "use is not sig",
         * "carries private key members", "kid appears more than once in the set", ...).
         *
         * @return the reason, present exactly when the key is not {@link #kept()}
         */
        public Optional<String> droppedBecause() {
            return droppedBecause;
        }

        /**
         * What kind of key it is, for a kept key: {@code RSA 2048 bits}, {@code EC P-256} or {@code Ed25519},
         * followed by {@code , alg ES256} when the JWK names its algorithm.
         *
         * @return the description, present exactly when the key is {@link #kept()}
         */
        public Optional<String> description() {
            return description;
        }

        /**
         * The key's RFC 7638 SHA-256 thumbprint (base64url), for a kept key: a {@code kid} equal to it names
         * the key material itself, as a nohop store's kids do.
         *
         * @return the thumbprint, present exactly when the key is {@link #kept()}
         */
        public Optional<String> thumbprint() {
            return thumbprint;
        }

        /** @return the escaped kid and whether it is kept, never key material */
        @Override
        public String toString() {
            return "Key[" + kid.map(io.nohop.core.internal.LogText::escape).orElse("(no kid)") + ", "
                    + droppedBecause.map(r -> "dropped: " + r).orElse("kept") + "]";
        }
    }
}
