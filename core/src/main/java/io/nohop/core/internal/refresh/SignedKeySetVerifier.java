package io.nohop.core.internal.refresh;

import io.nohop.core.RefreshFailure;
import io.nohop.core.RejectionReason;
import io.nohop.core.TokenRejectedException;
import io.nohop.core.internal.LogText;
import io.nohop.core.internal.crypto.SignatureEngine;
import io.nohop.core.internal.json.JsonParseException;
import io.nohop.core.internal.json.StrictJson;
import io.nohop.core.internal.jws.CompactJws;
import io.nohop.core.internal.jws.JoseType;
import io.nohop.core.internal.jws.NumericDate;
import io.nohop.core.internal.keyset.InvalidKeySetException;
import io.nohop.core.internal.keyset.JwsAlgorithm;
import io.nohop.core.internal.keyset.KeySetLoader;
import io.nohop.core.internal.keyset.KeySnapshot;
import io.nohop.core.internal.keyset.LoadedKeySet;
import io.nohop.core.internal.keyset.RefusedKey;
import io.nohop.core.internal.keyset.VerificationKey;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a signed key set (OpenID Federation 1.0 "signed JWK set", {@code application/jwk-set+jwt}) for
 * a source that pins roots, with the checks of docs/DESIGN.md "Signed key sets", in this order:
 * <ol>
 * <li>a strict compact JWS with an allowed algorithm — the same parser and allowlist as a token
 *     ({@link CompactJws}); anything else, a plain JWKS included, is {@code unsigned};</li>
 * <li>a pinned root selected by the header's {@code kid} (or, without one, the only pinned root that
 *     fits the algorithm: the same rule as a token's key) — never a key named by the document — whose
 *     signature verifies ({@link VerificationKey}); else {@code bad_signature};</li>
 * <li>{@code typ} is {@code jwk-set+jwt}, compared as a token's {@code typ} is ({@link JoseType});
 *     else {@code wrong_type};</li>
 * <li>a JSON payload ({@code not_json}) with {@code iat} and {@code exp} NumericDates, {@code exp} after
 *     {@code iat} ({@code invalid_claim});</li>
 * <li>{@code iss} equals the issuer the source is bound to, when it is bound ({@code issuer_mismatch});</li>
 * <li>{@code exp} has not passed, compared with no clock-skew allowance: sets are re-signed long before
 *     they expire ({@code expired_set});</li>
 * <li>{@code iat} is not older than the newest set accepted: equal is the same document, older a replay
 *     ({@code rollback});</li>
 * <li>the {@code keys} claim, loaded as a JWKS is ({@link KeySetLoader}: {@code not_a_jwks},
 *     {@code empty_set}, {@code no_usable_key}, refused keys one by one); a pinned root listed among them
 *     is refused, since a root never signs tokens.</li>
 * </ol>
 * The checks run on the signed content only after the signature verified, so that nothing an unpinned
 * party writes can choose which code a refusal gets beyond {@code unsigned} and {@code bad_signature}.
 *
 * <p>The response's {@code Content-Type} is not consulted: the signature is what makes a document
 * trustworthy, and static hosts and CDNs often label a {@code .jwt} file {@code application/octet-stream}
 * or {@code text/plain}. The bytes are read exactly as received: no trimming, no line ending allowed.
 *
 * <p>Immutable and thread-safe; each call is a pure function of the document, the instant and the
 * newest {@code iat} accepted, which the caller keeps.
 */
public final class SignedKeySetVerifier {
    /** The media type of a signed key set, as served and as the cache file records it. */
    public static final String MEDIA_TYPE = "application/jwk-set+jwt";

    private static final int MAX_JSON_DEPTH = 32;

    private final KeySnapshot roots;
    private final Set<JwsAlgorithm> algorithms;
    private final Optional<String> issuer;
    // The verifier's crypto configuration: a root's signature is checked as a token's is.
    private final SignatureEngine engine;

