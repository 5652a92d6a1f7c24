package io.nohop.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jwk.JWK;
import io.nohop.keys.internal.AtomicFileWriter;
import io.nohop.keys.internal.AuditLog;
import io.nohop.keys.internal.KeyMaterial;
import io.nohop.keys.internal.PassphraseCipher;
import io.nohop.keys.internal.PassphraseCipher.KdfParameters;
import io.nohop.keys.internal.PassphraseCipher.Sealed;
import io.nohop.keys.internal.StoreLock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A key store in a folder: the security team's signing keys, their schedule and the audit log.
 *
 * <p>Layout (folder 0700, files 0600):
 * <pre>
 * store.json          settings, key-derivation parameters, passphrase check (written once, by init)
 * keys/&lt;kid&gt;.json     one record per key: public JWK, encrypted private JWK, lifecycle timestamps
 * audit.log           append-only hash-chained audit log, one JSON object per line
 * audit.head          entry count and hash of the last audit line (detects truncation)
 * .lock               the exclusive write lock (FileChannel.lock)
 * .tmp-*              temporary files of interrupted writes: ignored on load, deleted by the next writer
 * </pre>
 *
 * <p>Durability: every file is replaced atomically (temp file, fsync, rename, folder fsync) and every
 * change is made under the exclusive lock. A change touching several files writes the file that
 * commits it first (the new key record) and derives the rest again on every load (see
 * {@link RotationSchedule}); a later writer repairs what an interrupted command left undone, and
 * appends a {@code recover} audit entry for a record whose audit entry was lost. Readers take no lock.
 *
 * <p>Timestamps are whole seconds in UTC.
 */
public final class SigningKeyStore {

    /** Name of the settings file. */
    public static final String STORE_FILE = "store.json";
    /** Name of the folder holding key records. */
    public static final String KEYS_FOLDER = "keys";
    /** Default bound on waiting for another process's lock. */
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(SigningKeyStore.class);
    private static final Set<PosixFilePermission> FOLDER_PERMISSIONS = PosixFilePermissions.fromString("rwx------");
    private static final Pattern RECORD_NAME = Pattern.compile("[A-Za-z0-9_-]{43}\\.json");
    private static final byte[] CHECK_PLAINTEXT = "nohop passphrase check".getBytes(StandardCharsets.UTF_8);
    private static final byte[] CHECK_AAD = "nohop:passphrase-check".getBytes(StandardCharsets.UTF_8);

    private final Path folder;
    private final Clock clock;
    private final Duration lockTimeout;
    private final StoreCodec.StoreFile storeFile;

    private SigningKeyStore(Path folder, Clock clock, Duration lockTimeout, StoreCodec.StoreFile storeFile) {
        this.folder = folder;
        this.clock = clock;
        this.lockTimeout = lockTimeout;
        this.storeFile = storeFile;
    }

