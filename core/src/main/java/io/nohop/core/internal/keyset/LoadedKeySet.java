package io.nohop.core.internal.keyset;

import java.util.List;

/**
 * What loading a JWKS document produced: the usable keys and the keys refused, with why.
 *
 * @param keys usable keys with distinct kids, in document order; never empty from {@link KeySetLoader#load}
 *             (only {@link KeySetLoader#inspect}, for diagnostics, answers a set without usable keys)
 * @param refused keys refused one by one
 */
public record LoadedKeySet(List<VerificationKey> keys, List<RefusedKey> refused) {
    /** Copies both lists. */
    public LoadedKeySet {
        keys = List.copyOf(keys);
        refused = List.copyOf(refused);
    }
}
