package io.nohop.core.internal.keyset;

import java.util.List;

/**
 * What loading a JWKS document produced: the usable keys (never empty) and the keys dropped, with why.
 *
 * @param keys usable keys with distinct kids, in document order
 * @param dropped keys refused one by one
 */
public record LoadedKeySet(List<VerificationKey> keys, List<DroppedKey> dropped) {
    /** Copies both lists. */
    public LoadedKeySet {
        keys = List.copyOf(keys);
        dropped = List.copyOf(dropped);
    }
}
