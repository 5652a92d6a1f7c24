package io.nohop.keys;

import static io.nohop.keys.KeySetFile.lastAuditedIssuedAt;
import static io.nohop.keys.KeySetFile.publishedAt;
import static io.nohop.keys.SigningKeyStore.KEYS_FOLDER;
import static io.nohop.keys.SigningKeyStore.ROOT_FILE;
import static io.nohop.keys.SigningKeyStore.STORE_FILE;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import io.nohop.keys.KeySetFile.Written;
import io.nohop.keys.internal.AtomicFileWriter;
import io.nohop.keys.internal.AuditLog;
import io.nohop.keys.internal.KeyDerivation;
import io.nohop.keys.internal.KeyMaterial;
import io.nohop.keys.internal.KeySetJws;
import io.nohop.keys.internal.StoreLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.crypto.SecretKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The root-key commands of {@link SigningKeyStore}, run once the passphrase is checked: giving a store
 * created before signed key sets its root, staging a successor endorsed by the current root, and
 * switching to it.
 */
final class RootKeys {

    /** Under {@link SigningKeyStore}'s name: that is the logger operators' log settings name. */
    private static final Logger LOG = LoggerFactory.getLogger(SigningKeyStore.class);

    private final StoreParts parts;
    private final StoreChanges changes;

    RootKeys(StoreParts parts, StoreChanges changes) {
        this.parts = parts;
        this.changes = changes;
    }

    /** {@link SigningKeyStore#createRootKey}: under the lock, without normalizing (there is no root to open yet). */
    RootKey create(Optional<SigningAlgorithm> algorithm, SecretKey kek) throws StoreException {
        Path folder = parts.folder();
        StoreCodec.StoreFile storeFile = parts.storeFile();
        try {
            StoreLock lock = StoreDirectory.lock(folder, parts.lockTimeout());
            try {
                if (Files.exists(folder.resolve(ROOT_FILE))) {
                    throw new StoreException("this store already has a root key (" + ROOT_FILE + "); nohop root-key --store "
                            + folder + " prints it, --rotate replaces it");
                }
                if (storeFile.format() >= StoreCodec.STORE_FORMAT) {
                    throw new StoreException(parts.directory().noRootMessage());
                }
                Instant now = changes.now();
                StoreDirectory.removeTempFiles(folder);
                StoreDirectory.removeTempFiles(folder.resolve(KEYS_FOLDER));
                SecretKey auditKey = KeyDerivation.hmacKey(kek, KeyDerivation.AUDIT_LOG_MAC);
                AuditLog.prepare(folder, auditKey, now, "root-key", true);
                int before = AuditLog.read(folder).size();
                AuditLog.append(folder, auditKey, now, AuditLog.NewEntry.of("root-key", AuditLog.EVENT_AUTHENTICATED, null,
                        null, "from this entry on every entry carries a MAC under a key derived from the passphrase;"
                                + " the " + before + " entries before it were written by an older nohop without one"));
                List<AuditLog.Entry> entries = AuditLog.read(folder);
                List<KeyRecord> stored = parts.directory().loadRecords();
                List<KeyRecord> genuine = parts.reconciliation().genuineRecords(stored, kek, entries);
                SigningAlgorithm alg = algorithm.orElse(storeFile.config().rootAlgorithm());
                JWK rootJwk = KeyMaterial.generate(alg.jwsName());
                StoreRoots roots = new StoreRoots(parts.secrets().sealRoot(rootJwk, kek, now, Optional.empty()),
                        Optional.empty(), List.of());
                AtomicFileWriter.write(folder.resolve(ROOT_FILE), StoreCodec.writeRoots(roots), AtomicFileWriter.OWNER_ONLY);
                AuditLog.append(folder, auditKey, now, AuditLog.NewEntry.of("root-key", AuditLog.EVENT_ROOT_CREATED,
                        roots.current().kid(), null, "root key (key-set signing key) added to a store created before"
                                + " signed key sets, algorithm " + alg.jwsName()));
                Written set = parts.keySetFile().writeKeySet(rootJwk, roots,
                        publishedAt(RotationSchedule.derive(genuine, storeFile.config()), now), now,
                        lastAuditedIssuedAt(entries));
                parts.keySetFile().auditKeySet(auditKey, now, "root-key", set);
                StoreConfig upgraded = storeFile.config().toBuilder().rootAlgorithm(alg).build();
                StoreCodec.StoreFile file = StoreSecrets.withSettingsMac(new StoreCodec.StoreFile(upgraded, storeFile.kdf(),
                        storeFile.passphraseCheck(), storeFile.createdAt(), StoreCodec.STORE_FORMAT, Optional.empty()), kek);
                AtomicFileWriter.write(folder.resolve(STORE_FILE), StoreCodec.writeStore(file), AtomicFileWriter.OWNER_ONLY);
                LOG.info("store {} has root key {} now", folder, roots.current().kid());
                return roots.current().view();
            } finally {
                lock.close();
            }
        } catch (IOException e) {
            throw SigningKeyStore.ioFailure("cannot write the store at " + folder, e);
        }
    }

