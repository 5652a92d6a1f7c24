package io.nohop.core.internal.keyset;

import io.nohop.core.VerifierHealth;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** A key set handed to the builder: always usable, never refreshed. */
public final class FixedKeySource implements KeySource {
    private final KeySnapshot snapshot;

    /** @param keys the loaded keys */
    public FixedKeySource(LoadedKeySet keys) {
        this.snapshot = KeySnapshot.of(keys.keys(), Instant.EPOCH, Instant.MAX);
    }

    @Override
    public KeySnapshot snapshot() {
        return snapshot;
    }

    @Override
    public void unknownKid(String kid) {
        // Nothing to refresh: the set is fixed.
    }

    @Override
    public KeySnapshot awaitKid(String kid, Duration maxWait) {
        return snapshot;
    }

    @Override
    public boolean awaitFirstKeys(Duration timeout) {
        return true;
    }

    @Override
    public void start() {
        // Nothing runs in the background.
    }

    @Override
    public VerifierHealth.Source health() {
        return new VerifierHealth.Source(Optional.empty(), VerifierHealth.Status.FRESH, snapshot.keys().size(),
                Optional.empty(), 0, Optional.empty(), Optional.empty());
    }

    @Override
    public void close() {
        // Nothing to stop.
    }
}