    /**
     * Creates a new store with its first key, ACTIVE at once (no verifier can hold an older key set).
     *
     * @param folder a folder that does not exist yet or is empty
     * @param config the settings
     * @param passphrase the passphrase that encrypts the private keys (not kept)
     * @param clock the clock
     * @return the open store
     * @throws ScheduleRefusedException if the publish lead is shorter than twice the refresh bound
     * @throws StoreException if the folder holds a store or other files, or cannot be written
     */
    public static SigningKeyStore create(Path folder, StoreConfig config, char[] passphrase, Clock clock)
            throws StoreException {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clock, "clock");
        requirePassphrase(passphrase);
        Duration twiceRefresh = config.refreshBound().multipliedBy(2);
        if (config.publishLead().compareTo(twiceRefresh) < 0) {
            throw new ScheduleRefusedException("refused: publish lead " + Durations.format(config.publishLead())
                    + " is shorter than twice the verifiers' refresh bound (2 x "
                    + Durations.format(config.refreshBound()) + " = " + Durations.format(twiceRefresh) + ")");
        }
        Path dir = folder.toAbsolutePath().normalize();
        try {
            if (Files.exists(dir.resolve(STORE_FILE))) {
                throw new StoreException("a store already exists at " + dir);
            }
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new StoreException(dir + " is not a folder");
            }
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, FOLDER_PERMISSIONS);
            StoreLock lock = lock(dir, DEFAULT_LOCK_TIMEOUT);
            try {
                if (Files.exists(dir.resolve(STORE_FILE))) {
                    throw new StoreException("a store already exists at " + dir);
                }
                removeLeftoversOfInterruptedInit(dir);
                Path keys = dir.resolve(KEYS_FOLDER);
                Files.createDirectories(keys);
                Files.setPosixFilePermissions(keys, FOLDER_PERMISSIONS);

                Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
                KdfParameters kdf = PassphraseCipher.newParameters();
                SecretKey kek = PassphraseCipher.deriveKey(passphrase, kdf);
                Sealed check = PassphraseCipher.seal(kek, CHECK_PLAINTEXT, CHECK_AAD);
                StoreCodec.StoreFile file = new StoreCodec.StoreFile(config, kdf, check, now);
                SigningKeyStore store = new SigningKeyStore(dir, clock, DEFAULT_LOCK_TIMEOUT, file);

                KeyRecord first = store.newRecord(1, KeyMaterial.generate(config.algorithm().jwsName()), kek, now, now);
                store.writeRecord(first);
                AuditLog.append(dir, now, "init", AuditLog.EVENT_CREATED, first.kid(), null,
                        "algorithm " + config.algorithm().jwsName() + ", issuer " + config.issuer().orElse("none")
                                + ", T " + config.maxTokenLifetime() + ", S " + config.clockSkew() + ", R "
                                + config.refreshBound() + ", L " + config.publishLead() + ", period "
                                + config.rotationPeriod());
                // store.json last: until it exists there is no store, and init can simply be run again.
                AtomicFileWriter.write(dir.resolve(STORE_FILE), StoreCodec.writeStore(file), AtomicFileWriter.OWNER_ONLY);
                LOG.info("created key store {} with key {}", dir, first.kid());
                return store;
            } finally {
                lock.close();
            }
        } catch (IOException e) {
            throw ioFailure("cannot create the store at " + dir, e);
        }
    }

    /**
     * Opens an existing store (reads only {@code store.json}; records are read by each operation).
     *
     * @param folder the store folder
     * @param clock the clock that every operation reads
     * @return the store
     * @throws StoreException if there is no store or its settings file is corrupt
     */
    public static SigningKeyStore open(Path folder, Clock clock) throws StoreException {
        Objects.requireNonNull(clock, "clock");
        Path dir = folder.toAbsolutePath().normalize();
        Path file = dir.resolve(STORE_FILE);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new StoreException("no store at " + dir + " (" + STORE_FILE + " not found; run nohop init)");
        } catch (IOException e) {
            throw ioFailure("cannot read " + file, e);
        }
        try {
            return new SigningKeyStore(dir, clock, DEFAULT_LOCK_TIMEOUT, StoreCodec.readStore(bytes));
        } catch (ParseException | RuntimeException e) {
            throw new StoreException("corrupt store settings " + file + ": " + oneLine(e.getMessage()));
        }
    }

    /**
     * The same store with another bound on waiting for the write lock.
     *
     * @param timeout how long to wait for another process before failing with {@link StoreLockedException}
     * @return a store handle using that bound
     */
    public SigningKeyStore withLockTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("lock timeout must not be negative: " + timeout);
        }
        return new SigningKeyStore(folder, clock, timeout, storeFile);
    }

    /**
     * The store folder.
     *
     * @return the absolute folder path
     */
    public Path folder() {
        return folder;
    }

    /**
     * The store settings.
     *
     * @return the configuration
     */
    public StoreConfig config() {
        return storeFile.config();
    }

    /**
     * The clock this store reads.
     *
     * @return the clock
     */
    public Clock clock() {
        return clock;
    }

    /**
     * Reads the records as they are now on disk.
     *
     * @return an immutable snapshot
     * @throws StoreException if a record is corrupt or unreadable
     */
    public StoreSnapshot snapshot() throws StoreException {
        try {
            return new StoreSnapshot(config(), RotationSchedule.derive(loadRecords(), config()));
        } catch (IOException e) {
            throw ioFailure("cannot read the store at " + folder, e);
        }
    }

    /**
     * Schedules a new key: it is published now and activates after the publish lead; its predecessor
     * stops signing then and stays published for T + S more.
     *
     * @param request lead override, force, and only-if-due
     * @param passphrase the store passphrase (not kept)
     * @return the new key, or empty when {@code onlyIfDue} and no rotation is due
     * @throws WrongPassphraseException if the passphrase is wrong (nothing is changed)
     * @throws ScheduleRefusedException if the rotation would break the timeline and is not forced
     * @throws StoreLockedException if another process holds the lock for too long
     * @throws StoreException if the store is corrupt or cannot be written
     */
    public Optional<KeyRecord> rotate(RotationRequest request, char[] passphrase) throws StoreException {
        Objects.requireNonNull(request, "request");
        Duration lead = request.publishLead().orElse(config().publishLead());
        if (request.onlyIfDue()
                && !RotationSchedule.isDue(snapshot().records(), config(), now(), lead)) {
            // Checked before the slow work, so cron can run this every minute cheaply.
            return Optional.empty();
        }
        SecretKey kek = unlock(passphrase);
        JWK key = KeyMaterial.generate(config().algorithm().jwsName());
        try {
            StoreLock lock = lock(folder, lockTimeout);
            try {
                Instant now = now();
                List<KeyRecord> records = normalize(now);
                if (request.onlyIfDue() && !RotationSchedule.isDue(records, config(), now, lead)) {
                    return Optional.empty();
                }
                Optional<String> refusal = RotationSchedule.rotationRefusal(records, config(), now, lead);
                if (refusal.isPresent() && !request.force()) {
                    throw new ScheduleRefusedException(refusal.get());
                }
                long sequence = records.stream().mapToLong(KeyRecord::sequence).max().orElse(0) + 1;
                KeyRecord created = newRecord(sequence, key, kek, now, now.plus(lead));
                writeRecord(created);
                AuditLog.append(folder, now, "rotate", AuditLog.EVENT_CREATED, created.kid(), null,
                        "activates at " + created.activateAt() + (request.onlyIfDue() ? " (due)" : "")
                                + refusal.map(r -> "; forced past: " + r).orElse(""));
                List<KeyRecord> after = normalize(now);
                LOG.info("rotated store {}: new key {} activates at {}", folder, created.kid(), created.activateAt());
                return after.stream().filter(r -> r.kid().equals(created.kid())).findFirst();
            } finally {
                lock.close();
            }
        } catch (IOException e) {
            throw ioFailure("cannot write the store at " + folder, e);
        }
    }

    /**
     * Revokes a key at once: unpublished, private part destroyed, reason recorded.
     *
     * @param kid the key id
     * @param reason why, for the record and the audit log
     * @param force revoke even the last key that can sign (signing then stops)
     * @return the revoked record (unchanged if it was already revoked)
     * @throws ScheduleRefusedException if this is the last key that can sign and not forced
     * @throws StoreException if the kid is unknown, or the store is corrupt, locked or unwritable
     */
    public KeyRecord revoke(String kid, Optional<String> reason, boolean force) throws StoreException {
        Objects.requireNonNull(kid, "kid");
        Objects.requireNonNull(reason, "reason");
        try {
            StoreLock lock = lock(folder, lockTimeout);
            try {
                Instant now = now();
                List<KeyRecord> records = normalize(now);
                KeyRecord target = records.stream().filter(r -> r.kid().equals(kid)).findFirst()
                        .orElseThrow(() -> new StoreException("unknown kid " + kid));
                if (target.revokedAt().isPresent()) {
                    return target;
                }
                Optional<String> refusal = RotationSchedule.revocationRefusal(records, target, now);
                if (refusal.isPresent() && !force) {
                    throw new ScheduleRefusedException(refusal.get());
                }
                KeyRecord revoked = target.revoked(now, reason);
                writeRecord(revoked);
                AuditLog.append(folder, now, "revoke", AuditLog.EVENT_REVOKED, kid, reason.orElse(null),
                        refusal.isPresent() ? "forced: signing stops" : "private key destroyed");
                LOG.warn("revoked key {} in store {}", kid, folder);
                return revoked;
            } finally {
                lock.close();
            }
        } catch (IOException e) {
            throw ioFailure("cannot write the store at " + folder, e);
        }
    }

    /**
     * Checks the audit log's hash chain.
     *
     * @return the result, naming the first broken entry
     * @throws StoreException if the log cannot be read
     */
    public AuditVerification verifyAudit() throws StoreException {
        try {
            AuditLog.Verification v = AuditLog.verify(folder);
            return new AuditVerification(v.entries(), v.problem(), v.tornTail());
        } catch (IOException e) {
            throw ioFailure("cannot read the audit log of " + folder, e);
        }
    }

    /**
     * Derives the key-encryption key and checks it against the store's passphrase check: the one slow step.
     */
    SecretKey unlock(char[] passphrase) throws StoreException {
        requirePassphrase(passphrase);
        SecretKey kek = PassphraseCipher.deriveKey(passphrase, storeFile.kdf());
        try {
            PassphraseCipher.open(kek, storeFile.passphraseCheck(), CHECK_AAD);
        } catch (AEADBadTagException e) {
            throw new WrongPassphraseException("wrong passphrase");
        }
        return kek;
    }

    /**
     * Decrypts a record's private key into a signer.
     *
     * @param record the record
     * @param kek the key from {@link #unlock}, used when the record shares the store's KDF parameters
     * @param passphrase used only when the record has its own KDF parameters
     */
    JWSSigner signer(KeyRecord record, SecretKey kek, char[] passphrase) throws StoreException {
        SealedPrivateKey sealed = record.sealedPrivateKey().orElseThrow(() -> new StoreException(
                "the private key of " + record.kid() + " has been destroyed"));
        SecretKey key = sealed.kdf().sameAs(storeFile.kdf()) ? kek : PassphraseCipher.deriveKey(passphrase, sealed.kdf());
        byte[] plaintext;
        try {
            plaintext = PassphraseCipher.open(key, sealed.sealed(), privateKeyAad(record.kid()));
        } catch (AEADBadTagException e) {
            throw new WrongPassphraseException("wrong passphrase (or the private key of " + record.kid() + " was altered)");
        }
        try {
            JWK jwk = JWK.parse(new String(plaintext, StandardCharsets.UTF_8));
            if (!jwk.isPrivate() || !jwk.computeThumbprint().toString().equals(record.kid())) {
                throw new StoreException("corrupt key record " + record.kid() + ": private key does not match its kid");
            }
            return KeyMaterial.signer(jwk);
        } catch (ParseException | JOSEException e) {
            throw new StoreException("corrupt key record " + record.kid() + ": " + oneLine(e.getMessage()));
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    private KeyRecord newRecord(long sequence, JWK privateJwk, SecretKey kek, Instant createdAt, Instant activateAt) {
        String kid = privateJwk.getKeyID();
        Sealed sealed = PassphraseCipher.seal(kek, privateJwk.toJSONString().getBytes(StandardCharsets.UTF_8),
                privateKeyAad(kid));
        return KeyRecord.of(sequence, kid, config().algorithm(), privateJwk.toPublicJWK(), createdAt, activateAt,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(new SealedPrivateKey(storeFile.kdf(), sealed)));
    }

    /**
     * Under the lock: removes stray temp files, repairs the audit tail, persists the derived schedule,
     * destroys private parts of retired keys, and records lost audit entries.
     */
    private List<KeyRecord> normalize(Instant now) throws IOException, StoreException {
        removeTempFiles(folder);
        removeTempFiles(folder.resolve(KEYS_FOLDER));
        AuditLog.repair(folder);
        List<KeyRecord> stored = loadRecords();
        Map<String, KeyRecord> storedByKid = new HashMap<>();
        stored.forEach(r -> storedByKid.put(r.kid(), r));
        reconcileAudit(stored, now);
        List<KeyRecord> result = new ArrayList<>();
        for (KeyRecord derived : RotationSchedule.derive(stored, config())) {
            KeyRecord target = derived;
            boolean retire = target.hasPrivateKey() && target.stateAt(now) == KeyState.RETIRED;
            if (retire) {
                target = target.withoutPrivateKey();
            }
            if (!target.equals(storedByKid.get(target.kid()))) {
                writeRecord(target);
            }
            if (retire) {
                AuditLog.append(folder, now, "retire", AuditLog.EVENT_RETIRED, target.kid(), null,
                        "removed from the key set at " + target.removeAt().map(Instant::toString).orElse("?")
                                + "; private key destroyed");
            }
            result.add(target);
        }
        return List.copyOf(result);
    }

    private void reconcileAudit(List<KeyRecord> records, Instant now) throws IOException {
        Set<String> created = new HashSet<>();
        Set<String> revoked = new HashSet<>();
        Set<String> retired = new HashSet<>();
        for (AuditLog.Entry entry : AuditLog.read(folder)) {
            if (entry.kid().isEmpty() || entry.event().isEmpty()) {
                continue;
            }
            switch (entry.event().get()) {
                case AuditLog.EVENT_CREATED -> created.add(entry.kid().get());
                case AuditLog.EVENT_REVOKED -> revoked.add(entry.kid().get());
                case AuditLog.EVENT_RETIRED -> retired.add(entry.kid().get());
                default -> {
                    // Unknown events come from newer versions; they prove nothing about these three.
                }
            }
        }
        String why = "record found without its audit entry (a command was interrupted)";
        for (KeyRecord r : records) {
            if (!created.contains(r.kid())) {
                AuditLog.append(folder, now, "recover", AuditLog.EVENT_CREATED, r.kid(), null, why);
            }
            if (r.revokedAt().isPresent() && !revoked.contains(r.kid())) {
                AuditLog.append(folder, now, "recover", AuditLog.EVENT_REVOKED, r.kid(),
                        r.revocationReason().orElse(null), why);
            }
            if (r.revokedAt().isEmpty() && !r.hasPrivateKey() && !retired.contains(r.kid())) {
                AuditLog.append(folder, now, "recover", AuditLog.EVENT_RETIRED, r.kid(), null, why);
            }
        }
    }

    private List<KeyRecord> loadRecords() throws IOException, StoreException {
        Path keys = folder.resolve(KEYS_FOLDER);
        List<KeyRecord> records = new ArrayList<>();
        Map<Long, String> sequences = new HashMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(keys)) {
            for (Path file : entries) {
                String name = file.getFileName().toString();
                if (!RECORD_NAME.matcher(name).matches()) {
                    continue; // temp files of interrupted writes, editor backups
                }
                String kid = name.substring(0, name.length() - ".json".length());
                KeyRecord record;
                try {
                    record = StoreCodec.readRecord(Files.readAllBytes(file), kid);
                } catch (ParseException | RuntimeException e) {
                    throw new StoreException("corrupt key record " + file + ": " + oneLine(e.getMessage()));
                }
                String other = sequences.putIfAbsent(record.sequence(), kid);
                if (other != null) {
                    throw new StoreException("corrupt store " + folder + ": keys " + other + " and " + kid
                            + " have the same sequence number " + record.sequence());
                }
                if (record.algorithm() != config().algorithm()) {
                    throw new StoreException("corrupt key record " + file + ": algorithm " + record.algorithm()
                            + " differs from the store's " + config().algorithm());
                }
                records.add(record);
            }
        } catch (NoSuchFileException e) {
            throw new StoreException("corrupt store " + folder + ": the " + KEYS_FOLDER + " folder is missing");
        }
        return records;
    }

    private void writeRecord(KeyRecord record) throws IOException {
        AtomicFileWriter.write(folder.resolve(KEYS_FOLDER).resolve(record.kid() + ".json"),
                StoreCodec.writeRecord(record), AtomicFileWriter.OWNER_ONLY);
    }

    private static void removeTempFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir,
                p -> AtomicFileWriter.isTempFile(p.getFileName().toString()))) {
            for (Path temp : entries) {
                Files.deleteIfExists(temp);
            }
        }
    }

    private static void removeLeftoversOfInterruptedInit(Path dir) throws IOException, StoreException {
        Set<String> ours = Set.of(KEYS_FOLDER, AuditLog.FILE_NAME, AuditLog.HEAD_FILE_NAME, StoreLock.FILE_NAME);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!ours.contains(name) && !AtomicFileWriter.isTempFile(name)) {
                    throw new StoreException(dir + " is not empty (found " + name + "); init needs a new or empty folder");
                }
            }
        }
        removeTempFiles(dir);
        Path keys = dir.resolve(KEYS_FOLDER);
        if (Files.isDirectory(keys)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(keys)) {
                for (Path entry : entries) {
                    Files.delete(entry);
                }
            }
        }
        Files.deleteIfExists(dir.resolve(AuditLog.FILE_NAME));
        Files.deleteIfExists(dir.resolve(AuditLog.HEAD_FILE_NAME));
    }

    private static StoreLock lock(Path dir, Duration timeout) throws IOException, StoreException {
        try {
            return StoreLock.acquire(dir, timeout);
        } catch (StoreLock.LockTimeoutException e) {
            throw new StoreLockedException("store is locked: another nohop command held " + dir.resolve(StoreLock.FILE_NAME)
                    + " for more than " + Durations.format(timeout));
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    private static byte[] privateKeyAad(String kid) {
        return ("nohop:private-key:" + kid).getBytes(StandardCharsets.UTF_8);
    }

    private static void requirePassphrase(char[] passphrase) throws StoreException {
        Objects.requireNonNull(passphrase, "passphrase");
        if (passphrase.length == 0) {
            throw new StoreException("the passphrase is empty");
        }
    }

    private static StoreException ioFailure(String what, IOException e) {
        String detail = e instanceof AccessDeniedException ? "permission denied: " + e.getMessage()
                : e instanceof NoSuchFileException ? "not found: " + e.getMessage()
                : oneLine(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        return new StoreException(what + ": " + detail, e);
    }

    static String oneLine(String message) {
        return message == null ? "unknown error" : message.replaceAll("\\s+", " ").trim();
    }
}
