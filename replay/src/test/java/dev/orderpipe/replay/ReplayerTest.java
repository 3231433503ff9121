package dev.orderpipe.replay;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Pipeline;
import dev.orderpipe.pipeline.config.EffectiveGroup;
import dev.orderpipe.pipeline.config.GroupPauser;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.TestPipelines;
import dev.orderpipe.pipeline.codes.Action;
import dev.orderpipe.pipeline.codes.OrderType;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.threads.Pauser;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReplayerTest {
    private static final String[] HISTOGRAMS = {"end-to-end", "send", "risk", "matching", "egress"};

    @Test
    void aReplayOfAPipelineRunMatchesItAndWritesFilesHdrHistogramReads(@TempDir Path dir) throws Exception {
        Path file = TestCaptures.orderFile(dir.resolve("orders.csv"), 3000, 1_000_000, 1);
        Pipeline captured = TestCaptures.capture(dir.resolve("capture"), file, null);
        Path out = dir.resolve("run");

        ReplayResult result = Replayer.run(new ReplayOptions()
                .capture(captured.queuePath("orders"))
                .config(TestCaptures.config(), "test")
                .outDir(out)
                .pacing(Pacing.max())
                .warmup(500));

        RunSummary s = result.summary();
        assertEquals(0, result.exitCode(), String.valueOf(result.verification()));
        assertTrue(result.matches());
        assertEquals("replay matches capture (" + s.reports + " reports)", result.verification().describe());
        assertEquals(Verification.MATCHES, s.verification);
        assertEquals(captured.queuePath("executions").toString(), s.expected);
        assertEquals(3000, s.sent);
        assertEquals(3000, s.accounted);
        assertEquals(captured.counts().reports(), s.reports);
        assertEquals(captured.counts().trades(), s.trades);
        assertEquals(captured.counts().rejectsByReason(), s.rejectsByReason);
        assertTrue(s.rejectsByReason.get("BAD_LINE") > 0 && s.rejectsByReason.get("PRICE_BAND") > 0, s.toString());
        assertTrue(s.throughputRun);
        assertEquals("max", s.pacing);
        assertEquals("sender lateness: always 0 in a throughput run (no schedule to be late against)",
                s.histogram(Replayer.SEND).description);
        assertEquals("queue", s.captureKind);
        assertTrue(s.durationSeconds > 0 && s.throughputPerSecond > 0);
        assertEquals(out.resolve("data").toString(), s.pipelineConfig.dataDir);
        assertFalse(s.jvm.isEmpty() || s.javaVersion.isEmpty() || s.host.isEmpty() || s.cpus == 0, s.toString());
        // the groups as they ran: the embedded default's one group, its pauser as built here
        assertEquals(1, s.groups.size());
        EffectiveGroup g = s.groups.get(0);
        assertEquals("pipeline", g.name);
        assertEquals(PipelineConfig.STAGES, g.stages);
        assertEquals(-1, g.cpu);
        assertEquals(GroupPauser.of(TestCaptures.config().groups.get(0), "groups[0]").toString(), g.pauser);
        assertTrue(g.pauser.startsWith("balanced (") && g.pauser.endsWith("then sleep "
                + (Pauser.SLEEPY ? 500 : 200) + "..1000 us)"), g.pauser);

        // summary.yaml reads back as it was written
        assertEquals(s, RunSummary.load(out));
        // one .hgrm per histogram, as HdrHistogram writes it, in microseconds
        for (String name : HISTOGRAMS) {
            HistogramSummary h = s.histogram(name);
            assertNotNull(h, name);
            assertEquals(2500, h.count, name);
            assertTrue(h.p50 <= h.p90 && h.p90 <= h.p99 && h.p99 <= h.p999 && h.p999 <= h.p9999 && h.p9999 <= h.max);
            assertHgrm(out.resolve(name + ".hgrm"), h);
        }
        // the interval log reads with HdrHistogram's reader and holds every measured order (IntervalLogTest has more)
        HistogramLogReader reader = new HistogramLogReader(out.resolve(RunSummary.INTERVAL_LOG).toFile());
        long total = 0;
        long max = 0;
        int intervals = 0;
        EncodableHistogram h;
        while ((h = reader.nextIntervalHistogram()) != null) {
            if (h.getTag() != null)
                continue;
            total += ((Histogram) h).getTotalCount();
            max = Math.max(max, ((Histogram) h).getMaxValue());
            intervals++;
        }
        assertTrue(intervals >= 1);
        assertEquals(2500, total);
        assertEquals(s.histogram("end-to-end").max, max);

        // the console table
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SummaryTable.print(s, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String table = bytes.toString(StandardCharsets.UTF_8);
        for (String name : HISTOGRAMS)
            assertTrue(table.contains("\n" + name + " "), table);
        assertTrue(table.contains("p99.99"), table);
        assertTrue(table.contains("replay matches capture"), table);
        assertTrue(table.contains("throughput run"), table);
        assertTrue(table.contains("\nsend is 0 in a max run: each order goes as soon as the pipeline takes it, with no "
                + "schedule to be late against\n"), table);
        assertTrue(table.contains("\ngroup pipeline: ingress risk matching egress; pauser " + g.pauser + "; unpinned\n"),
                table);
    }

    /** Parses the percentile lines of a .hgrm file and checks them against the summary (nanoseconds there). */
    private static void assertHgrm(Path file, HistogramSummary summary) throws Exception {
        List<String> lines = Files.readAllLines(file);
        assertTrue(lines.get(0).trim().startsWith("Value"), file + ": " + lines.get(0));
        List<double[]> rows = new ArrayList<>();
        double maxLine = -1;
        for (String line : lines) {
            String t = line.trim();
            if (t.startsWith("#[Max")) {
                maxLine = Double.parseDouble(t.substring(t.indexOf('=') + 1, t.indexOf(',')).trim());
                continue;
            }
            if (t.isEmpty() || t.startsWith("#") || t.startsWith("Value"))
                continue;
            String[] cols = t.split("\\s+");
            assertTrue(cols.length == 3 || cols.length == 4, line);
            rows.add(new double[]{
                    Double.parseDouble(cols[0]), Double.parseDouble(cols[1]), Double.parseDouble(cols[2])});
        }
        assertFalse(rows.isEmpty(), file.toString());
        for (int i = 1; i < rows.size(); i++) {
            assertTrue(rows.get(i)[0] >= rows.get(i - 1)[0], file + " values ascend");
            assertTrue(rows.get(i)[1] >= rows.get(i - 1)[1], file + " percentiles ascend");
        }
        double[] last = rows.get(rows.size() - 1);
        assertEquals(1.0, last[1], 1e-9);
        assertEquals(summary.count, (long) last[2]);
        assertEquals(summary.max / 1000.0, maxLine, 0.001 + summary.max / 1e6, file.toString());
    }

    @Test
    void aCsvCaptureReplaysLikeTheIngressReadsItAndMatchesTheExecutionsCsv(@TempDir Path dir) throws Exception {
        Path file = TestCaptures.orderFile(dir.resolve("orders.csv"), 1200, 1_000_000, 2);
        Path csv = dir.resolve("executions.csv");
        Pipeline captured = TestCaptures.capture(dir.resolve("capture"), file, csv);

        ReplayResult result = Replayer.run(new ReplayOptions()
                .capture(file)
                .config(TestCaptures.config(), "test")
                .outDir(dir.resolve("run"))
                .pacing(Pacing.max())
                .expectedExecutions(csv));
        assertEquals(0, result.exitCode(), String.valueOf(result.verification()));
        assertEquals("csv", result.summary().captureKind);
        assertEquals(captured.counts().rejectsByReason(), result.summary().rejectsByReason);
        // every record went out with the line number the ingress gave it
        List<OrderInfo> capturedOrders = TestPipelines.readAll(captured.queuePath("orders"));
        List<OrderInfo> sent = TestPipelines.readAll(dir.resolve("run/data/orders"));
        assertEquals(capturedOrders.size(), sent.size());
        for (int i = 0; i < sent.size(); i++) {
            assertEquals(capturedOrders.get(i).sourceLine(), sent.get(i).sourceLine());
            assertEquals(i, sent.get(i).writerSeq());
            assertEquals(Replayer.WRITER_ID, sent.get(i).writerId());
        }

        // a replay of the first orders matches the start of the capture's executions
        ReplayResult limited = Replayer.run(new ReplayOptions()
                .capture(file)
                .config(TestCaptures.config(), "test")
                .outDir(dir.resolve("run-limited"))
                .pacing(Pacing.max())
                .limit(300)
                .expectedExecutions(csv));
        assertEquals(300, limited.summary().sent);
        assertEquals(300, limited.summary().limit);
        // 300 orders give more reports than that (trades report twice): the check covers exactly theirs
        assertTrue(limited.summary().reports > 300, "reports of 300 orders: " + limited.summary().reports);
        assertEquals("replay matches capture (its first " + limited.summary().reports + " reports)",
                limited.verification().describe());

        // an altered expected CSV is reported at the altered line
        List<String> lines = new ArrayList<>(Files.readAllLines(csv));
        String original = lines.get(40);
        String[] f = original.split(",", -1);
        f[10] = String.valueOf(Long.parseLong(f[10]) + 1); // cum_qty
        lines.set(40, String.join(",", f));
        Path altered = dir.resolve("altered.csv");
        Files.write(altered, lines);
        Verification v = Verification.compare(altered, dir.resolve("run/data/executions"));
        assertFalse(v.matches());
        assertEquals(40, v.firstDifferenceSeq());
        assertEquals(1, v.differences());
        assertEquals(String.join(",", f), v.expectedLine());
        assertEquals(original, v.actualLine());
        assertTrue(v.describe().startsWith("replay differs from capture: first difference at seq 40: capture '"),
                v.describe());
    }

    /** --drop-queues: the replay's queues go once its executions matched; they stay when nothing was compared. */
    @Test
    void verifiedQueuesAreDroppedOnRequest(@TempDir Path dir) throws Exception {
        Path file = TestCaptures.orderFile(dir.resolve("orders.csv"), 600, 1_000_000, 5);
        Pipeline captured = TestCaptures.capture(dir.resolve("capture"), file, null);
        ReplayOptions options = new ReplayOptions()
                .capture(captured.queuePath("orders"))
                .config(TestCaptures.config(), "test")
                .pacing(Pacing.max())
                .dropQueues(true);
        ReplayResult verified = Replayer.run(options.outDir(dir.resolve("verified")));
        assertTrue(verified.matches());
        assertTrue(verified.summary().queuesDropped);
        assertFalse(Files.exists(dir.resolve("verified").resolve(Replayer.DATA_DIR)));
        assertTrue(RunSummary.load(dir.resolve("verified")).queuesDropped);
        assertTrue(Files.exists(dir.resolve("verified").resolve(RunSummary.INTERVAL_LOG)));

        ReplayResult unverified = Replayer.run(options.outDir(dir.resolve("unverified")).verify(false));
        assertFalse(unverified.summary().queuesDropped);
        assertTrue(Queues.isQueueDir(dir.resolve("unverified").resolve(Replayer.DATA_DIR).resolve("executions")));
    }

    @Test
    void aChangedQtyInACopyOfTheCaptureIsAMismatchAtItsFirstReport(@TempDir Path dir) throws Exception {
        Path file = TestCaptures.orderFile(dir.resolve("orders.csv"), 800, 1_000_000, 3);
        Pipeline captured = TestCaptures.capture(dir.resolve("capture"), file, null);
        List<OrderInfo> orders = TestPipelines.readAll(captured.queuePath("orders"));
        int changed = -1;
        for (int i = 300; i < orders.size(); i++) {
            OrderInfo o = orders.get(i);
            if (!o.isRejected() && o.action() == Action.NEW && o.orderType() == OrderType.LIMIT
                    && o.price() < 5_000_000) {
                changed = i;
                break;
            }
        }
        Path copy = dir.resolve("copy/orders");
        try (ChronicleQueue q = Queues.open(copy, RollCycles.FAST_DAILY);
             ExcerptAppender appender = q.createAppender()) {
            for (int i = 0; i < orders.size(); i++) {
                OrderInfo o = orders.get(i);
                if (i == changed)
                    o.quantity(o.quantity() + 7);
                appender.writeBytes(o);
            }
        }
        long sourceLine = orders.get(changed).sourceLine();
        long expectedSeq = TestPipelines.readAll(captured.queuePath("executions")).stream()
                .filter(e -> e.sourceLine() == sourceLine).findFirst().orElseThrow().seq();

        ReplayResult result = Replayer.run(new ReplayOptions()
                .capture(copy)
                .config(TestCaptures.config(), "test")
                .outDir(dir.resolve("run"))
                .pacing(Pacing.max())
                .expectedExecutions(captured.queuePath("executions")));

        assertEquals(1, result.exitCode());
        Verification v = result.verification();
        assertEquals(expectedSeq, v.firstDifferenceSeq(), v.describe());
        assertTrue(v.expectedLine().startsWith(expectedSeq + ","), v.describe());
        assertTrue(v.actualLine().startsWith(expectedSeq + ","), v.describe());
        assertTrue(v.differences() >= 1);
        RunSummary s = RunSummary.load(dir.resolve("run"));
        assertEquals(Verification.DIFFERS, s.verification);
        assertEquals(v.differences(), s.differences);
        assertTrue(s.firstDifference.contains("first difference at seq " + expectedSeq), s.firstDifference);
    }
}
