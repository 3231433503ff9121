package dev.orderpipe.report;

import dev.orderpipe.pipeline.config.EffectiveGroup;
import dev.orderpipe.replay.HistogramSummary;
import dev.orderpipe.replay.RunSummary;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Builds synthetic replay run directories with real HdrHistogram output, as the replay writes them. */
final class RunDirs {
    static final String[] STAGES = {"send", "risk", "matching", "egress"};
    private static final long START_MS = 1_732_780_800_000L;

    private RunDirs() {
    }

    /**
     * A run directory and the histograms written into it.
     *
     * @param dir        the run directory
     * @param histograms the recorded values of every histogram by name, end-to-end first: what a report must show
     */
    record Run(Path dir, Map<String, Histogram> histograms) {
    }

    /**
     * A run whose latencies are {@code scale} times a base shape (about 20 µs median, a tail in the milliseconds),
     * with {@code intervals} one-second intervals of {@code perInterval} orders each.
     */
    static Path write(Path dir, double scale, int intervals, int perInterval, long seed) throws IOException {
        return record(dir, scale, intervals, perInterval, seed).dir();
    }

    /** {@link #write}, keeping the histograms it recorded. */
    static Run record(Path dir, double scale, int intervals, int perInterval, long seed) throws IOException {
        Files.createDirectories(dir);
        Map<String, Histogram> recorded = new LinkedHashMap<>();
        Random random = new Random(seed);
        RunSummary s = summary();
        Histogram endToEnd = new Histogram(3);
        try (PrintStream out = new PrintStream(Files.newOutputStream(dir.resolve(RunSummary.INTERVAL_LOG)), false,
                StandardCharsets.US_ASCII)) {
            HistogramLogWriter log = new HistogramLogWriter(out);
            log.outputLogFormatVersion();
            log.outputStartTime(START_MS);
            log.setBaseTime(START_MS);
            log.outputLegend();
            for (int i = 0; i < intervals; i++) {
                Histogram interval = new Histogram(3);
                interval.setStartTimeStamp(START_MS + i * 1000L);
                interval.setEndTimeStamp(START_MS + (i + 1) * 1000L);
                // a hiccup in the middle of the run, as a queue chunk mapping would cause
                double hiccup = i == intervals / 2 ? 8 : 1;
                for (int j = 0; j < perInterval; j++)
                    interval.recordValue(latency(random, scale * hiccup));
                log.outputIntervalHistogram(interval);
                endToEnd.add(interval);
            }
        }
        hgrm(dir, RunSummary.END_TO_END, endToEnd);
        recorded.put(RunSummary.END_TO_END, endToEnd);
        s.histograms.add(HistogramSummary.of(RunSummary.END_TO_END, "intended send to execution read", endToEnd));
        double[] share = {0.15, 0.25, 0.4, 0.2};
        for (int k = 0; k < STAGES.length; k++) {
            Histogram h = new Histogram(3);
            for (int j = 0; j < 5_000; j++)
                h.recordValue(latency(random, scale * share[k]));
            hgrm(dir, STAGES[k], h);
            recorded.put(STAGES[k], h);
            s.histograms.add(HistogramSummary.of(STAGES[k], "time in " + STAGES[k], h));
        }
        s.sent = (long) intervals * perInterval;
        s.accounted = s.sent;
        s.durationSeconds = intervals;
        s.throughputPerSecond = perInterval;
        s.save(dir);
        return new Run(dir, Collections.unmodifiableMap(recorded));
    }

    static RunSummary summary() {
        RunSummary s = new RunSummary();
        s.capture = "data/capture/orders <2024-11-28> & co";
        s.config = "conf/pipeline.yaml";
        s.pacing = "rate";
        s.pacingValue = 2_000;
        s.warmup = 1_000;
        s.reports = 1_200;
        s.trades = 300;
        s.rejected = 7;
        s.rejectsByReason.put("PRICE_BAND", 4L);
        s.rejectsByReason.put("UNKNOWN_SYMBOL", 2L);
        s.rejectsByReason.put("BAD_LINE:17", 1L);
        s.reportsByType.put("NEW", 800L);
        s.reportsByType.put("TRADE", 600L);
        s.startTime = "2024-11-28T08:00:00Z";
        s.verification = "matches";
        s.javaVersion = "17.0.15";
        s.jvm = "OpenJDK 64-Bit Server VM";
        s.jvmArguments = "-Xmx1g -Dchronicle.analytics.disable=true";
        s.host = "build-1";
        s.os = "Linux 6.1 amd64";
        s.cpus = 2;
        s.groups = List.of(group("hot", List.of("risk", "matching", "egress"), "busy (spin)", 1),
                group("edge", List.of("ingress"), "sleepy (yield 50 us, then sleep 500..2000 us)", -1));
        return s;
    }

    /** A stage group as a replay records it. */
    static EffectiveGroup group(String name, List<String> stages, String pauser, int cpu) {
        EffectiveGroup g = new EffectiveGroup();
        g.name = name;
        g.stages = new ArrayList<>(stages);
        g.pauser = pauser;
        g.cpu = cpu;
        return g;
    }

    /** Rewrites summary.yaml after changing it. */
    static void update(Path dir, java.util.function.Consumer<RunSummary> change) {
        RunSummary s = RunSummary.load(dir);
        change.accept(s);
        s.save(dir);
    }

    private static long latency(Random random, double scale) {
        double base = 15_000 + 6_000 * Math.abs(random.nextGaussian());
        if (random.nextInt(200) == 0)
            base += 400_000 * random.nextDouble();
        if (random.nextInt(5_000) == 0)
            base += 3_000_000 * random.nextDouble();
        return Math.max(1, (long) (base * scale));
    }

    private static void hgrm(Path dir, String name, Histogram h) throws IOException {
        try (PrintStream ps = new PrintStream(Files.newOutputStream(dir.resolve(name + ".hgrm")), false,
                StandardCharsets.US_ASCII)) {
            h.outputPercentileDistribution(ps, 1000.0);
        }
    }
}
