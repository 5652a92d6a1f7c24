package io.nohop.keys;

import io.nohop.keys.internal.AtomicFileWriter;
import io.nohop.keys.internal.AuditLog;
import io.nohop.keys.internal.BoundedRead;
import io.nohop.keys.internal.StoreLock;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The files of a store folder as {@link SigningKeyStore} reads and writes them: the key records in
 * {@code keys/}, {@code root.json}, the write lock, and the housekeeping of temp files and interrupted
 * inits. What is read here is only parsed: whether the root vouches for a record, or the passphrase
 * opens a root, is checked by the callers.
 */
final class StoreDirectory {
    /**
     * The largest key record or root key file read (a few KB in practice, 16 KB for an RSA-4096 record):
     * past it, the file is refused rather than read into memory.
     */
    static final int MAX_RECORD_BYTES = 1 << 20;


    private static final Pattern RECORD_NAME = Pattern.compile("[A-Za-z0-9_-]{43}\\.json");

    private final Path folder;
    private final StoreCodec.StoreFile storeFile;

    StoreDirectory(Path folder, StoreCodec.StoreFile storeFile) {
        this.folder = folder;
        this.storeFile = storeFile;
    }

    List<KeyRecord> loadRecords() throws IOException, StoreException {
        Path keys = folder.resolve(SigningKeyStore.KEYS_FOLDER);
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
                byte[] bytes;
                try {
                    bytes = BoundedRead.read(file, MAX_RECORD_BYTES);
                } catch (FileSystemException e) {
                    throw new StoreException("corrupt key record " + file + ": " + SigningKeyStore.oneLine(e.getReason()));
                }
                try {
                    record = StoreCodec.readRecord(bytes, kid);
                } catch (ParseException | RuntimeException e) {
                    throw new StoreException("corrupt key record " + file + ": " + SigningKeyStore.oneLine(e.getMessage()));
                }
                String other = sequences.putIfAbsent(record.sequence(), kid);
                if (other != null) {
                    throw new StoreException("corrupt store " + folder + ": keys " + other + " and " + kid
                            + " have the same sequence number " + record.sequence());
                }
                if (record.algorithm() != storeFile.config().algorithm()) {
                    throw new StoreException("corrupt key record " + file + ": algorithm " + record.algorithm()
                            + " differs from the store's " + storeFile.config().algorithm());
                }
                records.add(record);
            }
        } catch (NoSuchFileException e) {
            throw new StoreException("corrupt store " + folder + ": the " + SigningKeyStore.KEYS_FOLDER + " folder is missing");
        }
        records.sort(Comparator.comparingLong(KeyRecord::sequence));
        return records;
    }

    void writeRecord(KeyRecord record) throws IOException {
        AtomicFileWriter.write(folder.resolve(SigningKeyStore.KEYS_FOLDER).resolve(record.kid() + ".json"),
                StoreCodec.writeRecord(record), AtomicFileWriter.OWNER_ONLY);
    }

    Optional<StoreRoots> readRoots() throws IOException, StoreException {
        Path file = folder.resolve(SigningKeyStore.ROOT_FILE);
        byte[] bytes;
        try {
            bytes = BoundedRead.read(file, MAX_RECORD_BYTES);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (FileSystemException e) {
            throw new StoreException("corrupt root key file " + file + ": " + SigningKeyStore.oneLine(e.getReason()));
        }
        try {
            return Optional.of(StoreCodec.readRoots(bytes));
        } catch (ParseException | RuntimeException e) {
            throw new StoreException("corrupt root key file " + file + ": " + SigningKeyStore.oneLine(e.getMessage()));
        }
    }

    String noRootMessage() {
        if (storeFile.format() < StoreCodec.STORE_FORMAT) {
            return "this store has no root key (it was created before signed key sets): run nohop root-key --store "
                    + folder + " --create";
        }
        return SigningKeyStore.ROOT_FILE + " is missing from " + folder + ": restore it from a backup (services pin its"
                + " public key, so a new root would be refused by them)";
    }

    static void removeTempFiles(Path dir) throws IOException {
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

    /**
     * Refuses a folder that holds anything but what an interrupted init leaves behind. Called before init
     * touches the folder (so that a refused init changes nothing: no lock file, no permissions) and again
     * under the lock.
     */
    static void checkEmptyButForInterruptedInit(Path dir) throws IOException, StoreException {
        Set<String> ours = Set.of(SigningKeyStore.KEYS_FOLDER, AuditLog.FILE_NAME, AuditLog.HEAD_FILE_NAME,
                StoreLock.FILE_NAME, SigningKeyStore.ROOT_FILE, SigningKeyStore.KEY_SET_FILE);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!ours.contains(name) && !AtomicFileWriter.isTempFile(name)) {
                    throw new StoreException(dir + " is not empty (found " + name
                            + "); init needs a new or empty folder");
                }
            }
        }
    }

    static void removeLeftoversOfInterruptedInit(Path dir) throws IOException, StoreException {
        checkEmptyButForInterruptedInit(dir);
        removeTempFiles(dir);
        Path keys = dir.resolve(SigningKeyStore.KEYS_FOLDER);
        if (Files.isDirectory(keys)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(keys)) {
                for (Path entry : entries) {
                    Files.delete(entry);
                }
            }
        }
        Files.deleteIfExists(dir.resolve(AuditLog.FILE_NAME));
        Files.deleteIfExists(dir.resolve(AuditLog.HEAD_FILE_NAME));
        Files.deleteIfExists(dir.resolve(SigningKeyStore.ROOT_FILE));
        Files.deleteIfExists(dir.resolve(SigningKeyStore.KEY_SET_FILE));
    }

    static StoreLock lock(Path dir, Duration timeout) throws IOException, StoreException {
        try {
            return StoreLock.acquire(dir, timeout);
        } catch (StoreLock.LockTimeoutException e) {
            throw new StoreLockedException("store is locked: another nohop command held " + dir.resolve(StoreLock.FILE_NAME)
                    + " for more than " + Durations.format(timeout));
        }
    }
}
