package io.nohop.keys.server;

import java.time.Instant;

/** Computes what to publish at an instant, from wherever the keys live (the store on disk, in practice). */
@FunctionalInterface
public interface PublicationSource {
    /**
     * Computes what to publish at {@code now}.
     *
     * @param now the instant to publish for
     * @return the publication
     * @throws Exception when the keys cannot be read; the server then keeps serving what it last had
     */
    Publication publicationAt(Instant now) throws Exception;
}