    /**
     * A signed key set that passed every check.
     *
     * @param keys the keys of its {@code keys} claim (at least one usable, unless from {@link #inspect})
     * @param issuedAt its {@code iat}
     * @param expiresAt its {@code exp}, after {@code issuedAt}
     */
    public record Verified(LoadedKeySet keys, Instant issuedAt, Instant expiresAt) {
        /** Checks that nothing is null. */
        public Verified {
            Objects.requireNonNull(keys, "keys");
            Objects.requireNonNull(issuedAt, "issuedAt");
            Objects.requireNonNull(expiresAt, "expiresAt");
        }
    }

    /**
     * @param roots the pinned roots (at least one, distinct kids: each its RFC 7638 thumbprint)
     * @param algorithms the verifier's algorithm allowlist, the same as for tokens
     * @param issuer the issuer the source is bound to ({@code trustIssuer}, {@code discoverIssuer}), if any
     * @param engine where the roots' signatures are checked: the verifier's crypto configuration
     */
    public SignedKeySetVerifier(List<VerificationKey> roots, Set<JwsAlgorithm> algorithms, Optional<String> issuer,
                                SignatureEngine engine) {
        if (roots.isEmpty()) {
            throw new IllegalArgumentException("no pinned root");
        }
        this.roots = KeySnapshot.of(roots, Instant.EPOCH, Instant.MAX);
        this.algorithms = EnumSet.copyOf(algorithms);
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.engine = Objects.requireNonNull(engine, "engine");
    }

    /**
     * Checks a document.
     *
     * @param document the bytes exactly as received (or as the cache file stores them)
     * @param now the current instant, for {@code exp}
     * @param newestAccepted the {@code iat} of the newest set this source accepted, if any
     * @return the verified set
     * @throws InvalidKeySetException with the code of the first failing check, and fixed text
     */
    public Verified verify(byte[] document, Instant now, Optional<Instant> newestAccepted)
            throws InvalidKeySetException {
        return check(document, now, newestAccepted, false);
    }

    /**
     * Checks a document as {@link #verify} does for a source that has accepted nothing yet, but also answers
     * a set whose keys are all refused (then its {@link LoadedKeySet#keys()} is empty), so a diagnostic can
     * say why each key was refused.
     *
     * @param document the bytes exactly as received
     * @param now the current instant, for {@code exp}
     * @return the verified set, its keys possibly without a usable one
     * @throws InvalidKeySetException with the code of the first failing check before the keys, and fixed text
     */
    public Verified inspect(byte[] document, Instant now) throws InvalidKeySetException {
        return check(document, now, Optional.empty(), true);
    }

