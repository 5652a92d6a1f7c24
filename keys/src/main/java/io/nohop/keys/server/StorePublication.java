package io.nohop.keys.server;

import io.nohop.keys.KeyRecord;
import io.nohop.keys.SigningKeyStore;
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
 * {@link JwksServer} in-process. Every call reads the store's records afresh, so rotations and
 * revocations, by this process or another, are published at the server's next reload.
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
        return now -> at(store.snapshot(), now);
    }

    /**
     * A source that opens the store folder on every call, so that even a store re-initialised or
     * repaired by another process is picked up.
     *
     * @param folder the store folder
     * @param clock the clock the store reads
     * @return the publication source
     */
    public static PublicationSource of(Path folder, Clock clock) {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(clock, "clock");
        return now -> at(SigningKeyStore.open(folder, clock).snapshot(), now);
    }

    /**
     * The publication of a snapshot at an instant: the published keys' JWKS, their count, the key
     * that signs, the next transition of any key, the store's issuer, and each published key's state and
     * creation time.
     *
     * @param snapshot the store's records
     * @param now the instant
     * @return what to publish
     */
    public static Publication at(StoreSnapshot snapshot, Instant now) {
        Optional<Instant> next = Optional.empty();
        for (KeyRecord r : snapshot.records()) {
            Optional<Instant> t = r.nextTransitionAfter(now);
            if (t.isPresent() && (next.isEmpty() || t.get().isBefore(next.get()))) {
                next = t;
            }
        }
        List<PublishedKey> keys = new ArrayList<>();
        for (KeyRecord r : snapshot.publishedAt(now)) {
            keys.add(new PublishedKey(r.kid(), r.stateAt(now), r.createdAt()));
        }
        return new Publication(snapshot.jwksJsonAt(now), keys.size(),
                snapshot.activeAt(now).map(KeyRecord::kid), next, snapshot.config().issuer(), keys);
    }
}
