package dev.orderpipe.pipeline.retention;

import dev.orderpipe.pipeline.OperatorError;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Pipeline;
import dev.orderpipe.pipeline.TestPipelines;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.infra.HistoryCutException;
import dev.orderpipe.pipeline.infra.HistoryStart;
import dev.orderpipe.pipeline.infra.QueueInput;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.integrity.DataDirVerifier;
import dev.orderpipe.pipeline.integrity.QueueVerifier;
import dev.orderpipe.pipeline.integrity.RecordKind;
import dev.orderpipe.pipeline.metrics.ReplicationStatus;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retention removes the cycle files nothing needs and never one that is needed: a data directory fed in parts, each
 * in a cycle of its own (TEST_SECONDLY), snapshots every {@value #EVERY} inputs; after a pass it verifies sound, its
 * history start is stated, and a restart that feeds the rest ends in the uninterrupted run's executions.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RetentionTest {
    private static final int ORDERS = 2_000;
    private static final int PARTS = 4;
    private static final int EVERY = 150;
    private static List<String> lines;
    private static Path reference;
    private static List<String> expectedCsv;

    @BeforeAll
    static void uninterruptedRun(@TempDir Path dir) throws Exception {
        lines = List.of(TestPipelines.mixedOrders(23, ORDERS).split("\n"));
        Path whole = dir.resolve("whole.csv");
        Files.write(whole, lines);
        reference = dir.resolve("ref");
        TestPipelines.runToEnd(config(reference, whole, dir.resolve("ref.csv")));
        expectedCsv = Files.readAllLines(dir.resolve("ref.csv"));
    }

    static PipelineConfig config(Path data, Path input, Path csv) {
        PipelineConfig config = TestPipelines.config(data, input);
        config.rollCycle = "TEST_SECONDLY";
        config.snapshots.everyInputs = EVERY;
        config.snapshots.everySeconds = 0;
        config.egress.csvFile = csv.toString();
        config.retention.keepCycles = 1;
        return config.validate();
    }

    /** Feeds parts 1..{@code parts} of the orders, each run starting in a cycle of its own. */
    static PipelineConfig feed(Path dir, int parts) throws Exception {
        Path input = dir.resolve("orders.csv");
        PipelineConfig config = config(dir.resolve("data"), input, dir.resolve("executions.csv"));
        for (int p = 1; p <= parts; p++) {
            Files.write(input, lines.subList(0, 1 + p * (lines.size() - 1) / PARTS));
            nextSecond();
            TestPipelines.runToEnd(config);
        }
        return config;
    }

    /** Feeds the rest and checks the outputs against the uninterrupted run's. */
    static void feedRestAndCompare(PipelineConfig config) throws Exception {
        Files.write(Path.of(config.ingress.file), lines);
        TestPipelines.runToEnd(config);
        assertEquals(expectedCsv, Files.readAllLines(Path.of(config.egress.csvFile)),
                "the executions CSV equals the uninterrupted run's");
        List<String> all = TestPipelines.executionLines(reference.resolve("executions"));
        List<String> kept = executionsKept(config);
        assertEquals(all.subList(all.size() - kept.size(), all.size()), kept,
                "the executions kept are the uninterrupted run's last ones");
        assertTrue(DataDirVerifier.verify(config).sound());
    }

    /** The executions from the history's start on, read as every reader reads them (checked). */
    static List<String> executionsKept(PipelineConfig config) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        dev.orderpipe.pipeline.csv.AsciiOut out = dev.orderpipe.pipeline.csv.AsciiOut.to(bytes);
        Path dir = config.dataPath().resolve("executions");
        try (ChronicleQueue q = Queues.openExisting(dir);
             QueueInput in = new QueueInput("executions", q, RecordKind.REPORT).open()) {
            OrderInfo r = new OrderInfo();
            while (in.readOrEnd(r))
                dev.orderpipe.pipeline.csv.ExecutionCsv.line(out, r);
        }
        out.flush();
        return List.of(bytes.toString(java.nio.charset.StandardCharsets.US_ASCII).split("\n"));
    }

    static void nextSecond() throws InterruptedException {
        Thread.sleep(1_050 - System.currentTimeMillis() % 1_000);
    }

    static List<Path> cycleFiles(Path queue) throws IOException {
        try (Stream<Path> s = Files.list(queue)) {
            return s.filter(p -> p.toString().endsWith(Queues.QUEUE_FILE_SUFFIX)).sorted().toList();
        }
    }

    private static RetentionPlan.QueuePlan plan(RetentionPlan plan, String queue) {
        return plan.queues().stream().filter(q -> q.name().equals(queue)).findFirst().orElseThrow();
    }

    /** Every file removed lies wholly before the cycle of every hold of its queue. */
    private static void assertNoHeldFileRemoved(RetentionPlan plan) {
        for (RetentionPlan.QueuePlan q : plan.queues()) {
            RollCycle rc = q.rollCycle();
            for (var c : q.removable())
                for (RetentionPlan.Hold h : q.holds()) {
                    assertFalse(h.all(), q.name() + ": " + h + " holds everything, yet " + c.file() + " goes");
                    assertTrue(c.cycle() < rc.toCycle(h.index()), q.name() + ": " + c.file() + " is held by " + h);
                }
        }
    }

    @Test
    void aPassRemovesWhatTheSnapshotsCoverAndARestartEndsAsOneRun(@TempDir Path dir) throws Exception {
        PipelineConfig config = feed(dir, 3);
        Path orders = config.dataPath().resolve("orders");
        int before = cycleFiles(orders).size();
        assertTrue(before >= 3, "a cycle per run: " + cycleFiles(orders));

        RetentionPlan dry = Retention.run(config, true, null);
        assertTrue(dry.anything(), "something may go");
        assertEquals(before, cycleFiles(orders).size(), "a dry run removes nothing");

        RetentionPlan done = Retention.run(config, false, null);
        assertNoHeldFileRemoved(done);
        RetentionPlan.QueuePlan o = plan(done, "orders");
        assertFalse(o.removable().isEmpty());
        assertEquals(before - o.removable().size(), cycleFiles(orders).size());
        HistoryStart start = HistoryStart.read(orders);
        assertNotNull(start);
        long removedRecords = o.removable().stream().mapToLong(c -> c.records()).sum();
        assertEquals(removedRecords, start.recordsBefore());
        try (ChronicleQueue q = Queues.openExisting(orders)) {
            assertEquals(start.firstIndex(), q.firstIndex(), "Chronicle's first index is the history's start");
        }
        // the risk snapshot's input is kept
        RetentionPlan.Hold riskHold = o.binding();
        assertTrue(riskHold.holder().startsWith("snapshot snapshots/risk"), riskHold.toString());

        QueueVerifier.checkDataDir(config);
        DataDirVerifier.Report report = DataDirVerifier.verify(config);
        assertTrue(report.sound(), () -> report.queues().stream().map(q -> q.name() + " " + q.problem()).toList()
                .toString());
        assertTrue(report.queues().get(0).note().startsWith("history starts at index "), report.queues().get(0).note());

        assertFalse(Retention.run(config, false, null).anything(), "a second pass finds nothing more");
        feedRestAndCompare(config);
    }

    /**
     * A queue that has a history start and no record (what a replica killed right after it came in step left: the
     * primary sends the history starts before any record) is refused at start with one line: re-feeding the input
     * into it wrote reports from seq 1 where the history start counts thousands before, and egress stopped much later
     * calling executions damaged.
     */
    @Test
    void aQueueWithAHistoryStartAndNoRecordIsRefusedAtStart(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("standby");
        Path input = dir.resolve("orders.csv");
        Files.writeString(input, TestPipelines.mixedOrders(5, 100));
        Files.createDirectories(data.resolve("orders"));
        new HistoryStart(RollCycles.FAST_DAILY.toIndex(20_000, 0), 2_250, 2_250).write(data.resolve("orders"));
        HistoryCutException e = assertThrows(HistoryCutException.class,
                () -> Pipeline.start(TestPipelines.config(data, input)).close());
        assertTrue(e.getMessage().startsWith("queue orders holds no record, yet its retention.txt says its history"
                + " starts at index "), e.getMessage());
        assertTrue(e.getMessage().contains("(2250 records before it removed by retention)"), e.getMessage());
        assertTrue(e instanceof OperatorError, "one line, no stack trace");
        // nothing left locked or written: the directory is as it was
        assertFalse(Files.exists(data.resolve("checked")) && Queues.isQueueDir(data.resolve("checked")));
    }

    @Test
    void nothingANamedConsumerOrAReplicaStillNeedsGoes(@TempDir Path dir) throws Exception {
        PipelineConfig config = feed(dir, 3);
        Path data = config.dataPath();
        long firstReport;
        try (ChronicleQueue q = Queues.openExisting(data.resolve("executions"))) {
            firstReport = q.firstIndex();
        }
        // a consumer that committed the first report only
        Path position = data.resolve("consumers").resolve("slow.position");
        Files.createDirectories(position.getParent());
        Files.write(position, ByteBuffer.allocate(8).putLong(firstReport).array());
        // a replica that acknowledged nothing of checked
        try (ReplicationStatus status = ReplicationStatus.create(data);
             ChronicleQueue checked = Queues.openExisting(data.resolve("checked"))) {
            status.update(0, 1, "standby", "checked", checked, checked.lastIndex(), -1, -1, 0);
            status.heartbeat();
        }
        int executionsBefore = cycleFiles(data.resolve("executions")).size();
        int checkedBefore = cycleFiles(data.resolve("checked")).size();
        RetentionPlan plan = Retention.run(config, false, null);
        assertNoHeldFileRemoved(plan);
        assertEquals("consumer slow", plan(plan, "executions").binding().holder());
        assertEquals(executionsBefore, cycleFiles(data.resolve("executions")).size(), "the consumer holds them all");
        assertEquals("replica standby", plan(plan, "checked").binding().holder());
        assertEquals(checkedBefore, cycleFiles(data.resolve("checked")).size(), "the replica holds them all");
        assertFalse(plan(plan, "orders").removable().isEmpty(), "orders, which neither needs, is cut");
        assertNull(HistoryStart.read(data.resolve("executions")));

        // the consumer moves on: now executions is cut up to its position, not beyond
        long lastReport;
        try (ChronicleQueue q = Queues.openExisting(data.resolve("executions"))) {
            lastReport = q.lastIndex();
        }
        Files.write(position, ByteBuffer.allocate(8).putLong(lastReport).array(), StandardOpenOption.WRITE);
        plan = Retention.run(config, false, null);
        assertNoHeldFileRemoved(plan);
        assertTrue(DataDirVerifier.verify(config).sound());

        // a FIX gateway's state: it reads the whole executions queue at each start
        Files.createDirectories(data.resolve("gateway"));
        feedRestAndCompare(config);
        RetentionPlan withGateway = Retention.run(config, true, null);
        assertTrue(plan(withGateway, "executions").binding().holder().startsWith("the FIX gateway"));
        assertTrue(plan(withGateway, "executions").removable().isEmpty());
    }

    @Test
    void withoutSnapshotsTheStagesHoldTheirWholeInput(@TempDir Path dir) throws Exception {
        PipelineConfig config = feed(dir, 2);
        // snapshots of another shape (a changed capacity) are not restored: a restart would re-feed everything
        config.matching.maxOpenOrders = config.matching.maxOpenOrders + 1;
        config.risk.orderIdCapacity = config.risk.orderIdCapacity + 1;
        RetentionPlan plan = Retention.run(config.validate(), false, null);
        for (String queue : List.of("orders", "checked", "executions")) {
            RetentionPlan.QueuePlan q = plan(plan, queue);
            assertTrue(q.binding().all(), queue + ": " + q.binding());
            assertTrue(q.removable().isEmpty(), queue);
        }
        assertNull(HistoryStart.read(config.dataPath().resolve("orders")));
    }

    @Test
    void aStageBehindItsInputKeepsWhatItHasNotRead(@TempDir Path dir) throws Exception {
        PipelineConfig config = feed(dir, 3);
        // risk's snapshot covers an input in the cycle of the third run: the older cycles of orders may go, none of
        // the cycle it covers or after
        RetentionPlan plan = Retention.run(config, true, null);
        RetentionPlan.QueuePlan o = plan(plan, "orders");
        RetentionPlan.Hold h = o.binding();
        RollCycle rc = o.rollCycle();
        for (var c : o.files())
            assertEquals(c.cycle() < rc.toCycle(h.index()) && o.files().indexOf(c) < o.files().size() - 1,
                    o.removable().contains(c), c.file().toString());
        List<Long> snapshotsKept = new ArrayList<>();
        for (var c : plan(plan, "snapshots/risk").files())
            if (!plan(plan, "snapshots/risk").removable().contains(c))
                snapshotsKept.add((long) c.cycle());
        assertTrue(snapshotsKept.contains((long) rc.toCycle(plan(plan, "snapshots/risk").binding().index())),
                "the file of the snapshot risk restores stays");
    }

    @Test
    void anArchiveReceivesTheFilesInsteadOfDeletion(@TempDir Path dir) throws Exception {
        PipelineConfig config = feed(dir, 3);
        config.retention.archiveDir = dir.resolve("archive").toString();
        List<Path> ordersBefore = cycleFiles(config.dataPath().resolve("orders"));
        RetentionPlan plan = Retention.run(config.validate(), false, null);
        List<Path> gone = new ArrayList<>();
        for (var c : plan(plan, "orders").removable())
            gone.add(c.file().getFileName());
        assertFalse(gone.isEmpty());
        for (Path name : gone) {
            assertTrue(Files.exists(dir.resolve("archive").resolve("orders").resolve(name)), name.toString());
            assertTrue(ordersBefore.stream().anyMatch(p -> p.getFileName().equals(name)));
            assertFalse(Files.exists(config.dataPath().resolve("orders").resolve(name)));
        }
        // the archive is a queue of its own (its metadata copied): it reads as the queue's first records, in order,
        // and the data directory's queue goes on from the next one
        List<OrderInfo> archived = TestPipelines.readAll(dir.resolve("archive").resolve("orders"));
        List<OrderInfo> kept = TestPipelines.readAll(config.dataPath().resolve("orders"));
        assertFalse(archived.isEmpty());
        for (int i = 0; i < archived.size(); i++)
            assertEquals(i + 2, archived.get(i).sourceLine(), "archived record " + i);
        assertEquals(archived.size() + 2, kept.get(0).sourceLine());
        feedRestAndCompare(config);
    }

    @Test
    void runMakesAPassAtARollWhileItRuns(@TempDir Path dir) throws Exception {
        PipelineConfig config = feed(dir, 3);
        config.retention.enabled = true;
        Path orders = config.dataPath().resolve("orders");
        Files.write(Path.of(config.ingress.file), lines);
        Pipeline pipeline = Pipeline.start(config);
        try {
            assertTrue(pipeline.awaitFinished(120, TimeUnit.SECONDS));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (HistoryStart.read(orders) == null && System.nanoTime() < deadline)
                Thread.sleep(50);
        } finally {
            pipeline.close();
        }
        assertNotNull(HistoryStart.read(orders), "a pass at the roll cut orders");
        assertEquals(expectedCsv, Files.readAllLines(Path.of(config.egress.csvFile)));
        assertTrue(DataDirVerifier.verify(config).sound());
        config.retention.enabled = false;
        feedRestAndCompare(config); // a restart on the cut directory
    }

    /**
     * A stop interrupts a pass under way: its reads end in ClosedByInterruptException, which is the stop's doing, not a
     * failure to warn of; a pass that fails while the pipeline runs is one.
     */
    @Test
    void aPassCutShortByTheStopIsNotAFailure(@TempDir Path dir) throws Exception {
        PipelineConfig config = feed(dir, 2);
        RetentionThread stopping = new RetentionThread(config, name -> null);
        stopping.close(); // the pipeline stops: from here on a pass is cut short by the interrupt
        Thread.currentThread().interrupt();
        try {
            stopping.pass();
        } finally {
            Thread.interrupted();
        }
        assertEquals(1, stopping.passes());
        assertEquals(0, stopping.failedPasses(), "cut short by the stop, not failed");

        RetentionThread running = new RetentionThread(config, name -> null);
        Thread.currentThread().interrupt(); // the same cut, the pipeline running: a failure
        try {
            running.pass();
        } finally {
            Thread.interrupted();
        }
        assertEquals(1, running.failedPasses());
    }

    @Test
    void anArchiveInsideTheDataDirectoryIsRefused(@TempDir Path dir) {
        PipelineConfig config = TestPipelines.config(dir.resolve("data"), null);
        config.retention.archiveDir = dir.resolve("data").resolve("old").toString();
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.orderpipe.pipeline.config.ConfigException.class,
                config::validate);
        assertTrue(e.getMessage().startsWith("retention.archiveDir "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }
}
