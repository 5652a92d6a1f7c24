package io.nohop.keys;

import io.nohop.keys.KeySetFile.Written;
import io.nohop.keys.internal.AuditLog;
import io.nohop.keys.internal.KeySetJws;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.crypto.SecretKey;

/**
 * The records and the signed key set held against the audit log: which records a lost or bad set is
 * signed again from, and the entries a writer appends for what an interrupted command left unrecorded.
 * The callers choose which entries count (writers pass only those whose MAC verifies).
 */
final class AuditReconciliation {

    private final Path folder;
    private final StoreSecrets secrets;
    private final KeySetFile keySetFile;

    AuditReconciliation(Path folder, StoreSecrets secrets, KeySetFile keySetFile) {
        this.folder = folder;
        this.secrets = secrets;
        this.keySetFile = keySetFile;
    }

    /**
     * Records with a private part that opens under the passphrase and matches its kid, never revoked or
     * retired (by their timestamps or the audit log): what a lost or bad key set is signed again from.
     */
    List<KeyRecord> genuineRecords(List<KeyRecord> stored, SecretKey kek, List<AuditLog.Entry> entries) {
        Set<String> gone = new HashSet<>();
        for (AuditLog.Entry e : entries) {
            if (e.kid().isPresent() && (e.event().equals(Optional.of(AuditLog.EVENT_REVOKED))
                    || e.event().equals(Optional.of(AuditLog.EVENT_RETIRED)))) {
                gone.add(e.kid().get());
            }
        }
        return stored.stream()
                .filter(r -> r.hasPrivateKey() && r.revokedAt().isEmpty() && !gone.contains(r.kid()))
                .filter(r -> secrets.privateKeyOpens(r, kek))
                .toList();
    }

    /**
     * Appends a {@code recover} entry for the signed set and for each record the root vouches for whose
     * creation, revocation or retirement the log does not record.
     */
    void reconcileAudit(ClassifiedRecords c, Optional<KeySetJws.VerifiedKeySet> set, List<AuditLog.Entry> entries,
                        SecretKey auditKey, Instant now) throws IOException {
        Set<String> created = new HashSet<>();
        Set<String> revoked = new HashSet<>();
        Set<String> retired = new HashSet<>();
        Set<String> signedSets = new HashSet<>();
        for (AuditLog.Entry entry : entries) {
            if (entry.event().equals(Optional.of(AuditLog.EVENT_KEY_SET_SIGNED))) {
                entry.text("sha256").ifPresent(signedSets::add);
            }
            if (entry.kid().isEmpty() || entry.event().isEmpty()) {
                continue;
            }
            switch (entry.event().get()) {
                case AuditLog.EVENT_CREATED -> created.add(entry.kid().get());
                case AuditLog.EVENT_REVOKED -> revoked.add(entry.kid().get());
                case AuditLog.EVENT_RETIRED -> retired.add(entry.kid().get());
                default -> {
                    // Other events prove nothing about these three.
                }
            }
        }
        String why = "record found without its audit entry (a command was interrupted)";
        if (set.isPresent()) {
            String sha256 = AuditLog.sha256Hex(set.get().compact().getBytes(StandardCharsets.US_ASCII));
            if (!signedSets.contains(sha256)) {
                keySetFile.auditKeySet(auditKey, now, "recover", new Written(set.get(), sha256));
            }
        }
        // Only records the root vouches for are recovered: a record written without the passphrase
        // must stay without an audit entry, so that it keeps being reported.
        for (KeyRecord r : c.inSet()) {
            if (!created.contains(r.kid())) {
                AuditLog.append(folder, auditKey, now, AuditLog.NewEntry.of("recover", AuditLog.EVENT_CREATED, r.kid(), null, why));
            }
        }
        List<KeyRecord> vouched = new ArrayList<>(c.inSet());
        vouched.addAll(c.history());
        for (KeyRecord r : vouched) {
            if (r.revokedAt().isPresent() && !revoked.contains(r.kid())) {
                AuditLog.append(folder, auditKey, now, AuditLog.NewEntry.of("recover", AuditLog.EVENT_REVOKED, r.kid(),
                        r.revocationReason().orElse(null), why));
            }
            if (r.revokedAt().isEmpty() && !r.hasPrivateKey() && !retired.contains(r.kid())) {
                AuditLog.append(folder, auditKey, now, AuditLog.NewEntry.of("recover", AuditLog.EVENT_RETIRED, r.kid(), null, why));
            }
        }
    }
}
