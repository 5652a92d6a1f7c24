package io.nohop.keys;

import static io.nohop.keys.ClassifiedRecords.classify;
import static io.nohop.keys.ClassifiedRecords.createdKids;
import static io.nohop.keys.ClassifiedRecords.unsignedMessage;
import static io.nohop.keys.KeySetFile.lastAuditedIssuedAt;
import static io.nohop.keys.SigningKeyStore.KEYS_FOLDER;
import static io.nohop.keys.SigningKeyStore.KEY_SET_FILE;

import io.nohop.keys.KeySetFile.KeySetRead;
import io.nohop.keys.KeySetFile.Written;
import io.nohop.keys.internal.AuditLog;
import io.nohop.keys.internal.KeyDerivation;
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
 * signed again from, the entries a writer appends for what an interrupted command left unrecorded, and
 * what {@code audit verify} reports. {@link #genuineRecords} and {@link #reconcileAudit} take the entries
 * their caller chose (writers pass only those whose MAC verifies); {@link #verify} reads the log through
 * its MAC check itself.
 */
final class AuditReconciliation {

    private final Path folder;
    private final StoreDirectory directory;
    private final StoreSecrets secrets;
    private final KeySetFile keySetFile;

    AuditReconciliation(Path folder, StoreDirectory directory, StoreSecrets secrets, KeySetFile keySetFile) {
        this.folder = folder;
        this.directory = directory;
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

    /**
     * What {@link SigningKeyStore#verifyAudit} reports, once the passphrase is checked: everything the
     * passphrase can vouch for, held against the audit log's entries whose MAC verifies.
     */
    AuditVerification verify(SecretKey kek) throws StoreException {
        SecretKey auditKey = KeyDerivation.hmacKey(kek, KeyDerivation.AUDIT_LOG_MAC);
        try {
            AuditLog.Verification v = AuditLog.verify(folder, auditKey);
            List<String> problems = new ArrayList<>(v.problems());
            List<String> notes = new ArrayList<>(v.notes());
            Optional<StoreRoots> roots = directory.readRoots();
            if (roots.isEmpty()) {
                problems.add(0, directory.noRootMessage());
                return new AuditVerification(v.entries(), problems, notes, v.tornTail());
            }
            for (StoreRoots.Entry root : roots.get().all()) {
                if (root.privateKey().isPresent()) {
                    try {
                        secrets.openRoot(root, kek);
                    } catch (StoreException e) {
                        problems.add(e.getMessage());
                    }
                }
            }
            List<AuditLog.Entry> entries = v.parsed();
            KeySetRead read = keySetFile.readKeySet(roots.get());
            List<KeyRecord> stored = directory.loadRecords();
            Set<String> created = createdKids(entries);
            if (read.set().isEmpty()) {
                problems.add(read.problem().orElse("no signed key set"));
            } else {
                KeySetJws.VerifiedKeySet set = read.set().get();
                String sha256 = AuditLog.sha256Hex(set.compact().getBytes(StandardCharsets.US_ASCII));
                long lastAudited = lastAuditedIssuedAt(entries);
                boolean audited = entries.stream().anyMatch(e -> e.event().equals(Optional.of(AuditLog.EVENT_KEY_SET_SIGNED))
                        && e.text("sha256").equals(Optional.of(sha256)));
                if (set.issuedAt() < lastAudited) {
                    problems.add(KEY_SET_FILE + " (iat " + Instant.ofEpochSecond(set.issuedAt()) + ") is older than the last"
                            + " key set the audit log records (iat " + Instant.ofEpochSecond(lastAudited)
                            + "): it was rolled back; nohop rotate --if-due signs a current one");
                } else if (!audited) {
                    notes.add(KEY_SET_FILE + " (iat " + Instant.ofEpochSecond(set.issuedAt()) + ") has no audit entry yet:"
                            + " a command was interrupted; the next writing command records it");
                }
                ClassifiedRecords c = classify(stored, set, created);
                for (KeyRecord r : c.unsigned()) {
                    problems.add(unsignedMessage(r));
                }
                Set<String> storedKids = new HashSet<>();
                stored.forEach(r -> storedKids.add(r.kid()));
                for (String kid : set.kids()) {
                    if (!storedKids.contains(kid)) {
                        String missing = "key " + kid + " is in the signed key set but " + KEYS_FOLDER + "/" + kid + ".json is missing";
                        // Its record is written after the set that names it and audited after that: a key
                        // the log says was created has lost its record; one it never recorded is a command
                        // interrupted between the two writes (whatever later command audited that set).
                        if (created.contains(kid)) {
                            problems.add(missing + ": it was removed from the store");
                        } else {
                            notes.add(missing + ": a command was interrupted; the next writing command drops it from the set");
                        }
                    }
                }
                for (KeyRecord r : c.inSet()) {
                    if (!created.contains(r.kid())) {
                        notes.add("key " + r.kid() + " is in the signed key set but its audit entry is missing: a command"
                                + " was interrupted; the next writing command records it");
                    }
                }
            }
            for (KeyRecord r : stored) {
                if (r.hasPrivateKey() && !secrets.privateKeyOpens(r, kek)) {
                    problems.add(KEYS_FOLDER + "/" + r.kid() + ".json: its private key does not open under the"
                            + " passphrase or does not match its kid: it was altered without the passphrase");
                }
            }
            return new AuditVerification(v.entries(), problems, notes, v.tornTail());
        } catch (IOException e) {
            // Any of the files it reads (the log, its head, the key set, the records): the exception names which.
            throw SigningKeyStore.ioFailure("cannot read the store at " + folder + " to check its audit log", e);
        }
    }
}
