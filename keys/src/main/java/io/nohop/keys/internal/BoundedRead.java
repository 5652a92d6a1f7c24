package io.nohop.keys.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads a whole file that someone other than the passphrase holder may have put there (a store file, a
 * passphrase file, a pinned root), refusing what would hang the reader or fill its memory: anything but a
 * regular file (a FIFO blocks its reader until someone writes; {@code /dev/zero} never ends and reports
 * size 0), and a file over a bound, checked by its size before the read and by the bytes actually read
 * (a file may grow meanwhile).
 *
 * <p>A symbolic link is followed for reading: what it points to must itself be a regular file within the
 * bound. Between the check and the open, a file could still be swapped for a FIFO by someone racing
 * the reader; Java cannot open without blocking, so that narrow window remains.
 */
public final class BoundedRead {
    private BoundedRead() {
    }

    /**
     * @param file the file
     * @param maxBytes the largest content accepted
     * @return the content
     * @throws java.nio.file.NoSuchFileException if there is no file
     * @throws FileSystemException with reason "not a regular file" or "larger than N bytes" (the path
     *         in it is the one given)
     * @throws IOException if reading fails
     */
    public static byte[] read(Path file, int maxBytes) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (!attributes.isRegularFile()) {
            throw new FileSystemException(file.toString(), null,
                    attributes.isDirectory() ? "is a directory" : "not a regular file (a device, pipe or socket)");
        }
        if (attributes.size() > maxBytes) {
            throw tooLarge(file, maxBytes);
        }
        return upTo(file, maxBytes);
    }

    /**
     * Reads at most {@code maxBytes} from a file the user named, which may be a pipe: a passphrase given as
     * {@code --passphrase-file <(secret-tool lookup ...)} or {@code /dev/stdin} keeps the secret off the
     * disk. Only a folder is refused; an endless device ends at the bound. (Unlike the store's files, which
     * someone else may plant, the path is the user's own choice, so a pipe is taken to have a writer.)
     *
     * @param file the file
     * @param maxBytes the largest content accepted
     * @return the content
     * @throws FileSystemException with reason "is a directory" or "larger than N bytes"
     * @throws IOException if reading fails
     */
    public static byte[] readNamedByUser(Path file, int maxBytes) throws IOException {
        if (Files.isDirectory(file)) {
            throw new FileSystemException(file.toString(), null, "is a directory");
        }
        return upTo(file, maxBytes);
    }

    /** The content, read to one byte past the bound at most (a file may grow, a device never ends). */
    private static byte[] upTo(Path file, int maxBytes) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(maxBytes + 1);
        }
        if (bytes.length > maxBytes) {
            throw tooLarge(file, maxBytes);
        }
        return bytes;
    }

    /**
     * Checks that {@code file}, if it exists, is a regular file (not followed if it is a link), before it
     * is opened for writing: opening a FIFO for writing blocks until someone reads it, and appending
     * through a link would write into whatever it points to.
     *
     * @param file the file
     * @throws FileSystemException with reason "a symbolic link" or "not a regular file"
     * @throws IOException if its attributes cannot be read
     */
    public static void requireRegularOrAbsent(Path file) throws IOException {
        if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
                java.nio.file.LinkOption.NOFOLLOW_LINKS);
        if (attributes.isSymbolicLink()) {
            throw new FileSystemException(file.toString(), null, "is a symbolic link, which nohop does not write through");
        }
        if (!attributes.isRegularFile()) {
            throw new FileSystemException(file.toString(), null, "not a regular file (a device, pipe, socket or folder)");
        }
    }

    private static FileSystemException tooLarge(Path file, int maxBytes) {
        return new FileSystemException(file.toString(), null, "larger than " + maxBytes + " bytes");
    }
}
