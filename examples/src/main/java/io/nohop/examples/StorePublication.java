package io.nohop.examples;

import io.nohop.keys.KeyRecord;
import io.nohop.keys.SigningKeyStore;
import io.nohop.keys.StoreSnapshot;
import io.nohop.keys.server.Publication;
import io.nohop.keys.server.PublicationSource;

import java.time.Instant;
import java.util.Optional;

/**
 * What a {@link io.nohop.keys.server.JwksServer} run in-process publishes for a key store: the same
 * computation as {@code nohop serve}, which keeps its own copy package-private.
 */
public final class StorePublication {
    private StorePublication() {
    }

    /**
     * A source that reads the store's records afresh on every call, so rotations and revocations
     * (by this process or another) are published at the server's next reload.
     *
     * @param store the key store
     * @return the publication source
     */
    public static PublicationSource of(SigningKeyStore store) {
        return now -> publication(store.snapshot(), now);
    }

    static Publication publication(StoreSnapshot snapshot, Instant now) {
        Optional<Instant> next = Optional.empty();
        for (KeyRecord r : snapshot.records()) {
            Optional<Instant> t = r.nextTransitionAfter(now);
            if (t.isPresent() && (next.isEmpty() || t.get().isBefore(next.get()))) {
                next = t;
            }
        }
        return new Publication(snapshot.jwksJsonAt(now), snapshot.publishedAt(now).size(),
                snapshot.activeAt(now).map(KeyRecord::kid), next, snapshot.config().issuer());
    }
}
