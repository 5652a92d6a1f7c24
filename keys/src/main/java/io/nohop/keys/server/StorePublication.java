package io.nohop.keys.server;

import io.nohop.keys.KeyRecord;
import io.nohop.keys.KeyState;
import io.nohop.keys.SignedKeySet;
import io.nohop.keys.SigningKeyStore;
import io.nohop.keys.StoreException;
import io.nohop.keys.StoreSnapshot;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a key store publishes: the computation behind {@code nohop serve}, for running a
 * {@link JwksServer} in-process. Every call reads the store afresh, so rotations and revocations, by
 * this process or another, are published at the server's next reload.
 *
 * <p>What is published is exactly the keys of the store's latest signed key set, checked under the
 * store's root key — never the records in {@code keys/} themselves, so a record put there by someone
 * without the passphrase is never published. A store without a valid signed key set publishes nothing
 * (the source fails, naming the command that fixes it). The sources returned by {@code of} also remember
 * what they have published: they refuse a set older than one already published (a replayed
 * {@code keyset.jwt}), and a set signed by a root they have not trusted from the start or through an
 * endorsement by a trusted root (a swapped {@code root.json}).
 */
public final class StorePublication {
    private StorePublication() {
    }

    /**
     * A source over an opened store.
     *
     * @param store the key store
     * @return the publication source
     */
    public static PublicationSource of(SigningKeyStore store) {
        Objects.requireNonNull(store, "store");
        TrustedRoots trusted = new TrustedRoots();
        return now -> {
            StoreSnapshot snapshot = store.snapshot();
            trusted.check(snapshot);
            return at(snapshot, now);
        };
    }

    /**
     * A source that opens the store folder on every call, so that a store repaired by another process is
     * picked up (a store re-created with a new root is refused until the server restarts).
     *
     * @param folder the store folder
     * @param clock the clock the store reads
     * @return the publication source
     */
    public static PublicationSource of(Path folder, Clock clock) {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(clock, "clock");
        TrustedRoots trusted = new TrustedRoots();
        return now -> {
            StoreSnapshot snapshot = SigningKeyStore.open(folder, clock).snapshot();
            trusted.check(snapshot);
            return at(snapshot, now);
        };
    }

    /**
     * The publication of a snapshot at an instant: the signed key set and the plain JWKS of its keys,
     * their count, the key that signs, the next transition of any key, the store's issuer, and each
     * published key's state and creation time.
     *
     * @param snapshot the store as loaded
     * @param now the instant
     * @return what to publish
     * @throws StoreException if the store has no valid signed key set (the message says what to run)
     */
    public static Publication at(StoreSnapshot snapshot, Instant now) throws StoreException {
        SignedKeySet set = snapshot.signedKeySet().orElseThrow(() -> new StoreException(
                "nothing to publish: " + snapshot.keySetProblem().orElse("no signed key set")));
        refuseRevokedKeys(snapshot, set, now);
        Optional<Instant> next = Optional.empty();
        for (KeyRecord r : snapshot.records()) {
            Optional<Instant> t = r.nextTransitionAfter(now);
            if (t.isPresent() && (next.isEmpty() || t.get().isBefore(next.get()))) {
                next = t;
            }
        }
        Optional<String> active = snapshot.activeAt(now).map(KeyRecord::kid).filter(set.kids()::contains);
        List<PublishedKey> keys = new ArrayList<>();
        for (KeyRecord r : snapshot.records()) {
            if (set.kids().contains(r.kid())) {
                keys.add(new PublishedKey(r.kid(), r.stateAt(now), r.createdAt()));
            }
        }
        return new Publication(set.jwksJson(), set.kids().size(), active, next, snapshot.config().issuer(),
                Optional.of(set.compactSerialization()), keys);
    }

    /**
     * Refuses a signed key set that still holds a key whose record says it is revoked. A revocation signs a new set
     * without the key at once, so such a set is an older one put back (someone who can write the store but lacks
     * the passphrase, replaying a {@code keyset.jwt} they copied earlier) or a revocation cut short between its
     * writes; publishing it would bring the revoked key back to every verifier that does not pin the root, and to new
     * ones that do. A key past its removal time (RETIRED) is not refused: it stays published until the set is
     * re-signed, by design.
     *
     * @param snapshot the store as loaded (its records are checked under the root)
     * @param set the signed key set about to be published
     * @param now the instant of publication
     * @throws StoreException naming the key, when the set holds a revoked key; the message says what to run
     */
    public static void refuseRevokedKeys(StoreSnapshot snapshot, SignedKeySet set, Instant now) throws StoreException {
        for (KeyRecord r : snapshot.records()) {
            if (set.kids().contains(r.kid()) && r.stateAt(now) == KeyState.REVOKED) {
                throw new StoreException("the signed key set (keyset.jwt, signed " + set.issuedAt() + ") still holds key "
                        + r.kid() + ", revoked at " + r.revokedAt().map(Instant::toString).orElse("an unknown time")
                        + ": an older set put back, or a revocation cut short; it is not published until"
                        + " nohop rotate --if-due signs a current one");
            }
        }
    }
}
