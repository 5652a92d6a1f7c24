package io.nohop.keys;

import io.nohop.keys.internal.AuditLog;
import io.nohop.keys.internal.KeySetJws;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Records split by what the root vouches for.
 *
 * @param inSet in the signed key set
 * @param history left the set (revoked or removed no later than the set was signed), with an audit entry
 * @param unsigned everything else: never signed by the root
 */
record ClassifiedRecords(List<KeyRecord> inSet, List<KeyRecord> history, List<KeyRecord> unsigned) {

    List<KeyRecord> records(StoreConfig config) {
        List<KeyRecord> all = new ArrayList<>(RotationSchedule.derive(inSet, config));
        all.addAll(history);
        all.sort(Comparator.comparingLong(KeyRecord::sequence));
        return all;
    }

    /**
     * A record in the set is vouched for by the root's signature. A record outside it is history only if
     * its own timestamps say it left the set no later than the set was signed (revoked, or removed)
     * and a logged command created it; anything else was never signed.
     */
    static ClassifiedRecords classify(List<KeyRecord> stored, KeySetJws.VerifiedKeySet set,
                                      Set<String> createdKids) {
        Set<String> kids = new HashSet<>(set.kids());
        Instant signedAt = Instant.ofEpochSecond(set.issuedAt());
        List<KeyRecord> inSet = new ArrayList<>();
        List<KeyRecord> history = new ArrayList<>();
        List<KeyRecord> unsigned = new ArrayList<>();
        for (KeyRecord r : stored) {
            if (kids.contains(r.kid())) {
                inSet.add(r);
                continue;
            }
            boolean left = r.revokedAt().map(t -> !t.isAfter(signedAt)).orElse(false)
                    || r.removeAt().map(t -> !t.isAfter(signedAt)).orElse(false);
            (left && createdKids.contains(r.kid()) ? history : unsigned).add(r);
        }
        return new ClassifiedRecords(inSet, history, unsigned);
    }

    static Set<String> createdKids(List<AuditLog.Entry> entries) {
        Set<String> created = new HashSet<>();
        for (AuditLog.Entry e : entries) {
            if (e.event().equals(Optional.of(AuditLog.EVENT_CREATED)) && e.kid().isPresent()) {
                created.add(e.kid().get());
            }
        }
        return created;
    }

    static String unsignedMessage(KeyRecord r) {
        return SigningKeyStore.KEYS_FOLDER + "/" + r.kid() + ".json was never signed by the root key (it is not in the"
                + " signed key set and no logged command created it): someone without the passphrase wrote or altered"
                + " it; it is never published and never signs; move it out of the store after investigating";
    }
}
