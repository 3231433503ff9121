package dev.orderpipe.pipeline.infra;

import dev.orderpipe.pipeline.BadFileException;
import dev.orderpipe.pipeline.integrity.QueueMetadata;
import dev.orderpipe.pipeline.integrity.QueueVerifier;
import dev.orderpipe.pipeline.integrity.RecordKind;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.WireStoreFactory;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.WireType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Opening orderpipe's Chronicle queues, and the checks that make a wrong directory a one-line error. */
public final class Queues {
    /** Queue file suffix. */
    public static final String QUEUE_FILE_SUFFIX = ".cq4";

    private Queues() {
    }

    /** Opens (creating if needed) a writable queue. */
    public static ChronicleQueue open(Path dir, RollCycle rollCycle) {
        return open(dir, rollCycle, SyncMode.NONE);
    }

    /**
     * Opens (creating if needed) a writable queue whose mapped chunks are msynced with {@code syncMode} when released,
     * and on {@link net.openhft.chronicle.queue.ExcerptAppender#sync()}.
     */
    public static ChronicleQueue open(Path dir, RollCycle rollCycle, SyncMode syncMode) {
        return open(dir, rollCycle, syncMode, null);
    }

    /**
     * {@link #open(Path, RollCycle, SyncMode)} whose appenders take the cycle they write to from {@code clock} (null:
     * the system clock): a replica writes each record into the cycle the primary wrote it to.
     */
    public static ChronicleQueue open(Path dir, RollCycle rollCycle, SyncMode syncMode, TimeProvider clock) {
        CycleFiles.refuseDanglingLinks(dir);
        SingleChronicleQueueBuilder builder = CrashPoints.armed(CrashPoints.Point.CYCLE_FILE_CREATED)
                ? new CycleFileCrashPoint() : SingleChronicleQueueBuilder.builder();
        if (clock != null)
            builder.timeProvider(clock);
        return builder.path(dir.toFile()).wireType(WireType.BINARY_LIGHT).rollCycle(rollCycle).syncMode(syncMode)
                .build();
    }

    /**
     * A queue builder whose store factory passes {@link CrashPoints.Point#CYCLE_FILE_CREATED}: Chronicle calls it on
     * the writing thread right after it wrote the new cycle file's not-complete first header word and before it
     * completes the header, so a crash there leaves exactly what a kill in the creation window leaves. Used only
     * when that crash point is armed.
     */
    private static final class CycleFileCrashPoint extends SingleChronicleQueueBuilder {
        private static final long serialVersionUID = 1L;

        @Override
        public WireStoreFactory storeFactory() {
            WireStoreFactory chronicle = super.storeFactory();
            return (queue, wire) -> {
                CrashPoints.hit(CrashPoints.Point.CYCLE_FILE_CREATED);
                return chronicle.apply(queue, wire);
            };
        }
    }

    /**
     * Opens an existing queue for reading, after checking that {@code dir} is a directory holding Chronicle queue
     * files, so a wrong path is a clear {@link BadFileException} and not a new empty queue; a directory named like one
     * of the pipeline's queues must hold that kind of record ({@link RecordKind#ofQueueName}). The queue is opened
     * with the roll cycle and epoch its metadata records, so Chronicle has nothing to override (and to warn about).
     */
    public static ChronicleQueue openExisting(Path dir) {
        return openExisting(dir, RecordKind.ofQueueName(dir.getFileName().toString()));
    }

    /** {@link #openExisting(Path)} of a queue that must hold {@code kind} records (null: one kind, any). */
    public static ChronicleQueue openExisting(Path dir, RecordKind kind) {
        requireQueueDir(dir, kind);
        return openRecorded(dir);
    }

    /** {@link #requireQueueDir(Path, RecordKind)} with the kind its name calls for ({@link RecordKind#ofQueueName}). */
    public static void requireQueueDir(Path dir) {
        requireQueueDir(dir, RecordKind.ofQueueName(dir.getFileName().toString()));
    }

    /**
     * Opens an existing queue for reading like {@link #openExisting} whose files the caller has just checked
     * ({@link QueueVerifier#checkDataDir}), so they are not read twice.
     */
    public static ChronicleQueue openVerified(Path dir) {
        requireQueueFiles(dir);
        return openRecorded(dir);
    }

