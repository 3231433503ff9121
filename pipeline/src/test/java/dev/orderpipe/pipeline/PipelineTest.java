package dev.orderpipe.pipeline;

import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.infra.QueueDamagedException;
import dev.orderpipe.pipeline.infra.JvmOptions;
import dev.orderpipe.pipeline.codes.ExecType;
import dev.orderpipe.pipeline.codes.LineError;
import dev.orderpipe.pipeline.codes.RejectReason;
import dev.orderpipe.pipeline.config.PipelineConfig;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PipelineTest {
    private static final String FILE = "\uFEFFts_nanos,action,order_id,account,symbol,side,type,tif,price,qty\r\n"
            + "# a comment\n"
            + "1000,NEW,1,7,AAPL,BUY,LIMIT,GTC,189.2500,300\r\n"
            + "\n"
            + "2000,NEW,2,9,AAPL,SELL,MARKET,IOC,,100\n"
            + "3000,NEW,3,9,AAPL,SELL,LIMIT,GTC,abc,100\n"
            + "4000,CANCEL,1,7,,,,,,\n"
            + "5000,NEW,4,9,MSFT,SELL,LIMIT,GTC,415.5,100"; // no final newline: still a line

    @Test
    void everyDataLineReachesExecutionsExactlyOnce(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("orders.csv");
        Files.writeString(input, FILE, StandardCharsets.UTF_8);
        PipelineConfig config = TestPipelines.config(dir.resolve("data"), input);
        Pipeline pipeline = TestPipelines.runToEnd(config);

        assertEquals(5, pipeline.ingress().written());
        assertEquals(1, pipeline.ingress().rejected());
        assertEquals(5, pipeline.counts().inputsAccounted());
        assertEquals(1, pipeline.counts().rejectsByReason().get("BAD_LINE"));

        List<OrderInfo> orders = TestPipelines.readAll(pipeline.queuePath("orders"));
        assertEquals(List.of(3L, 5L, 6L, 7L, 8L), orders.stream().map(OrderInfo::sourceLine).toList());
        OrderInfo bad = orders.get(2);
        assertEquals(RejectReason.BAD_LINE, bad.rejectReason());
        assertEquals(LineError.BAD_PRICE, bad.lineError());
        assertEquals(3, bad.orderId());

        List<OrderInfo> checked = TestPipelines.readAll(pipeline.queuePath("checked"));
        List<OrderInfo> executions = TestPipelines.readAll(pipeline.queuePath("executions"));
        assertEquals(5, checked.size());
        long seq = 0;
        for (OrderInfo e : executions) {
            assertEquals(++seq, e.seq());
            assertTrue(e.ingressNanos() > 0 && e.ingressNanos() <= e.riskNanos() && e.riskNanos() <= e.matchNanos(),
                    "stage timestamps in order: " + e);
        }
        OrderInfo rejected = executions.stream().filter(e -> e.sourceLine() == 6).findFirst().orElseThrow();
        assertEquals(ExecType.REJECTED, rejected.execType());
        assertEquals(RejectReason.BAD_LINE, rejected.rejectReason());
        // each report points at the checked record that caused it, which points at the orders record
        for (OrderInfo e : executions) {
            OrderInfo c = checked.stream().filter(x -> TestPipelines.indexOf(pipeline.queuePath("checked"), x) == e.sourceIndex())
                    .findFirst().orElseThrow(() -> new AssertionError("no checked record at sourceIndex of " + e));
            assertEquals(c.sourceLine(), e.sourceLine());
        }
    }

    @Test
    void stagesSplitOverSeveralGroupsGiveTheSameResult(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("orders.csv");
        Files.writeString(input, TestPipelines.mixedOrders(11, 5_000), StandardCharsets.UTF_8);
        Pipeline one = TestPipelines.runToEnd(TestPipelines.config(dir.resolve("one"), input));
        List<String> expected = TestPipelines.executionLines(one.queuePath("executions"));
        for (ExecType type : new ExecType[]{ExecType.TRADE, ExecType.CANCELED, ExecType.REPLACED, ExecType.EXPIRED,
                ExecType.REJECTED})
            assertTrue(one.counts().reportsByType().getOrDefault(type.name(), 0L) > 0, "the file produces " + type);
        // on one thread, matching takes risk's records and egress matching's from the handoff, not from the queue
        long[] handed = one.readsHandedOver();
        long reports = expected.size();
        assertTrue(handed[0] > 4_900 && handed[1] > reports * 9 / 10, "taken from the handoff: " + handed[0]
                + " checked records of 5,000, " + handed[1] + " reports of " + reports);
        String[][] layouts = {{"ingress,risk", "matching", "egress"}, {"ingress", "risk", "matching", "egress"},
                {"ingress,risk,matching", "egress"}, {"ingress", "risk", "matching,egress"}};
        boolean[][] handsOver = {{false, false}, {false, false}, {true, false}, {false, true}};
        for (int i = 0; i < layouts.length; i++) {
            Pipeline split = TestPipelines.runToEnd(TestPipelines.groups(
                    TestPipelines.config(dir.resolve("split" + i), input), layouts[i]));
            String groups = String.join(" | ", layouts[i]);
            assertEquals(expected, TestPipelines.executionLines(split.queuePath("executions")),
                    "executions with groups " + groups);
            assertEquals(one.counts().reportsByType(), split.counts().reportsByType());
            long[] taken = split.readsHandedOver();
            for (int q = 0; q < 2; q++)
                assertEquals(handsOver[i][q], taken[q] > 0, "with groups " + groups + " taken from the handoff: "
                        + taken[0] + " checked records, " + taken[1] + " reports");
        }
    }

    /**
     * On a quiet feed the executions CSV does not wait for its buffer to fill or the pipeline to stop: a reader of
     * the file sees every report soon after egress has handled it.
     */
    @Test
    void aLivePipelinesCsvHoldsEveryReportSoonAfterTheFeedGoesQuiet(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("orders.csv");
        Files.writeString(input, TestPipelines.mixedOrders(5, 40), StandardCharsets.UTF_8);
        PipelineConfig config = TestPipelines.config(dir.resolve("data"), input);
        config.ingress.follow = true; // a live feed: the pipeline keeps running
        Path csv = dir.resolve("executions.csv");
        config.egress.csvFile = csv.toString();
        try (Pipeline pipeline = Pipeline.start(config)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int reports = -1;
            int lines = -1;
            while (System.nanoTime() < deadline) {
                reports = hasCycleFile(pipeline.queuePath("executions"))
                        ? TestPipelines.executionLines(pipeline.queuePath("executions")).size() : 0;
                lines = Files.exists(csv) ? Files.readAllLines(csv, StandardCharsets.UTF_8).size() - 1 : -1;
                if (reports > 0 && lines == reports && pipeline.failure() == null)
                    break;
                Thread.sleep(50);
            }
            assertTrue(reports > 40, "the 40 orders made reports: " + reports);
            assertEquals(reports, lines, "CSV lines (header aside) in the file of a running pipeline");
            assertFalse(pipeline.awaitFinished(0, TimeUnit.SECONDS), "still running: the feed is followed");
        }
    }

    private static boolean hasCycleFile(Path queueDir) throws IOException {
        if (!Files.isDirectory(queueDir))
            return false;
        try (var files = Files.list(queueDir)) {
            return files.anyMatch(f -> f.toString().endsWith(".cq4"));
        }
    }

    @Test
    void aStageThatThrowsStopsThePipelineNamingStageAndIndex(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Pipeline pipeline = Pipeline.start(TestPipelines.config(data, null));
        try {
            // written by another process once the pipeline runs (before, the start-up check would refuse it)
            try (ChronicleQueue orders = Queues.open(data.resolve("orders"), RollCycles.FAST_DAILY);
                 ExcerptAppender appender = orders.createAppender()) {
                appender.writeText("not an order");
            }
            PipelineFailedException e = assertThrows(PipelineFailedException.class,
                    () -> pipeline.awaitFinished(30, TimeUnit.SECONDS));
            assertEquals("risk", e.stage());
            assertTrue(e.getMessage().startsWith("stage 'risk' stopped at input index 0x"), e.getMessage());
            assertTrue(e.getMessage().contains("queue orders is damaged at index 0x"), e.getMessage());
            assertTrue(e.getMessage().contains("not an orderpipe record of format " + OrderInfo.FORMAT), e.getMessage());
            assertTrue(e.isOperatorError());
        } finally {
            pipeline.close();
        }
    }

    @Test
    void awaitStartedReturnsOnceEveryGroupHasOpenedItsStages(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("orders.csv");
        Files.writeString(input, FILE, StandardCharsets.UTF_8);
        PipelineConfig config = TestPipelines.groups(TestPipelines.config(dir.resolve("data"), input),
                "ingress,risk", "matching,egress");
        assertEquals(1, TestPipelines.runToEnd(config).matching().engine().books().openOrders());
        Pipeline restarted = Pipeline.start(config);
        try {
            assertTrue(restarted.awaitStarted(30, TimeUnit.SECONDS));
            assertEquals(1, restarted.matching().engine().books().openOrders(), "matching rebuilt its book as it opened");
        } finally {
            restarted.close();
        }
    }

    @Test
    void aDamagedQueueIsRefusedBeforeAnyStageOpens(@TempDir Path dir) {
        Path data = dir.resolve("data");
        try (ChronicleQueue executions = Queues.open(data.resolve("executions"), RollCycles.FAST_DAILY);
             ExcerptAppender appender = executions.createAppender()) {
            appender.writeBytes(new OrderInfo().seq(1).execType(ExecType.NEW).sourceIndex(0x1234)
                    .flags(OrderInfo.FLAG_LAST_FOR_INPUT));
        }
        QueueDamagedException e = assertThrows(QueueDamagedException.class,
                () -> Pipeline.start(TestPipelines.config(data, null)));
        assertTrue(e.getMessage().startsWith("queue checked is damaged at index 0x1234 (cycle 0, record 4660)"),
                e.getMessage());
    }

    @Test
    @Timeout(30)
    void awaitOpenedReportsAGroupThatFailedToOpenAtOnce() throws Exception {
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        dev.orderpipe.pipeline.stage.Stage broken = new dev.orderpipe.pipeline.stage.Stage() {
            public String name() { return "broken"; }
            public void open() { throw new IllegalStateException("cannot open"); }
            public int doWork() { return 0; }
            public long inputIndex() { return -1; }
            public boolean atEndOfInput() { return true; }
            public void close() { }
        };
        dev.orderpipe.pipeline.stage.StageRunner runner = new dev.orderpipe.pipeline.stage.StageRunner("g",
                List.of(broken), -1, net.openhft.chronicle.threads.Pauser.balanced(),
                (stage, index, error) -> failure.set(error));
        runner.start();
        long t0 = System.nanoTime();
        assertFalse(dev.orderpipe.pipeline.stage.StageRunner.awaitOpened(List.of(runner), 20, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10), "released by the failure, not the time-out");
        assertEquals("cannot open", failure.get().getMessage());
        runner.stop();
        assertTrue(runner.join(5_000));
    }

    @Test
    void aPipelineWithoutInputRunsUntilClosed(@TempDir Path dir) throws Exception {
        Pipeline pipeline = Pipeline.start(TestPipelines.config(dir.resolve("data"), null));
        assertFalse(pipeline.awaitFinished(200, TimeUnit.MILLISECONDS));
        long t0 = System.nanoTime();
        pipeline.close();
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5));
        assertEquals(null, pipeline.failure());
    }

    @Test
    void aSecondPipelineOnTheSameDataDirectoryIsRefused(@TempDir Path dir) throws Exception {
        Pipeline first = Pipeline.start(TestPipelines.config(dir.resolve("data"), null));
        try {
            var e = assertThrows(dev.orderpipe.pipeline.config.ConfigException.class,
                    () -> Pipeline.start(TestPipelines.config(dir.resolve("data"), null)));
            assertTrue(e.getMessage().contains("is in use by another orderpipe pipeline (pid "), e.getMessage());
        } finally {
            first.close();
        }
        Pipeline.start(TestPipelines.config(dir.resolve("data"), null)).close(); // released on close
    }

    @Test
    void aGroupPinnedToTheReservableCpuRunsThere(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.getRuntime().availableProcessors() >= 2,
                "needs a second CPU to reserve");
        Path input = dir.resolve("orders.csv");
        Files.writeString(input, FILE, StandardCharsets.UTF_8);
        PipelineConfig config = TestPipelines.groups(TestPipelines.config(dir.resolve("data"), input),
                "risk,matching", "ingress,egress");
        config.groups.get(0).cpu = Runtime.getRuntime().availableProcessors() - 1;
        config.validate();
        Pipeline pipeline = TestPipelines.runToEnd(config);
        assertEquals(5, pipeline.counts().inputsAccounted());
        assertEquals(config.groups.get(0).cpu, pipeline.runners().get(0).boundCpu());
        assertEquals(-1, pipeline.runners().get(1).boundCpu());
    }

    @Test
    void chronicleAnalyticsIsDisabledInEveryJvmWeStart() {
        assertEquals("true", System.getProperty("chronicle.analytics.disable"), "surefire JVM");
        assertTrue(JvmOptions.list().contains("-Dchronicle.analytics.disable=true"), "forked JVMs and the launcher");
        assertTrue(JvmOptions.list().contains("--add-opens=java.base/java.lang=ALL-UNNAMED"));
    }

    @Test
    void startIsRefusedWhenTheDiskIsShort(@TempDir Path dir) throws IOException {
        PipelineConfig config = TestPipelines.config(dir.resolve("data"), null);
        config.minFreeDiskMb = 1L << 30; // 1 PB, the most minFreeDiskMb takes: more than any test machine has free
        var e = assertThrows(dev.orderpipe.pipeline.config.ConfigException.class, () -> Pipeline.start(config));
        assertTrue(e.getMessage().contains("less than minFreeDiskMb"), e.getMessage());
    }
}
