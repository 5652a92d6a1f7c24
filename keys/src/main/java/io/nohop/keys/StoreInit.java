package io.nohop.keys;

import static io.nohop.keys.SigningKeyStore.KEYS_FOLDER;
import static io.nohop.keys.SigningKeyStore.ROOT_FILE;
import static io.nohop.keys.SigningKeyStore.STORE_FILE;

import com.nimbusds.jose.jwk.JWK;
import io.nohop.keys.KeySetFile.Written;
import io.nohop.keys.internal.AtomicFileWriter;
import io.nohop.keys.internal.AuditLog;
import io.nohop.keys.internal.KeyDerivation;
import io.nohop.keys.internal.KeyMaterial;
import io.nohop.keys.internal.PassphraseCipher;
import io.nohop.keys.internal.PassphraseCipher.KdfParameters;
import io.nohop.keys.internal.PassphraseCipher.Sealed;
import io.nohop.keys.internal.StoreLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.crypto.SecretKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link SigningKeyStore#create} writes once its arguments are checked: a new store's folder and
 * files, under the store's lock, with {@code store.json} last so that an interrupted init leaves no
 * store and can simply be run again.
 */
final class StoreInit {

    /** Under {@link SigningKeyStore}'s name: that is the logger operators' log settings name. */
    private static final Logger LOG = LoggerFactory.getLogger(SigningKeyStore.class);
    private static final Set<PosixFilePermission> FOLDER_PERMISSIONS = PosixFilePermissions.fromString("rwx------");

    private StoreInit() {
    }

    /**
     * Creates the store at {@code dir} (absolute and normalized).
     *
     * @return the settings written to {@code store.json}
     */
    static StoreCodec.StoreFile initialize(Path dir, StoreConfig config, char[] passphrase, Clock clock)
            throws StoreException {
        try {
            if (Files.exists(dir.resolve(STORE_FILE))) {
                throw new StoreException("a store already exists at " + dir);
            }
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new StoreException(dir + " is not a folder");
            }
            if (Files.isDirectory(dir)) {
                StoreDirectory.checkEmptyButForInterruptedInit(dir);
            }
            boolean folderIsNew = !Files.exists(dir);
            Files.createDirectories(dir);
            try {
                return initializeLocked(dir, config, passphrase, clock);
            } catch (StoreLockedException e) {
                // Another nohop command holds this folder: nothing here is ours to remove.
                throw e;
            } catch (IOException | StoreException | RuntimeException e) {
                // A failed init (a full disk, a refused write) leaves nothing behind: the re-run's cleanup is for a
                // crash, which cannot clean up after itself; here the encrypted key files would stay for nothing.
                removeFailedInit(dir, folderIsNew, e);
                throw e;
            }
        } catch (IOException e) {
            throw SigningKeyStore.ioFailure("cannot create the store at " + dir, e);
        }
    }

    private static StoreCodec.StoreFile initializeLocked(Path dir, StoreConfig config, char[] passphrase, Clock clock)
            throws IOException, StoreException {
        Files.setPosixFilePermissions(dir, FOLDER_PERMISSIONS);
        StoreLock lock = StoreDirectory.lock(dir, SigningKeyStore.DEFAULT_LOCK_TIMEOUT);
        try {
            if (Files.exists(dir.resolve(STORE_FILE))) {
                throw new StoreException("a store already exists at " + dir);
            }
            StoreDirectory.removeLeftoversOfInterruptedInit(dir);
            Path keys = dir.resolve(KEYS_FOLDER);
            Files.createDirectories(keys);
            Files.setPosixFilePermissions(keys, FOLDER_PERMISSIONS);

            Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
            KdfParameters kdf = PassphraseCipher.newParameters();
            SecretKey kek = PassphraseCipher.deriveKey(passphrase, kdf);
            Sealed check = StoreSecrets.sealPassphraseCheck(kek);
            StoreCodec.StoreFile unsigned = new StoreCodec.StoreFile(config, kdf, check, now,
                    StoreCodec.STORE_FORMAT, Optional.empty());
            StoreCodec.StoreFile file = StoreSecrets.withSettingsMac(unsigned, kek);
            StoreSecrets secrets = new StoreSecrets(file);
            KeySetFile keySetFile = new KeySetFile(dir, config);
            StoreDirectory directory = new StoreDirectory(dir, file);
            SecretKey auditKey = KeyDerivation.hmacKey(kek, KeyDerivation.AUDIT_LOG_MAC);

            JWK rootJwk = KeyMaterial.generate(config.rootAlgorithm().jwsName());
            StoreRoots roots = new StoreRoots(secrets.sealRoot(rootJwk, kek, now, Optional.empty()),
                    Optional.empty(), List.of());
            AtomicFileWriter.write(dir.resolve(ROOT_FILE), StoreCodec.writeRoots(roots), AtomicFileWriter.OWNER_ONLY);
            KeyRecord first = secrets.newRecord(1, KeyMaterial.generate(config.algorithm().jwsName()), kek, now, now);
            Written set = keySetFile.writeKeySet(rootJwk, roots, List.of(first), now, 0);
            directory.writeRecord(first);
            AuditLog.append(dir, auditKey, now, AuditLog.NewEntry.of("init", AuditLog.EVENT_ROOT_CREATED,
                    roots.current().kid(), null, "root key (key-set signing key), algorithm "
                            + config.rootAlgorithm().jwsName()));
            AuditLog.append(dir, auditKey, now, AuditLog.NewEntry.of("init", AuditLog.EVENT_CREATED, first.kid(), null,
                    "algorithm " + config.algorithm().jwsName() + ", issuer " + config.issuer().orElse("none")
                            + ", T " + config.maxTokenLifetime() + ", S " + config.clockSkew() + ", R "
                            + config.refreshBound() + ", L " + config.publishLead() + ", period "
                            + config.rotationPeriod() + ", key-set lifetime " + config.keySetLifetime()));
            keySetFile.auditKeySet(auditKey, now, "init", set);
            // store.json last: until it exists there is no store, and init can simply be run again.
            AtomicFileWriter.write(dir.resolve(STORE_FILE), StoreCodec.writeStore(file), AtomicFileWriter.OWNER_ONLY);
            LOG.info("created key store {} with key {} and root key {}", dir, first.kid(), roots.current().kid());
            return file;
        } catch (IOException | StoreException | RuntimeException e) {
            if (!Files.exists(dir.resolve(STORE_FILE))) {
                // Still under the lock: no other init can be writing here.
                try {
                    StoreDirectory.removeLeftoversOfInterruptedInit(dir);
                    Files.deleteIfExists(dir.resolve(KEYS_FOLDER));
                } catch (IOException | StoreException | RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            throw e;
        } finally {
            lock.close();
        }
    }

    /** After a failed init: the folder init made, if it made it and nothing else is left in it but the lock file. */
    private static void removeFailedInit(Path dir, boolean folderIsNew, Exception failure) {
        if (!folderIsNew || Files.exists(dir.resolve(STORE_FILE))) {
            return;
        }
        try {
            Files.deleteIfExists(dir.resolve(StoreLock.FILE_NAME));
            Files.deleteIfExists(dir);
        } catch (IOException | RuntimeException cleanup) {
            failure.addSuppressed(cleanup);
        }
    }
}