    /** A read-only queue with the roll cycle and epoch its metadata records. */
    private static ChronicleQueue openRecorded(Path dir) {
        QueueMetadata recorded = QueueMetadata.read(dir.toString(), dir);
        return SingleChronicleQueueBuilder.binary(dir).rollCycle(recorded.rollCycle()).epoch(recorded.epoch())
                .readOnly(true).build();
    }

    /**
     * Throws a one-line {@link BadFileException} unless {@code dir} holds a Chronicle queue whose metadata
     * starts with Chronicle's header, and a one-line {@link QueueDamagedException} unless its files pass the quick
     * integrity check ({@link QueueVerifier#checkQueue}), their records included: a foreign, corrupt or damaged
     * directory, or one holding another kind of record than {@code kind}, is refused up front instead of being read
     * as an empty or shorter queue (or, worse, waited on, or read as what it is not).
     *
     * @param kind the kind of record the queue must hold, null for "one kind, whichever its first record is"
     */
    public static void requireQueueDir(Path dir, RecordKind kind) {
        requireQueueFiles(dir);
        QueueVerifier.checkQueue(dir.toString(), dir, RollCycles.FAST_DAILY, kind);
    }

    /** {@link #requireQueueDir} but the integrity check: the directory, its cycle files and metadata. */
    private static void requireQueueFiles(Path dir) {
        if (!Files.exists(dir))
            throw new BadFileException(dir + " does not exist");
        if (!Files.isDirectory(dir))
            throw new BadFileException(dir + " is not a directory (expected a Chronicle queue directory)");
        if (!isQueueDir(dir))
            throw new BadFileException(dir + " is not a Chronicle queue: it has no *" + QUEUE_FILE_SUFFIX + " files");
        Path metadata = dir.resolve(METADATA_FILE);
        try {
            // a missing or half-created metadata file is the quick check's to name (the start-up repair's case)
            if (Files.exists(metadata) && CycleFiles.headerReady(metadata) && !hasChronicleHeader(metadata))
                throw new BadFileException(dir + " is not a valid Chronicle queue: " + METADATA_FILE
                        + " does not start with a queue header (corrupt or foreign file)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Table-store file every queue directory has. */
    public static final String METADATA_FILE = "metadata.cq4t";
    /** What a Chronicle queue file holds after its 4-byte header word: the binary-wire field name "header". */
    private static final byte[] HEADER_FIELD = {(byte) 0xB9, 6, 'h', 'e', 'a', 'd', 'e', 'r'};

    private static boolean hasChronicleHeader(Path file) throws IOException {
        if (Files.size(file) < 4 + HEADER_FIELD.length)
            return false;
        byte[] start = new byte[4 + HEADER_FIELD.length];
        try (var in = Files.newInputStream(file)) {
            if (in.readNBytes(start, 0, start.length) != start.length)
                return false;
        }
        return isHeaderDocument(start, 4);
    }

    /** Whether {@code bytes} at {@code offset} (after a document's 4-byte header word) start a queue file's header. */
    public static boolean isHeaderDocument(byte[] bytes, int offset) {
        if (bytes.length < offset + HEADER_FIELD.length)
            return false;
        for (int i = 0; i < HEADER_FIELD.length; i++)
            if (bytes[offset + i] != HEADER_FIELD[i])
                return false;
        return true;
    }

    /** Bytes a queue file's header document starts with, after its header word. */
    public static int headerDocumentPrefix() {
        return HEADER_FIELD.length;
    }

    /** Whether {@code dir} holds at least one queue file. */
    public static boolean isQueueDir(Path dir) {
        if (!Files.isDirectory(dir))
            return false;
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(p -> p.getFileName().toString().endsWith(QUEUE_FILE_SUFFIX));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An index as people read it: hex, with its cycle and the record's number in the cycle. */
    public static String describeIndex(ChronicleQueue queue, long index) {
        return describeIndex(queue.rollCycle(), index);
    }

    /** An index of a queue with roll cycle {@code rc} as people read it. */
    public static String describeIndex(RollCycle rc, long index) {
        if (index < 0)
            return "none";
        return "0x" + Long.toHexString(index) + " (cycle " + rc.toCycle(index) + ", record " + rc.toSequenceNumber(index)
                + ")";
    }
}
