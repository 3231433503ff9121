package dev.orderpipe.pipeline.integrity;

import dev.orderpipe.pipeline.DamagedFiles;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.TestPipelines;
import dev.orderpipe.pipeline.infra.QueueDamagedException;
import dev.orderpipe.pipeline.infra.QueueInput;
import dev.orderpipe.pipeline.infra.Queues;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Chronicle's own index inside a cycle file ({@link CycleIndex}): an entry that points at another record, an
 * index2index entry that names another block's array or no array, an entry set past the last record. Chronicle
 * trusts them (each test first shows what a plain tailer reads); verify, the quick check and a reader that moves to
 * an index name them instead, at the entry's byte. An entry of 0 is what a killed writer leaves and readers step over:
 * noted, not damage. The queues use a roll cycle with small index arrays (32 entries, every 4th record), so that a
 * few hundred records fill several.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChronicleIndexTest {
    private static final RollCycle DAILY = TestRollCycles.TEST4_DAILY;
    private static final int COUNT = 32;
    private static final int SPACING = 4;
    /** Three index arrays: records 0-127, 128-255, 256-299. */
    private static final int RECORDS = 300;
    private static final String WRONG_RECORD = ": a reader that moves to this index reads the wrong record";

    /** A data directory holding an orders queue of {@link #RECORDS} orders in one cycle, and where they lie. */
    private static final class Orders {
        final Path data;
        final Path file;
        final int cycle;
        final List<Long> offsets;
        final DamagedFiles.ChronicleIndex index;

        Orders(Path data) throws IOException {
            this.data = data;
            TestPipelines.writeOrders(data.resolve("orders"), DAILY, new SetTimeProvider("2026-01-05T10:00:00"), 1, RECORDS);
            file = cycleFiles(data.resolve("orders")).get(0);
            try (ChronicleQueue q = open(data.resolve("orders"), DAILY)) {
                cycle = DAILY.toCycle(q.firstIndex());
            }
            offsets = DamagedFiles.recordOffsets(file);
            index = DamagedFiles.chronicleIndex(file);
        }

        /** Where a problem with record {@code record} is named: its index and the byte of the entry. */
        String at(long record, long byteOffset) {
            return "index " + describe(record) + ", byte " + byteOffset + " of " + file.getFileName();
        }

        String describe(long record) {
            return Queues.describeIndex(DAILY, DAILY.toIndex(cycle, record));
        }

        /** verify, the quick check and a reader moving to record {@code readFrom} all name the same problem. */
        void namedByEveryCheck(int readFrom, String where, String what) {
            QueueDamagedException p = verify(data).problem();
            assertEquals(where, p.where(), p.getMessage());
            assertEquals(what, p.what(), p.getMessage());
            QueueDamagedException quick = assertThrows(QueueDamagedException.class,
                    () -> QueueVerifier.checkQueue("orders", data.resolve("orders"), RollCycles.FAST_DAILY));
            assertEquals(where + ": " + what, quick.where() + ": " + quick.what());
            QueueDamagedException moving = moveToFails(data.resolve("orders"), DAILY, cycle, readFrom);
            assertEquals(where + ": " + what, moving.where() + ": " + moving.what());
        }
    }

    private static List<Path> cycleFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(Queues.QUEUE_FILE_SUFFIX)).sorted().toList();
        }
    }

    private static ChronicleQueue open(Path dir, RollCycle rollCycle) {
        return SingleChronicleQueueBuilder.binary(dir).rollCycle(rollCycle).readOnly(true).build();
    }

    /** The orderId a plain Chronicle tailer reads after moving to record {@code record} of the first cycle. */
    private static long chronicleReadsAt(Path dir, RollCycle rollCycle, int record) {
        try (ChronicleQueue q = open(dir, rollCycle); ExcerptTailer t = q.createTailer()) {
            long index = rollCycle.toIndex(rollCycle.toCycle(q.firstIndex()), record);
            assertTrue(t.moveToIndex(index), "Chronicle moves to record " + record);
            OrderInfo r = new OrderInfo();
            assertTrue(t.readBytes(r));
            return r.orderId();
        }
    }

    /** The orderId a {@link QueueInput} reads after {@link QueueInput#moveTo} record {@code record} of the cycle. */
    private static long moveToAndRead(Path dir, RollCycle rollCycle, int cycle, int record) {
        try (ChronicleQueue q = open(dir, rollCycle); QueueInput in = new QueueInput("orders", q).open()) {
            assertTrue(in.moveTo(rollCycle.toIndex(cycle, record)));
            OrderInfo r = new OrderInfo();
            assertTrue(in.read(r));
            return r.orderId();
        }
    }

    private static QueueDamagedException moveToFails(Path dir, RollCycle rollCycle, int cycle, int record) {
        return assertThrows(QueueDamagedException.class, () -> moveToAndRead(dir, rollCycle, cycle, record));
    }

    private static DataDirVerifier.QueueReport verify(Path data) {
        DataDirVerifier.Report report = DataDirVerifier.verify(TestPipelines.config(data, null));
        return report.queues().get(0);
    }

    @Test
    void aSoundIndexPassesAndEveryMoveReadsItsRecord(@TempDir Path data) throws IOException {
        Orders o = new Orders(data);
        DataDirVerifier.QueueReport q = verify(data);
        assertNull(q.problem());
        assertNull(q.note());
        assertEquals(RECORDS, q.records());
        QueueVerifier.checkQueue("orders", data.resolve("orders"), RollCycles.FAST_DAILY);
        for (int record : new int[]{0, 1, 127, 128, 131, 256, 299})
            assertEquals(record + 1, moveToAndRead(data.resolve("orders"), DAILY, o.cycle, record));
    }

    @Test
    void anEntryRedirectedToAnotherRecordIsNamed(@TempDir Path data) throws IOException {
        Orders o = new Orders(data);
        long entry = o.index.entryOf(140, COUNT, SPACING);
        DamagedFiles.writeLong(o.file, entry, o.offsets.get(132));
        assertEquals(134, chronicleReadsAt(data.resolve("orders"), DAILY, 141), "Chronicle reads record 133");

        long array = DamagedFiles.readLong(o.file, o.index.index2indexEntry(1));
        o.namedByEveryCheck(141, o.at(140, entry), "Chronicle's index entry for this record (index array at byte "
                + array + ") points at byte " + o.offsets.get(132) + ", the record at index " + o.describe(132)
                + ", instead of byte " + o.offsets.get(140) + ", this record's header" + WRONG_RECORD);
        assertEquals(140, verify(data).records(), "the records before it are intact");
        assertEquals(131, moveToAndRead(data.resolve("orders"), DAILY, o.cycle, 130), "the file's entries before it"
                + " lead where they should");
    }

    @Test
    void anIndex2indexEntryNamingAnEarlierBlocksArrayIsNamed(@TempDir Path data) throws IOException {
        Orders o = new Orders(data);
        long second = DamagedFiles.readLong(o.file, o.index.index2indexEntry(1));
        DamagedFiles.writeLong(o.file, o.index.index2indexEntry(2), second);
        assertEquals(130, chronicleReadsAt(data.resolve("orders"), DAILY, 257), "Chronicle reads record 129");

        o.namedByEveryCheck(257, o.at(256, o.index.index2indexEntry(2)), "Chronicle's index2index entry for the"
                + " records from this index on points at the index array at byte " + second + ", written before this"
                + " record at byte " + o.offsets.get(256) + ": it indexes other records, so a reader that moves to"
                + " these indexes reads the wrong records");
    }

    @Test
    void anIndex2indexEntryPointingAtARecordIsNamed(@TempDir Path data) throws IOException {
        Orders o = new Orders(data);
        DamagedFiles.writeLong(o.file, o.index.index2indexEntry(1), o.offsets.get(100));

        o.namedByEveryCheck(129, o.at(128, o.index.index2indexEntry(1)), "Chronicle's index2index entry for the"
                + " records from this index on points at byte " + o.offsets.get(100) + ", where there is no index"
                + " array (no Chronicle metadata there (header 0x" + Integer.toHexString(OrderInfo.BINARY_LENGTH)
                + ")): Chronicle cannot find these records by index");
    }

    @Test
    void anEntryPastTheLastRecordIsNamed(@TempDir Path data) throws IOException {
        Orders o = new Orders(data);
        long entry = o.index.entryOf(RECORDS, COUNT, SPACING);
        DamagedFiles.writeLong(o.file, entry, o.offsets.get(256));
        try (ChronicleQueue q = open(data.resolve("orders"), DAILY); ExcerptTailer t = q.createTailer()) {
            assertTrue(t.moveToIndex(DAILY.toIndex(o.cycle, RECORDS)), "Chronicle finds the record not yet written");
            OrderInfo r = new OrderInfo();
            assertTrue(t.readBytes(r));
            assertEquals(257, r.orderId(), "and reads record 256 as it");
        }

        long end = o.offsets.get(RECORDS - 1) + ((4 + OrderInfo.BINARY_LENGTH + 3) & ~3);
        String where = o.at(RECORDS, entry);
        String what = "Chronicle's index entry for this index, past the last record (the file holds " + RECORDS + "),"
                + " points at byte " + o.offsets.get(256) + ", the record at index " + o.describe(256) + ", before the"
                + " end of the data at byte " + end + ": a reader waiting for this index would read that instead";
        QueueDamagedException p = verify(data).problem();
        assertEquals(where + ": " + what, p.where() + ": " + p.what());
        assertEquals(RECORDS, verify(data).records(), "every record is intact");
        QueueDamagedException quick = assertThrows(QueueDamagedException.class,
                () -> QueueVerifier.checkQueue("orders", data.resolve("orders"), RollCycles.FAST_DAILY));
        assertEquals(where + ": " + what, quick.where() + ": " + quick.what());
    }

    /** What a writer killed between completing a record and indexing it leaves: readers step back an entry. */
    @Test
    void aZeroedEntryIsNotedNotDamage(@TempDir Path data) throws IOException {
        Orders o = new Orders(data);
        DamagedFiles.writeLong(o.file, o.index.entryOf(140, COUNT, SPACING), 0);

        DataDirVerifier.QueueReport q = verify(data);
        assertNull(q.problem());
        assertEquals("1 Chronicle index entry is 0 (the first for index " + o.describe(140) + "): a writer killed"
                + " between writing a record and indexing it leaves that; readers that move near it scan from an"
                + " earlier entry (slower, not wrong)", q.note());
        QueueVerifier.checkQueue("orders", data.resolve("orders"), RollCycles.FAST_DAILY);
        for (int record : new int[]{139, 140, 141, 143, 144})
            assertEquals(record + 1, moveToAndRead(data.resolve("orders"), DAILY, o.cycle, record));
    }

    /**
     * An older cycle file: the quick check reads the entries a reader follows into it (the first record's) and out
     * of it (past its last record: none may be set once the queue rolled); the others are checked by verify and by a
     * reader that moves into the file.
     */
    @Test
    void anOlderFilesEntriesAreCheckedWhereReadersFollowThem(@TempDir Path data) throws IOException {
        Path dir = data.resolve("orders");
        RollCycle secondly = TestRollCycles.TEST4_SECONDLY;
        SetTimeProvider time = new SetTimeProvider("2026-01-05T10:00:00");
        TestPipelines.writeOrders(dir, secondly, time, 1, 100);
        time.advanceMillis(1000);
        TestPipelines.writeOrders(dir, secondly, time, 101, 50);
        Path older = cycleFiles(dir).get(0);
        int cycle;
        try (ChronicleQueue q = open(dir, secondly)) {
            cycle = secondly.toCycle(q.firstIndex());
        }
        List<Long> offsets = DamagedFiles.recordOffsets(older);
        DamagedFiles.ChronicleIndex index = DamagedFiles.chronicleIndex(older);
        long array = DamagedFiles.readLong(older, index.index2indexEntry(0));
        String file = older.getFileName().toString();

        // inside the file: what verify and a reader moving there see, not the quick check
        long entry = index.entryOf(40, COUNT, SPACING);
        DamagedFiles.writeLong(older, entry, offsets.get(20));
        QueueVerifier.checkQueue("orders", dir, RollCycles.FAST_DAILY);
        String what = "Chronicle's index entry for this record (index array at byte " + array + ") points at byte "
                + offsets.get(20) + ", the record at index " + Queues.describeIndex(secondly, secondly.toIndex(cycle, 20))
                + ", instead of byte " + offsets.get(40) + ", this record's header" + WRONG_RECORD;
        String where = "index " + Queues.describeIndex(secondly, secondly.toIndex(cycle, 40)) + ", byte " + entry
                + " of " + file;
        assertEquals(where + ": " + what, verify(data).problem().where() + ": " + verify(data).problem().what());
        QueueDamagedException moving = moveToFails(dir, secondly, cycle, 41);
        assertEquals(where + ": " + what, moving.where() + ": " + moving.what());
        assertEquals(39, moveToAndRead(dir, secondly, cycle, 38), "before the entry, the moves are right");
        DamagedFiles.writeLong(older, entry, offsets.get(40));

        // the first record's entry: a tailer enters the cycle through it
        DamagedFiles.writeLong(older, index.entryOf(0, COUNT, SPACING), offsets.get(4));
        QueueDamagedException first = assertThrows(QueueDamagedException.class,
                () -> QueueVerifier.checkQueue("orders", dir, RollCycles.FAST_DAILY));
        assertEquals("index " + Queues.describeIndex(secondly, secondly.toIndex(cycle, 0)) + ", byte "
                + index.entryOf(0, COUNT, SPACING) + " of " + file, first.where());
        DamagedFiles.writeLong(older, index.entryOf(0, COUNT, SPACING), offsets.get(0));

        // past the last record of a file the queue rolled from: none may be set
        long past = index.entryOf(100, COUNT, SPACING);
        DamagedFiles.writeLong(older, past, offsets.get(96));
        QueueDamagedException end = assertThrows(QueueDamagedException.class,
                () -> QueueVerifier.checkQueue("orders", dir, RollCycles.FAST_DAILY));
        assertEquals("index " + Queues.describeIndex(secondly, secondly.toIndex(cycle, 100)) + ", byte " + past
                + " of " + file + ": Chronicle's index entry for this index, past the last record (the file holds 100),"
                + " points at byte " + offsets.get(96) + ", the record at index "
                + Queues.describeIndex(secondly, secondly.toIndex(cycle, 96)) + ", in a file the queue has rolled from,"
                + " where no entry is set past the last record: a reader waiting for this index would read that"
                + " instead", end.where() + ": " + end.what());
    }

    /** The orderId a {@link QueueInput} reads after {@link QueueInput#resumeAt} record {@code record} of the cycle. */
    private static long resumeAndRead(Path dir, int cycle, int record) {
        try (ChronicleQueue q = open(dir, DAILY); QueueInput in = new QueueInput("orders", q).open()) {
            assertTrue(in.resumeAt(DAILY.toIndex(cycle, record)));
            OrderInfo r = new OrderInfo();
            assertTrue(in.read(r));
            return r.orderId();
        }
    }

    /**
     * A reader resuming near the end ({@link QueueVerifier#checkIndexToResume}, a restart) checks the index from the
     * record before its start to the end of the file, whatever lies before: the records it walks do not grow with the
     * history before it (here 10 times as many records before the same tail).
     */
    @Test
    void aResumeWalksTheTailNotTheHistory(@TempDir Path data) throws IOException {
        long[] walked = new long[2];
        int[] sizes = {RECORDS, 10 * RECORDS};
        for (int i = 0; i < 2; i++) {
            Path dir = data.resolve("orders-" + i);
            TestPipelines.writeOrders(dir, DAILY, new SetTimeProvider("2026-01-05T10:00:00"), 1, sizes[i]);
            int cycle;
            try (ChronicleQueue q = open(dir, DAILY)) {
                cycle = DAILY.toCycle(q.firstIndex());
            }
            long index = DAILY.toIndex(cycle, sizes[i] - 101);
            walked[i] = QueueVerifier.checkIndexToResume("orders", dir, RollCycles.FAST_DAILY, index);
            assertEquals(sizes[i] - 100, resumeAndRead(dir, cycle, sizes[i] - 101));
            long whole = QueueVerifier.checkIndexToResume("orders", dir, RollCycles.FAST_DAILY,
                    DAILY.toIndex(cycle, 0));
            assertEquals(sizes[i], whole, "from the first record: the whole file");
        }
        // from the indexed record at or before the one before the start (sizes - 102, rounded down to 4) to the last
        assertEquals(104, walked[0]);
        assertEquals(walked[0], walked[1]);
    }

    /**
     * A resume walks from an index entry it cannot check by itself; the queue header's last record, which it counts
     * to, proves it: an entry redirected to another record is named as the walk from the start names it, and damage
     * after the resumed record is found. Damage before it is not read (a disk error, left to verify and to a reader
     * moving there).
     */
    @Test
    void aResumeFindsARedirectedEntryAndDamageAfterItsRecord(@TempDir Path data) throws IOException {
        Orders o = new Orders(data);
        long entry = o.index.entryOf(140, COUNT, SPACING);
        DamagedFiles.writeLong(o.file, entry, o.offsets.get(132));
        long array = DamagedFiles.readLong(o.file, o.index.index2indexEntry(1));
        QueueDamagedException e = assertThrows(QueueDamagedException.class,
                () -> resumeAndRead(data.resolve("orders"), o.cycle, 141));
        assertEquals(o.at(140, entry) + ": Chronicle's index entry for this record (index array at byte " + array
                + ") points at byte " + o.offsets.get(132) + ", the record at index " + o.describe(132)
                + ", instead of byte " + o.offsets.get(140) + ", this record's header" + WRONG_RECORD,
                e.where() + ": " + e.what());
        // a reader resuming after the next indexed record does not follow the redirected entry: sound for it
        assertEquals(201, resumeAndRead(data.resolve("orders"), o.cycle, 200));
        DamagedFiles.writeLong(o.file, entry, o.offsets.get(140));
        assertEquals(142, resumeAndRead(data.resolve("orders"), o.cycle, 141), "restored: sound again");

        // a record header zeroed after the record resumed at: the data ends before the header's last record
        DamagedFiles.damage(data.resolve("orders"), DamagedFiles.Damage.HEADER, 250);
        QueueDamagedException after = assertThrows(QueueDamagedException.class,
                () -> resumeAndRead(data.resolve("orders"), o.cycle, 141));
        assertTrue(after.what().contains("a zero header"), after.getMessage());
    }

    /** Damage before the record resumed at is not read by the resume: a reader moving there, and verify, name it. */
    @Test
    void damageBeforeTheResumedRecordIsLeftToVerify(@TempDir Path data) throws IOException {
        Orders o = new Orders(data);
        DamagedFiles.damage(data.resolve("orders"), DamagedFiles.Damage.HEADER, 50);
        assertEquals(142, resumeAndRead(data.resolve("orders"), o.cycle, 141));
        moveToFails(data.resolve("orders"), DAILY, o.cycle, 141);
        assertTrue(verify(data).problem().where().contains("record 50)"), verify(data).problem().getMessage());
    }
}
