package io.nohop.keys.server;

import io.nohop.keys.KeyState;

import java.time.Instant;
import java.util.Objects;

/**
 * One key a {@link Publication} publishes, as {@code GET /status} on the admin listener reports it.
 *
 * @param kid the key id
 * @param state its state at the publication's instant ({@code PENDING}, {@code ACTIVE} or {@code RETIRING})
 * @param publishedAt when the store first published it (its {@code createdAt})
 */
public record PublishedKey(String kid, KeyState state, Instant publishedAt) {
    /**
     * Checks that nothing is null.
     *
     * @param kid the key id
     * @param state its state
     * @param publishedAt when it was first published
     */
    public PublishedKey {
        Objects.requireNonNull(kid, "kid");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(publishedAt, "publishedAt");
    }
}
