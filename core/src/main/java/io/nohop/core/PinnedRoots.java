package io.nohop.core;

import io.nohop.core.internal.keyset.KeySetLoader;
import io.nohop.core.internal.keyset.VerificationKey;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The roots a key source trusts to sign its key set: the public JWKs of a key store's root keys (the
 * output of {@code nohop root-key}), pinned in the verifier so that what the endpoint, a mirror, a
 * proxy or the cache file says is believed only when one of them signed it.
 *
 * <pre>{@code
 * TokenVerifier.builder()
 *         .jwksUri(URI.create("https://keys.internal/.well-known/jwks.jwt"), PinnedRoots.of(rootJwk))
 * }</pre>
 *
 * <p>A source given roots ({@link TokenVerifier.Builder#jwksUri(java.net.URI, PinnedRoots)},
 * {@link TokenVerifier.Builder#trustIssuer(String, java.net.URI, PinnedRoots)},
 * {@link TokenVerifier.Builder#discoverIssuer(String, PinnedRoots)}) reads a signed key set
 * ({@code application/jwk-set+jwt}, OpenID Federation 1.0) and nothing else: a plain JWKS, a set signed
 * by another key, a wrong {@code typ}, a set past its {@code exp} or older than one already accepted are
 * each a failed refresh with its {@link RefreshFailure} code, and the last good keys stay. Several roots
 * let the root itself be rotated: pin the new one next to the old, switch the store, unpin the old.
 *
 * <p>Each JWK is checked at once: a public key (no private members) of a type nohop verifies signatures
 * with (RSA of at least 2048 bits, EC P-256/P-384/P-521, Ed25519), {@code use} absent or {@code sig},
 * an {@code alg} (if named) that fits the key, and a {@code kid} that is its RFC 7638 thumbprint — the
 * {@code kid} a signed key set's header names — computed when the JWK has none. Immutable.
 */
public final class PinnedRoots {
    private final List<VerificationKey> keys;
    private final List<String> kids;

    private PinnedRoots(List<VerificationKey> keys) {
        this.keys = List.copyOf(keys);
        List<String> ids = new ArrayList<>();
        for (VerificationKey key : keys) {
            ids.add(key.kid());
        }
        this.kids = List.copyOf(ids);
    }

    /**
     * Pins one or more roots.
     *
     * @param publicJwks each a root's public JWK as JSON text, e.g. the line {@code nohop root-key} prints
     * @return the pinned roots, in the order given
     * @throws IllegalArgumentException when none is given, one is not a usable public signature JWK (the
     *         message names which, by position and why, and never quotes key material), or two are the
     *         same key
     * @throws NullPointerException when a JWK is null
     */
    public static PinnedRoots of(String... publicJwks) {
        Objects.requireNonNull(publicJwks, "publicJwks");
        return of(Arrays.asList(publicJwks));
    }

    /**
     * Pins one or more roots.
     *
     * @param publicJwks each a root's public JWK as JSON text
     * @return the pinned roots, in the order given
     * @throws IllegalArgumentException as {@link #of(String...)}
     * @throws NullPointerException when the list or a JWK is null
     */
    public static PinnedRoots of(List<String> publicJwks) {
        Objects.requireNonNull(publicJwks, "publicJwks");
        if (publicJwks.isEmpty()) {
            throw new IllegalArgumentException("pinned roots: at least one root's public JWK is needed");
        }
        List<VerificationKey> keys = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < publicJwks.size(); i++) {
            String jwk = Objects.requireNonNull(publicJwks.get(i), "publicJwks[" + i + "]");
            VerificationKey key;
            try {
                key = KeySetLoader.loadPinnedRoot(jwk);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException((publicJwks.size() == 1 ? "the pinned root"
                        : "pinned root " + (i + 1) + " of " + publicJwks.size())
                        + " is not a usable public signature JWK: " + e.getMessage());
            }
            if (!seen.add(key.kid())) {
                throw new IllegalArgumentException("pinned root " + (i + 1) + " (kid " + key.kid()
                        + ") is given twice");
            }
            keys.add(key);
        }
        return new PinnedRoots(keys);
    }

    /**
     * The kids of the pinned roots: each root's RFC 7638 thumbprint (SHA-256, base64url).
     *
     * @return the kids, in the order the roots were given
     */
    public List<String> kids() {
        return kids;
    }

    // The converted keys, for the key sources (same package).
    List<VerificationKey> keys() {
        return keys;
    }

    /** @return {@code PinnedRoots[kid, ...]}: thumbprints only, never key material */
    @Override
    public String toString() {
        return "PinnedRoots" + Collections.unmodifiableList(kids);
    }
}
