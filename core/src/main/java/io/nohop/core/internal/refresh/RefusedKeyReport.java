package io.nohop.core.internal.refresh;

import io.nohop.core.internal.keyset.RefusedKey;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Remembers which refused keys were already reported, so that a key set with one bad key produces
 * one warning — not one per refresh for as long as the bad key stays published. A (kid, reason) pair
 * that leaves the set and comes back is reported again. Memory is bounded by the document size.
 */
final class RefusedKeyReport {
    private Set<RefusedKey> reported = Set.of();

    /**
     * @param refused the keys the latest accepted document refused
     * @return those not reported for the previous document, to report now
     */
    synchronized List<RefusedKey> newlyRefused(List<RefusedKey> refused) {
        List<RefusedKey> fresh = new ArrayList<>();
        for (RefusedKey key : refused) {
            if (!reported.contains(key)) {
                fresh.add(key);
            }
        }
        reported = new LinkedHashSet<>(refused);
        return fresh;
    }
}
