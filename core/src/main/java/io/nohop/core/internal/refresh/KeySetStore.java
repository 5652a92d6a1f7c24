package io.nohop.core.internal.refresh;

import io.nohop.core.internal.keyset.LoadedKeySet;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Where a key source keeps its last-known-good document across restarts. {@link KeySetFile} (one
 * atomically replaced file per verifier) is the one implementation a verifier ever uses; the seam
 * exists for the same reason as {@link KeySetTransport}: the fleet simulation in {@code examples}
 * restarts 100,000 verifiers "with cache files", which must not mean 100,000 files written at every
 * refresh. Not exported (see {@link KeySetTransport}).
 *
 * <p>Contract: neither method throws; a store that cannot be read restores nothing, one that cannot be
 * written keeps the keys in memory only.
 */
public interface KeySetStore {
    /**
     * A usable entry, with its document loaded.
     *
     * @param entry the entry
     * @param keys its keys
     * @param expiresAt the {@code exp} of its signed key set; empty for a plain JWKS
     */
    record Restored(CachedKeySet entry, LoadedKeySet keys, Optional<Instant> expiresAt) {
    }

    /**
     * Finds this source's entry and checks that it may be served.
     *
     * @param source what the source was configured with
     * @param jwksUri the source's JWKS URI when configured (empty for a discovering source)
     * @param now the current instant
     * @param maxStaleness how long after its confirmation an entry may still be served
     * @param signedSets the source's check when it pins roots (a signed entry is verified again under
     *                   them); empty for a plain JWKS
     * @return the entry with its keys, or empty
     */
    Optional<Restored> restore(URI source, Optional<URI> jwksUri, Instant now, Duration maxStaleness,
                               Optional<SignedKeySetVerifier> signedSets);

    /**
     * Stores one source's entry (after every 200 and 304).
     *
     * @param entry the entry to store
     * @param now the current instant
     * @param keepOthersFor how long after its confirmation another source's entry is worth keeping
     */
    void save(CachedKeySet entry, Instant now, Duration keepOthersFor);
}
