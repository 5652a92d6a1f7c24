package io.nohop.keys;

import static io.nohop.keys.ClassifiedRecords.classify;
import static io.nohop.keys.ClassifiedRecords.createdKids;
import static io.nohop.keys.KeySetFile.lastAuditedIssuedAt;
import static io.nohop.keys.KeySetFile.publishedAt;

import com.nimbusds.jose.jwk.JWK;
import io.nohop.keys.KeySetFile.KeySetRead;
import io.nohop.keys.KeySetFile.Written;
import io.nohop.keys.internal.AtomicFileWriter;
import io.nohop.keys.internal.AuditLog;
import io.nohop.keys.internal.KeyDerivation;
import io.nohop.keys.internal.KeySetJws;
import io.nohop.keys.internal.StoreLock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.SecretKey;

/**
 * How the writing commands of {@link SigningKeyStore} change a store: each under the store's lock, on
 * the store as {@link #normalize} leaves it (interrupted commands finished, the signed set checked
 * under the root, the records split by whether the root vouches for them), signing a new key set when
 * the published one is out of date.
 */
final class StoreChanges {

    private final StoreParts parts;

    StoreChanges(StoreParts parts) {
        this.parts = parts;
    }

    /**
     * What a writing command works on, under the lock: the authenticated root, the latest set, and
     * the records split by whether the root vouches for them.
     *
     * @param signed records in the signed set (schedule derived), plus, when the set had to be rebuilt,
     *     the records whose private parts open under the passphrase
     * @param history records that left the set (revoked or retired) and were created by a logged command
     * @param unsigned records the root never signed
     * @param rebuild why the set must be signed again from the records, if it was missing or bad
     */
    record Locked(SecretKey auditKey, StoreRoots roots, JWK rootPrivate, Optional<KeySetJws.VerifiedKeySet> set,
                  long lastIssuedAt, List<KeyRecord> signed, List<KeyRecord> history, List<KeyRecord> unsigned,
                  long maxSequence, Optional<String> rebuild) {
        List<KeyRecord> records() {
            List<KeyRecord> all = new ArrayList<>(signed);
            all.addAll(history);
            all.sort(Comparator.comparingLong(KeyRecord::sequence));
            return all;
        }
    }

    /** One change to the store, made while holding its lock, on the store as {@link #normalize} leaves it. */
    @FunctionalInterface
    interface LockedChange<T> {
        T apply(Locked store, Instant now) throws IOException, StoreException;
    }

    /**
     * Runs a writing command: takes the store's lock, normalizes the store (interrupted commands finished,
     * the signed set checked) and applies the change, releasing the lock whatever happens.
     */
    <T> T change(SecretKey kek, String command, LockedChange<T> change) throws StoreException {
        Path folder = parts.folder();
        try {
            StoreLock lock = StoreDirectory.lock(folder, parts.lockTimeout());
            try {
                Instant now = now();
                return change.apply(normalize(now, kek, command), now);
            } finally {
                lock.close();
            }
        } catch (IOException e) {
            throw SigningKeyStore.ioFailure("cannot write the store at " + folder, e);
        }
    }

