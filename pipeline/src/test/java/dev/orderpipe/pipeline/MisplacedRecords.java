package dev.orderpipe.pipeline;

import dev.orderpipe.pipeline.infra.Queues;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Records that are intact on their own (their CRC32C matches) but not in their place, as people and tools leave them:
 * a cycle file removed from the middle of a queue, two cycle files exchanged (renamed), a record copied over the next
 * one, two records exchanged. Nothing is re-computed: whole files are renamed and whole records (header word and
 * bytes) copied, so every checksum stays valid; or a record changed in place with its checksum written anew
 * ({@link #alter}). The queues are first laid out over several cycle files
 * ({@link #layOut}), deterministically. Shared by tests of every module (pipeline test-jar).
 */
public final class MisplacedRecords {
    /** The roll cycle of {@link #layOut}'s queues: one file per second of the clock it is written with. */
    public static final RollCycle ROLL_CYCLE = TestRollCycles.TEST_SECONDLY;
    /** The clock of the first cycle file (in the past, so a pipeline started on the copy writes after it). */
    private static final String START = "2024-01-02T10:00:00Z";

    private MisplacedRecords() {
    }

    /** The ways a test misplaces records. */
    public enum Misplacement {
        /** The second of the queue's cycle files deleted. */
        DELETE_MIDDLE_CYCLE,
        /** The second and third cycle files exchanged by renaming them. */
        SWAP_CYCLES,
        /** In the second cycle file, record {@code k} copied over record {@code k + 1}. */
        DUPLICATE_RECORD,
        /** In the second cycle file, records {@code k} and {@code k + 1} exchanged. */
        SWAP_RECORDS
    }

    /**
     * Copies the three queues of a finished pipeline's data directory into {@code to}, with every record where it
     * was but the queues laid out over cycle files of {@link #ROLL_CYCLE}: the n-th order goes to cycle file
     * {@code n / perCycle}, each checked record to the file of its order, each report to the file of its checked
     * record. The sourceIndex of each checked record and report is re-pointed to its input's new index (its checksum
     * written anew): a sound data directory, as a pipeline that rolled its files would have written it.
     */
    public static Path layOut(Path dataDir, Path to, int perCycle) {
        Map<Long, long[]> orders = copy(dataDir.resolve("orders"), to.resolve("orders"), null, perCycle);
        Map<Long, long[]> checked = copy(dataDir.resolve("checked"), to.resolve("checked"), orders, perCycle);
        copy(dataDir.resolve("executions"), to.resolve("executions"), checked, perCycle);
        return to;
    }

    /**
     * Copies one queue; with {@code inputs} (old index to new index and file) each record goes to its input's file,
     * else the n-th to file {@code n / perCycle}.
     *
     * @return per old index, the new index and the file
     */
    private static Map<Long, long[]> copy(Path from, Path to, Map<Long, long[]> inputs, int perCycle) {
        Map<Long, long[]> moved = new HashMap<>();
        SetTimeProvider clock = new SetTimeProvider(Instant.parse(START));
        long cycle = 0;
        try (ChronicleQueue in = Queues.openExisting(from); ExcerptTailer tailer = in.createTailer();
             ChronicleQueue out = SingleChronicleQueueBuilder.binary(to).rollCycle(ROLL_CYCLE).timeProvider(clock)
                     .build(); ExcerptAppender appender = out.createAppender()) {
            OrderInfo r = new OrderInfo();
            for (long n = 0; tailer.readBytes(r.reset()); n++) {
                long oldIndex = tailer.lastReadIndex();
                long file = n / perCycle;
                if (inputs != null) {
                    long[] input = inputs.get(r.sourceIndex());
                    if (input == null)
                        throw new AssertionError("no input record at 0x" + Long.toHexString(r.sourceIndex()));
                    r.sourceIndex(input[0]);
                    file = input[1];
                }
                for (; cycle < file; cycle++)
                    clock.advanceMillis(1000);
                appender.writeBytes(r);
                moved.put(oldIndex, new long[]{appender.lastIndexAppended(), file});
            }
        }
        return moved;
    }

    /** The cycle files of a queue directory in cycle order. */
    public static List<Path> cycleFiles(Path queueDir) {
        try (Stream<Path> files = Files.list(queueDir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(Queues.QUEUE_FILE_SUFFIX)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The index of record {@code record} of cycle file {@code file} of a queue laid out by {@link #layOut}. */
    public static long index(int file, long record) {
        long cycle = Instant.parse(START).getEpochSecond() + file;
        return ROLL_CYCLE.toIndex((int) cycle, record);
    }

    /** Misplaces records of a queue laid out by {@link #layOut} ({@code record}: which, for the record cases). */
    public static void misplace(Path queueDir, Misplacement m, int record) {
        List<Path> files = cycleFiles(queueDir);
        if (files.size() < 3)
            throw new AssertionError("a queue of at least 3 cycle files is needed, " + queueDir + " has " + files);
        try {
            switch (m) {
                case DELETE_MIDDLE_CYCLE:
                    Files.delete(files.get(1));
                    break;
                case SWAP_CYCLES: {
                    Path aside = files.get(1).resolveSibling("aside.tmp");
                    Files.move(files.get(1), aside);
                    Files.move(files.get(2), files.get(1));
                    Files.move(aside, files.get(2));
                    break;
                }
                case DUPLICATE_RECORD:
                    exchange(files.get(1), record, false);
                    break;
                case SWAP_RECORDS:
                    exchange(files.get(1), record, true);
                    break;
                default:
                    throw new AssertionError(m);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies record {@code k} (header word and bytes) over record {@code k + 1}, and with {@code both} back. */
    private static void exchange(Path cycleFile, int k, boolean both) throws IOException {
        List<Long> offsets = DamagedFiles.recordOffsets(cycleFile);
        long a = offsets.get(k);
        long b = offsets.get(k + 1);
        int length = (int) (b - a);
        if (offsets.get(k + 2) - b != length)
            throw new AssertionError("records " + k + " and " + (k + 1) + " differ in length");
        try (RandomAccessFile f = new RandomAccessFile(cycleFile.toFile(), "rw")) {
            byte[] first = new byte[length];
            byte[] second = new byte[length];
            f.seek(a);
            f.readFully(first);
            f.seek(b);
            f.readFully(second);
            f.seek(b);
            f.write(first);
            if (both) {
                f.seek(a);
                f.write(second);
            }
        }
    }

    /**
     * Changes one record of a cycle file in place and writes its CRC32C anew, as someone who edits a record with the
     * format at hand would: the record reads as intact, and only what it says against the other queues tells.
     *
     * @param record which data record of the file (0-based)
     * @return the record as it was before the change
     */
    public static OrderInfo alter(Path cycleFile, int record, Consumer<OrderInfo> change) {
        long offset = DamagedFiles.recordOffsets(cycleFile).get(record) + 4;
        try (RandomAccessFile f = new RandomAccessFile(cycleFile.toFile(), "rw")) {
            byte[] bytes = new byte[OrderInfo.BINARY_LENGTH];
            f.seek(offset);
            f.readFully(bytes);
            OrderInfo r = new OrderInfo();
            r.readMarshallable(Bytes.wrapForRead(bytes));
            OrderInfo before = new OrderInfo().copyFrom(r);
            change.accept(r);
            Bytes<?> out = Bytes.allocateElasticOnHeap(OrderInfo.BINARY_LENGTH);
            r.writeMarshallable(out);
            f.seek(offset);
            f.write(out.toByteArray());
            return before;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The index of the last record of a queue, as a Chronicle tailer reads it. */
    public static long lastIndex(Path queueDir) {
        try (ChronicleQueue q = Queues.openExisting(queueDir); ExcerptTailer tailer = q.createTailer()) {
            OrderInfo r = new OrderInfo();
            long last = -1;
            while (tailer.readBytes(r.reset()))
                last = tailer.lastReadIndex();
            return last;
        }
    }
}
