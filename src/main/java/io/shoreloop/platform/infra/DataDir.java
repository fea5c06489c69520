package io.shoreloop.platform.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The directory where the embedded defaults keep their state (PostgreSQL cluster, broker persistence, signing key).
 *
 * <p>Held with an exclusive lock for the life of the process: a second Shoreloop started on the same directory
 * fails at once with {@link DataDirInUse} instead of touching the first one's database.
 */
public final class DataDir implements AutoCloseable {

    static final String LOCK_FILE = "shoreloop.lock";

    private final Path root;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDir(Path root, FileChannel channel, FileLock lock) {
        this.root = root;
        this.channel = channel;
        this.lock = lock;
    }

    /** Thrown when another live process holds the data directory. */
    public static final class DataDirInUse extends IllegalStateException {
        DataDirInUse(Path root) {
            super("The data directory " + root + " is in use by another Shoreloop process. Stop that process, or set"
                    + " SHORELOOP_DATA_DIR to another directory.");
        }
    }

    /** Opens (creating if needed) and locks the directory; with {@code wipe}, deletes everything in it first. */
    public static DataDir open(Path root, boolean wipe) {
        try {
            Files.createDirectories(root);
            FileChannel channel =
                    FileChannel.open(root.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new DataDirInUse(root);
            }
            channel.truncate(0);
            channel.write(java.nio.ByteBuffer.wrap(
                    String.valueOf(ProcessHandle.current().pid())
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            DataDir dir = new DataDir(root, channel, lock);
            if (wipe) {
                dir.wipe();
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the data directory " + root, e);
        }
    }

    /** The default location: {@code SHORELOOP_DATA_DIR}, else {@code ~/.shoreloop}. */
    public static Path defaultLocation() {
        String configured = System.getProperty("shoreloop.data-dir", System.getenv("SHORELOOP_DATA_DIR"));
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".shoreloop");
    }

    public Path root() {
        return root;
    }

    public Path resolve(String child) {
        return root.resolve(child);
    }

    private void wipe() throws IOException {
        try (var children = Files.list(root)) {
            for (Path child : children.toList()) {
                if (!child.getFileName().toString().equals(LOCK_FILE)) {
                    deleteTree(child);
                }
            }
        }
    }

    static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the lock goes with the process anyway
        }
    }
}
