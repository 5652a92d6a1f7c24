package io.nohop.keys.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The exclusive write lock of a store: an OS file lock on {@code .lock} (between processes) plus a
 * JVM-wide lock per store folder (between threads of one process, which OS file locks do not
 * separate).
 */
public final class StoreLock implements AutoCloseable {

    /** Name of the lock file inside the store folder. */
    public static final String FILE_NAME = ".lock";

    private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();
    private static final long POLL_MILLIS = 20;

    private final ReentrantLock threadLock;
    private final FileChannel channel;
    private final FileLock fileLock;

    private StoreLock(ReentrantLock threadLock, FileChannel channel, FileLock fileLock) {
        this.threadLock = threadLock;
        this.channel = channel;
        this.fileLock = fileLock;
    }

    /**
     * Takes the lock, waiting at most {@code timeout}.
     *
     * @param folder the store folder
     * @param timeout how long to wait for another holder
     * @return the held lock; close it to release
     * @throws IOException if the lock file cannot be opened
     * @throws LockTimeoutException if another process or thread held the lock for the whole timeout
     */
    public static StoreLock acquire(Path folder, Duration timeout) throws IOException, LockTimeoutException {
        Path key = folder.toAbsolutePath().normalize();
        ReentrantLock threadLock = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (!threadLock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new LockTimeoutException();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockTimeoutException();
        }
        FileChannel channel = null;
        try {
            // A FIFO planted as the lock file would block this open until someone reads it.
            BoundedRead.requireRegularOrAbsent(key.resolve(FILE_NAME));
            channel = FileChannel.open(key.resolve(FILE_NAME),
                    Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                    PosixFilePermissions.asFileAttribute(AtomicFileWriter.OWNER_ONLY));
            while (true) {
                FileLock lock = tryLock(channel);
                if (lock != null) {
                    return new StoreLock(threadLock, channel, lock);
                }
                if (System.nanoTime() - deadline >= 0) {
                    throw new LockTimeoutException();
                }
                // Polling: FileChannel.lock() cannot be given a timeout.
                Thread.sleep(POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(channel);
            threadLock.unlock();
            throw new LockTimeoutException();
        } catch (IOException | LockTimeoutException | RuntimeException e) {
            closeQuietly(channel);
            threadLock.unlock();
            throw e;
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Closing releases the OS lock; nothing else to do if even that fails.
            }
        }
    }

    /** Releases the lock. */
    @Override
    public void close() {
        try {
            fileLock.release();
        } catch (IOException ignored) {
            // Closing the channel below releases the lock as well.
        } finally {
            closeQuietly(channel);
            threadLock.unlock();
        }
    }

    /** Thrown when the lock stayed held by someone else for the whole wait. */
    public static final class LockTimeoutException extends Exception {
        private static final long serialVersionUID = 1L;

        /** Creates the exception. */
        public LockTimeoutException() {
            super("store is locked", null, false, false);
        }
    }
}
