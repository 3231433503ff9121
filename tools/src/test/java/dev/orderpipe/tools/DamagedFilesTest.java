package dev.orderpipe.tools;

import dev.orderpipe.pipeline.DamagedFiles;
import dev.orderpipe.pipeline.DamagedFiles.Damage;
import dev.orderpipe.pipeline.ExitCodes;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.TestPipelines;
import dev.orderpipe.pipeline.codes.Action;
import dev.orderpipe.pipeline.codes.ExecType;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.codes.Side;
import dev.orderpipe.pipeline.codes.TimeInForce;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.infra.ChildJvmOptions;
import dev.orderpipe.pipeline.infra.CrashPoints;
import dev.orderpipe.pipeline.infra.QueueInput;
import dev.orderpipe.pipeline.infra.Queues;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import net.openhft.chronicle.wire.WireType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exit 0 means the output is right; damage and a user's mistakes end in one line and a non-zero exit: the damage
 * that the queue-file checks used to miss or misname, each on a copy of one finished run, through every command that
 * reads it (run, export, dump, stats, tail, verify). A queue header with a byte flipped, a record header turned into
 * metadata, Chronicle's own index inside a cycle file (an entry redirected to another record, an index2index entry
 * naming no array or another block's, an entry zeroed: sound, noted), queue directories swapped (a queue holding
 * another kind of record), a missing {@code metadata.cq4t} and a
 * crash while Chronicle created a cycle file (what the start-up repair handles: verify exits 3), an export that fails
 * midway (no partial file), and the lines nothing else may add to stderr (Chronicle's roll-cycle warning, a stage's
 * stop logged as well as reported).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class DamagedFilesTest {
    private static final List<String> QUEUES = List.of("orders", "checked", "executions");
    /** The record damaged inside a file (of 2,000 on orders and checked, about 4,000 on executions). */
    private static final int RECORD = 1000;
    private static final String REMEDY = "; run 'orderpipe verify' on the data directory and restore it from a copy";
    private static final String REPAIR_REMEDY = "; run 'orderpipe verify' on the data directory: it tells a crash's"
            + " leftover, which starting the pipeline ('orderpipe run') repairs, from damage to restore from a copy";

    @TempDir
    static Path shared;
    private static Path orderFile;
    private static Path fixture;
    private static byte[] exported;
    private static OrderInfo firstReportRecord;

    @BeforeAll
    static void finishedRun() throws Exception {
        FinishedRun run = FinishedRun.create(shared);
        orderFile = run.orderFile;
        fixture = run.data;
        exported = export(fixture, shared.resolve("fixture.csv"));
        firstReportRecord = TestPipelines.readAll(fixture.resolve("executions")).get(0);
    }

    private static byte[] export(Path data, Path out) throws IOException {
        Cli export = Cli.run("export", data.resolve("executions").toString(), "--out", out.toString());
        assertEquals(0, export.exitCode, export.toString());
        return Files.readAllBytes(out);
    }

    private static Path copy(Path dir) {
        return DamagedFiles.copyTree(fixture, dir.resolve("data"));
    }

    /** Exit {@code exit} and one stderr line, no stack trace, that contains each of {@code parts}; the line. */
    private static String assertOneLine(String command, Cli c, int exit, String... parts) {
        assertEquals(exit, c.exitCode, command + ": " + c);
        String line = c.oneLineError();
        for (String part : parts)
            assertTrue(line.contains(part), command + " should say '" + part + "':\n" + line);
        return line;
    }

    private static Cli run(Path data) {
        return Cli.run("run", "--input", orderFile.toString(), "--data", data.toString(), "--exit-when-done",
                "--status-every", "0");
    }

    private static Cli tail(Path data) {
        return Cli.run("tail", "executions", "--data", data.toString(), "--csv", "--idle-exit", "0.3");
    }

    /** The lines verify printed that start with {@code prefix}. */
    private static List<String> lines(Cli verify, String prefix) {
        return verify.out.lines().filter(l -> l.startsWith(prefix)).toList();
    }

    private static String index(Path queueDir, int record) {
        List<Long> indices = new ArrayList<>();
        try (ChronicleQueue q = Queues.openExisting(queueDir); QueueInput in = new QueueInput("q", q).open()) {
            OrderInfo r = new OrderInfo();
            while (indices.size() <= record && in.readOrEnd(r))
                indices.add(in.lastReadIndex());
        }
        return "index " + Queues.describeIndex(RollCycles.FAST_DAILY, indices.get(record));
    }

    /** Where {@code text} first occurs in the first KB of {@code file} (the queue header). */
    private static int offsetOf(Path file, String text) throws IOException {
        byte[] head = Arrays.copyOf(Files.readAllBytes(file), 1024);
        byte[] t = text.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i + t.length <= head.length; i++)
            if (Arrays.equals(head, i, i + t.length, t, 0, t.length))
                return i;
        throw new AssertionError(text + " is not in the header of " + file);
    }

    // --- a byte of a queue header flipped (it was "sound" to verify, and a Chronicle stack trace to the tools)

    /** How a test damages a queue file's header, and what the commands must say about it. */
    enum HeaderDamage {
        /** A byte of the header's type name, {@code SCQStore} (the attack's flip at byte 20): named at the type. */
        TYPE_NAME("SCQStore", 6, 0xFF, -2, "its queue header is damaged at byte %d: expected the type SCQStore"
                + " (Chronicle cannot read the file)"),
        /** A byte of the field name {@code writePosition}: named at the field. */
        FIELD_NAME("writePosition", 3, 0x01, -1, "its queue header is damaged at byte %d: expected the field"
                + " 'writePosition' (Chronicle cannot read the file)"),
        /** The header's {@code indexCount} (an int16 after the name), 4,096 for FAST_DAILY, made 4,352. */
        INDEX_COUNT("indexCount", 12, 0x01, 0, "its queue header gives indexCount 4352 and indexSpacing 256 where"
                + " the queue's roll cycle FAST_DAILY has 4096 and 256 (the header is damaged, or the file belongs to"
                + " a queue of another roll cycle)");

        final String anchor;
        final int flip;
        final int mask;
        /** Where the damage is named, from the anchor; 0 for the file's start (a value, not the layout, is wrong). */
        final int named;
        final String what;

        HeaderDamage(String anchor, int flip, int mask, int named, String what) {
            this.anchor = anchor;
            this.flip = flip;
            this.mask = mask;
            this.named = named;
            this.what = what;
        }
    }

    static Stream<Arguments> headerDamages() {
        List<Arguments> cases = new ArrayList<>();
        for (String queue : QUEUES)
            for (HeaderDamage damage : HeaderDamage.values())
                cases.add(Arguments.of(queue, damage));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("headerDamages")
    void aByteFlippedInAQueueHeaderIsNamedByEveryCommand(String queue, HeaderDamage damage, @TempDir Path dir)
            throws IOException {
        Path data = copy(dir);
        Path queueDir = data.resolve(queue);
        Path file = DamagedFiles.newestCycleFile(queueDir);
        int anchor = offsetOf(file, damage.anchor);
        DamagedFiles.xorByte(file, anchor + damage.flip, damage.mask);
        int at = damage.named == 0 ? 0 : anchor + damage.named;
        String where = "byte " + at + " of " + file.getFileName();
        String what = String.format(damage.what, at);
        String line = "is damaged at " + where + ": " + what + REMEDY;

        Cli verify = Cli.run("verify", data.toString());
        assertEquals(ExitCodes.FAILURE, verify.exitCode, verify.toString());
        assertEquals(List.of(queue + ": damaged at " + where + ": " + what), lines(verify, queue + ": "),
                verify.out);
        assertEquals(1, verify.out.lines().filter(l -> l.contains(": damaged at ")).count(), verify.out);

        assertOneLine("export", Cli.run("export", queueDir.toString(), "--out", dir.resolve("x.csv").toString()),
                ExitCodes.FAILURE, "orderpipe: queue " + queueDir + " " + line);
        assertFalse(Files.exists(dir.resolve("x.csv")));
        assertOneLine("dump", Cli.run("dump", queueDir.toString()), ExitCodes.FAILURE,
                "orderpipe: queue " + queueDir + " " + line);
        assertOneLine("stats", Cli.run("stats", data.toString()), ExitCodes.FAILURE,
                "orderpipe: queue " + queueDir + " " + line);
        if (queue.equals("executions"))
            assertOneLine("tail", tail(data), ExitCodes.FAILURE, "orderpipe: queue executions " + line);
        assertOneLine("run", run(data), ExitCodes.FAILURE, "orderpipe: queue " + queue + " " + line);
    }

    // --- Chronicle's own index damaged (what moveToIndex follows, and trusts): named at the entry's byte

    /** FAST_DAILY's index: arrays of 4,096 entries, one for every 256th record. */
    private static final int INDEX_COUNT = 4096;
    private static final int INDEX_SPACING = 256;

    /** The index of data record {@code record} of the fixture's queue {@code queue} (its only cycle file). */
    private static long indexOf(String queue, int record) {
        try (ChronicleQueue q = SingleChronicleQueueBuilder.binary(fixture.resolve(queue)).readOnly(true).build()) {
            return q.firstIndex() + record;
        }
    }

    private static String describe(long index) {
        return "index " + Queues.describeIndex(RollCycles.FAST_DAILY, index);
    }

    /** Its first index2index entry (byte 0xf0, right after the queue header) no longer names an index array. */
    @Test
    void anIndex2indexEntryNamingNoArrayIsNamedAtItsByte(@TempDir Path dir) {
        Path data = copy(dir);
        Path queueDir = data.resolve("executions");
        Path file = DamagedFiles.newestCycleFile(queueDir);
        long entry = DamagedFiles.chronicleIndex(file).index2indexEntry(0);
        assertEquals(0xf0, entry);
        long array = DamagedFiles.readLong(file, entry);
        DamagedFiles.xorByte(file, entry, 0x5a);
        String where = describe(indexOf("executions", 0)) + ", byte " + entry + " of " + file.getFileName();
        String what = "Chronicle's index2index entry for the records from this index on points at byte "
                + (array ^ 0x5a) + ", where there is no index array (not a document boundary): Chronicle cannot"
                + " find these records by index";

        Cli verify = Cli.run("verify", data.toString());
        assertEquals(ExitCodes.FAILURE, verify.exitCode, verify.toString());
        assertEquals(List.of("executions: damaged at " + where + ": " + what), lines(verify, "executions: "));
        String line = "is damaged at " + where + ": " + what + REMEDY;
        assertOneLine("dump --from", Cli.run("dump", queueDir.toString(), "--from",
                "0x" + Long.toHexString(indexOf("executions", 1000))), ExitCodes.FAILURE,
                "orderpipe: queue " + queueDir + " " + line);
        assertOneLine("export", Cli.run("export", queueDir.toString(), "--out", dir.resolve("x.csv").toString()),
                ExitCodes.FAILURE, "orderpipe: queue " + queueDir + " " + line);
        assertFalse(Files.exists(dir.resolve("x.csv")));
        assertOneLine("stats", Cli.run("stats", data.toString()), ExitCodes.FAILURE,
                "orderpipe: queue " + queueDir + " " + line);
        assertOneLine("run", run(data), ExitCodes.FAILURE, "orderpipe: queue executions " + line);
    }

    /**
     * An index entry pointing at another valid record: Chronicle would start a reader moving to its index (and to
     * the 255 after it) at that record and call it the record asked for. Entry 3 (record 768) made entry 1's (record
     * 256's header).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("queues")
    void anIndexEntryRedirectedToAnotherRecordIsNamedAtItsByte(String queue, @TempDir Path dir) {
        Path data = copy(dir);
        Path queueDir = data.resolve(queue);
        Path file = DamagedFiles.newestCycleFile(queueDir);
        List<Long> offsets = DamagedFiles.recordOffsets(file);
        DamagedFiles.ChronicleIndex index = DamagedFiles.chronicleIndex(file);
        long entry = index.entryOf(768, INDEX_COUNT, INDEX_SPACING);
        DamagedFiles.writeLong(file, entry, offsets.get(256));
        String where = describe(indexOf(queue, 768)) + ", byte " + entry + " of " + file.getFileName();
        String what = "Chronicle's index entry for this record (index array at byte "
                + DamagedFiles.readLong(file, index.index2indexEntry(0)) + ") points at byte " + offsets.get(256)
                + ", the record at " + describe(indexOf(queue, 256)) + ", instead of byte " + offsets.get(768)
                + ", this record's header: a reader that moves to this index reads the wrong record";

        Cli verify = Cli.run("verify", data.toString());
        assertEquals(ExitCodes.FAILURE, verify.exitCode, verify.toString());
        assertEquals(List.of(queue + ": damaged at " + where + ": " + what), lines(verify, queue + ": "));
        assertEquals(1, verify.out.lines().filter(l -> l.contains(": damaged at ")).count(), verify.out);
        assertOneLine("dump --from", Cli.run("dump", queueDir.toString(), "--from",
                "0x" + Long.toHexString(indexOf(queue, 769))), ExitCodes.FAILURE, "orderpipe: queue " + queueDir
                + " is damaged at " + where + ": " + what + REMEDY);
    }

    static Stream<String> queues() {
        return QUEUES.stream();
    }

    /**
     * An index entry of 0 in the middle: what a writer killed between completing a record and indexing it leaves,
     * which Chronicle's readers step over (they scan from the entry before). Sound, with a note; dump --from right.
     */
    @Test
    void anIndexEntryZeroedInTheMiddleIsNotedAndReadRight(@TempDir Path dir) {
        Path data = copy(dir);
        Path queueDir = data.resolve("executions");
        Path file = DamagedFiles.newestCycleFile(queueDir);
        DamagedFiles.writeLong(file, DamagedFiles.chronicleIndex(file).entryOf(768, INDEX_COUNT, INDEX_SPACING), 0);

        Cli verify = Cli.run("verify", data.toString());
        assertEquals(ExitCodes.OK, verify.exitCode, verify.toString());
        assertEquals(List.of("executions: 1 Chronicle index entry is 0 (the first for "
                + describe(indexOf("executions", 768)) + "): a writer killed between writing a record and indexing it"
                + " leaves that; readers that move near it scan from an earlier entry (slower, not wrong)"),
                lines(verify, "executions: "));
        String from = "0x" + Long.toHexString(indexOf("executions", 769));
        Cli dump = Cli.run("dump", queueDir.toString(), "--from", from, "--count", "3");
        assertEquals(ExitCodes.OK, dump.exitCode, dump.toString());
        Cli undamaged = Cli.run("dump", fixture.resolve("executions").toString(), "--from", from, "--count", "3");
        assertEquals(undamaged.out, dump.out);
        assertEquals(3, dump.out.lines().count(), dump.out);
        assertTrue(dump.out.startsWith(from + " "), dump.out);
    }

    /**
     * An index2index entry naming an earlier block's array (Chronicle would read record 128 on for 256 on): a queue
     * with small index arrays (TEST4_DAILY: 32 entries, every 4th record), three of them for 300 orders.
     */
    @Test
    void anIndex2indexEntryNamingAnotherArrayIsNamedAtItsByte(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("data");
        Path orders = data.resolve("orders");
        TestPipelines.writeOrders(orders, TestRollCycles.TEST4_DAILY, new SetTimeProvider("2026-01-05T10:00:00"), 1,
                300);
        Path file = DamagedFiles.newestCycleFile(orders);
        List<Long> offsets = DamagedFiles.recordOffsets(file);
        DamagedFiles.ChronicleIndex index = DamagedFiles.chronicleIndex(file);
        long second = DamagedFiles.readLong(file, index.index2indexEntry(1));
        DamagedFiles.writeLong(file, index.index2indexEntry(2), second);
        long first;
        try (ChronicleQueue q = SingleChronicleQueueBuilder.binary(orders).readOnly(true).build()) {
            first = q.firstIndex();
        }
        String where = "index " + Queues.describeIndex(TestRollCycles.TEST4_DAILY, first + 256) + ", byte "
                + index.index2indexEntry(2) + " of " + file.getFileName();
        String what = "Chronicle's index2index entry for the records from this index on points at the index array at"
                + " byte " + second + ", written before this record at byte " + offsets.get(256) + ": it indexes"
                + " other records, so a reader that moves to these indexes reads the wrong records";

        Cli verify = Cli.run("verify", data.toString());
        assertEquals(ExitCodes.FAILURE, verify.exitCode, verify.toString());
        assertEquals(List.of("orders: damaged at " + where + ": " + what), lines(verify, "orders: "));
        assertOneLine("dump --from", Cli.run("dump", orders.toString(), "--from",
                "0x" + Long.toHexString(first + 257)), ExitCodes.FAILURE, "orderpipe: queue " + orders
                + " is damaged at " + where + ": " + what + REMEDY);
    }

    /**
     * An entry redirected inside an older cycle file: beyond the tools' quick check (O(1) per older file), so a plain
     * dump, which reads the file in order, is right and exits 0; dump --from checks the entries it follows first.
     */
    @Test
    void dumpFromIntoAnOlderFileChecksTheEntriesItFollows(@TempDir Path dir) throws IOException {
        Path orders = dir.resolve("data").resolve("orders");
        SetTimeProvider time = new SetTimeProvider("2026-01-05T10:00:00");
        TestPipelines.writeOrders(orders, TestRollCycles.TEST4_SECONDLY, time, 1, 100);
        time.advanceMillis(1000);
        TestPipelines.writeOrders(orders, TestRollCycles.TEST4_SECONDLY, time, 101, 50);
        Path older = cycleFiles(orders).get(0);
        List<Long> offsets = DamagedFiles.recordOffsets(older);
        DamagedFiles.ChronicleIndex index = DamagedFiles.chronicleIndex(older);
        long entry = index.entryOf(40, 32, 4);
        DamagedFiles.writeLong(older, entry, offsets.get(20));
        long first;
        try (ChronicleQueue q = SingleChronicleQueueBuilder.binary(orders).readOnly(true).build()) {
            first = q.firstIndex();
        }
        String where = "index " + Queues.describeIndex(TestRollCycles.TEST4_SECONDLY, first + 40) + ", byte " + entry
                + " of " + older.getFileName();
        String what = "Chronicle's index entry for this record (index array at byte "
                + DamagedFiles.readLong(older, index.index2indexEntry(0)) + ") points at byte " + offsets.get(20)
                + ", the record at index " + Queues.describeIndex(TestRollCycles.TEST4_SECONDLY, first + 20)
                + ", instead of byte " + offsets.get(40) + ", this record's header: a reader that moves to this index"
                + " reads the wrong record";

        Cli dump = Cli.run("dump", orders.toString());
        assertEquals(ExitCodes.OK, dump.exitCode, dump.toString());
        assertEquals(150, dump.out.lines().count());
        assertTrue(dump.out.lines().skip(41).findFirst().orElseThrow().contains("{orderId: 42,"), dump.out);
        assertOneLine("dump --from", Cli.run("dump", orders.toString(), "--from",
                "0x" + Long.toHexString(first + 41)), ExitCodes.FAILURE, "orderpipe: queue " + orders
                + " is damaged at " + where + ": " + what + REMEDY);
        Cli verify = Cli.run("verify", dir.resolve("data").toString());
        assertEquals(ExitCodes.FAILURE, verify.exitCode, verify.toString());
        assertEquals(List.of("orders: damaged at " + where + ": " + what), lines(verify, "orders: "));
    }

    // --- a record's header turned into metadata (readers skip it): named at that record, not at the file's end

    @Test
    void aRecordHeaderTurnedIntoMetadataIsNamedAtThatRecord(@TempDir Path dir) {
        Path data = copy(dir);
        Path queueDir = data.resolve("executions");
        Path file = DamagedFiles.newestCycleFile(queueDir);
        String index = index(queueDir, RECORD);
        long offset = DamagedFiles.recordOffsets(file).get(RECORD);
        DamagedFiles.xorByte(file, offset + 3, 0x40);
        String where = index + ", byte " + offset + " of " + file.getFileName();
        String what = "the record's header at byte " + offset + " has the metadata bit set (0x400000b1): readers skip"
                + " it as Chronicle metadata (a damaged header)";

        Cli verify = Cli.run("verify", data.toString());
        assertEquals(ExitCodes.FAILURE, verify.exitCode, verify.toString());
        assertEquals(List.of("executions: damaged at " + where + ": " + what), lines(verify, "executions: "));
        String line = "is damaged at " + where + ": " + what + REMEDY;
        assertOneLine("export", Cli.run("export", queueDir.toString(), "--out", dir.resolve("x.csv").toString()),
                ExitCodes.FAILURE, line);
        assertOneLine("dump", Cli.run("dump", queueDir.toString()), ExitCodes.FAILURE, line);
        assertOneLine("stats", Cli.run("stats", data.toString()), ExitCodes.FAILURE, line);
        assertOneLine("tail", tail(data), ExitCodes.FAILURE, "orderpipe: queue executions " + line);
        assertOneLine("run", run(data), ExitCodes.FAILURE, "orderpipe: queue executions " + line);
    }

    // --- a queue holding another kind of record: queue directories swapped

    @Test
    void swappedQueueDirectoriesAreRefusedByEveryCommand(@TempDir Path dir) throws IOException {
        Path data = copy(dir);
        Files.move(data.resolve("orders"), data.resolve("tmp"));
        Files.move(data.resolve("executions"), data.resolve("orders"));
        Files.move(data.resolve("tmp"), data.resolve("executions"));
        String firstReport = "index " + Queues.describeIndex(RollCycles.FAST_DAILY,
                firstIndex(data.resolve("orders")));
        String firstOrder = "index " + Queues.describeIndex(RollCycles.FAST_DAILY,
                firstIndex(data.resolve("executions")));
        Path ordersFile = DamagedFiles.newestCycleFile(data.resolve("orders"));
        Path executionsFile = DamagedFiles.newestCycleFile(data.resolve("executions"));
        String reportInOrders = firstReport + ", byte " + DamagedFiles.recordOffsets(ordersFile).get(0) + " of "
                + ordersFile.getFileName() + ": the record is an execution report (execType "
                + firstReportRecord.execType() + ", seq 1), not an order: this looks like an executions queue, not orders (queue directories renamed,"
                + " swapped or copied over?)";
        String orderInExecutions = firstOrder + ", byte " + DamagedFiles.recordOffsets(executionsFile).get(0) + " of "
                + executionsFile.getFileName() + ": the record is an order (no execType, no riskNanos), not an"
                + " execution report: this looks like an orders queue, not executions (queue directories renamed,"
                + " swapped or copied over?)";

        Cli verify = Cli.run("verify", data.toString());
        assertEquals(ExitCodes.FAILURE, verify.exitCode, verify.toString());
        assertEquals(List.of("orders: damaged at " + reportInOrders), lines(verify, "orders: "), verify.out);
        assertEquals(List.of("executions: damaged at " + orderInExecutions), lines(verify, "executions: "));
        assertEquals(List.of(), lines(verify, "checked: "), "checked is sound: " + verify.out);

        Path out = dir.resolve("x.csv");
        assertOneLine("export", Cli.run("export", data.resolve("executions").toString(), "--out", out.toString()),
                ExitCodes.FAILURE, "orderpipe: queue " + data.resolve("executions") + " is damaged at "
                        + orderInExecutions + REMEDY);
        assertFalse(Files.exists(out), "an orders queue is not exported as executions");
        assertOneLine("dump", Cli.run("dump", data.resolve("orders").toString()), ExitCodes.FAILURE,
                "orderpipe: queue " + data.resolve("orders") + " is damaged at " + reportInOrders + REMEDY);
        // stats reads the pipeline's queues downstream first (executions, checked, orders): beside a live pipeline an
        // output's end then never names an input written after the input's end was read
        assertOneLine("stats", Cli.run("stats", data.toString()), ExitCodes.FAILURE,
                "orderpipe: queue " + data.resolve("executions") + " is damaged at " + orderInExecutions + REMEDY);
        assertOneLine("tail", tail(data), ExitCodes.FAILURE,
                "orderpipe: queue executions is damaged at " + orderInExecutions + REMEDY);
        // replay checks the executions queue beside the capture (its expected reports) first
        assertOneLine("replay", Cli.run("replay", data.resolve("orders").toString(), "--out",
                dir.resolve("run").toString(), "--max"), ExitCodes.FAILURE, "orderpipe: queue "
                + data.resolve("executions") + " is damaged at " + orderInExecutions + REMEDY);
        // run's start-up check reads the queues downstream first too
        assertOneLine("run", run(data), ExitCodes.FAILURE,
                "orderpipe: queue executions is damaged at " + orderInExecutions + REMEDY);
    }

    /**
     * Queues of the right kinds whose chain is broken: checked's last record names an orders record of a cycle that
     * orders has no file for (Chronicle's count of the records behind threw 'file not found' for it).
     */
    @Test
    void statsOnACheckedQueueNamingARecordNotOnOrders(@TempDir Path dir) {
        Path data = dir.resolve("data");
        OrderInfo r = new OrderInfo();
        long firstOrder;
        long checkedIndex;
        try (ChronicleQueue orders = Queues.open(data.resolve("orders"), RollCycles.FAST_DAILY);
             ChronicleQueue checked = Queues.open(data.resolve("checked"), RollCycles.FAST_DAILY);
             ExcerptAppender o = orders.createAppender(); ExcerptAppender c = checked.createAppender()) {
            for (int i = 1; i <= 3; i++)
                o.writeBytes(order(r, i));
            firstOrder = orders.firstIndex();
            c.writeBytes(order(r, 1).sourceIndex(5).riskNanos(1)); // names record 5 of cycle 0
            checkedIndex = c.lastIndexAppended();
        }
        // the data directory's check compares the queues before stats reads them
        String orders = data.resolve("orders").toString();
        assertOneLine("stats", Cli.run("stats", data.toString()), ExitCodes.FAILURE, "orderpipe: queue " + orders
                + " is damaged at index 0x5 (cycle 0, record 5): the record is missing (" + orders + " ends at index "
                + Queues.describeIndex(RollCycles.FAST_DAILY, firstOrder + 2) + " and has no file for that cycle) but"
                + " the last record on " + data.resolve("checked") + ", index "
                + Queues.describeIndex(RollCycles.FAST_DAILY, checkedIndex) + ", was made from it: records were lost"
                + " (a file cut short, emptied or removed)" + REMEDY);
    }

    private static long firstIndex(Path queueDir) {
        try (ChronicleQueue q = SingleChronicleQueueBuilder.binary(queueDir).readOnly(true).build()) {
            return q.firstIndex();
        }
    }

    /** A queue directory with a name of its own: its first record says what it holds, and every record must agree. */
    @Test
    void aQueueOfAnotherNameHoldsOneKindAndIsExportedAsWhatItHolds(@TempDir Path dir) throws IOException {
        Path copyOfOrders = DamagedFiles.copyTree(fixture.resolve("orders"), dir.resolve("copy"));
        Cli asExecutions = Cli.run("export", copyOfOrders.toString(), "--format", "executions", "--out",
                dir.resolve("x.csv").toString());
        assertOneLine("export --format executions", asExecutions, ExitCodes.USAGE, "orderpipe: " + copyOfOrders
                + " holds orders (its first record is an order), which --format executions does not write: export it"
                + " with --format orders (or auto)");
        assertFalse(Files.exists(dir.resolve("x.csv")));

        Path mixed = dir.resolve("mixed");
        OrderInfo r = new OrderInfo();
        try (ChronicleQueue q = Queues.open(mixed, RollCycles.FAST_DAILY); ExcerptAppender a = q.createAppender()) {
            for (int i = 1; i <= 3; i++)
                a.writeBytes(order(r, i));
            a.writeBytes(r.reset().orderId(4).seq(1).execType(ExecType.NEW));
        }
        Cli export = Cli.run("export", mixed.toString(), "--out", dir.resolve("y.csv").toString());
        assertOneLine("export", export, ExitCodes.FAILURE, "orderpipe: queue " + mixed + " is damaged at index ",
                "the record is an execution report (execType NEW, seq 1) but the records before it are orders: a file"
                        + " of another queue was copied or moved in" + REMEDY);
        assertFalse(Files.exists(dir.resolve("y.csv")));
    }

    private static OrderInfo order(OrderInfo r, long id) {
        return r.reset().action(Action.NEW).orderId(id).account(7).symbol(Symbols.encode("AAPL")).side(Side.BUY)
                .orderType(OrderType.LIMIT).timeInForce(TimeInForce.GTC).price(1_892_500).quantity(100)
                .eventTime(id);
    }

    // --- what the start-up repair handles: verify exits 3 and says so; tools point to verify

    @Test
    void aMissingMetadataFileIsLeftToTheStartUpRepair(@TempDir Path dir) throws IOException {
        Path data = copy(dir);
        Path executions = data.resolve("executions");
        Files.delete(executions.resolve(Queues.METADATA_FILE));
        String what = "metadata.cq4t (the queue's roll cycle and epoch) is missing: starting the pipeline recreates it"
                + " with the config's rollCycle and epoch 0 (the cycle files are named for FAST_DAILY)";

        Cli verify = Cli.run("verify", data.toString());
        assertEquals(ExitCodes.NEEDS_REPAIR, verify.exitCode, verify.toString());
        assertEquals(List.of("executions: needs the start-up repair at metadata.cq4t: " + what),
                lines(verify, "executions: "));
        assertTrue(verify.out.contains(data + " needs the start-up repair (executions): no record is damaged; start"
                + " the pipeline on it ('orderpipe run'), which repairs it, before other tools read it ("), verify.out);
        assertEquals(0, verify.out.lines().filter(l -> l.contains(": damaged at ")).count(), verify.out);

        String line = "orderpipe: queue " + executions + " is damaged at metadata.cq4t: " + what + REPAIR_REMEDY;
        assertOneLine("export", Cli.run("export", executions.toString(), "--out", dir.resolve("x.csv").toString()),
                ExitCodes.FAILURE, line);
        assertOneLine("dump", Cli.run("dump", executions.toString()), ExitCodes.FAILURE, line);
        assertOneLine("stats", Cli.run("stats", data.toString()), ExitCodes.FAILURE, line);
        assertOneLine("tail", tail(data), ExitCodes.FAILURE, "orderpipe: queue executions is damaged at"
                + " metadata.cq4t: " + what + REPAIR_REMEDY);

        // a config of another roll cycle does not fit the files: refused, not a new queue beside the old files
        Path secondly = dir.resolve("secondly.yaml");
        Files.writeString(secondly, defaultConfig().replace("rollCycle: FAST_DAILY", "rollCycle: TEST_SECONDLY"));
        // the cycle file is named for the day the shared run was written (a literal date failed after midnight)
        String cycleFile;
        try (var files = Files.list(executions)) {
            cycleFile = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(Queues.QUEUE_FILE_SUFFIX))
                    .sorted().findFirst().orElseThrow();
        }
        String notFit = "is damaged at " + cycleFile + ": not a cycle file of this queue's roll cycle TEST_SECONDLY,"
                + " the config's, which is assumed as metadata.cq4t cannot tell (set rollCycle to the one the queue was"
                + " written with)";
        Cli verifySecondly = Cli.run("verify", data.toString(), "--config", secondly.toString());
        assertEquals(ExitCodes.FAILURE, verifySecondly.exitCode, verifySecondly.toString());
        assertTrue(verifySecondly.out.contains("executions: damaged at " + cycleFile + ": not a cycle file of this"
                + " queue's roll cycle TEST_SECONDLY"), verifySecondly.out);
        assertOneLine("run --config", Cli.run("run", "--input", orderFile.toString(), "--data", data.toString(),
                "--config", secondly.toString(), "--exit-when-done", "--status-every", "0"), ExitCodes.FAILURE,
                "orderpipe: queue executions " + notFit);

        Cli restart = run(data);
        assertEquals(0, restart.exitCode, restart.toString());
        assertTrue(Files.exists(executions.resolve(Queues.METADATA_FILE)), "recreated");
        Cli again = Cli.run("verify", data.toString());
        assertEquals(ExitCodes.OK, again.exitCode, again.toString());
        assertArrayEquals(exported, export(data, dir.resolve("after.csv")));
    }

    /** metadata.cq4t cut inside its header (not a crash's leftover): damage for verify, run and the tools alike. */
    @Test
    void aMetadataFileCutInsideItsHeaderIsDamageEverywhere(@TempDir Path dir) throws IOException {
        Path data = copy(dir);
        Path executions = data.resolve("executions");
        Path metadata = executions.resolve(Queues.METADATA_FILE);
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(metadata.toFile(), "rw")) {
            f.setLength(100);
        }
        Cli verify = Cli.run("verify", data.toString());
        assertEquals(ExitCodes.FAILURE, verify.exitCode, verify.toString());
        assertTrue(verify.out.contains("executions: damaged at metadata.cq4t: metadata.cq4t ends inside its header (cut"
                + " short, or its header word damaged)"), verify.out);
        assertOneLine("export", Cli.run("export", executions.toString(), "--out", dir.resolve("x.csv").toString()),
                ExitCodes.FAILURE, "metadata.cq4t ends inside its header");
        assertOneLine("run", run(data), ExitCodes.FAILURE, "orderpipe: queue executions is damaged at metadata.cq4t:"
                + " metadata.cq4t ends inside its header (cut short, or its header word damaged)" + REMEDY);
        assertEquals(100, Files.size(metadata), "never touched");
    }

    /**
     * metadata.cq4t a symbolic link to nothing: run would have created the link's target outside the data
     * directory; now verify, run and the tools name it as damage in one line, and nothing is created.
     */
    @Test
    void aMetadataFileThatIsADanglingSymbolicLinkIsDamageEverywhere(@TempDir Path dir) throws IOException {
        Path data = copy(dir);
        Path executions = data.resolve("executions");
        Path metadata = executions.resolve(Queues.METADATA_FILE);
        Path elsewhere = Files.createDirectories(dir.resolve("outside")).resolve("metadata.cq4t");
        Files.delete(metadata);
        Files.createSymbolicLink(metadata, elsewhere);
        String what = "metadata.cq4t is a symbolic link to " + elsewhere + ", which leads to no file (missing, or a"
                + " loop of links)";
        Cli verify = Cli.run("verify", data.toString());
        assertEquals(ExitCodes.FAILURE, verify.exitCode, verify.toString());
        assertTrue(verify.out.contains("executions: damaged at metadata.cq4t: " + what), verify.out);
        assertOneLine("export", Cli.run("export", executions.toString(), "--out", dir.resolve("x.csv").toString()),
                ExitCodes.FAILURE, what);
        assertOneLine("run", run(data), ExitCodes.FAILURE, what);
        assertFalse(Files.exists(elsewhere), "nothing created where the link points");
        assertTrue(Files.isSymbolicLink(metadata));

        // a writer of another process (OrderEntry: `session`, a feed handler, the gateway) on a cycle file of orders
        // that is a link to nothing: it created the link's target and wrote there from index 0
        data = DamagedFiles.copyTree(fixture, dir.resolve("data2"));
        Path orders = data.resolve("orders");
        Path cycle = DamagedFiles.newestCycleFile(orders);
        Path outside = dir.resolve("outside").resolve(cycle.getFileName().toString());
        Files.delete(cycle);
        Files.createSymbolicLink(cycle, outside);
        assertOneLine("session", Cli.run("session", "open", "--date", "2026-12-01", "--data", data.toString()),
                ExitCodes.FAILURE, cycle + " is a symbolic link to " + outside + ", which leads to no file");
        String link = cycle.getFileName() + " is a symbolic link to " + outside + ", which leads to no file";
        assertOneLine("run", run(data), ExitCodes.FAILURE, link); // it said "no such file"
        Cli verifyLink = Cli.run("verify", data.toString());
        assertEquals(ExitCodes.FAILURE, verifyLink.exitCode, verifyLink.toString());
        assertTrue(verifyLink.out.contains("orders: damaged at " + cycle.getFileName() + ": " + link), verifyLink.out);
        assertFalse(Files.exists(outside), "nothing created where the link points");
    }

    /**
     * A queue directory gone (moved away, or a link to nothing) while the next queue holds what was made from it:
     * verify said "absent" and "sound", exit 0, where run refuses the directory as records lost. Now damage.
     */
    @Test
    void aQueueGoneWhileTheNextHoldsWhatWasMadeFromItIsDamage(@TempDir Path dir) throws IOException {
        Path data = copy(dir);
        Files.move(data.resolve("orders"), dir.resolve("orders.moved"));
        Cli verify = Cli.run("verify", data.toString());
        assertEquals(ExitCodes.FAILURE, verify.exitCode, verify.toString());
        assertTrue(verify.out.contains("MISSING (records made from it are on the next queue)"), verify.out);
        assertTrue(verify.out.matches("(?s).*orders: damaged at the data directory: the queue is missing, but checked"
                + " holds [0-9,]+ records made from its records \\(records were lost\\).*"), verify.out);
        assertTrue(verify.out.contains(" is damaged (orders)"), verify.out);

        Files.move(dir.resolve("orders.moved"), data.resolve("orders"));
        Files.move(data.resolve("checked"), dir.resolve("checked.moved"));
        Cli again = Cli.run("verify", data.toString());
        assertEquals(ExitCodes.FAILURE, again.exitCode, again.toString());
        assertTrue(again.out.contains("checked: damaged at the data directory: the queue is missing, but executions"
                + " holds "), again.out);
    }

    private static String defaultConfig() throws IOException {
        try (InputStream in = PipelineConfig.class.getResourceAsStream(PipelineConfig.EMBEDDED_DEFAULT)) {
            String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(yaml.contains("rollCycle: FAST_DAILY"));
            return yaml;
        }
    }

    /** A crash while Chronicle created checked's cycle file, then every command, then the restart that repairs it. */
    @Test
    void aCrashWhileACycleFileWasCreatedIsLeftToTheStartUpRepair(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        List<String> jvm = ChildJvmOptions.quick("-D" + CrashPoints.PROPERTY + "=cycle-file-created:2");
        Process p = ChildJvm.start(jvm, dir, "crash", "run", "--input", orderFile.toString(), "--data",
                data.toString(), "--exit-when-done", "--status-every", "0");
        try {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), ChildJvm.log(dir, "crash"));
        } finally {
            p.destroyForcibly();
        }
        assertEquals(ExitCodes.KILLED, p.exitValue(), ChildJvm.log(dir, "crash"));
        Path checked = data.resolve("checked");
        Path file = DamagedFiles.newestCycleFile(checked);
        String what = "its queue header is marked incomplete (0x80000000), no record in it: left by a crash while"
                + " Chronicle created the file, which starting the pipeline repairs (it moves the file aside)";

        Cli verify = Cli.run("verify", data.toString());
        assertEquals(ExitCodes.NEEDS_REPAIR, verify.exitCode, verify.toString());
        assertEquals(List.of("checked: needs the start-up repair at byte 0 of " + file.getFileName() + ": " + what),
                lines(verify, "checked: "));
        assertEquals(0, verify.out.lines().filter(l -> l.contains(": damaged at ")).count(), verify.out);
        assertOneLine("dump", Cli.run("dump", checked.toString()), ExitCodes.FAILURE, "orderpipe: queue " + checked
                + " is damaged at byte 0 of " + file.getFileName() + ": " + what + REPAIR_REMEDY);
        assertOneLine("stats", Cli.run("stats", data.toString()), ExitCodes.FAILURE, "orderpipe: queue " + checked
                + " is damaged at byte 0 of " + file.getFileName() + ": " + what + REPAIR_REMEDY);

        Cli restart = run(data);
        assertEquals(0, restart.exitCode, restart.toString());
        Cli again = Cli.run("verify", data.toString());
        assertEquals(ExitCodes.OK, again.exitCode, again.toString());
        assertArrayEquals(exported, export(data, dir.resolve("after.csv")));
    }

    /** An emptied newest file whose records the next queue names was not left by a crash: records were lost. */
    @Test
    void anEmptiedFileWhoseRecordsAreNamedIsDamage(@TempDir Path dir) {
        Path data = copy(dir);
        Path orders = data.resolve("orders");
        String file = DamagedFiles.newestCycleFile(orders).getFileName().toString();
        String firstChecked = Queues.describeIndex(RollCycles.FAST_DAILY, firstIndex(data.resolve("checked")));
        String firstOrder = Queues.describeIndex(RollCycles.FAST_DAILY, firstIndex(orders));
        DamagedFiles.damage(orders, Damage.CUT_TO_ZERO, 0);
        Cli verify = Cli.run("verify", data.toString());
        assertEquals(ExitCodes.FAILURE, verify.exitCode, verify.toString());
        assertEquals(List.of("orders: damaged at byte 0 of " + file + ": the queue's newest file holds no record, but"
                + " checked index " + firstChecked + " names orders index " + firstOrder + ": records were lost (the"
                + " file was cut short or emptied)"), lines(verify, "orders: "));
        assertEquals(List.of(), lines(verify, "checked: "), verify.out);
    }

    // --- an export that fails midway leaves no file

    @Test
    void anExportThatFailsMidwayLeavesNoPartialFile(@TempDir Path dir) throws IOException {
        // two cycle files (a queue file per second): the quick check reads the newest whole, of the older its last
        // record, so a record damaged inside the older one is found by the export, midway
        Path queue = dir.resolve("orders");
        SetTimeProvider time = new SetTimeProvider(1_700_000_000_000L * 1_000_000L);
        OrderInfo r = new OrderInfo();
        try (ChronicleQueue q = SingleChronicleQueueBuilder.builder().path(queue.toFile())
                .wireType(WireType.BINARY_LIGHT).rollCycle(TestRollCycles.TEST_SECONDLY).timeProvider(time).build();
             ExcerptAppender a = q.createAppender()) {
            for (int i = 1; i <= 200; i++) {
                if (i == 101)
                    time.advanceMillis(1_000);
                a.writeBytes(order(r, i));
            }
        }
        Path older = cycleFiles(queue).get(0);
        assertEquals(2, cycleFiles(queue).size());
        long offset = DamagedFiles.recordOffsets(older).get(50);
        DamagedFiles.xorByte(older, offset + 4 + 40, 0xFF);

        Path out = dir.resolve("out");
        Files.createDirectories(out);
        Path csv = out.resolve("orders.csv");
        Cli fresh = Cli.run("export", queue.toString(), "--out", csv.toString());
        assertOneLine("export", fresh, ExitCodes.FAILURE, "orderpipe: queue " + queue + " is damaged at index 0x",
                "record 50)", "record's bytes do not match its CRC32C checksum (damaged)" + REMEDY);
        assertEquals(List.of(), list(out), "no file, complete or partial, and no temporary file");

        Files.writeString(csv, "an earlier export\n");
        Cli over = Cli.run("export", queue.toString(), "--out", csv.toString(), "--overwrite");
        assertEquals(ExitCodes.FAILURE, over.exitCode, over.toString());
        assertEquals("an earlier export\n", Files.readString(csv), "an earlier file stays as it was");
        assertEquals(List.of(csv), list(out));

        DamagedFiles.xorByte(older, offset + 4 + 40, 0xFF); // repaired: the export replaces the earlier file
        Cli ok = Cli.run("export", queue.toString(), "--out", csv.toString(), "--overwrite");
        assertEquals(0, ok.exitCode, ok.toString());
        assertEquals(201, Files.readAllLines(csv).size(), "header and 200 orders");
        assertEquals(List.of(csv), list(out));
    }

    private static List<Path> cycleFiles(Path queue) throws IOException {
        try (Stream<Path> s = Files.list(queue)) {
            return s.filter(p -> p.toString().endsWith(Queues.QUEUE_FILE_SUFFIX)).sorted().toList();
        }
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    // --- nothing else on stderr

    /**
     * A queue written with another roll cycle than the tools' default: they open it with its own, so Chronicle has
     * nothing to override (it logged a WARN line on stderr when it had); child JVMs, as stderr is the process's.
     */
    @Test
    void toolsReadAQueueOfAnotherRollCycleWithoutAWord(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("hourly.yaml");
        Files.writeString(config, defaultConfig().replace("rollCycle: FAST_DAILY", "rollCycle: FAST_HOURLY"));
        Path data = dir.resolve("data");
        Cli first = Cli.run("run", "--config", config.toString(), "--input", orderFile.toString(), "--data",
                data.toString(), "--exit-when-done", "--status-every", "0");
        assertEquals(0, first.exitCode, first.toString());
        String[][] commands = {
                {"export", data.resolve("executions").toString(), "--out", dir.resolve("x.csv").toString()},
                {"dump", data.resolve("orders").toString(), "--count", "1"},
                {"stats", data.toString()},
                {"tail", "executions", "--data", data.toString(), "--count", "1"}};
        for (String[] command : commands) {
            Process p = ChildJvm.start(dir, command[0], command);
            try {
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), ChildJvm.log(dir, command[0]));
            } finally {
                p.destroyForcibly();
            }
            assertEquals(0, p.exitValue(), ChildJvm.log(dir, command[0]));
            assertEquals("", Files.readString(dir.resolve(command[0] + ".err")), ChildJvm.log(dir, command[0]));
        }
        assertArrayEquals(exported, Files.readAllBytes(dir.resolve("x.csv")));
    }

    /** A followed order file truncated: the pipeline stops, and that is said once (not logged as well). */
    @Test
    void aStageThatStopsThePipelineIsReportedOnce(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("follow.csv");
        List<String> lines = Files.readAllLines(orderFile).subList(0, 201);
        Files.write(file, lines);
        Path data = dir.resolve("data");
        Process p = ChildJvm.start(dir, "run", "run", "--input", file.toString(), "--follow", "--data",
                data.toString(), "--status-every", "0");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (ingested(data.resolve("orders")) < 200) {
                assertTrue(p.isAlive() && System.nanoTime() < deadline, ChildJvm.log(dir, "run"));
                Thread.sleep(100);
            }
            Files.write(file, new byte[0]);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), ChildJvm.log(dir, "run"));
        } finally {
            p.destroyForcibly();
        }
        assertEquals(ExitCodes.FAILURE, p.exitValue(), ChildJvm.log(dir, "run"));
        List<String> err = Files.readAllLines(dir.resolve("run.err"));
        assertEquals(1, err.size(), ChildJvm.log(dir, "run"));
        assertTrue(err.get(0).startsWith("orderpipe: stage 'ingress' stopped at input line ")
                && err.get(0).contains("followed order file " + file + " was truncated to 0 bytes"), err.get(0));
    }

    /** Orders on the queue so far (0 before it has any). */
    private static long ingested(Path orders) {
        if (!Queues.isQueueDir(orders))
            return 0;
        try (SingleChronicleQueue q = SingleChronicleQueueBuilder.binary(orders).readOnly(true).build()) {
            return q.lastIndex() < 0 ? 0 : q.entryCount();
        } catch (RuntimeException e) {
            return 0; // the queue being created
        }
    }

    @Test
    void verifysHelpSaysWhatEachExitCodeMeans() {
        Cli help = Cli.run("verify", "--help");
        assertEquals(0, help.exitCode, help.toString());
        String text = help.out.replaceAll("\\s+", " ");
        assertTrue(text.contains("Exit codes: 0 sound; 1 damaged (the records before each problem are intact:"
                + " restore the damaged queue from a copy); 3 sound but in need of the start-up repair"), text);
    }
}
