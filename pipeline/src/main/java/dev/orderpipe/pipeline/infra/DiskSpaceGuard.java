package dev.orderpipe.pipeline.infra;

import dev.orderpipe.pipeline.OperatorError;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Watches the free space of the data directory's filesystem from a thread of its own and tells the stages to stop
 * writing before it runs out, and the writers of other processes ({@link dev.orderpipe.pipeline.api.OrderEntry}: a
 * feed handler, the FIX gateway) to refuse each write until space is freed. Chronicle writes through memory-mapped files, and touching a mapped page that the
 * filesystem cannot back is a SIGBUS: the JVM either dies or turns it into an InternalError in the middle of a record.
 * Stopping while {@code minFreeDiskMb} is still free keeps every record written so far whole and readable.
 *
 * <p>The stages' check is one volatile read per record ({@link #isLow()}); the polling, which allocates a little per
 * call inside the JDK, happens on the guard's own thread every {@link #POLL_MILLIS} ms.
 */
public final class DiskSpaceGuard implements AutoCloseable {
    /** How often free space is polled. */
    public static final long POLL_MILLIS = 5;

    private final Path dataDir;
    private final FileStore store;
    private final long minFreeBytes;
    private final Thread thread;
    private volatile boolean low;
    private volatile long lastFreeBytes;
    private volatile boolean running = true;

    public DiskSpaceGuard(Path dataDir, long minFreeMb) {
        this.dataDir = dataDir;
        this.minFreeBytes = minFreeMb * 1024 * 1024;
        try {
            this.store = Files.getFileStore(dataDir);
            this.lastFreeBytes = store.getUsableSpace();
            this.low = lastFreeBytes < minFreeBytes; // right from the start, for a writer that checks at once
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot watch free space of " + dataDir + ": " + e.getMessage(), e);
        }
        this.thread = new Thread(this::poll, "orderpipe-disk-guard");
        this.thread.setDaemon(true);
        if (minFreeBytes > 0)
            thread.start();
    }

    private void poll() {
        while (running) {
            try {
                long free = store.getUsableSpace();
                lastFreeBytes = free;
                low = free < minFreeBytes; // clears once space is freed: a writer that can wait goes on
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                low = true; // cannot tell: stop rather than risk a SIGBUS
            }
        }
    }

    /** The free space the last poll found, in bytes. */
    public long freeBytes() {
        return lastFreeBytes;
    }

    /** The minimum free space, in bytes (0: the guard is off). */
    public long minFreeBytes() {
        return minFreeBytes;
    }

    /** Whether writers must stop: free space fell below the minimum. */
    public boolean isLow() {
        return low;
    }

    /** The exception a stage throws instead of writing to {@code queue}. */
    public DiskFullException stop(String queue) {
        return new DiskFullException("queue '" + queue + "' stopped before the disk filled: " + dataDir + " has "
                + (lastFreeBytes >> 20) + " MB free, below minFreeDiskMb " + (minFreeBytes >> 20)
                + "; everything written is readable: free space and restart to resume");
    }

    /**
     * The exception a writer that can wait ({@link dev.orderpipe.pipeline.api.OrderEntry}) throws instead of writing
     * to {@code queue}: nothing is written, and the same write succeeds once space is freed.
     */
    public DiskFullException refuse(String queue) {
        return new DiskFullException("queue '" + queue + "' refused the write before the disk filled: " + dataDir
                + " has " + (lastFreeBytes >> 20) + " MB free, below minFreeDiskMb " + (minFreeBytes >> 20)
                + "; nothing was written: free space and write again");
    }

    /** Why writers refuse now, in a few words without the path (for a FIX text of 128 bytes at most). */
    public String shortReason() {
        return "disk nearly full: " + (lastFreeBytes >> 20) + " MB free, below minFreeDiskMb " + (minFreeBytes >> 20);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }

    /** The pipeline stopped writing because the disk is nearly full. */
    public static final class DiskFullException extends RuntimeException implements OperatorError {
        private static final long serialVersionUID = 1L;

        public DiskFullException(String message) {
            super(message, null, false, false);
        }
    }
}
