package io.nohop.keys.cli;

import io.nohop.keys.KeyRecord;
import io.nohop.keys.KeyState;
import io.nohop.keys.SignedKeySet;
import io.nohop.keys.StoreSnapshot;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * What {@code list} and {@code export} say on stderr about the signed key set, the one thing published:
 * that it has expired, or that it still holds a key whose time to leave has come. Both are fixed by the
 * same command, {@code rotate --if-due}, which is meant to run from cron: what is published changes only
 * when the set is re-signed, so a key past its removal time stays published until then.
 */
final class PublicationWarnings {
    private PublicationWarnings() {
    }

    static void print(CliContext context, StoreSnapshot snapshot, Path folder, Instant now) {
        snapshot.signedKeySet().ifPresent(set -> {
            if (!set.expiresAt().isAfter(now)) {
                context.err.println("nohop: warning: the signed key set expired at " + set.expiresAt()
                        + "; verifiers that pin the root refuse it: run nohop rotate --store " + folder + " --if-due");
            }
            List<KeyRecord> overdue = stillPublished(snapshot, set, now);
            if (!overdue.isEmpty()) {
                KeyRecord first = overdue.get(0);
                context.err.println("nohop: warning: the signed key set still publishes " + overdue.size()
                        + (overdue.size() == 1 ? " key" : " keys") + " that should be gone (" + first.kid() + " is "
                        + first.stateAt(now) + " since " + leftAt(first, now) + "); it stays published until"
                        + " nohop rotate --store " + folder + " --if-due re-signs the set");
            }
        });
    }

    /** The records in the signed set whose state now is no longer a published one (RETIRED, REVOKED). */
    private static List<KeyRecord> stillPublished(StoreSnapshot snapshot, SignedKeySet set, Instant now) {
        return snapshot.records().stream()
                .filter(r -> set.kids().contains(r.kid()) && !r.stateAt(now).isPublished())
                .toList();
    }

    private static Object leftAt(KeyRecord r, Instant now) {
        Object at = r.stateAt(now) == KeyState.REVOKED ? r.revokedAt().orElse(null) : r.removeAt().orElse(null);
        return at != null ? at : "an unknown time";
    }
}
