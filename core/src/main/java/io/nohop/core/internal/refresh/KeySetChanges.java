package io.nohop.core.internal.refresh;

import io.nohop.core.internal.keyset.KeySnapshot;
import io.nohop.core.internal.keyset.VerificationKey;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * How one key set differs from the previous one, by kid: keys added, keys removed, and kids reused
 * with different key material (which breaks tokens in flight and usually means a broken issuer).
 * Keys without a kid cannot be named in an event and are not compared.
 *
 * @param added kids only in the new set
 * @param removed kids only in the old set
 * @param materialChanged kids in both whose key material differs
 */
record KeySetChanges(Set<String> added, Set<String> removed, Set<String> materialChanged) {
    KeySetChanges {
        added = Collections.unmodifiableSet(new LinkedHashSet<>(added));
        removed = Collections.unmodifiableSet(new LinkedHashSet<>(removed));
        materialChanged = Collections.unmodifiableSet(new LinkedHashSet<>(materialChanged));
    }

    static KeySetChanges between(KeySnapshot before, KeySnapshot after) {
        Set<String> added = new LinkedHashSet<>();
        Set<String> changed = new LinkedHashSet<>();
        for (String kid : after.kids()) {
            VerificationKey old = before.byKid(kid);
            if (old == null) {
                added.add(kid);
            } else if (!old.sameMaterialAs(after.byKid(kid))) {
                changed.add(kid);
            }
        }
        Set<String> removed = new LinkedHashSet<>(before.kids());
        removed.removeAll(after.kids());
        return new KeySetChanges(added, removed, changed);
    }
}
