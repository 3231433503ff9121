package dev.orderpipe.pipeline;

import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.config.PipelineConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A pipeline stopped and started again resumes every stage from its own output, with identical results. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RestartTest {

    static String orders(int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i <= to; i++) {
            String side = i % 2 == 0 ? "BUY" : "SELL";
            String price = "189." + (20 + i % 10);
            if (i % 7 == 0)
                sb.append(i).append(",CANCEL,").append(i - 3).append(",,,,,,,\n");
            else if (i % 11 == 0)
                sb.append(i).append(",NEW,").append(i).append(",7,AAPL,").append(side).append(",MARKET,IOC,,").append(150).append('\n');
            else if (i % 13 == 0)
                sb.append(i).append(",NEW,").append(i).append(",7,AAPL,").append(side).append(",LIMIT,GTC,bad,1\n");
            else
                sb.append(i).append(",NEW,").append(i).append(",").append(1 + i % 5).append(",AAPL,").append(side)
                        .append(",LIMIT,GTC,").append(price).append(',').append(100 * (1 + i % 3)).append('\n');
        }
        return sb.toString();
    }

    @Test
    void stoppingAndStartingAgainGivesWhatOneRunGives(@TempDir Path dir) throws Exception {
        Path whole = dir.resolve("whole.csv");
        Files.writeString(whole, orders(1, 3000), StandardCharsets.UTF_8);
        Pipeline reference = TestPipelines.runToEnd(TestPipelines.config(dir.resolve("ref"), whole));

        // the same input in three runs on one data directory: the file grows between runs
        Path growing = dir.resolve("growing.csv");
        Path data = dir.resolve("data");
        Files.writeString(growing, orders(1, 1000), StandardCharsets.UTF_8);
        PipelineConfig config = TestPipelines.config(data, growing);
        config.egress.csvFile = dir.resolve("executions.csv").toString();
        Pipeline first = TestPipelines.runToEnd(config);
        long lastChecked;
        try (var checked = Queues.openExisting(first.queuePath("checked"))) {
            lastChecked = checked.lastIndex();
        }
        Files.writeString(growing, orders(1001, 2200), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        Pipeline second = TestPipelines.runToEnd(config);
        assertEquals(1000, second.ingress().resumedAfterLine());
        assertEquals(lastChecked, second.matching().resumedAfter(),
                "matching resumes after the last checked record the first run processed");
        Files.writeString(growing, orders(2201, 3000), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        Pipeline third = TestPipelines.runToEnd(config);
        assertEquals(800, third.counts().inputsAccounted(), "the third run processed only the new lines");

        List<String> expected = TestPipelines.executionLines(reference.queuePath("executions"));
        assertEquals(expected, TestPipelines.executionLines(data.resolve("executions")));
        // the egress CSV, continued across the restarts, holds every report exactly once
        List<String> csv = Files.readAllLines(dir.resolve("executions.csv"));
        assertEquals(expected, csv.subList(1, csv.size()));
    }

    /**
     * Lines {@code from..to} of a file of trading days of 400 lines each: an order between the sessions (refused; the
     * first, in the implicit session, is not), a SESSION_OPEN, DAY and GTC orders whose ids repeat every day (a GTC
     * order still resting keeps its id: the next day's NEW with it is a duplicate), cancels, and a SESSION_CLOSE
     * without a date.
     */
    static String tradingDays(int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i <= to; i++) {
            int id = i % 400;
            if (id == 0) {
                sb.append(i).append(",SESSION_CLOSE,,,,,,,,\n");
            } else if (id == 2) {
                sb.append(i).append(",SESSION_OPEN,").append(java.time.LocalDate.of(2026, 11, 2).plusDays(i / 400))
                        .append(",,,,,,,\n");
            } else if (i % 7 == 0) {
                sb.append(i).append(",CANCEL,").append(id - 3).append(',').append(1 + (i - 3) % 5).append(",,,,,,\n");
            } else {
                sb.append(i).append(",NEW,").append(id).append(',').append(1 + i % 5).append(",AAPL,")
                        .append(i % 2 == 0 ? "BUY" : "SELL").append(",LIMIT,").append(i % 3 == 0 ? "DAY" : "GTC")
                        .append(",189.").append(20 + i % 10).append(',').append(100 * (1 + i % 3)).append('\n');
            }
        }
        return sb.toString();
    }

    @Test
    void tradingDaysAcrossRestartsGiveWhatOneRunGives(@TempDir Path dir) throws Exception {
        String header = "ts_nanos,action,order_id,account,symbol,side,type,tif,price,qty\n";
        Path whole = dir.resolve("whole.csv");
        Files.writeString(whole, header + tradingDays(1, 3000), StandardCharsets.UTF_8);
        Pipeline reference = TestPipelines.runToEnd(TestPipelines.config(dir.resolve("ref"), whole));
        List<String> expected = TestPipelines.executionLines(reference.queuePath("executions"));
        for (String kind : List.of("SESSION_OPEN", "SESSION_CLOSE", "END_OF_DAY", "DUPLICATE_ORDER_ID",
                "SESSION_CLOSED"))
            assertTrue(expected.stream().anyMatch(l -> l.contains(kind)), kind + " among the reports");

        // restarts in the middle of a session and right after a close: risk and matching rebuild their session state
        Path growing = dir.resolve("growing.csv");
        PipelineConfig config = TestPipelines.config(dir.resolve("data"), growing);
        Files.writeString(growing, header + tradingDays(1, 1000), StandardCharsets.UTF_8);
        TestPipelines.runToEnd(config);
        Files.writeString(growing, tradingDays(1001, 2000), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        TestPipelines.runToEnd(config);
        Files.writeString(growing, tradingDays(2001, 3000), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        TestPipelines.runToEnd(config);
        assertEquals(expected, TestPipelines.executionLines(config.dataPath().resolve("executions")));
    }

    @Test
    void aRestartOnAnotherOrderFileStopsAtTheLineLastWritten(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("orders.csv");
        Files.writeString(file, orders(1, 1000), StandardCharsets.UTF_8);
        PipelineConfig config = TestPipelines.config(dir.resolve("data"), file);
        TestPipelines.runToEnd(config);
        long checked = lastIndex(config, "checked");
        // another file, longer, whose line 1000 differs in one field (its quantity): not the file the data came from
        String other = orders(1, 1000).replace("1000,NEW,1000,1,AAPL,BUY,LIMIT,GTC,189.20,200\n",
                "1000,NEW,1000,1,AAPL,BUY,LIMIT,GTC,189.20,300\n") + orders(1001, 1200);
        assertTrue(other.contains(",189.20,300\n1001,"), "line 1000 changed");
        Files.writeString(file, other, StandardCharsets.UTF_8);
        assertRestartStops(config, "its line 1000 is not the order written of it: quantity 300 vs 200 (the file vs"
                + " orders)");
        assertEquals(checked, lastIndex(config, "checked"), "nothing was written");
        // the right file, grown, goes on
        Files.writeString(file, orders(1, 1200), StandardCharsets.UTF_8);
        assertEquals(200, TestPipelines.runToEnd(config).counts().inputsAccounted());
    }

    private static void assertRestartStops(PipelineConfig config, String what) throws Exception {
        try (Pipeline p = Pipeline.start(config)) {
            PipelineFailedException f = assertThrows(PipelineFailedException.class,
                    () -> p.awaitFinished(60, TimeUnit.SECONDS));
            assertTrue(f.isOperatorError(), f::toString);
            assertTrue(f.getMessage().endsWith("order file " + config.ingress.file + " is not the file this data"
                    + " directory was fed from: " + what + "; restore that file, or give a new file a new data"
                    + " directory"), f.getMessage());
        }
    }

    private static long lastIndex(PipelineConfig config, String queue) {
        try (var q = Queues.openExisting(config.dataPath().resolve(queue))) {
            return q.lastIndex();
        }
    }

    @Test
    void syncModeSyncGivesTheSameResultAndRecordsWhatWasSynced(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("orders.csv");
        Files.writeString(file, orders(1, 2000), StandardCharsets.UTF_8);
        Pipeline plain = TestPipelines.runToEnd(TestPipelines.config(dir.resolve("plain"), file));
        PipelineConfig config = TestPipelines.config(dir.resolve("synced"), file);
        config.syncMode = "SYNC";
        config.syncEveryRecords = 100;
        Pipeline synced = TestPipelines.runToEnd(config.validate());
        assertEquals(TestPipelines.executionLines(plain.queuePath("executions")),
                TestPipelines.executionLines(synced.queuePath("executions")));
    }

    @Test
    void theSyncPolicyMsyncsEveryNRecords(@TempDir Path dir) {
        try (var q = (net.openhft.chronicle.queue.impl.single.SingleChronicleQueue) Queues.open(dir,
                net.openhft.chronicle.queue.RollCycles.FAST_DAILY, net.openhft.chronicle.bytes.SyncMode.SYNC);
             var appender = q.createAppender()) {
            dev.orderpipe.pipeline.stage.SyncPolicy policy = new dev.orderpipe.pipeline.stage.SyncPolicy(100);
            OrderInfo r = new OrderInfo();
            long syncedAt = -1;
            for (int i = 1; i <= 250; i++) {
                appender.writeBytes(r.reset().orderId(i));
                policy.afterWrite(appender);
                if (i == 99)
                    assertEquals(-1, q.lastIndexMSynced(), "nothing synced before the 100th record");
                if (i == 100)
                    syncedAt = q.lastIndexMSynced();
            }
            assertEquals(appender.lastIndexAppended() - 50, q.lastIndexMSynced(), "synced through the 200th record");
            assertTrue(syncedAt > 0);
        }
    }
}
