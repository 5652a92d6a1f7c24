package io.nohop.core.internal.refresh;

import io.nohop.core.internal.keyset.KeySnapshot;
import io.nohop.core.internal.keyset.VerificationKey;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The one comparison of a newly loaded key set with the keys held, made once per accepted document:
 * it yields both the keys to install and the events to report.
 *
 * <p>A key unchanged since the previous set (same kid, type, curve, pinned algorithm and material) is
 * installed as the previous object, so results the verifier cached for it stay valid; any other key is
 * the new object. Keys without a kid cannot be named in an event and are not compared.
 *
 * @param keys the keys to install, in document order
 * @param added kids only in the new set
 * @param removed kids only in the old set
 * @param materialChanged kids in both whose key material differs (breaks tokens in flight; usually a
 *                        broken issuer)
 */
record KeySetChanges(List<VerificationKey> keys, Set<String> added, Set<String> removed,
                     Set<String> materialChanged) {
    KeySetChanges {
        keys = List.copyOf(keys);
        added = Collections.unmodifiableSet(new LinkedHashSet<>(added));
        removed = Collections.unmodifiableSet(new LinkedHashSet<>(removed));
        materialChanged = Collections.unmodifiableSet(new LinkedHashSet<>(materialChanged));
    }

    /**
     * @param held the snapshot in use
     * @param loaded the keys of the accepted document
     * @return what to install and what changed
     */
    static KeySetChanges between(KeySnapshot held, List<VerificationKey> loaded) {
        List<VerificationKey> install = new ArrayList<>(loaded.size());
        Set<String> added = new LinkedHashSet<>();
        Set<String> changed = new LinkedHashSet<>();
        Set<String> removed = new LinkedHashSet<>(held.kids());
        for (VerificationKey key : loaded) {
            VerificationKey old = key.kid() == null ? null : held.byKid(key.kid());
            if (key.kid() != null) {
                removed.remove(key.kid());
            }
            if (old != null && old.sameKeyAs(key)) {
                install.add(old);
                continue;
            }
            if (old == null && key.kid() != null) {
                added.add(key.kid());
            } else if (old != null && !old.sameMaterialAs(key)) {
                changed.add(key.kid());
            }
            install.add(key);
        }
        return new KeySetChanges(install, added, removed, changed);
    }
}