    private Verified check(byte[] document, Instant now, Optional<Instant> newestAccepted, boolean allowNoUsableKey)
            throws InvalidKeySetException {
        // ISO-8859-1 maps each byte to one char: a byte outside the base64url alphabet stays one, and the
        // indexes into the text are indexes into the bytes that were signed.
        String text = new String(document, StandardCharsets.ISO_8859_1);
        CompactJws jws;
        try {
            jws = CompactJws.parse(text, algorithms);
        } catch (TokenRejectedException e) {
            throw new InvalidKeySetException(RefreshFailure.UNSIGNED,
                    "not a strict compact JWS signed with an allowed algorithm ("
                            + e.reason().code() + ")");
        }
        if (!jws.signatureIsCanonical()) {
            // As parse would have refused it before the signature's form was left to the caller.
            throw new InvalidKeySetException(RefreshFailure.UNSIGNED,
                    "not a strict compact JWS signed with an allowed algorithm (" + RejectionReason.MALFORMED.code() + ")");
        }
        JwsAlgorithm algorithm = jws.algorithm();
        VerificationKey root = roots.select(jws.kid(), algorithm);
        if (root == null) {
            throw new InvalidKeySetException(RefreshFailure.BAD_SIGNATURE, jws.kid() != null
                    ? "signed by kid '" + LogText.escape(jws.kid()) + "', which is not a pinned root"
                    : "names no kid, and not exactly one pinned root fits " + algorithm);
        }
        if (!root.fits(algorithm)) {
            throw new InvalidKeySetException(RefreshFailure.BAD_SIGNATURE,
                    "pinned root " + root.kid() + " does not sign with " + algorithm);
        }
        if (!root.verify(engine, algorithm, document, jws.signingInputLength(), jws.signature())) {
            throw new InvalidKeySetException(RefreshFailure.BAD_SIGNATURE,
                    "the signature does not verify under pinned root " + root.kid());
        }
        // Signed by a pinned root from here on.
        Object typ = jws.header().get("typ");
        if (!JoseType.matches(typ, MEDIA_TYPE)) {
            throw new InvalidKeySetException(RefreshFailure.WRONG_TYPE, "typ is "
                    + (typ == null ? "missing" : "'" + LogText.escape(String.valueOf(typ)) + "'")
                    + ", not jwk-set+jwt");
        }
        Map<String, Object> claims;
        try {
            claims = StrictJson.parseObject(jws.payload(), MAX_JSON_DEPTH);
        } catch (JsonParseException e) {
            throw new InvalidKeySetException(RefreshFailure.NOT_JSON, "the signed payload is not a JSON object");
        }
        Instant issuedAt = date(claims, "iat");
        Instant expiresAt = date(claims, "exp");
        if (!expiresAt.isAfter(issuedAt)) {
            throw new InvalidKeySetException(RefreshFailure.INVALID_CLAIM, "exp " + expiresAt
                    + " is not after iat " + issuedAt);
        }
        if (issuer.isPresent() && !issuer.get().equals(claims.get("iss"))) {
            throw new InvalidKeySetException(RefreshFailure.ISSUER_MISMATCH,
                    "iss is not the issuer this source is bound to");
        }
        if (!now.isBefore(expiresAt)) {
            throw new InvalidKeySetException(RefreshFailure.EXPIRED_SET, "the signed key set expired at " + expiresAt);
        }
        if (newestAccepted.isPresent() && issuedAt.isBefore(newestAccepted.get())) {
            throw new InvalidKeySetException(RefreshFailure.ROLLBACK, "the signed key set was issued at " + issuedAt
                    + ", before the newest one accepted (" + newestAccepted.get() + ")");
        }
        LoadedKeySet loaded = allowNoUsableKey ? KeySetLoader.inspect(jws.payload()) : KeySetLoader.load(jws.payload());
        return new Verified(withoutRoots(loaded, allowNoUsableKey), issuedAt, expiresAt);
    }

    private static Instant date(Map<String, Object> claims, String name) throws InvalidKeySetException {
        long millis = NumericDate.toMillis(claims.get(name));
        if (millis == NumericDate.INVALID) {
            throw new InvalidKeySetException(RefreshFailure.INVALID_CLAIM, name + " is missing or not a NumericDate");
        }
        return Instant.ofEpochMilli(millis);
    }

    // A root signs key sets, never tokens: listed among the keys, it is refused like any unusable key.
    private LoadedKeySet withoutRoots(LoadedKeySet loaded, boolean allowNoUsableKey) throws InvalidKeySetException {
        List<VerificationKey> usable = new ArrayList<>();
        List<RefusedKey> refused = new ArrayList<>(loaded.refused());
        for (VerificationKey key : loaded.keys()) {
            if (isRoot(key)) {
                refused.add(new RefusedKey(key.kid(), "it is a pinned root, which never signs tokens"));
            } else {
                usable.add(key);
            }
        }
        if (usable.isEmpty() && !allowNoUsableKey) {
            throw new InvalidKeySetException(RefreshFailure.NO_USABLE_KEY,
                    "key set has no usable key (" + refused.size() + " refused)");
        }
        return new LoadedKeySet(usable, refused);
    }

    private boolean isRoot(VerificationKey key) {
        for (VerificationKey root : roots.keys()) {
            if (root.sameMaterialAs(key)) {
                return true;
            }
        }
        return false;
    }

    /** @return the kids of the pinned roots, for logs */
    public Set<String> rootKids() {
        return roots.kids();
    }
}
