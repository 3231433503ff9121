package dev.orderpipe.pipeline.api;

import dev.orderpipe.pipeline.BadFileException;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.infra.QueueInput;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.integrity.QueueMetadata;
import dev.orderpipe.pipeline.integrity.QueueVerifier;
import dev.orderpipe.pipeline.integrity.RecordKind;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.RollCycle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

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
 * <p>Every report is read through {@link QueueInput}: checked (length, format, CRC32C, and its place: seq 1, 2, 3...
 * with the reports of each input together, from the report before the feed's first on), and a feed that finds no
 * report although the queue holds more (a damaged header, a file cut short) throws a one-line
 * {@link dev.orderpipe.pipeline.infra.QueueDamagedException} rather than waiting forever. The queue's files are checked
 * when the feed opens ({@link QueueVerifier#checkQueue}).
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
    /** The directory of the named feeds' positions in the data directory. */
    public static final String CONSUMERS_DIR = "consumers";
    /** The suffix of a named feed's position file. */
    public static final String POSITION_SUFFIX = ".position";
    public static final String NAME_RULE = "1 to 64 of A-Z a-z 0-9 _ . -";

    /** Where a feed without a stored position starts. */
    public enum Start {
        /** The first report on the queue. */
        BEGINNING,
        /** After the last report on the queue when the feed opens. */
        END
    }

    /** How often an idle feed checks that it is at the queue's real end (see {@link #next}). */
    private static final long END_CHECK_NANOS = 50_000_000;

    private final ChronicleQueue queue;
    private final QueueInput input;
    private final String name;
    private final FileChannel positionChannel;
    private final FileLock positionLock;
    private final MappedByteBuffer position;
    private long lastRead = -1;
    private boolean idle;
    private long lastEndCheck;

    private ExecutionFeed(ChronicleQueue queue, String queueName, String name, Path positionFile, Start start) {
        this.queue = queue;
        this.name = name;
        this.input = new QueueInput(queueName, queue, RecordKind.REPORT);
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
            input.open();
            if (!input.moveTo(committed) || !input.read(new OrderInfo()))
                throw new IllegalStateException("feed '" + name + "' position 0x" + Long.toHexString(committed)
                        + " is not on the executions queue (was the data directory replaced?)");
        } else if (start == Start.END) {
            input.openAtEnd();
        } else {
            input.open();
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

    /**
     * The committed positions of the named feeds of {@code dataDir} ({@code consumers/<name>.position}), by name in
     * name order: the index of the last report each handled, 0 before its first commit. Read only, by any process.
     */
    public static Map<String, Long> positions(Path dataDir) {
        Path dir = dataDir.resolve(CONSUMERS_DIR);
        Map<String, Long> out = new TreeMap<>();
        if (!Files.isDirectory(dir))
            return out;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                String file = p.getFileName().toString();
                if (!file.endsWith(POSITION_SUFFIX))
                    continue;
                try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                    ByteBuffer b = ByteBuffer.allocate(Long.BYTES); // big-endian, as the mapped buffer writes it
                    long position = ch.read(b, 0) < Long.BYTES ? 0 : b.getLong(0);
                    out.put(file.substring(0, file.length() - POSITION_SUFFIX.length()), position);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        return out;
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
        // the pipeline may not have written a report yet: open (creating) rather than require queue files; but what
        // is there is checked before Chronicle maps it (a file cut short would otherwise be grown with zeros)
        Path dir = dataDir.resolve(queueName);
        RollCycle rollCycle = config.rollCycle();
        if (Queues.isQueueDir(dir)) {
            QueueVerifier.checkQueue(queueName, dir, rollCycle, RecordKind.REPORT);
            // the queue's own roll cycle: nothing for Chronicle to override (and to warn about on stderr)
            rollCycle = QueueMetadata.read(queueName, dir).rollCycle();
        }
        ChronicleQueue q = Queues.open(dir, rollCycle);
        try {
            Path positionFile = name == null ? null : dataDir.resolve(CONSUMERS_DIR).resolve(name + POSITION_SUFFIX);
            return new ExecutionFeed(q, queueName, name, positionFile, start == null ? Start.BEGINNING : start);
        } catch (RuntimeException e) {
            q.close();
            throw e;
        }
    }

    /**
     * Reads the next report into {@code into}, committing the previous one.
     *
     * @return false when no report is available yet (poll again later)
     * @throws dev.orderpipe.pipeline.infra.QueueDamagedException when the next report cannot be read as written, or the
     *                                                      queue holds reports beyond one that cannot be read
     */
    public boolean next(OrderInfo into) {
        if (poll(into))
            return true;
        // nothing readable: is this the queue's end? Asked on the first empty poll after reports, then now and
        // then (asking Chronicle for the last index on every poll of a spinning consumer would cost the writers)
        long now = System.nanoTime();
        if (idle && now - lastEndCheck < END_CHECK_NANOS)
            return false;
        idle = true;
        lastEndCheck = now;
        if (!input.readOrEnd(into))
            return false;
        read();
        return true;
    }

    /**
     * Reads the next report into {@code into} if one is readable now, committing the previous one, like
     * {@link #next} but without ever asking Chronicle for the queue's end, which allocates: for a consumer that polls
     * in a loop and must not allocate however often it finds nothing (a FIX gateway), and calls {@link #next} now and
     * then when idle to find a queue damaged beyond what it can read.
     *
     * @return false when no report is readable now
     */
    public boolean poll(OrderInfo into) {
        commit();
        if (!input.read(into))
            return false;
        read();
        return true;
    }

    private void read() {
        idle = false;
        lastRead = input.lastReadIndex();
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
        input.close();
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
