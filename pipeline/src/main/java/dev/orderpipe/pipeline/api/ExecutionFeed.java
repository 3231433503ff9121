package dev.orderpipe.pipeline.api;

import dev.orderpipe.pipeline.BadFileException;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Queues;
import dev.orderpipe.pipeline.config.PipelineConfig;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads execution reports from a pipeline's {@code executions} queue, in order, into a reused {@link OrderInfo}: the
 * pipeline's outbox for drop copies, dashboards and client sessions, in any process.
 *
 * <p>A <em>named</em> feed keeps its position in {@code <dataDir>/consumers/<name>.position}, a memory-mapped file
 * that survives a crash of the consumer (it is in the page cache as soon as it is written). The position advances
 * when the consumer says a report is done: on {@link #commit()}, or implicitly when it asks for the next one. A
 * consumer restarted under the same name therefore continues with the first report it had not finished: it never
 * skips one, and repeats at most the one it was processing when it died (at-least-once; commit right after handling
 * a report to make that window a few instructions wide). Only one live consumer may use a name at a time.
 *
 * <p>Threading: an instance, like the Chronicle tailer inside it, belongs to one thread. Nothing is allocated per
 * report.
 *
 * <pre>{@code
 * try (ExecutionFeed feed = ExecutionFeed.open(Path.of("data/pipeline"), "drop-copy", ExecutionFeed.Start.BEGINNING)) {
 *     OrderInfo report = new OrderInfo();
 *     while (running) {
 *         if (feed.next(report)) {
 *             handle(report);            // e.g. report.execType(), report.lastQty(), report.lastPx()
 *             feed.commit();
 *         }
 *     }
 * }
 * }</pre>
 */
public final class ExecutionFeed implements AutoCloseable {
    /** What a feed name may be made of. */
    public static final String NAME_RULE = "1 to 64 of A-Z a-z 0-9 _ . -";

    /** Where a feed without a stored position starts. */
    public enum Start {
        /** The first report on the queue. */
        BEGINNING,
        /** After the last report on the queue when the feed opens. */
        END
    }

    private final ChronicleQueue queue;
    private final ExcerptTailer tailer;
    private final String name;
    private final FileChannel positionChannel;
    private final FileLock positionLock;
    private final MappedByteBuffer position;
    private long lastRead = -1;

    private ExecutionFeed(ChronicleQueue queue, String name, Path positionFile, Start start) {
        this.queue = queue;
        this.name = name;
        this.tailer = queue.createTailer();
        try {
            if (positionFile == null) {
                positionChannel = null;
                positionLock = null;
                position = null;
            } else {
                Files.createDirectories(positionFile.getParent());
                positionChannel = FileChannel.open(positionFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                FileLock lock;
                try {
                    lock = positionChannel.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null;
                }
                if (lock == null) {
                    positionChannel.close();
                    throw new IllegalStateException("execution feed '" + name + "' is already open in another consumer");
                }
                positionLock = lock;
                position = positionChannel.map(FileChannel.MapMode.READ_WRITE, 0, Long.BYTES);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open position of feed '" + name + "': " + e.getMessage(), e);
        }
        long committed = position == null ? 0 : position.getLong(0);
        if (committed != 0) {
            // the stored value is the index of the last committed report: continue after it
            if (!tailer.moveToIndex(committed) || !tailer.readBytes(new OrderInfo()))
                throw new IllegalStateException("feed '" + name + "' position 0x" + Long.toHexString(committed)
                        + " is not on the executions queue (was the data directory replaced?)");
        } else if (start == Start.END) {
            tailer.toEnd();
        } else {
            tailer.toStart();
        }
    }

    /**
     * Opens a feed on the executions queue of a data directory laid out by the default config.
     *
     * @param name  a name to keep the position under (letters, digits, {@code _ - .}), or null for a feed that
     *              always starts at {@code start} and stores nothing
     */
    public static ExecutionFeed open(Path dataDir, String name, Start start) {
        PipelineConfig defaults = PipelineConfig.loadDefault();
        return open(dataDir, defaults.matching.queue, defaults, name, start);
    }

    /** Opens a feed on the executions queue of the pipeline {@code config} describes. */
    public static ExecutionFeed open(PipelineConfig config, String name, Start start) {
        return open(config.dataPath(), config.matching.queue, config, name, start);
    }

    /** Whether {@code name} can name a feed: {@value #NAME_RULE} (it names the file the position is kept in). */
    public static boolean isValidName(String name) {
        return name.matches("[A-Za-z0-9_.-]{1,64}");
    }

    private static ExecutionFeed open(Path dataDir, String queueName, PipelineConfig config, String name, Start start) {
        if (name != null && !isValidName(name))
            throw new IllegalArgumentException("feed name must be " + NAME_RULE + ", was '" + name + "'");
        if (!Files.isDirectory(dataDir))
            throw new BadFileException("data directory " + dataDir + " does not exist");
        // the pipeline may not have written a report yet: open (creating) rather than require queue files
        ChronicleQueue q = Queues.open(dataDir.resolve(queueName), config.rollCycle());
        try {
            Path positionFile = name == null ? null : dataDir.resolve("consumers").resolve(name + ".position");
            return new ExecutionFeed(q, name, positionFile, start == null ? Start.BEGINNING : start);
        } catch (RuntimeException e) {
            q.close();
            throw e;
        }
    }

    /**
     * Reads the next report into {@code into}, committing the previous one.
     *
     * @return false when no report is available yet (poll again later)
     */
    public boolean next(OrderInfo into) {
        commit();
        if (!tailer.readBytes(into.reset()))
            return false;
        lastRead = tailer.lastReadIndex();
        return true;
    }

    /** Marks the last report read as done: a restarted feed of this name continues after it. */
    public void commit() {
        if (position != null && lastRead != -1)
            position.putLong(0, lastRead);
    }

    /** Queue index of the last report read, or -1. */
    public long lastIndex() {
        return lastRead;
    }

    /** The feed's name, or null. */
    public String name() {
        return name;
    }

    @Override
    public void close() {
        tailer.close();
        queue.close();
        try {
            if (positionLock != null)
                positionLock.release();
            if (positionChannel != null)
                positionChannel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