    /** {@link SigningKeyStore#stageRootKey}: a writing command like any other. */
    RootKey stage(Optional<SigningAlgorithm> algorithm, SecretKey kek) throws StoreException {
        Path folder = parts.folder();
        return changes.change(kek, "root-key", (s, now) -> {
            if (s.roots().next().isPresent()) {
                throw new StoreException("successor root " + s.roots().next().get().kid() + " is already staged: pin it"
                        + " (nohop root-key --store " + folder + " --next), then nohop root-key --store " + folder
                        + " --switch");
            }
            SigningAlgorithm alg = algorithm.orElse(parts.storeFile().config().rootAlgorithm());
            JWK successor = KeyMaterial.generate(alg.jwsName());
            String endorsement;
            try {
                endorsement = KeySetJws.signEndorsement(s.rootPrivate(), successor.toPublicJWK(), now.getEpochSecond());
            } catch (JOSEException e) {
                throw new StoreException("signing the endorsement failed: " + SigningKeyStore.oneLine(e.getMessage()), e);
            }
            StoreRoots.Entry next = parts.secrets().sealRoot(successor, kek, now, Optional.of(endorsement));
            StoreRoots roots = new StoreRoots(s.roots().current(), Optional.of(next), s.roots().previous());
            AtomicFileWriter.write(folder.resolve(ROOT_FILE), StoreCodec.writeRoots(roots), AtomicFileWriter.OWNER_ONLY);
            AuditLog.append(folder, s.auditKey(), now, AuditLog.NewEntry.of("root-key", AuditLog.EVENT_ROOT_STAGED,
                    next.kid(), null, "successor root, algorithm " + alg.jwsName() + ", endorsed by "
                            + s.roots().current().kid() + "; it signs nothing until root-key --switch"));
            changes.publishIfDue(s, s.signed(), now, "root-key");
            return next.view();
        });
    }

    /** {@link SigningKeyStore#switchRootKey}: the successor's private part opens before anything is written. */
    RootKey switchToNext(SecretKey kek) throws StoreException {
        Path folder = parts.folder();
        return changes.change(kek, "root-key", (s, now) -> {
            StoreRoots.Entry next = s.roots().next().orElseThrow(() -> new StoreException(
                    "no successor root is staged: run nohop root-key --store " + folder + " --rotate first"));
            JWK nextPrivate = parts.secrets().openRoot(next, kek);
            List<StoreRoots.Entry> previous = new ArrayList<>();
            previous.add(s.roots().current().retired(now));
            previous.addAll(s.roots().previous());
            StoreRoots roots = new StoreRoots(next, Optional.empty(), previous);
            AtomicFileWriter.write(folder.resolve(ROOT_FILE), StoreCodec.writeRoots(roots), AtomicFileWriter.OWNER_ONLY);
            AuditLog.append(folder, s.auditKey(), now, AuditLog.NewEntry.of("root-key", AuditLog.EVENT_ROOT_SWITCHED,
                    next.kid(), null, "signs the key set from now on; previous root " + s.roots().current().kid()
                            + " no longer signs (its private part is destroyed)"));
            Written set = parts.keySetFile().writeKeySet(nextPrivate, roots, publishedAt(s.signed(), now), now,
                    s.lastIssuedAt());
            parts.keySetFile().auditKeySet(s.auditKey(), now, "root-key", set);
            return next.view();
        });
    }
}
