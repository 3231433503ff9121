package dev.orderpipe.replay;

import dev.orderpipe.pipeline.Pipeline;
import dev.orderpipe.pipeline.csv.OrderCsvParser;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code replay --via fix}: captures re-driven through a FIX gateway over loopback (real queues, a real gateway, the
 * Philadelphia client), verified against the capture's executions through the gateway's order ids.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReplayViaFixTest {
    private static final String[] FIX_HISTOGRAMS = {"end-to-end", "send", "gateway-in", "risk", "matching", "egress",
            "gateway-out"};

    @Test
    void aCaptureOfSeveralAccountsReplaysThroughTheGatewayAndMatches(@TempDir Path dir) throws Exception {
        Path file = orderFile(dir.resolve("orders.csv"), 600, 3, false, 7);
        Pipeline captured = TestCaptures.capture(dir.resolve("capture"), file, null);
        Path out = dir.resolve("run");

        ReplayResult result = Replayer.run(options(captured, out).pacing(Pacing.rate(400)).warmup(100));

        RunSummary s = result.summary();
        assertEquals(0, result.exitCode(), String.valueOf(result.verification()));
        assertEquals("replay matches capture (" + s.reports + " reports)", result.verification().describe());
        assertEquals(Verification.MATCHES, s.verification);
        assertEquals(Replayer.VIA_FIX, s.via);
        assertEquals(600, s.sent);
        assertEquals(600, s.accounted);
        assertEquals(0, s.foreignReports, "every report is of an order the gateway wrote");
        assertTrue(s.trades > 0, "the capture trades");
        List<String> names = new ArrayList<>();
        for (HistogramSummary h : s.histograms) {
            names.add(h.name);
            assertEquals(500, h.count, h.name + " counts every measured order");
            assertTrue(Files.isRegularFile(out.resolve(h.name + ".hgrm")), h.name + ".hgrm");
        }
        assertEquals(List.of(FIX_HISTOGRAMS), names);
        assertTrue(s.histogram("gateway-in").p50 > 0, "the wire takes time");
        assertTrue(s.histogram("gateway-out").p50 > 0, "the wire takes time");
        // end to end through the wire covers the hops before the answer: never less than the way in
        assertTrue(s.histogram("end-to-end").max >= s.histogram("gateway-in").p50);

        Map<String, Long> tagged = intervalTotals(out.resolve(RunSummary.INTERVAL_LOG));
        assertEquals(500L, tagged.get("gateway-in"), "the interval log holds gateway-in, tagged");
        assertEquals(500L, tagged.get("gateway-out"), "the interval log holds gateway-out, tagged");
        assertEquals(500L, tagged.get(""), "end to end untagged");

        String yaml = Files.readString(out.resolve(RunSummary.FILE), StandardCharsets.UTF_8);
        assertTrue(yaml.contains("via: \"fix\"") || yaml.contains("via: fix"), yaml);
        assertTrue(Files.readString(out.resolve(RunSummary.JSON_FILE)).contains("\"gateway-out\""));
        RunSummary loaded = RunSummary.load(out);
        assertEquals(Replayer.VIA_FIX, loaded.via);
        assertEquals(500, loaded.histogram("gateway-out").count);
    }

    @Test
    void cancelsAndReplacesGoAsFixRequestsAtFullSpeedAndMatch(@TempDir Path dir) throws Exception {
        Path file = orderFile(dir.resolve("orders.csv"), 800, 1, true, 11);
        Pipeline captured = TestCaptures.capture(dir.resolve("capture"), file, null);
        String csv = Files.readString(file);
        assertTrue(csv.contains(",CANCEL,") && csv.contains(",REPLACE,"), "the capture cancels and replaces");

        ReplayResult result = Replayer.run(options(captured, dir.resolve("run")).pacing(Pacing.max()));

        RunSummary s = result.summary();
        assertEquals(0, result.exitCode(), String.valueOf(result.verification()));
        assertEquals(Verification.MATCHES, s.verification);
        assertTrue(s.reportsByType.getOrDefault("CANCELED", 0L) > 0, String.valueOf(s.reportsByType));
        assertTrue(s.reportsByType.getOrDefault("REPLACED", 0L) > 0, String.valueOf(s.reportsByType));
        assertEquals(800, s.histogram("gateway-in").count);
        assertEquals(800, s.histogram("gateway-out").count);
        assertTrue(s.throughputRun);
    }

    /**
     * Zero garbage in the FIX client, on the measured path: its sending thread (the driver, encoding) and its
     * receiving thread (decoding, stamping) allocate a small constant, the same for 8,000 orders as for 1,000.
     */
    @Test
    void theFixClientAllocatesNothingPerMessage(@TempDir Path dir) throws Exception {
        replayAtMax(dir, 200); // loads the classes of the send and receive paths
        RunSummary small = replayAtMax(dir, 1_000);
        RunSummary large = replayAtMax(dir, 8_000);
        System.out.printf("FIX client allocated bytes: sending %d (1k orders) %d (8k), receiving %d (1k) %d (8k)%n",
                small.driverAllocatedBytes, large.driverAllocatedBytes, small.fixClientAllocatedBytes,
                large.fixClientAllocatedBytes);
        for (RunSummary s : new RunSummary[]{small, large}) {
            assertEquals(Verification.MATCHES, s.verification);
            assertTrue(s.driverAllocatedBytes >= 0 && s.driverAllocatedBytes < 64 * 1024, "sending "
                    + s.driverAllocatedBytes);
            assertTrue(s.fixClientAllocatedBytes >= 0 && s.fixClientAllocatedBytes < 64 * 1024, "receiving "
                    + s.fixClientAllocatedBytes);
        }
        // 7,000 more orders (and their reports) cost less than 4 KB more: under a byte per message
        assertTrue(large.driverAllocatedBytes - small.driverAllocatedBytes < 4 * 1024,
                small.driverAllocatedBytes + " -> " + large.driverAllocatedBytes);
        assertTrue(large.fixClientAllocatedBytes - small.fixClientAllocatedBytes < 4 * 1024,
                small.fixClientAllocatedBytes + " -> " + large.fixClientAllocatedBytes);
    }

    private static RunSummary replayAtMax(Path dir, int orders) throws Exception {
        Path file = orderFile(dir.resolve("orders-" + orders + ".csv"), orders, 2, true, orders);
        Pipeline captured = TestCaptures.capture(dir.resolve("capture-" + orders), file, null);
        return Replayer.run(options(captured, dir.resolve("run-" + orders)).pacing(Pacing.max())).summary();
    }

    @Test
    void aTamperedRunIsCaughtWithTheCapturesOrderIds(@TempDir Path dir) throws Exception {
        Path file = orderFile(dir.resolve("orders.csv"), 300, 2, true, 3);
        Path expectedCsv = dir.resolve("executions.csv");
        Pipeline captured = TestCaptures.capture(dir.resolve("capture"), file, expectedCsv);
        List<String> lines = new ArrayList<>(Files.readAllLines(expectedCsv));
        // one report of the capture changed: its quantity left
        int at = lines.size() / 2;
        String[] f = lines.get(at).split(",", -1);
        f[9] = String.valueOf(Long.parseLong(f[9]) + 1);
        String original = lines.get(at);
        lines.set(at, String.join(",", f));
        Path tampered = dir.resolve("tampered.csv");
        Files.write(tampered, lines);

        ReplayResult result = Replayer.run(options(captured, dir.resolve("run")).pacing(Pacing.rate(400))
                .expectedExecutions(tampered));

        assertEquals(1, result.exitCode());
        assertFalse(result.matches());
        assertEquals(Verification.DIFFERS, result.summary().verification);
        assertEquals(1, result.verification().differences(), result.verification().describe());
        // the replay's line, mapped back from the gateway's order ids, is the capture's own
        assertEquals(original, result.verification().actualLine());
    }

    /**
     * A burst of six replaces and a cancel of one order, sent flat out, can all be waiting at the gateway at once:
     * the replay's gateway lets as many wait as the capture has of one order (maxPendingRequests 7 here; it was a
     * fixed 4, and the fifth was refused whenever the burst outran the pipeline), so the run matches.
     */
    @Test
    void theReplaysGatewayLetsEveryRequestOfOneOrderWait(@TempDir Path dir) throws Exception {
        StringBuilder csv = new StringBuilder(OrderCsvParser.HEADER + "\n");
        csv.append(TestCaptures.T0).append(",NEW,1,1,AAPL,BUY,LIMIT,GTC,189.2500,100\n");
        for (int i = 1; i <= 6; i++)
            csv.append(TestCaptures.T0 + i).append(",REPLACE,1,1,AAPL,BUY,LIMIT,GTC,189.2500,").append(100 + i)
                    .append('\n');
        csv.append(TestCaptures.T0 + 7).append(",CANCEL,1,1,,,,,,\n");
        csv.append(TestCaptures.T0 + 8).append(",NEW,2,1,AAPL,SELL,LIMIT,GTC,190.2500,10\n");
        Path file = dir.resolve("burst.csv");
        Files.writeString(file, csv);
        Pipeline captured = TestCaptures.capture(dir.resolve("capture"), file, null);
        FixRoute route = FixRoute.plan(() -> CaptureReader.open(captured.queuePath("orders"), 4096), 9);
        assertEquals(7, route.gatewayConfig().maxPendingRequests);
        assertEquals(64, route.gatewayConfig().minFreeDiskMb, "the gateway's default mark unless told");
        route.close();
        // the replay gives its gateway the pipeline config's free-space mark (it took the gateway's 64 whatever -c said)
        FixRoute marked = FixRoute.plan(() -> CaptureReader.open(captured.queuePath("orders"), 4096), 9)
                .minFreeDiskMb(8);
        assertEquals(8, marked.gatewayConfig().minFreeDiskMb);
        marked.close();

        ReplayResult result = Replayer.run(options(captured, dir.resolve("run")).pacing(Pacing.max()));
        assertEquals(0, result.exitCode(), String.valueOf(result.verification()));
        assertEquals(9, result.summary().histogram("gateway-in").count);
    }

    @Test
    void aCaptureTheGatewayCannotCarryIsRefusedBeforeTheRun(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("orders.csv");
        Files.writeString(file, OrderCsvParser.HEADER + "\n"
                + TestCaptures.T0 + ",NEW,1,1,AAPL,BUY,LIMIT,GTC,189.2500,100\n"
                + (TestCaptures.T0 + 1000) + ",CANCEL,2,1,,,,,,\n");
        Pipeline captured = TestCaptures.capture(dir.resolve("capture"), file, null);
        ReplayException e = assertThrows(ReplayException.class,
                () -> Replayer.run(options(captured, dir.resolve("run")).pacing(Pacing.max())));
        assertEquals("cannot replay through FIX: capture record 2 (line 3) is a CANCEL of order 2 of account 1, which"
                + " no NEW before it placed: the gateway answers it itself; replay it without --via fix", e.getMessage());
        assertFalse(Files.exists(dir.resolve("run").resolve(RunSummary.FILE)));

        Path csvOnly = dir.resolve("only.csv");
        Files.writeString(csvOnly, OrderCsvParser.HEADER + "\n" + TestCaptures.T0 + ",NEW,1,1,AAPL,BUY,LIMIT,GTC,"
                + "189.2500,100\n");
        ReplayException noExpected = assertThrows(ReplayException.class, () -> Replayer.run(new ReplayOptions()
                .capture(csvOnly).config(TestCaptures.config(), "test").outDir(dir.resolve("run2"))
                .pacing(Pacing.max()).viaFix(true)));
        assertTrue(noExpected.getMessage().startsWith("replay --via fix verifies the pipeline's executions against"
                + " the capture's and found none"), noExpected.getMessage());
    }

    private static ReplayOptions options(Pipeline captured, Path out) {
        return new ReplayOptions()
                .capture(captured.queuePath("orders"))
                .config(TestCaptures.config(), "test")
                .outDir(out)
                .viaFix(true);
    }

    /** Total count per tag (end to end: "") over the interval log. */
    private static Map<String, Long> intervalTotals(Path hlog) throws IOException {
        Map<String, Long> totals = new HashMap<>();
        HistogramLogReader reader = new HistogramLogReader(hlog.toFile());
        EncodableHistogram h;
        while ((h = reader.nextIntervalHistogram()) != null) {
            String tag = h.getTag() == null ? "" : h.getTag();
            totals.merge(tag, ((org.HdrHistogram.Histogram) h).getTotalCount(), Long::sum);
        }
        return totals;
    }

    /**
     * An order file a FIX session can carry: crossing LIMIT orders and MARKET IOC orders on AAPL and MSFT from
     * {@code accounts} accounts, an order outside the price band now and then, and with {@code requests} GOOG buys
     * that rest (nothing sells GOOG), each later replaced and then canceled.
     */
    static Path orderFile(Path file, int n, int accounts, boolean requests, long seed) throws IOException {
        Random random = new Random(seed);
        StringBuilder sb = new StringBuilder(n * 64);
        sb.append(OrderCsvParser.HEADER).append('\n');
        long id = 1000;
        List<long[]> resting = new ArrayList<>(); // {account, id, replaced}
        for (int i = 0; i < n; i++) {
            long ts = TestCaptures.T0 + i * 1_000_000L;
            long account = 1 + random.nextInt(accounts);
            int kind = random.nextInt(10);
            if (requests && kind == 0) {
                sb.append(ts).append(",NEW,").append(++id).append(',').append(account)
                        .append(",GOOG,BUY,LIMIT,GTC,160.0000,").append(100 + random.nextInt(5) * 100).append('\n');
                resting.add(new long[]{account, id, 0});
                continue;
            }
            if (requests && kind == 1 && !resting.isEmpty()) {
                long[] o = resting.get(random.nextInt(resting.size()));
                if (o[2] == 0) {
                    o[2] = 1;
                    sb.append(ts).append(",REPLACE,").append(o[1]).append(',').append(o[0])
                            .append(",GOOG,BUY,LIMIT,GTC,160.0500,300\n");
                } else {
                    resting.remove(o);
                    sb.append(ts).append(",CANCEL,").append(o[1]).append(',').append(o[0]).append(",,,,,,\n");
                }
                continue;
            }
            boolean aapl = random.nextBoolean();
            String symbol = aapl ? "AAPL" : "MSFT";
            long ref = aapl ? 1_892_500 : 4_155_000;
            String side = random.nextBoolean() ? "BUY" : "SELL";
            long qty = 100 * (1 + random.nextInt(5));
            sb.append(ts).append(",NEW,").append(++id).append(',').append(account).append(',').append(symbol)
                    .append(',').append(side);
            if (kind == 2)
                sb.append(",MARKET,IOC,,").append(qty).append('\n');
            else if (kind == 3 && i % 5 == 0)
                sb.append(",LIMIT,GTC,").append(price(ref * 2)).append(',').append(qty).append('\n');
            else
                sb.append(",LIMIT,GTC,").append(price(ref + (random.nextInt(21) - 10) * 500L)).append(',')
                        .append(qty).append('\n');
        }
        Files.writeString(file, sb, StandardCharsets.UTF_8);
        return file;
    }

    private static String price(long fixed) {
        return fixed / 10_000 + "." + String.format("%04d", fixed % 10_000);
    }
}
