package dev.orderpipe.bench;

import dev.orderpipe.pipeline.Pipeline;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.replay.HistogramSummary;
import dev.orderpipe.replay.Pacing;
import dev.orderpipe.replay.ReplayException;
import dev.orderpipe.replay.ReplayOptions;
import dev.orderpipe.replay.ReplayResult;
import dev.orderpipe.replay.Replayer;
import dev.orderpipe.replay.RunSummary;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.DoubleToIntFunction;

/**
 * The {@code fix} scenario: the pipeline through the FIX gateway ({@code replay --via fix}) against the same pipeline
 * fed its orders queue ({@code replay}), on one workload, at every rate and flat out, with the ratio of the two.
 *
 * <p>Both variants are the replay's own runs ({@link Replayer}: its driver, recorder and histograms, and its
 * verification, which must pass: a run whose executions differ from the capture's, or that the gateway refused a
 * request of, gives no number but a row saying why). The
 * workload is the bench generator's, without what a FIX session cannot carry as captured (malformed lines, cancels of
 * orders that just ended, risk breaks such as a reused order id), captured once by a pipeline run over it. End to end
 * of the {@code fix} rows runs from the intended send to the client's decoding of the first ExecutionReport, the queue
 * rows' to the pipeline's own read of the first report: the ratio is what the wire, FIX and the gateway add.
 */
final class FixBench {
    static final String SECTION = "fix";
    static final String QUEUE = "replay";
    static final String FIX = "replay+fix";

    private final PipelineConfig config;
    private final List<Double> rates;
    private final DoubleToIntFunction counts;
    private final int maxCount;
    private final Path base;
    private final PrintWriter log;
    private final Consumer<BenchRow> report;
    private final long seed;
    private int runNo;

    /**
     * @param counts   orders sent at a rate (the bench's count for it)
     * @param maxCount orders of the flat-out runs
     * @param report   takes each row
     */
    FixBench(PipelineConfig config, List<Double> rates, DoubleToIntFunction counts, int maxCount, long seed,
             Path base, PrintWriter log, Consumer<BenchRow> report) {
        this.config = config;
        this.rates = rates;
        this.counts = counts;
        this.maxCount = maxCount;
        this.seed = seed;
        this.base = base;
        this.log = log;
        this.report = report;
    }

    void run() {
        Path capture = capture();
        List<Double> all = new ArrayList<>(rates);
        all.add(0d);
        for (double rate : all) {
            int count = rate == 0 ? maxCount : Math.min(counts.applyAsInt(rate), maxCount);
            BenchRow queue = measure(capture, QUEUE, rate, count, false);
            BenchRow fix = measure(capture, FIX, rate, count, true);
            report.accept(queue);
            report.accept(fix);
            if (Double.isNaN(queue.achieved) || Double.isNaN(fix.achieved))
                continue;
            report.accept(rate == 0 ? BenchRow.throughputRatio("ratio", FIX + " vs " + QUEUE + " (throughput)", fix,
                    queue) : BenchRow.ratio("ratio", FIX + " vs " + QUEUE, rate, fix, queue, 1));
        }
    }

    /** The workload, written and run through a pipeline once: the capture both variants replay. */
    private Path capture() {
        OrderGenerator.Settings s = new OrderGenerator.Settings();
        s.orders = maxCount;
        s.seed = seed;
        s.malformedPercent = 0;
        s.stalePercent = 0;
        s.riskBreakPercent = 0;
        Path file = base.resolve("fix-orders.csv");
        Workload.write(s, config, file);
        log.printf("%-10s capturing %,d orders for the fix scenario...%n", SECTION, maxCount);
        log.flush();
        PipelineConfig c = config.deepCopy();
        Path dir = base.resolve("fix-capture");
        c.dataDir = dir.toString();
        c.ingress.file = file.toString();
        c.ingress.follow = false;
        c.egress.csvFile = "";
        Pipeline pipeline = Pipeline.start(c.validate(), Pipeline.FailureReport.CALLER);
        try {
            if (!pipeline.awaitFinished(600, TimeUnit.SECONDS))
                throw new IllegalStateException("the fix scenario's capture did not finish in 600 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while capturing", e);
        } finally {
            pipeline.close();
        }
        if (pipeline.failure() != null)
            throw pipeline.failure();
        return dir.resolve(c.ingress.queue);
    }

    private BenchRow measure(Path capture, String variant, double rate, int count, boolean viaFix) {
        log.printf("%-10s %-20s %s: %,d orders...%n", SECTION, variant,
                rate == 0 ? "max" : String.format(Locale.ROOT, "%,.0f/s", rate), count);
        log.flush();
        int warmup = rate == 0 ? 0 : Bench.leftOut(rate, count);
        Path out = base.resolve("fix-run" + (++runNo));
        BenchRow row = new BenchRow(SECTION, variant, rate == 0 ? BenchRow.Kind.THROUGHPUT : BenchRow.Kind.LATENCY,
                rate);
        ReplayResult result;
        try (Bench.Scratch runDir = new Bench.Scratch(out)) {
            try {
                result = Replayer.run(new ReplayOptions()
                        .capture(capture)
                        .config(config, "bench")
                        .outDir(out)
                        .pacing(rate == 0 ? Pacing.max() : Pacing.rate(rate))
                        .limit(count)
                        .warmup(warmup)
                        .viaFix(viaFix)
                        .dropQueues(true));
            } catch (ReplayException e) {
                // the gateway refused a request the pipeline took in the capture (an order with more cancels and
                // replaces, all waiting, than the replay's gateway lets wait: 64): no number, the reason in the row
                return unmeasured(row, count, e.getMessage());
            }
        }
        RunSummary s = result.summary();
        if (!result.matches())
            return unmeasured(row, count, result.verification().describe());
        HistogramSummary e2e = s.histogram(RunSummary.END_TO_END);
        row.count = count;
        row.p50 = e2e.p50;
        row.p99 = e2e.p99;
        row.p999 = e2e.p999;
        row.p9999 = e2e.p9999;
        row.max = e2e.max;
        row.achieved = s.throughputPerSecond;
        row.reports = s.reports;
        row.gcCount = s.gcCount;
        List<String> notes = new ArrayList<>();
        notes.add(String.format(Locale.ROOT, "%,d reports, verified", s.reports));
        if (viaFix) {
            HistogramSummary in = s.histogram(Replayer.GATEWAY_IN);
            HistogramSummary outHop = s.histogram(Replayer.GATEWAY_OUT);
            notes.add(String.format(Locale.ROOT, "gateway-in p50 %.1f us p99 %.1f us, gateway-out p50 %.1f us p99"
                    + " %.1f us", in.p50 / 1e3, in.p99 / 1e3, outHop.p50 / 1e3, outHop.p99 / 1e3));
        }
        if (warmup > 0)
            notes.add("first " + warmup + " not recorded");
        row.note = String.join("; ", notes);
        return row;
    }

    private static BenchRow unmeasured(BenchRow row, int count, String why) {
        row.count = count;
        row.p50 = row.p99 = row.p999 = row.p9999 = row.max = row.achieved = Double.NaN;
        row.note = "NOT MEASURED: " + why;
        return row;
    }
}
