package dev.orderpipe.pipeline;

import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.snapshot.SnapshotStore;
import dev.orderpipe.pipeline.util.FileTrees;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bounded restart: risk and matching restore their latest valid snapshot and re-feed only the inputs after it, and
 * the outputs equal an uninterrupted run's; a damaged snapshot is passed over for the one before it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SnapshotRestartTest {
    private static final int ORDERS = 4_000;
    /** Lines of the first run: the header and 1,999 orders. */
    private static final int FIRST = 2_000;
    private static final int EVERY = 300;

    private static PipelineConfig config(Path data, Path input, Path csv) {
        PipelineConfig config = TestPipelines.config(data, input);
        config.snapshots.everyInputs = EVERY;
        config.snapshots.everySeconds = 0;
        config.egress.csvFile = csv.toString();
        return config.validate();
    }

    /** The input sequence number (in the one cycle file) an index names. */
    private static long seq(PipelineConfig config, long index) {
        RollCycle rc = config.rollCycle();
        return rc.toSequenceNumber(index);
    }

    @Test
    void aRestartFromASnapshotInTheMiddleOfASessionGivesWhatOneRunGives(@TempDir Path dir) throws Exception {
        List<String> lines = List.of(TestPipelines.mixedOrders(17, ORDERS).split("\n"));
        Path whole = dir.resolve("whole.csv");
        Files.write(whole, lines);
        Pipeline reference = TestPipelines.runToEnd(config(dir.resolve("ref"), whole, dir.resolve("ref.csv")));
        List<String> expected = TestPipelines.executionLines(reference.queuePath("executions"));

        Path growing = dir.resolve("growing.csv");
        Files.write(growing, lines.subList(0, FIRST));
        PipelineConfig config = config(dir.resolve("data"), growing, dir.resolve("executions.csv"));
        Pipeline first = TestPipelines.runToEnd(config);
        assertEquals(-1, first.matching().restoredAt(), "a fresh start restores nothing");
        assertEquals((FIRST - 1) / EVERY, first.risk().snapshots().written());
        assertEquals((FIRST - 1) / EVERY, first.matching().snapshots().written());

        Files.write(growing, lines.subList(FIRST, lines.size()), StandardOpenOption.APPEND);
        Pipeline second = TestPipelines.runToEnd(config);
        // the latest snapshot covers the 1,800th input: only the 199 after it are fed again
        long covered = (FIRST - 1) / EVERY * EVERY - 1;
        assertEquals(covered, seq(config, second.risk().restoredAt()));
        assertEquals(covered, seq(config, second.matching().restoredAt()));
        assertEquals(FIRST - 2, seq(config, second.matching().resumedAfter()));

        assertEquals(expected, TestPipelines.executionLines(config.dataPath().resolve("executions")));
        assertEquals(Files.readAllLines(dir.resolve("ref.csv")), Files.readAllLines(dir.resolve("executions.csv")),
                "the executions CSV, continued from the report it lacked");
    }

    @Test
    void aDamagedSnapshotIsPassedOverForTheOneBeforeIt(@TempDir Path dir) throws Exception {
        List<String> lines = List.of(TestPipelines.mixedOrders(5, ORDERS).split("\n"));
        Path whole = dir.resolve("whole.csv");
        Files.write(whole, lines);
        Pipeline reference = TestPipelines.runToEnd(config(dir.resolve("ref"), whole, dir.resolve("ref.csv")));

        Path growing = dir.resolve("growing.csv");
        Files.write(growing, lines.subList(0, FIRST));
        PipelineConfig config = config(dir.resolve("data"), growing, dir.resolve("executions.csv"));
        TestPipelines.runToEnd(config);
        flipLastChunkByte(SnapshotStore.dir(config.dataPath(), "matching"));

        Files.write(growing, lines.subList(FIRST, lines.size()), StandardOpenOption.APPEND);
        Pipeline second = TestPipelines.runToEnd(config);
        long latest = (FIRST - 1) / EVERY * EVERY - 1;
        assertEquals(latest, seq(config, second.risk().restoredAt()), "risk's snapshot is whole");
        assertEquals(latest - EVERY, seq(config, second.matching().restoredAt()),
                "matching's latest is damaged: the one before it is restored");
        assertEquals(TestPipelines.executionLines(reference.queuePath("executions")),
                TestPipelines.executionLines(config.dataPath().resolve("executions")));
    }

    @Test
    void withEverySnapshotDamagedTheWholeInputIsFedAgain(@TempDir Path dir) throws Exception {
        List<String> lines = List.of(TestPipelines.mixedOrders(9, 1_000).split("\n"));
        List<String> expected = referenceRun(dir, lines);
        PipelineConfig config = firstRun(dir, lines, 400); // one snapshot each, at the 300th input
        flipLastChunkByte(SnapshotStore.dir(config.dataPath(), "risk"));
        flipLastChunkByte(SnapshotStore.dir(config.dataPath(), "matching"));
        Pipeline second = secondRun(config, lines, 400);
        assertEquals(-1, second.risk().restoredAt());
        assertEquals(-1, second.matching().restoredAt());
        assertEquals(expected, TestPipelines.executionLines(config.dataPath().resolve("executions")));
    }

    /** The execution lines of one uninterrupted run of {@code lines} (in {@code dir/ref}). */
    private static List<String> referenceRun(Path dir, List<String> lines) throws Exception {
        Path whole = dir.resolve("whole.csv");
        Files.write(whole, lines);
        Pipeline reference = TestPipelines.runToEnd(config(dir.resolve("ref"), whole, dir.resolve("ref.csv")));
        return TestPipelines.executionLines(reference.queuePath("executions"));
    }

    /** A run of the first {@code first} of {@code lines} on {@code dir/data}; returns its config. */
    private static PipelineConfig firstRun(Path dir, List<String> lines, int first) throws Exception {
        Path growing = dir.resolve("growing.csv");
        Files.write(growing, lines.subList(0, first));
        PipelineConfig config = config(dir.resolve("data"), growing, dir.resolve("executions.csv"));
        TestPipelines.runToEnd(config);
        return config;
    }

    /** The restart: the rest of {@code lines} appended to the file of {@link #firstRun}, run to the end. */
    private static Pipeline secondRun(PipelineConfig config, List<String> lines, int first) throws Exception {
        Files.write(Path.of(config.ingress.file), lines.subList(first, lines.size()), StandardOpenOption.APPEND);
        return TestPipelines.runToEnd(config);
    }

    @Test
    void snapshotsLeftFromQueuesDeletedSinceAreNotRestored(@TempDir Path dir) throws Exception {
        List<String> lines = List.of(TestPipelines.mixedOrders(21, 1_500).split("\n"));
        Path whole = dir.resolve("whole.csv");
        Files.write(whole, lines);
        Pipeline reference = TestPipelines.runToEnd(config(dir.resolve("ref"), whole, dir.resolve("ref.csv")));

        // another history's snapshots, its queues deleted afterwards (and its CSV)
        Path other = dir.resolve("other.csv");
        Files.writeString(other, TestPipelines.mixedOrders(99, 1_500));
        Path data = dir.resolve("data");
        TestPipelines.runToEnd(config(data, other, dir.resolve("executions.csv")));
        for (String queue : List.of("orders", "checked", "executions"))
            FileTrees.delete(data.resolve(queue));
        Files.delete(dir.resolve("executions.csv"));

        Path growing = dir.resolve("growing.csv");
        Files.write(growing, lines.subList(0, 1_000));
        PipelineConfig noSnapshots = config(data, growing, dir.resolve("executions.csv"));
        noSnapshots.snapshots.enabled = false;
        TestPipelines.runToEnd(noSnapshots);
        Files.write(growing, lines.subList(1_000, lines.size()), StandardOpenOption.APPEND);
        Pipeline restart = TestPipelines.runToEnd(noSnapshots);
        assertEquals(-1, restart.risk().restoredAt(), "the other history's snapshots name other records");
        assertEquals(-1, restart.matching().restoredAt());
        assertEquals(TestPipelines.executionLines(reference.queuePath("executions")),
                TestPipelines.executionLines(data.resolve("executions")));
    }

    @Test
    void tradingDaysRestartFromTheSnapshotTakenAtEachClose(@TempDir Path dir) throws Exception {
        String header = "ts_nanos,action,order_id,account,symbol,side,type,tif,price,qty\n";
        Path whole = dir.resolve("whole.csv");
        Files.writeString(whole, header + RestartTest.tradingDays(1, 1200), StandardCharsets.UTF_8);
        PipelineConfig refConfig = TestPipelines.config(dir.resolve("ref"), whole);
        Pipeline reference = TestPipelines.runToEnd(refConfig);

        Path growing = dir.resolve("growing.csv");
        PipelineConfig config = TestPipelines.config(dir.resolve("data"), growing); // the defaults: at each close
        Files.writeString(growing, header + RestartTest.tradingDays(1, 820), StandardCharsets.UTF_8);
        Pipeline first = TestPipelines.runToEnd(config);
        assertEquals(2, first.matching().snapshots().written(), "one at each of the two closes");
        Files.writeString(growing, RestartTest.tradingDays(821, 1200), StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        Pipeline second = TestPipelines.runToEnd(config);
        assertEquals(799, seq(config, second.matching().restoredAt()), "the second close, line 800");
        assertEquals(799, seq(config, second.risk().restoredAt()));
        assertEquals(TestPipelines.executionLines(reference.queuePath("executions")),
                TestPipelines.executionLines(config.dataPath().resolve("executions")));
    }

    @Test
    void aSessionEventWhileRisksSnapshotIsWrittenFinishesItFirst(@TempDir Path dir) throws Exception {
        // day 1: 5,000 NEW orders, then its close; day 2: 300 more. One snapshot, every 5,001 inputs: after the last
        // NEW of day 1 (input 5000), 80 KB of ids in chunks of 4 KB, a step each: the close is the next input
        List<String> lines = new java.util.ArrayList<>();
        lines.add("ts_nanos,action,order_id,account,symbol,side,type,tif,price,qty");
        long ts = 0;
        for (int day = 1; day <= 2; day++) {
            lines.add(++ts + ",SESSION_OPEN,2026-12-0" + day + ",,,,,,,");
            for (int i = 1, n = day == 1 ? 5_000 : 300; i <= n; i++)
                lines.add(++ts + ",NEW," + i + "," + (1 + i % 50) + ",AAPL," + (i % 2 == 0 ? "BUY" : "SELL")
                        + ",LIMIT,DAY,189." + (10 + i % 20) + "," + (1 + i % 7));
            lines.add(++ts + ",SESSION_CLOSE,,,,,,,,");
        }
        Path whole = dir.resolve("whole.csv");
        Files.write(whole, lines);
        Pipeline reference = TestPipelines.runToEnd(TestPipelines.config(dir.resolve("ref"), whole));

        Path growing = dir.resolve("growing.csv");
        int firstLines = 1 + 5_002 + 1 + 100; // to the 100th NEW of day 2
        Files.write(growing, lines.subList(0, firstLines));
        PipelineConfig config = TestPipelines.config(dir.resolve("data"), growing);
        config.snapshots.everyInputs = 5_001;
        config.snapshots.everySeconds = 0;
        config.snapshots.atSessionClose = false;
        config.snapshots.chunkBytes = 4096;
        Pipeline first = TestPipelines.runToEnd(config);
        assertEquals(1, first.risk().snapshots().written());
        assertEquals(1, first.risk().snapshots().finishedAtOnce(), "finished at once before the close");
        Files.write(growing, lines.subList(firstLines, lines.size()), StandardOpenOption.APPEND);
        Pipeline second = TestPipelines.runToEnd(config);
        assertEquals(5_000, seq(config, second.risk().restoredAt()), "the day's ids as they were at its point");
        assertEquals(TestPipelines.executionLines(reference.queuePath("executions")),
                TestPipelines.executionLines(config.dataPath().resolve("executions")));
    }

    /**
     * An order file of {@code days} trading days of 353 lines each (after the header) in which the ids of GTC orders
     * carried over are reused in the session they finish in: each day the 100 GTC bids of the day before (ids
     * 1..100 and 101..200 on alternate days, accounts 1 to 3) are canceled (odd ids) or filled by a sell of account
     * 99, then NEW orders reuse those ids on the same accounts (DUPLICATE_ORDER_ID from the second day on) and on
     * other accounts (accepted), and 100 GTC bids reuse the ids finished the day before (accepted) and carry over.
     */
    static List<String> carriedIdDays(int days) {
        List<String> lines = new java.util.ArrayList<>();
        lines.add("ts_nanos,action,order_id,account,symbol,side,type,tif,price,qty");
        long ts = 0;
        for (int d = 1; d <= days; d++) {
            int yesterday = 100 * ((d - 1) % 2);
            int today = 100 * (d % 2);
            lines.add(++ts + ",SESSION_OPEN," + java.time.LocalDate.of(2026, 12, 1).plusDays(d) + ",,,,,,,");
            for (int k = 1; k <= 100; k += 2)
                lines.add(++ts + ",CANCEL," + (yesterday + k) + "," + (1 + k % 3) + ",,,,,,");
            lines.add(++ts + ",NEW,1000,99,AAPL,SELL,LIMIT,IOC,189.00,10000");
            for (int k = 1; k <= 100; k++)
                lines.add(++ts + ",NEW," + (yesterday + k) + "," + (1 + k % 3) + ",AAPL,BUY,LIMIT,DAY,188.00,10");
            for (int k = 1; k <= 100; k++)
                lines.add(++ts + ",NEW," + (yesterday + k) + "," + (11 + k % 3) + ",AAPL,BUY,LIMIT,DAY,187.00,10");
            for (int k = 1; k <= 100; k++)
                lines.add(++ts + ",NEW," + (today + k) + "," + (1 + k % 3) + ",AAPL,BUY,LIMIT,GTC,189." + (10 + k % 10)
                        + ",10");
            lines.add(++ts + ",SESSION_CLOSE,,,,,,,,");
        }
        return lines;
    }

    @Test
    void aRestartInTheSessionACarriedOverOrderFinishedInKeepsItsIdTaken(@TempDir Path dir) throws Exception {
        List<String> lines = carriedIdDays(5);
        Path whole = dir.resolve("whole.csv");
        Files.write(whole, lines);
        Pipeline reference = TestPipelines.runToEnd(config(dir.resolve("ref"), whole, dir.resolve("ref.csv")));
        List<String> expected = TestPipelines.executionLines(reference.queuePath("executions"));
        assertEquals(400, expected.stream().filter(l -> l.contains("DUPLICATE_ORDER_ID")).count(),
                "100 ids of carried-over orders reused on their accounts the day they finished, on days 2 to 5");

        // day 4 is inputs 1059 to 1411 (from 0): its carried-over bids finish by input 1110, their ids are reused
        // from 1111 to 1210. The first run ends at input 1205, its last snapshot (every 300 inputs, none at the
        // closes) covers 1199: the restart restores it and refuses the reuses after it (which risk passes: their ids
        // are new to it) as one run does
        int firstLines = 1 + 1206;
        Path growing = dir.resolve("growing.csv");
        Files.write(growing, lines.subList(0, firstLines));
        PipelineConfig config = config(dir.resolve("data"), growing, dir.resolve("executions.csv"));
        config.snapshots.atSessionClose = false;
        TestPipelines.runToEnd(config);
        Files.write(growing, lines.subList(firstLines, lines.size()), StandardOpenOption.APPEND);
        Pipeline second = TestPipelines.runToEnd(config);
        long covered = (firstLines - 1) / EVERY * EVERY - 1;
        assertEquals(1199, covered);
        assertEquals(covered, seq(config, second.matching().restoredAt()), "the snapshot in day 4");
        assertEquals(covered, seq(config, second.risk().restoredAt()));
        assertEquals(expected, TestPipelines.executionLines(config.dataPath().resolve("executions")));
        assertEquals(Files.readAllLines(dir.resolve("ref.csv")), Files.readAllLines(dir.resolve("executions.csv")));
    }

    @Test
    void snapshotsOfAnOlderFormatVersionAreNotRestored(@TempDir Path dir) throws Exception {
        List<String> lines = List.of(TestPipelines.mixedOrders(13, 1_000).split("\n"));
        List<String> expected = referenceRun(dir, lines);
        PipelineConfig config = firstRun(dir, lines, 700); // two snapshots each, at the 300th and 600th input
        assertEquals(2, setHeaderVersions(SnapshotStore.dir(config.dataPath(), "matching"), 1),
                "matching's snapshots made version 1");
        Pipeline second = secondRun(config, lines, 700);
        assertEquals(599, seq(config, second.risk().restoredAt()), "risk's are of this version");
        assertEquals(-1, second.matching().restoredAt(), "a version 1 snapshot is not read: the whole input again");
        assertEquals(expected, TestPipelines.executionLines(config.dataPath().resolve("executions")));
    }

    /** Sets the format version in every snapshot header of a snapshot queue; returns how many it changed. */
    static int setHeaderVersions(Path queueDir, int version) throws Exception {
        List<Long> positions = new java.util.ArrayList<>();
        try (ChronicleQueue q = SingleChronicleQueueBuilder.binary(queueDir).build();
             ExcerptTailer t = q.createTailer()) {
            while (true) {
                try (DocumentContext dc = t.readingDocument()) {
                    if (!dc.isPresent())
                        break;
                    long start = dc.wire().bytes().readPosition();
                    if (dc.wire().bytes().readByte(start) == 'H')
                        positions.add(start + 1 + 4); // kind, magic, then the version
                }
            }
        }
        Path file;
        try (Stream<Path> files = Files.list(queueDir)) {
            file = files.filter(p -> p.toString().endsWith(".cq4")).sorted().reduce((a, b) -> b).orElseThrow();
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            for (long position : positions) {
                f.seek(position);
                f.write(version); // int32 little-endian: the low byte first, the others 0
            }
        }
        return positions.size();
    }

    /** Flips a byte in the payload of the newest chunk document of a snapshot queue: its checksum no longer holds. */
    static void flipLastChunkByte(Path queueDir) throws Exception {
        long position = -1;
        try (ChronicleQueue q = SingleChronicleQueueBuilder.binary(queueDir).build();
             ExcerptTailer t = q.createTailer().direction(TailerDirection.BACKWARD).toEnd()) {
            while (position < 0) {
                try (DocumentContext dc = t.readingDocument()) {
                    assertTrue(dc.isPresent(), "a chunk in " + queueDir);
                    long start = dc.wire().bytes().readPosition();
                    if (dc.wire().bytes().readByte(start) == 'C')
                        position = start + 9 + 3; // kind, number, length, then the payload
                }
            }
        }
        Path file;
        try (Stream<Path> files = Files.list(queueDir)) {
            file = files.filter(p -> p.toString().endsWith(".cq4")).sorted().reduce((a, b) -> b).orElseThrow();
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(position);
            int b = f.read();
            f.seek(position);
            f.write(b ^ 0x5A);
        }
    }
}
