package dev.orderpipe.replication;

import dev.orderpipe.pipeline.DamagedRecordException;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.infra.CrashPoints;
import dev.orderpipe.pipeline.infra.CycleFiles;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.integrity.QueueMetadata;
import dev.orderpipe.pipeline.integrity.QueueVerifier;
import dev.orderpipe.pipeline.integrity.RecordKind;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.wire.DocumentContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * A replica's copy of one of the primary's queues: each record is written at the index the primary's copy holds it at.
 *
 * <p>How the indexes line up: a Chronicle index is the cycle (the roll period the record was written in) and the
 * record's sequence number within that cycle, which an appender takes as the next after the cycle's last record; the
 * cycle is the one its clock names. The replica's queue is opened with the primary's roll cycle and epoch and a clock
 * that the replica sets, before each write, to the start of the record's cycle: so the appender writes the next record
 * of that cycle (rolling to it, as the primary did, when it is a later one), and its sequence number is the primary's
 * because every earlier record of the cycle is already there (the records come in order, each exactly once). A record
 * arrives only if it is the next one: in the replica's last cycle the sequence number after its last, or the first
 * (sequence number 0) of a later cycle; anything else is a gap, and the replica asks the primary to resume from its
 * last index. After each write the index Chronicle assigned is compared with the primary's, and any difference stops
 * the replica: identical indexes are checked, not assumed.
 *
 * <p>A record at an index the replica already holds (the one the primary resends after each resume, or a record sent
 * to another replica of a multicast group) is compared byte for byte with the replica's copy; a difference means the
 * copies diverge, which stops the replica ({@link ReplicationException}).
 */
final class ReplicaQueue implements AutoCloseable {
    static final int WRITTEN = 1;
    static final int SAME = 0;
    static final int GAP = -1;

    private final String name;
    private final RollCycle rollCycle;
    private final ChronicleQueue queue;
    private final CycleClock clock;
    private final RecordKind kind;
    private final OrderInfo check = new OrderInfo();
    private final Bytes<?> checkBytes = Bytes.allocateElasticOnHeap(512);
    private final CRC32C crc = new CRC32C();
    private byte[] own = new byte[512];
    private ExcerptAppender appender;
    private ExcerptTailer reader;
    private long lastIndex;

    /**
     * Opens (creating it if needed) the queue {@code name} in {@code dataDir} with the primary's roll cycle.
     *
     * @throws ReplicationException when the replica's queue exists with another roll cycle or epoch
     */
    ReplicaQueue(Path dataDir, String name, RollCycle rollCycle, long epoch) {
        this.name = name;
        this.rollCycle = rollCycle;
        Path dir = dataDir.resolve(name);
        if (epoch != 0)
            throw new ReplicationException("the primary's queue " + name + " has epoch " + epoch + ": orderpipe's"
                    + " queues have epoch 0, so it is not an orderpipe queue; replicate an orderpipe data directory");
        if (Queues.isQueueDir(dir)) {
            QueueMetadata recorded = QueueMetadata.read(name, dir);
            if (!recorded.rollCycle().equals(rollCycle) || recorded.epoch() != epoch)
                throw new ReplicationException("the replica's queue " + dir + " has roll cycle " + recorded.rollCycle()
                        + " (epoch " + recorded.epoch() + "), the primary's " + rollCycle + " (epoch " + epoch
                        + "): it is not a copy of this primary's; move it away and start the replica again");
        }
        refuseDamagedOlderFiles(name, dir);
        refuseUnwritable(name, dir);
        this.clock = new CycleClock(rollCycle);
        this.queue = CycleFiles.openRepaired(name, dir, rollCycle, SyncMode.NONE, clock);
        this.kind = RecordKind.ofQueueName(name);
        try {
            // the copy on disk as the pipeline's start checks it (its newest file whole, every record's checksum):
            // the primary compares only the replica's last record, so bytes changed before it would go unseen; a queue
            // of another kind (snapshots) holds no OrderInfo records, and its readers check their own records
            if (kind != null)
                QueueVerifier.checkQueue(name, dir, rollCycle, kind);
        } catch (RuntimeException e) {
            queue.close();
            throw e;
        }
        this.lastIndex = queue.lastIndex();
    }

