package io.nohop.keys;

import static io.nohop.keys.ClassifiedRecords.classify;
import static io.nohop.keys.ClassifiedRecords.createdKids;
import static io.nohop.keys.KeySetFile.publishedAt;

import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jwk.JWK;
import io.nohop.keys.KeySetFile.KeySetBytes;
import io.nohop.keys.KeySetFile.KeySetRead;
import io.nohop.keys.KeySetFile.Written;
import io.nohop.keys.StoreChanges.Locked;
import io.nohop.keys.internal.AuditLog;
import io.nohop.keys.internal.BoundedRead;
import io.nohop.keys.internal.KeyMaterial;
import io.nohop.keys.internal.KeySetJws;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.crypto.SecretKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A key store in a folder: the security team's signing keys, their schedule, the root key that signs
 * the published key set, and the audit log.
 *
 * <p>Layout (folder 0700, files 0600):
 * <pre>
 * store.json          settings, key-derivation parameters, passphrase check, settings MAC
 * root.json           the root key (key-set signing key): public JWK, encrypted private JWK; a staged
 *                     successor and earlier roots (public parts)
 * keyset.jwt          the latest signed key set (compact JWS signed by the root): what is published
 * keys/&lt;kid&gt;.json     one record per key: public JWK, encrypted private JWK, lifecycle timestamps
 * audit.log           append-only hash-chained audit log, every entry with a MAC
 * audit.head          entry count and hash of the last audit line, with a MAC (detects truncation)
 * .lock               the exclusive write lock (FileChannel.lock)
 * .tmp-*              temporary files of interrupted writes: ignored on load, deleted by the next writer
 * </pre>
 *
 * <p>Trust: what is published is exactly the keys of {@code keyset.jwt}, checked under the root's
 * public key. Only a command that knows the passphrase can sign a new set, and only {@code init} and
 * {@code rotate} ever add a key to it (the one they create); every other change only removes keys.
 * A record written into {@code keys/} without the passphrase therefore never enters the set, takes
 * no part in the schedule, never signs, and is reported by {@link StoreSnapshot#unsignedRecords()} and
 * {@link #verifyAudit}. The MACs of the audit log and {@code store.json} use keys derived from the
 * passphrase (HKDF, one label each), so they cannot be recomputed without it either.
 *
 * <p>Durability: every file is replaced atomically (temp file, fsync, rename, folder fsync) and every
 * change is made under the exclusive lock. A change touching several files writes them in an order
 * where each intermediate state is safe: {@code rotate} signs the set holding the new key before it
 * writes the key's record (a crash leaves a published key without a record, which never signs and is
 * dropped by the next set); {@code revoke} writes the revoked record before the set without it (a crash
 * leaves the revoked key in the set until the next writing command, but it never signs again). The
 * audit entry follows the files it describes; a later writer appends a {@code recover} entry for a
 * record or key set whose entry was lost, and derives the schedule again (see {@link RotationSchedule}).
 * Readers take no lock.
 *
 * <p>Timestamps are whole seconds in UTC.
 */
public final class SigningKeyStore {

    /** Name of the settings file. */
    public static final String STORE_FILE = "store.json";
    /** Name of the folder holding key records. */
    public static final String KEYS_FOLDER = "keys";
    /** Name of the file holding the root keys. */
    public static final String ROOT_FILE = StoreRoots.FILE_NAME;
    /** Name of the file holding the latest signed key set. */
    public static final String KEY_SET_FILE = "keyset.jwt";
    /** Default bound on waiting for another process's lock. */
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(SigningKeyStore.class);

    private final Path folder;
    private final Clock clock;
    private final StoreCodec.StoreFile storeFile;
    private final StoreDirectory directory;
    private final StoreSecrets secrets;
    private final KeySetFile keySetFile;
    private final AuditReconciliation reconciliation;
    private final StoreChanges changes;
    private final RootKeys rootKeys;

    private SigningKeyStore(Path folder, Clock clock, Duration lockTimeout, StoreCodec.StoreFile storeFile) {
        this.folder = folder;
        this.clock = clock;
        this.storeFile = storeFile;
        StoreParts parts = StoreParts.of(folder, clock, lockTimeout, storeFile);
        this.directory = parts.directory();
        this.secrets = parts.secrets();
        this.keySetFile = parts.keySetFile();
        this.reconciliation = parts.reconciliation();
        this.changes = new StoreChanges(parts);
        this.rootKeys = new RootKeys(parts, changes);
    }

    /**
     * Creates a new store with its first key, ACTIVE at once (no verifier can hold an older key set),
     * and its root key ({@link StoreConfig#rootAlgorithm()}), which signs the first key set.
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
        StoreSecrets.requirePassphrase(passphrase);
        Duration twiceRefresh = config.refreshBound().multipliedBy(2);
        if (config.publishLead().compareTo(twiceRefresh) < 0) {
            throw new ScheduleRefusedException("refused: publish lead " + Durations.format(config.publishLead())
                    + " is shorter than twice the verifiers' refresh bound (2 x "
                    + Durations.format(config.refreshBound()) + " = " + Durations.format(twiceRefresh) + ")");
        }
        Path dir = folder.toAbsolutePath().normalize();
        StoreCodec.StoreFile file = StoreInit.initialize(dir, config, passphrase, clock);
        return new SigningKeyStore(dir, clock, DEFAULT_LOCK_TIMEOUT, file);
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
            bytes = BoundedRead.read(file, StoreDirectory.MAX_RECORD_BYTES);
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
     * Reads the store as it is now on disk: records, root key and signed key set (checked under the root).
     * Needs no passphrase.
     *
     * @return an immutable snapshot
     * @throws StoreException if a record or {@code root.json} is corrupt or unreadable
     */
    public StoreSnapshot snapshot() throws StoreException {
        try {
            for (int attempt = 1; ; attempt++) {
                // The set is read before and after the records: writers change records and the set in an
                // order that is safe for each alone, and this way a reader never pairs a record with a set
                // from another moment (which could make a genuine record look unsigned for one read).
                KeySetBytes setBefore = keySetFile.readKeySetBytes();
                List<KeyRecord> stored = directory.loadRecords();
                Optional<StoreRoots> roots = directory.readRoots();
                KeySetBytes setAfter = keySetFile.readKeySetBytes();
                if (!setBefore.sameAs(setAfter) && attempt < 5) {
                    continue;
                }
                return snapshot(stored, roots, setAfter);
            }
        } catch (IOException e) {
            throw ioFailure("cannot read the store at " + folder, e);
        }
    }

    private StoreSnapshot snapshot(List<KeyRecord> stored, Optional<StoreRoots> roots, KeySetBytes bytes) throws IOException {
        if (roots.isEmpty()) {
            return new StoreSnapshot(config(), RotationSchedule.derive(stored, config()), Optional.empty(),
                    Optional.of(directory.noRootMessage()), List.of(), List.of());
        }
        KeySetRead read = keySetFile.verifyKeySet(roots.get(), bytes);
        List<RootKey> known = roots.get().all().stream().map(StoreRoots.Entry::view).toList();
        if (read.set().isEmpty()) {
            return new StoreSnapshot(config(), RotationSchedule.derive(stored, config()), Optional.empty(),
                    read.problem(), List.of(), known);
        }
        KeySetJws.VerifiedKeySet set = read.set().get();
        boolean needsAudit = stored.stream().anyMatch(r -> !set.kids().contains(r.kid()));
        ClassifiedRecords c = classify(stored, set, needsAudit ? createdKids(AuditLog.read(folder)) : Set.of());
        return new StoreSnapshot(config(), c.records(config()), Optional.of(new SignedKeySet(set)), Optional.empty(),
                c.unsigned(), known);
    }

    /**
     * Schedules a new key: it is published now (a new signed key set holds it) and activates after the
     * publish lead; its predecessor stops signing then and stays published for T + S more. With
     * {@code onlyIfDue} (cron), nothing is created unless the rotation period says so, but a new key set
     * is still signed when the published one is out of date: a key reached its removal time, less than
     * half of the set's lifetime is left, or the set is missing or signed by an earlier root.
     *
     * @param request lead override, force, and only-if-due
     * @param passphrase the store passphrase (not kept)
     * @return the new key, or empty when {@code onlyIfDue} and no rotation is due
     * @throws WrongPassphraseException if the passphrase is wrong (nothing is changed)
     * @throws ScheduleRefusedException if the rotation would break the timeline and is not forced
     * @throws StoreLockedException if another process holds the lock for too long
     * @throws StoreException if the store has no root key, is corrupt or cannot be written
     */
    public Optional<KeyRecord> rotate(RotationRequest request, char[] passphrase) throws StoreException {
        Objects.requireNonNull(request, "request");
        Duration lead = request.publishLead().orElse(config().publishLead());
        if (request.onlyIfDue()) {
            // Checked before the slow work, so cron can run this every minute cheaply.
            StoreSnapshot snapshot = snapshot();
            if (snapshot.rootKey().isEmpty()) {
                throw new StoreException(snapshot.keySetProblem().orElse(directory.noRootMessage()));
            }
            if (!RotationSchedule.isDue(snapshot.records(), config(), changes.now(), lead)
                    && !keySetFile.keySetDue(snapshot, changes.now())) {
                return Optional.empty();
            }
        }
        SecretKey kek = unlock(passphrase);
        JWK key = KeyMaterial.generate(config().algorithm().jwsName());
        return changes.change(kek, "rotate", (s, now) -> {
            if (request.onlyIfDue() && !RotationSchedule.isDue(s.records(), config(), now, lead)) {
                changes.publishIfDue(s, s.signed(), now, "rotate");
                return Optional.empty();
            }
            Optional<String> refusal = RotationSchedule.rotationRefusal(s.records(), config(), now, lead);
            if (refusal.isPresent() && !request.force()) {
                throw new ScheduleRefusedException(refusal.get());
            }
            KeyRecord created = secrets.newRecord(s.maxSequence() + 1, key, kek, now, now.plus(lead));
            List<KeyRecord> withNew = new ArrayList<>(s.signed());
            withNew.add(created);
            // The commit point: the set that holds the new key. Its record follows; a crash in
            // between leaves a published key that never signs and leaves the next set.
            Written set = keySetFile.writeKeySet(s.rootPrivate(), s.roots(),
                    publishedAt(RotationSchedule.derive(withNew, config()), now), now, s.lastIssuedAt());
            directory.writeRecord(created);
            // Audited once both files exist: a signed set without its audit entry is an interrupted
            // command, one with its entry but a key without a record means the record was removed.
            if (s.rebuild().isPresent()) {
                changes.auditRebuild(s, now, "rotate");
            }
            keySetFile.auditKeySet(s.auditKey(), now, "rotate", set);
            AuditLog.append(folder, s.auditKey(), now, AuditLog.NewEntry.of("rotate", AuditLog.EVENT_CREATED,
                    created.kid(), null, "activates at " + created.activateAt() + (request.onlyIfDue() ? " (due)" : "")
                            + refusal.map(r -> "; forced past: " + r).orElse("")));
            Locked after = changes.normalize(now, kek, "rotate");
            changes.publishIfDue(after, after.signed(), now, "rotate");
            LOG.info("rotated store {}: new key {} activates at {}", folder, created.kid(), created.activateAt());
            return after.records().stream().filter(r -> r.kid().equals(created.kid())).findFirst();
        });
    }

    /**
     * Revokes a key at once: a new signed key set without it is published, its private part is
     * destroyed and the reason recorded. Revoking a key that is already revoked changes nothing, except
     * that the key set is signed again if an interrupted command left it holding the key.
     *
     * @param kid the key id
     * @param reason why, for the record and the audit log
     * @param force revoke even the last key that can sign (signing then stops)
     * @param passphrase the store passphrase (not kept): the new key set is signed with the root key
     * @return the revoked record (unchanged if it was already revoked)
     * @throws WrongPassphraseException if the passphrase is wrong (nothing is changed)
     * @throws ScheduleRefusedException if this is the last key that can sign and not forced
     * @throws StoreException if the kid is unknown, or the store is corrupt, locked or unwritable
     */
    public KeyRecord revoke(String kid, Optional<String> reason, boolean force, char[] passphrase) throws StoreException {
        Objects.requireNonNull(kid, "kid");
        Objects.requireNonNull(reason, "reason");
        SecretKey kek = unlock(passphrase);
        return changes.change(kek, "revoke", (s, now) -> {
            Optional<KeyRecord> found = s.records().stream().filter(r -> r.kid().equals(kid)).findFirst();
            if (found.isEmpty()) {
                if (s.unsigned().stream().anyMatch(r -> r.kid().equals(kid))) {
                    throw new StoreException("key " + kid + " was never signed by the root key (" + KEYS_FOLDER + "/"
                            + kid + ".json was written without the passphrase): it is not published and never signs;"
                            + " move the file out of the store");
                }
                throw new StoreException("unknown kid " + kid);
            }
            KeyRecord target = found.get();
            if (target.revokedAt().isPresent()) {
                changes.publishIfDue(s, s.signed(), now, "revoke");
                return target;
            }
            Optional<String> refusal = RotationSchedule.revocationRefusal(s.records(), target, now);
            if (refusal.isPresent() && !force) {
                throw new ScheduleRefusedException(refusal.get());
            }
            KeyRecord revoked = target.revoked(now, reason);
            directory.writeRecord(revoked);
            AuditLog.append(folder, s.auditKey(), now, AuditLog.NewEntry.of("revoke", AuditLog.EVENT_REVOKED, kid,
                    reason.orElse(null), refusal.isPresent() ? "forced: signing stops" : "private key destroyed"));
            List<KeyRecord> signed = s.signed().stream().map(r -> r.kid().equals(kid) ? revoked : r).toList();
            changes.publishIfDue(s, signed, now, "revoke");
            LOG.warn("revoked key {} in store {}", kid, folder);
            return revoked;
        });
    }

    /**
     * Checks everything the passphrase can vouch for: the audit log (hash chain, every entry's MAC, the
     * head's MAC, recorded losses), the root keys (their private parts open under the passphrase), the
     * signed key set (verifies under the root; not older than the last set the log records), and the
     * records (each was created by a logged command or is in the signed set; private parts open).
     *
     * @param passphrase the store passphrase (not kept)
     * @return the result: problems (any makes {@code audit verify} exit 1) and notes
     * @throws WrongPassphraseException if the passphrase is wrong
     * @throws StoreException if the store cannot be read
     */
    public AuditVerification verifyAudit(char[] passphrase) throws StoreException {
        SecretKey kek = unlock(passphrase);
        return reconciliation.verify(kek);
    }

    /**
     * Records that a passphrase holder has seen a loss of audit entries (an {@code entries-lost} entry):
     * appends an {@code acknowledged} entry for it. {@code audit verify} still reports the loss on every
     * run, as a note instead of a failure.
     *
     * @param lossEntry the sequence number of the {@code entries-lost} entry
     * @param reason what was found, for the log
     * @param passphrase the store passphrase (not kept)
     * @throws StoreException if that entry is not an authentic recorded loss, or the store cannot be written
     */
    public void acknowledgeAuditLoss(long lossEntry, Optional<String> reason, char[] passphrase) throws StoreException {
        Objects.requireNonNull(reason, "reason");
        SecretKey kek = unlock(passphrase);
        changes.change(kek, "audit acknowledge", (s, now) -> {
            AuditLog.Verification v = AuditLog.verify(folder, s.auditKey());
            boolean isLoss = v.parsed().stream().anyMatch(e -> e.seq() == lossEntry
                    && e.event().equals(Optional.of(AuditLog.EVENT_ENTRIES_LOST)));
            if (!isLoss) {
                throw new StoreException("audit entry " + lossEntry + " is not a recorded loss of entries");
            }
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("acknowledges", lossEntry);
            AuditLog.append(folder, s.auditKey(), now, new AuditLog.NewEntry("audit acknowledge",
                    AuditLog.EVENT_ACKNOWLEDGED, null, reason.orElse(null),
                    "the loss recorded in entry #" + lossEntry + " was seen", data));
            changes.publishIfDue(s, s.signed(), now, "audit acknowledge");
            return null;
        });
    }

    /**
     * The root key that signs the key set: what services pin. Needs no passphrase.
     *
     * @return the root, or empty for a store created before signed key sets
     * @throws StoreException if {@code root.json} is corrupt or unreadable
     */
    public Optional<RootKey> rootKey() throws StoreException {
        try {
            return directory.readRoots().map(r -> r.current().view());
        } catch (IOException e) {
            throw ioFailure("cannot read " + folder.resolve(ROOT_FILE), e);
        }
    }

    /**
     * The staged successor root ({@link #stageRootKey}), which services pin next to the current one
     * before {@link #switchRootKey}.
     *
     * @return the successor, if one is staged
     * @throws StoreException if {@code root.json} is corrupt or unreadable
     */
    public Optional<RootKey> nextRootKey() throws StoreException {
        try {
            return directory.readRoots().flatMap(r -> r.next().map(StoreRoots.Entry::view));
        } catch (IOException e) {
            throw ioFailure("cannot read " + folder.resolve(ROOT_FILE), e);
        }
    }

    /**
     * Roots that signed the key set before the current one, most recent first.
     *
     * @return the earlier roots (public parts)
     * @throws StoreException if {@code root.json} is corrupt or unreadable
     */
    public List<RootKey> previousRootKeys() throws StoreException {
        try {
            return directory.readRoots().map(r -> r.previous().stream().map(StoreRoots.Entry::view).toList()).orElse(List.of());
        } catch (IOException e) {
            throw ioFailure("cannot read " + folder.resolve(ROOT_FILE), e);
        }
    }

    /**
     * Gives a store created before signed key sets its root key: creates it, signs the first key set
     * from the records whose private parts open under the passphrase (a record written without it is
     * left out), starts authenticating the audit log and the settings. Refused for a store that has (or
     * had) a root.
     *
     * @param algorithm the root's algorithm, or empty for {@link StoreConfig#rootAlgorithm()}
     * @param passphrase the store passphrase (not kept)
     * @return the new root
     * @throws StoreException if the store has a root already, or cannot be written
     */
    public RootKey createRootKey(Optional<SigningAlgorithm> algorithm, char[] passphrase) throws StoreException {
        Objects.requireNonNull(algorithm, "algorithm");
        SecretKey kek = unlock(passphrase);
        return rootKeys.create(algorithm, kek);
    }

    /**
     * First step of a root rotation: creates a successor root, endorsed by the current one (a signature
     * {@code serve} checks), that does not sign yet. Services pin it next to the current root; then
     * {@link #switchRootKey} makes it sign.
     *
     * @param algorithm its algorithm, or empty for {@link StoreConfig#rootAlgorithm()}
     * @param passphrase the store passphrase (not kept)
     * @return the staged successor
     * @throws StoreException if a successor is staged already, or the store cannot be written
     */
    public RootKey stageRootKey(Optional<SigningAlgorithm> algorithm, char[] passphrase) throws StoreException {
        Objects.requireNonNull(algorithm, "algorithm");
        SecretKey kek = unlock(passphrase);
        return rootKeys.stage(algorithm, kek);
    }

    /**
     * Second step of a root rotation: the staged successor becomes the root and signs a new key set at
     * once; the previous root's private part is destroyed and its public part kept as an earlier root.
     * Services that pinned only the previous root refuse every set from now on.
     *
     * @param passphrase the store passphrase (not kept)
     * @return the new root
     * @throws StoreException if no successor is staged, or the store cannot be written
     */
    public RootKey switchRootKey(char[] passphrase) throws StoreException {
        SecretKey kek = unlock(passphrase);
        return rootKeys.switchToNext(kek);
    }

    /**
     * Derives the key-encryption key, checks it against the store's passphrase check and the settings
     * against their MAC: the one slow step.
     */
    SecretKey unlock(char[] passphrase) throws StoreException {
        return secrets.unlock(passphrase);
    }

    /**
     * Decrypts a record's private key into a signer.
     *
     * @param record the record
     * @param kek the key from {@link #unlock}, used when the record shares the store's KDF parameters
     * @param passphrase used only when the record has its own KDF parameters
     */
    JWSSigner signer(KeyRecord record, SecretKey kek, char[] passphrase) throws StoreException {
        return secrets.signer(record, kek, passphrase);
    }

    static StoreException ioFailure(String what, IOException e) {
        String detail = e instanceof AccessDeniedException ? "permission denied: " + e.getMessage()
                : e instanceof NoSuchFileException ? "not found: " + e.getMessage()
                : oneLine(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        return new StoreException(what + ": " + detail, e);
    }

    static String oneLine(String message) {
        return message == null ? "unknown error" : message.replaceAll("\\s+", " ").trim();
    }
}
