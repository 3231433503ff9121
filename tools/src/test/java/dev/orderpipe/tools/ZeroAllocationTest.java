package dev.orderpipe.tools;

import dev.orderpipe.pipeline.Pipeline;
import dev.orderpipe.pipeline.TestPipelines;
import dev.orderpipe.pipeline.config.AccountConfig;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.config.SymbolConfig;
import dev.orderpipe.pipeline.config.TickSizeConfig;
import dev.orderpipe.pipeline.stage.StageRunner;
import dev.orderpipe.pipeline.util.FileTrees;
import dev.orderpipe.pipeline.util.ThreadAllocation;
import dev.orderpipe.replay.Pacing;
import dev.orderpipe.replay.ReplayOptions;
import dev.orderpipe.replay.Replayer;
import dev.orderpipe.replay.RunSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Zero garbage, measured: after warm-up, every pipeline thread (one stage per thread here, so each is measured on its
 * own), the replay driver and the latency recorder allocate 0 bytes per order over more than 1,000,000 orders of a
 * realistic mix with trades, partial fills, cancels, replaces and every reject reason the order file can produce.
 * A small fixed allowance per run (not per order) covers Chronicle mapping a new chunk of a queue file. Risk and
 * matching take a snapshot every 150,000 inputs meanwhile: snapshots allocate nothing either.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class ZeroAllocationTest {
    private static final int WARMUP = 200_000;
    private static final int MEASURED = 1_000_000;
    private static final long ALLOWANCE_PER_THREAD = 256 * 1024;

    @Test
    void everyHotThreadAllocatesNothingPerOrder() throws Exception {
        Path dir = Files.createTempDirectory(Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir")), "op-alloc");
        try {
            run(dir);
        } finally {
            FileTrees.delete(dir);
        }
    }

    private void run(Path dir) throws Exception {
        Path all = dir.resolve("all.csv");
        assertEquals(0, Cli.run("generate", "-n", Integer.toString(WARMUP + MEASURED), "--malformed-pct", "0.2",
                "--risk-break-pct", "0.6", "--seed", "5", "--out", all.toString()).exitCode);
        List<String> lines = Files.readAllLines(all);
        Path feed = dir.resolve("feed.csv");
        Files.write(feed, lines.subList(0, WARMUP + 1), StandardCharsets.US_ASCII);

        PipelineConfig config = TestPipelines.groups(TestPipelines.config(dir.resolve("data"), feed),
                "ingress", "risk", "matching", "egress");
        config.ingress.follow = true;
        // limits chosen so that every reject reason occurs in the mix
        config.risk.maxOrdersPerSecond = 120;
        config.risk.accountCapacity = 46;
        config.risk.orderIdCapacity = 950_000;
        config.matching.maxOpenOrders = 9_000;
        // the trading rules on their hot paths too: rolling rate window counting CANCELs, tick tables (0.05 from
        // 500.00, so some META prices are off), market protection, self-trade prevention of every mode
        config.risk.rateWindowRolling = true;
        config.risk.rateCountsCancels = true;
        config.risk.marketProtectionPercent = 2;
        for (SymbolConfig s : config.risk.symbols)
            s.tickSizes = List.of(TickSizeConfig.of("0", "0.01"), TickSizeConfig.of("500", "0.05"));
        String[] modes = {"CANCEL_RESTING", "CANCEL_INCOMING", "CANCEL_BOTH"};
        for (int account = 2; account <= 10; account++) {
            AccountConfig a = new AccountConfig();
            a.account = account;
            a.selfTradePrevention = modes[account % 3];
            config.risk.accounts.add(a);
        }
        // snapshots on the stage threads, several within the measured orders: taking one allocates nothing either
        config.snapshots.everyInputs = 150_000;
        config.snapshots.everySeconds = 0;
        config.validate();

        Pipeline pipeline = Pipeline.start(config);
        long[] before;
        long[] after;
        try {
            waitAccounted(pipeline, WARMUP);
            before = allocated(pipeline);
            Files.write(feed, lines.subList(WARMUP + 1, lines.size()), StandardCharsets.US_ASCII, StandardOpenOption.APPEND);
            waitAccounted(pipeline, WARMUP + MEASURED);
            after = allocated(pipeline);
        } finally {
            pipeline.close();
        }
        assertTrue(pipeline.risk().snapshots().written() >= 6 && pipeline.matching().snapshots().written() >= 6,
                "snapshots were taken while measured: risk " + pipeline.risk().snapshots().written() + ", matching "
                        + pipeline.matching().snapshots().written());
        List<StageRunner> runners = pipeline.runners();
        StringBuilder report = new StringBuilder();
        for (int i = 0; i < runners.size(); i++) {
            long bytes = after[i] - before[i];
            report.append(String.format("%-10s %,10d bytes over %,d orders = %.4f bytes/order%n", runners.get(i).name() + ":" +
                    config.groups.get(i).stages.get(0), bytes, MEASURED, bytes / (double) MEASURED));
        }
        Map<String, Long> rejects = pipeline.counts().rejectsByReason();
        report.append(String.format("snapshots: risk %d (longest %.1f ms), matching %d (longest %.1f ms)%n",
                pipeline.risk().snapshots().written(), pipeline.risk().snapshots().maxStallNanos() / 1e6,
                pipeline.matching().snapshots().written(), pipeline.matching().snapshots().maxStallNanos() / 1e6));
        report.append("rejects: ").append(rejects).append('\n');
        report.append("reports: ").append(pipeline.counts().reportsByType()).append('\n');
        System.out.print(report);
        for (int i = 0; i < runners.size(); i++)
            assertTrue(after[i] - before[i] < ALLOWANCE_PER_THREAD, "allocation on a pipeline thread:\n" + report);
        for (String reason : List.of("BAD_LINE", "UNKNOWN_SYMBOL", "BAD_QTY", "PRICE_BAND", "DUPLICATE_ORDER_ID",
                "ORDER_ID_TABLE_FULL", "RATE_LIMIT", "ACCOUNT_TABLE_FULL", "UNKNOWN_ORDER", "BOOK_FULL", "TICK_SIZE"))
            assertTrue(rejects.getOrDefault(reason, 0L) > 0, "the mix has " + reason + ": " + rejects);
        Map<String, Long> types = pipeline.counts().reportsByType();
        for (String type : List.of("NEW", "TRADE", "CANCELED", "REPLACED", "EXPIRED", "REJECTED"))
            assertTrue(types.getOrDefault(type, 0L) > 1000, "the mix has " + type + ": " + types);

        // the replay driver and the latency recorder, flat out over the same orders (a short replay first loads classes)
        Path capture = dir.resolve("data").resolve("orders");
        PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
        Replayer.run(new ReplayOptions().capture(capture).config(config(dir, "warm"), "test").outDir(dir.resolve("warm"))
                .pacing(Pacing.max()).limit(20_000).verify(false).progress(quiet));
        RunSummary s = Replayer.run(new ReplayOptions().capture(capture).config(config(dir, "replay"), "test")
                .outDir(dir.resolve("replay")).pacing(Pacing.max()).verify(false).progress(quiet)).summary();
        System.out.printf("replay driver:   %,d bytes over %,d orders = %.4f bytes/order%n", s.driverAllocatedBytes, s.sent,
                s.driverAllocatedBytes / (double) s.sent);
        System.out.printf("latency recorder: %,d bytes over %,d orders = %.4f bytes/order%n", s.recorderAllocatedBytes, s.sent,
                s.recorderAllocatedBytes / (double) s.sent);
        assertEquals(WARMUP + MEASURED, s.sent);
        assertTrue(s.driverAllocatedBytes >= 0 && s.driverAllocatedBytes < ALLOWANCE_PER_THREAD, "driver: " + s.driverAllocatedBytes);
        assertTrue(s.recorderAllocatedBytes >= 0 && s.recorderAllocatedBytes < ALLOWANCE_PER_THREAD, "recorder: " + s.recorderAllocatedBytes);
    }

    private static PipelineConfig config(Path dir, String name) {
        PipelineConfig c = TestPipelines.config(dir.resolve(name + "-data"), null);
        c.risk.orderIdCapacity = 950_000;
        c.matching.maxOpenOrders = 120_000;
        return c.validate();
    }

    private static long[] allocated(Pipeline pipeline) {
        List<StageRunner> runners = pipeline.runners();
        long[] bytes = new long[runners.size()];
        for (int i = 0; i < bytes.length; i++)
            bytes[i] = ThreadAllocation.of(runners.get(i).thread());
        return bytes;
    }

    private static void waitAccounted(Pipeline pipeline, long n) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (pipeline.counts().inputsAccounted() < n) {
            if (pipeline.failure() != null)
                throw pipeline.failure();
            if (System.nanoTime() > deadline)
                throw new AssertionError("only " + pipeline.counts().inputsAccounted() + " of " + n + " accounted");
            Thread.sleep(20);
        }
    }
}
