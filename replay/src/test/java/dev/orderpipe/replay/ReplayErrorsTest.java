package dev.orderpipe.replay;

import dev.orderpipe.pipeline.infra.QueueDamagedException;
import dev.orderpipe.pipeline.infra.Queues;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** User mistakes end in one line that names the problem: no stack trace, no half-written run. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReplayErrorsTest {
    private static ReplayOptions options(Path capture, Path out) {
        return new ReplayOptions().capture(capture).config(TestCaptures.config(), "test").outDir(out)
                .pacing(Pacing.max());
    }

    private static ReplayException fails(ReplayOptions options) {
        ReplayException e = assertThrows(ReplayException.class, () -> Replayer.run(options));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e;
    }

    @Test
    void aCapturePathThatDoesNotExist(@TempDir Path dir) {
        Path missing = dir.resolve("nope/orders");
        ReplayException e = fails(options(missing, dir.resolve("run")));
        assertEquals("capture " + missing + " does not exist", e.getMessage());
        assertEquals(2, e.exitCode());
        assertFalse(Files.exists(dir.resolve("run")), "nothing written");
    }

    @Test
    void aDirectoryThatIsNotAQueue(@TempDir Path dir) throws Exception {
        Path notQueue = Files.createDirectories(dir.resolve("logs"));
        Files.writeString(notQueue.resolve("app.log"), "hello");
        ReplayException e = fails(options(notQueue, dir.resolve("run")));
        assertEquals("capture " + notQueue + " is not a Chronicle queue (no *.cq4 files) nor a pipeline data directory"
                + " with an orders queue", e.getMessage());
    }

    @Test
    void aQueueThatDoesNotHoldOrders(@TempDir Path dir) {
        Path q = dir.resolve("other");
        try (ChronicleQueue queue = Queues.open(q, RollCycles.FAST_DAILY); ExcerptAppender a = queue.createAppender()) {
            a.writeText("not an order");
        }
        QueueDamagedException e = assertThrows(QueueDamagedException.class,
                () -> Replayer.run(options(q, dir.resolve("run"))));
        assertTrue(e.getMessage().startsWith("queue " + q + " is damaged at index 0x"), e.getMessage());
        assertTrue(e.what().contains("it is not an orderpipe record"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void anEmptyOrderFileAndATooLargeWarmup(@TempDir Path dir) throws Exception {
        Path empty = dir.resolve("empty.csv");
        Files.writeString(empty, "ts_nanos,action,order_id,account,symbol,side,type,tif,price,qty\n");
        assertEquals("capture " + empty + " holds no orders", fails(options(empty, dir.resolve("run"))).getMessage());
        Path two = TestCaptures.orderFile(dir.resolve("two.csv"), 2, 1000, 1);
        assertEquals("warmup 2 leaves no order to measure: the capture holds 2 orders",
                fails(options(two, dir.resolve("run")).warmup(2)).getMessage());
    }

    @Test
    void anOutputDirectoryHoldingARunIsRefusedUnlessOverwriting(@TempDir Path dir) throws Exception {
        Path file = TestCaptures.orderFile(dir.resolve("orders.csv"), 50, 1000, 1);
        Path out = dir.resolve("run");
        assertEquals(50, Replayer.run(options(file, out)).summary().accounted);
        ReplayException e = fails(options(file, out));
        assertEquals("output directory " + out + " already holds a replay (queues in " + out.resolve("data")
                + "): choose another or pass --overwrite to replace it", e.getMessage());
        RunSummary again = Replayer.run(options(file, out).overwrite(true)).summary();
        assertEquals(50, again.accounted);
        assertEquals(50, dev.orderpipe.pipeline.TestPipelines.readAll(out.resolve("data/orders")).size(),
                "the earlier run's queues were replaced, not appended to");
    }

    /**
     * A run directory that holds only an earlier run's summary.json (its summary.yaml and queues gone) was replaced
     * without --overwrite; --overwrite now also removes it before the run (a run failing on the way left the earlier
     * run's figures beside its own queues).
     */
    @Test
    void anEarlierRunsSummaryJsonIsRefusedAndRemovedByOverwrite(@TempDir Path dir) throws Exception {
        Path file = TestCaptures.orderFile(dir.resolve("orders.csv"), 20, 1000, 1);
        Path out = Files.createDirectories(dir.resolve("run"));
        Files.writeString(out.resolve(RunSummary.JSON_FILE), "{\"sent\": 999}");
        ReplayException e = fails(options(file, out));
        assertEquals("output directory " + out + " already holds a replay (" + RunSummary.JSON_FILE
                + "): choose another or pass --overwrite to replace it", e.getMessage());
        // with --overwrite it is removed with the rest of the earlier run before this one starts
        Replayer.run(options(file, out).overwrite(true));
        // the earlier run's summary said it sent 999 orders; this run's says 20 (a bare "999" could be in any number)
        String summary = Files.readString(out.resolve(RunSummary.JSON_FILE));
        assertTrue(summary.matches("(?s).*\"sent\"\\s*:\\s*20\\b.*"), summary);
    }

    @Test
    void aCaptureInsideTheReplaysOwnDataDirectoryIsRefused(@TempDir Path dir) throws Exception {
        Path file = TestCaptures.orderFile(dir.resolve("orders.csv"), 20, 1000, 1);
        Path out = dir.resolve("run");
        Replayer.run(options(file, out));
        ReplayException e = fails(options(out.resolve("data/orders"), out).overwrite(true));
        assertTrue(e.getMessage().startsWith("the capture " + out.resolve("data/orders") + " is inside"),
                e.getMessage());
    }

    @Test
    void missingExpectedExecutions(@TempDir Path dir) throws Exception {
        Path file = TestCaptures.orderFile(dir.resolve("orders.csv"), 20, 1000, 1);
        Path missing = dir.resolve("executions.csv");
        assertEquals("expected executions " + missing + " does not exist",
                fails(options(file, dir.resolve("run")).expectedExecutions(missing)).getMessage());
    }

    /**
     * Expected executions that cannot be compared with were once accepted (/dev/null read as no reports), and the
     * run then said the replay differed: each is refused in one line before the replay runs.
     */
    @Test
    void expectedExecutionsThatAreNoExecutionsAreRefusedUpFront(@TempDir Path dir) throws Exception {
        Path file = TestCaptures.orderFile(dir.resolve("orders.csv"), 20, 1000, 1);
        Path run = dir.resolve("run");
        Path devNull = Path.of("/dev/null");
        assertEquals("expected executions /dev/null is not a regular file (a device or a pipe): give an executions "
                + "CSV file or an executions queue directory",
                fails(options(file, run).expectedExecutions(devNull)).getMessage());
        Path empty = Files.createFile(dir.resolve("empty.csv"));
        assertEquals("expected executions " + empty + " holds no execution report: nothing to compare the replay "
                + "with (give the capture's executions, or --no-verify)",
                fails(options(file, run).expectedExecutions(empty)).getMessage());
        Path headerOnly = Files.writeString(dir.resolve("header.csv"),
                dev.orderpipe.pipeline.csv.ExecutionCsv.HEADER + "\n\n");
        assertTrue(fails(options(file, run).expectedExecutions(headerOnly)).getMessage()
                .endsWith(" holds no execution report: nothing to compare the replay with (give the capture's "
                        + "executions, or --no-verify)"));
        // the order file itself is no executions CSV
        assertEquals("expected executions " + file + " is not an executions CSV: its first line is not "
                + dev.orderpipe.pipeline.csv.ExecutionCsv.HEADER,
                fails(options(file, run).expectedExecutions(file)).getMessage());
        Path emptyDir = Files.createDirectories(dir.resolve("nothing"));
        assertTrue(fails(options(file, run).expectedExecutions(emptyDir)).getMessage()
                .endsWith(" is not a Chronicle queue (no *.cq4 files) nor an executions CSV file"));
        assertFalse(Files.exists(run), "refused before anything was written");
    }
}