    /**
     * Under the lock: removes stray temp files, checks the audit log's end (recording a loss), opens
     * the root, reads the signed set, splits the records, records lost audit entries, persists the
     * derived schedule and destroys the private parts of retired keys.
     */
    Locked normalize(Instant now, SecretKey kek, String command) throws IOException, StoreException {
        Path folder = parts.folder();
        StoreCodec.StoreFile storeFile = parts.storeFile();
        StoreDirectory.removeTempFiles(folder);
        StoreDirectory.removeTempFiles(folder.resolve(SigningKeyStore.KEYS_FOLDER));
        SecretKey auditKey = KeyDerivation.hmacKey(kek, KeyDerivation.AUDIT_LOG_MAC);
        StoreRoots roots = parts.directory().readRoots()
                .orElseThrow(() -> new StoreException(parts.directory().noRootMessage()));
        JWK rootPrivate = parts.secrets().openRoot(roots.current(), kek);
        AuditLog.prepare(folder, auditKey, now, command, false);
        if (storeFile.format() < StoreCodec.STORE_FORMAT) {
            // An upgrade interrupted after root.json was written: finish it.
            StoreCodec.StoreFile file = StoreSecrets.withSettingsMac(new StoreCodec.StoreFile(storeFile.config(),
                    storeFile.kdf(), storeFile.passphraseCheck(), storeFile.createdAt(), StoreCodec.STORE_FORMAT,
                    Optional.empty()), kek);
            AtomicFileWriter.write(folder.resolve(SigningKeyStore.STORE_FILE), StoreCodec.writeStore(file),
                    AtomicFileWriter.OWNER_ONLY);
        }
        // Only entries with a valid MAC count here: a forged "created" or "revoked" line must not steer a writer.
        List<AuditLog.Entry> entries = AuditLog.verify(folder, auditKey).parsed();
        KeySetRead read = parts.keySetFile().readKeySet(roots);
        List<KeyRecord> stored = parts.directory().loadRecords();
        long maxSequence = stored.stream().mapToLong(KeyRecord::sequence).max().orElse(0);
        ClassifiedRecords c;
        if (read.set().isPresent()) {
            c = classify(stored, read.set().get(), createdKids(entries));
        } else {
            List<KeyRecord> genuine = parts.reconciliation().genuineRecords(stored, kek, entries);
            Set<String> genuineKids = new HashSet<>();
            genuine.forEach(r -> genuineKids.add(r.kid()));
            Set<String> created = createdKids(entries);
            List<KeyRecord> history = new ArrayList<>();
            List<KeyRecord> unsigned = new ArrayList<>();
            for (KeyRecord r : stored) {
                if (!genuineKids.contains(r.kid())) {
                    boolean left = r.revokedAt().isPresent() || (r.removeAt().isPresent() && !r.hasPrivateKey());
                    (left && created.contains(r.kid()) ? history : unsigned).add(r);
                }
            }
            c = new ClassifiedRecords(genuine, history, unsigned);
        }
        parts.reconciliation().reconcileAudit(c, read.set(), entries, auditKey, now);
        List<KeyRecord> signed = new ArrayList<>();
        Map<String, KeyRecord> storedByKid = new HashMap<>();
        stored.forEach(r -> storedByKid.put(r.kid(), r));
        for (KeyRecord derived : RotationSchedule.derive(c.inSet(), storeFile.config())) {
            KeyRecord target = derived;
            boolean retire = target.hasPrivateKey() && target.stateAt(now) == KeyState.RETIRED;
            if (retire) {
                target = target.withoutPrivateKey();
            }
            if (!target.equals(storedByKid.get(target.kid()))) {
                parts.directory().writeRecord(target);
            }
            if (retire) {
                AuditLog.append(folder, auditKey, now, AuditLog.NewEntry.of("retire", AuditLog.EVENT_RETIRED, target.kid(),
                        null, "removed from the key set at " + target.removeAt().map(Instant::toString).orElse("?")
                                + "; private key destroyed"));
            }
            signed.add(target);
        }
        long lastIssuedAt = Math.max(lastAuditedIssuedAt(entries), read.set().map(KeySetJws.VerifiedKeySet::issuedAt).orElse(0L));
        return new Locked(auditKey, roots, rootPrivate, read.set(), lastIssuedAt, List.copyOf(signed), c.history(),
                c.unsigned(), maxSequence, read.set().isPresent() ? Optional.empty() : read.problem());
    }

    /** Signs a new set when what should be published differs from the latest set, or the latest set is due. */
    void publishIfDue(Locked s, List<KeyRecord> signedRecords, Instant now, String command)
            throws IOException, StoreException {
        List<KeyRecord> target = publishedAt(RotationSchedule.derive(signedRecords, parts.storeFile().config()), now);
        boolean due = s.set().isEmpty()
                || !new HashSet<>(s.set().get().kids()).equals(new HashSet<>(target.stream().map(KeyRecord::kid).toList()))
                || parts.keySetFile().halfLifePassed(s.set().get().issuedAt(), now)
                || !s.set().get().signerKid().equals(s.roots().current().kid())
                || !s.set().get().issuer().equals(parts.storeFile().config().issuer());
        if (!due) {
            return;
        }
        Written set = parts.keySetFile().writeKeySet(s.rootPrivate(), s.roots(), target, now, s.lastIssuedAt());
        if (s.rebuild().isPresent()) {
            auditRebuild(s, now, command);
        }
        parts.keySetFile().auditKeySet(s.auditKey(), now, command, set);
    }

    void auditRebuild(Locked s, Instant now, String command) throws IOException {
        AuditLog.append(parts.folder(), s.auditKey(), now, AuditLog.NewEntry.of(command, AuditLog.EVENT_KEY_SET_REBUILT,
                s.roots().current().kid(), null, "the signed key set was signed again from the records whose private"
                        + " parts open under the passphrase, because: " + s.rebuild().get()));
    }

    /** The time a command runs at: whole seconds, like every timestamp in the store. */
    Instant now() {
        return parts.clock().instant().truncatedTo(ChronoUnit.SECONDS);
    }
}
