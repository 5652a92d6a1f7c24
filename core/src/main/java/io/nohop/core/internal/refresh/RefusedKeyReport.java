package io.nohop.core.internal.refresh;

import io.nohop.core.internal.keyset.DroppedKey;

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
    private Set<DroppedKey> reported = Set.of();

    /**
     * @param dropped the keys the latest accepted document refused
     * @return those not reported for the previous document, to report now
     */
    synchronized List<DroppedKey> newlyRefused(List<DroppedKey> dropped) {
        List<DroppedKey> fresh = new ArrayList<>();
        for (DroppedKey key : dropped) {
            if (!reported.contains(key)) {
                fresh.add(key);
            }
        }
        reported = new LinkedHashSet<>(dropped);
        return fresh;
    }
}