    /**
     * Refuses a copy with a cycle file that is not ready (empty, or its first header not complete) before its newest:
     * the start-up repair moves such a file aside as one a crash left half created, but the replica is its copy's only
     * writer and writes a cycle only once the one before is complete and its own start repaired the rest, so only its
     * newest file can be left so. An older one was emptied or damaged since (a full or failing disk, a truncate):
     * moved aside, the copy would come in step (the primary compares only its last records) without that cycle.
     */
    private static void refuseDamagedOlderFiles(String name, Path dir) {
        if (!Files.isDirectory(dir))
            return;
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(Queues.QUEUE_FILE_SUFFIX)).sorted()
                    .toList();
        } catch (IOException e) {
            throw new ReplicationException("cannot list the replica's queue " + dir + ": " + e.getMessage());
        }
        for (int i = 0; i < files.size() - 1; i++) {
            Path file = files.get(i);
            if (!CycleFiles.headerReady(file))
                throw new ReplicationException("queue " + name + ": " + file + " is empty or its header is"
                        + " incomplete, but " + files.get(files.size() - 1).getFileName() + " follows it: only a"
                        + " copy's newest file can be left so by a crash, so it was cut short or damaged since; run"
                        + " 'orderpipe verify' on the replica's data directory and restore it from a copy, or move it"
                        + " away and replicate it again");
        }
    }

    /**
     * Refuses a queue directory (or a file in it) this process cannot write, a read-only mount too (which root cannot
     * write either), before Chronicle opens it: Chronicle falls back to a read-only queue with a stack trace, and each
     * append then fails inside Aeron's fragment handler, which logs and drops it, so the replica took the records
     * after it for gaps and ended blaming the primary.
     */
    private static void refuseUnwritable(String name, Path dir) {
        if (!Files.isDirectory(dir))
            return;
        List<Path> unwritable = new ArrayList<>();
        if (!Files.isWritable(dir))
            unwritable.add(dir);
        try (Stream<Path> list = Files.list(dir)) {
            list.filter(Files::isRegularFile).filter(f -> !Files.isWritable(f))
                    .forEach(unwritable::add);
        } catch (IOException e) {
            throw new ReplicationException("cannot list the replica's queue " + dir + ": " + e.getMessage());
        }
        if (!unwritable.isEmpty())
            throw new ReplicationException("queue " + name + ": " + unwritable.get(0) + " cannot be written"
                    + " (read-only file system or permissions" + (unwritable.size() > 1 ? ", and "
                    + (unwritable.size() - 1) + " more" : "") + "): the replica writes its copy there; make it"
                    + " writable and start the replica again");
    }

    String name() {
        return name;
    }

    RollCycle rollCycle() {
        return rollCycle;
    }

    /** The replica's copy (for its pretoucher). */
    ChronicleQueue queue() {
        return queue;
    }

    /** The index of the last record the replica holds, -1 when none. */
    long lastIndex() {
        return lastIndex;
    }

    /**
     * Checks the record the primary holds at {@code index} ({@code length} bytes of {@code bytes}, with the CRC32C the
     * primary computed of them) and writes it at that index, or compares it with the replica's copy when the replica
     * already holds that index.
     *
     * @return {@link #WRITTEN}, {@link #SAME} (the replica held it already, identical) or {@link #GAP} (not the next
     *         record: the caller asks the primary to resume)
     * @throws ReplicationException when the record is damaged, the copies diverge, or it could not be written at its
     *                              index
     */
    int apply(long index, byte[] bytes, int length, int frameCrc) {
        crc.reset();
        crc.update(bytes, 0, length);
        if ((int) crc.getValue() != frameCrc)
            throw new ReplicationException("queue " + name + ": the record at index " + describe(index) + " arrived"
                    + " damaged (its CRC32C does not match the primary's); restart the replica, which resumes there");
        if (kind != null) {
            checkBytes.clear();
            checkBytes.write(bytes, 0, length);
            try {
                check.readMarshallable(checkBytes);
            } catch (DamagedRecordException e) {
                throw new ReplicationException("queue " + name + ": the primary's record at index " + describe(index)
                        + " is damaged (" + e.getMessage() + "): run 'orderpipe verify' on the primary's data"
                        + " directory");
            }
        }
        if (index <= lastIndex) {
            compare(index, bytes, length);
            return SAME;
        }
        if (!isNext(index))
            return GAP;
        clock.cycle = rollCycle.toCycle(index);
        if (appender == null)
            appender = queue.createAppender();
        try (DocumentContext dc = appender.writingDocument()) {
            if (CrashPoints.armed(CrashPoints.Point.REPLICA_RECORD_PARTIAL)) { // a crash test's: half, then halt
                dc.wire().bytes().write(bytes, 0, length / 2);
                CrashPoints.hit(CrashPoints.Point.REPLICA_RECORD_PARTIAL);
                dc.wire().bytes().write(bytes, length / 2, length - length / 2);
            } else {
                dc.wire().bytes().write(bytes, 0, length);
            }
        }
        CrashPoints.hit(CrashPoints.Point.REPLICA_RECORD_WRITTEN);
        long written = appender.lastIndexAppended();
        if (written != index)
            throw new ReplicationException("queue " + name + ": the primary's record at index " + describe(index)
                    + " was written at index " + describe(written) + " of the replica's copy, so the indexes no"
                    + " longer line up; move the replica's data directory away and replicate it again");
        lastIndex = index;
        return WRITTEN;
    }

    /** Whether {@code index} is the record after the replica's last. */
    private boolean isNext(long index) {
        long seq = rollCycle.toSequenceNumber(index);
        if (lastIndex < 0)
            return seq == 0;
        int lastCycle = rollCycle.toCycle(lastIndex);
        int cycle = rollCycle.toCycle(index);
        return cycle == lastCycle ? seq == rollCycle.toSequenceNumber(lastIndex) + 1 : cycle > lastCycle && seq == 0;
    }

    private void compare(long index, byte[] bytes, int length) {
        if (reader == null)
            reader = queue.createTailer();
        int ownLength = -1;
        if (reader.moveToIndex(index)) {
            try (DocumentContext dc = reader.readingDocument()) {
                if (dc.isPresent() && dc.index() == index) {
                    Bytes<?> b = dc.wire().bytes();
                    ownLength = (int) b.readRemaining();
                    if (own.length < ownLength)
                        own = new byte[ownLength];
                    b.read(own, 0, ownLength);
                }
            }
        }
        if (ownLength < 0)
            throw new ReplicationException("the replica diverges from the primary: queue " + name + " has no"
                    + " readable record at index " + describe(index) + " below its last, where the primary has one;"
                    + " move the replica's data directory away and replicate it again");
        if (!java.util.Arrays.equals(own, 0, ownLength, bytes, 0, length))
            throw new ReplicationException("the replica diverges from the primary: queue " + name + " holds another"
                    + " record at index " + describe(index) + " than the primary's; the replica stopped and keeps its"
                    + " copy as it was: find out which is right (orderpipe verify, dump) before using either");
    }

    private String describe(long index) {
        return Queues.describeIndex(rollCycle, index);
    }

    @Override
    public void close() {
        if (appender != null)
            appender.close();
        if (reader != null)
            reader.close();
        queue.close();
        checkBytes.releaseLast();
    }

    /**
     * The clock of the replica's appender: the start of the cycle of the record being written (the replica sets
     * {@link #cycle} before each write), so that the appender writes into the cycle the primary wrote the record to.
     */
    static final class CycleClock implements TimeProvider {
        private final long cycleMillis;
        int cycle;

        CycleClock(RollCycle rollCycle) {
            this.cycleMillis = rollCycle.lengthInMillis();
            this.cycle = (int) (System.currentTimeMillis() / cycleMillis);
        }

        @Override
        public long currentTimeMillis() {
            return cycle * cycleMillis;
        }

        @Override
        public long currentTimeMicros() {
            return currentTimeMillis() * 1000;
        }

        @Override
        public long currentTimeNanos() {
            return currentTimeMicros() * 1000;
        }
    }
}
