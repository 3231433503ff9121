package dev.orderpipe.pipeline.infra;

import dev.orderpipe.pipeline.config.ConfigException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Ownership of a data directory: one running pipeline at a time. An OS file lock on {@code <dataDir>/pipeline.lock}
 * is held for the pipeline's life; the OS releases it when the process dies, even by SIGKILL, so a crash never leaves
 * a stale lock. The file holds the owner's pid and start time for the refusal message. Order-entry writers and
 * readers do not take it: several processes may append orders while one pipeline processes them.
 */
public final class DataDirLock implements AutoCloseable {
    /** Lock file name in the data directory. */
    public static final String FILE = "pipeline.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock.
     *
     * @throws ConfigException with a one-line message when another pipeline holds it
     */
    public static DataDirLock acquire(Path dataDir) {
        DataDirLock lock = tryAcquire(dataDir, FILE);
        if (lock == null) {
            String owner = owner(dataDir.resolve(FILE));
            throw new ConfigException("data directory " + dataDir + " is in use by another orderpipe pipeline"
                    + (owner.isEmpty() ? "" : " (" + owner + ")") + ": stop it first, or use another dataDir");
        }
        return lock;
    }

    /** Who holds the lock file {@code file}, as it says (pid and start), empty when it says nothing. */
    public static String owner(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Takes the lock of the file {@code name} in {@code dataDir} (one holder of a job at a time: the pipeline's
     * {@value #FILE}, retention's), or returns null when another process or thread holds it.
     */
    public static DataDirLock tryAcquire(Path dataDir, String name) {
        Path file = dataDir.resolve(name);
        CycleFiles.refuseDanglingLink(dataDir);
        CycleFiles.refuseDanglingLink(file);
        FileChannel channel = null;
        try {
            Files.createDirectories(dataDir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this JVM
            }
            if (lock == null) {
                channel.close();
                return null;
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + ", started "
                    + java.time.Instant.now() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
            return new DataDirLock(channel, lock);
        } catch (IOException e) {
            try {
                if (channel != null)
                    channel.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw new UncheckedIOException("cannot lock data directory " + dataDir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
