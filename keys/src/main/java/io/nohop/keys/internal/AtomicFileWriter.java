package io.nohop.keys.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * Replaces a file's content so that a reader, or a process killed at any instant, sees either the
 * old content or the new content, never a mix: write a temporary file in the same folder, fsync it,
 * rename it over the target (atomic on POSIX file systems), then fsync the folder so that the rename
 * itself survives a power loss.
 */
public final class AtomicFileWriter {

    /** Prefix of temporary files; the store ignores such files on load and deletes them under its lock. */
    public static final String TEMP_PREFIX = ".tmp-";

    /** Owner read/write only: private key records and the audit log. */
    public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /** Owner read/write, everyone read: for files meant to be published, such as an exported JWKS. */
    public static final Set<PosixFilePermission> WORLD_READABLE = PosixFilePermissions.fromString("rw-r--r--");

    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicFileWriter() {
    }

    /**
     * Atomically replaces {@code target} with {@code content}.
     *
     * @param target the file to create or replace
     * @param content the complete new content
     * @param permissions the POSIX permissions of the new file
     * @throws IOException if any step fails; the target then still holds its previous content
     */
    public static void write(Path target, byte[] content, Set<PosixFilePermission> permissions) throws IOException {
        Path folder = target.toAbsolutePath().getParent();
        byte[] suffix = new byte[8];
        RANDOM.nextBytes(suffix);
        Path temp = folder.resolve(TEMP_PREFIX + target.getFileName() + "-" + HexFormat.of().formatHex(suffix));
        try {
            try (FileChannel channel = FileChannel.open(temp,
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(permissions))) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            // The creation mode is filtered by the umask; set it explicitly so the result does not depend on it.
            Files.setPosixFilePermissions(temp, permissions);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + folder + " cannot rename atomically", e);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        syncFolder(folder);
    }

    /**
     * Flushes a folder's entries (creations, renames, deletions) to stable storage.
     *
     * @param folder the folder to sync
     * @throws IOException if the folder cannot be opened or synced
     */
    public static void syncFolder(Path folder) throws IOException {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (FileSystemException e) {
            // Some platforms cannot open a folder for reading; the rename is still atomic there.
            if (!isFolderSyncUnsupported(e)) {
                throw e;
            }
        }
    }

    private static boolean isFolderSyncUnsupported(FileSystemException e) {
        String reason = e.getReason();
        return reason != null && reason.contains("Is a directory");
    }

    /**
     * Tells whether a file name is one of this class's temporary files.
     *
     * @param fileName a file name without folder
     * @return true for a temporary file left by an interrupted write
     */
    public static boolean isTempFile(String fileName) {
        return fileName.startsWith(TEMP_PREFIX);
    }
}
