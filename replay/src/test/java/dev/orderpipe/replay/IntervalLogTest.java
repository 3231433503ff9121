package dev.orderpipe.replay;

import dev.orderpipe.pipeline.Pipeline;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogProcessor;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** latency.hlog as HdrHistogram's own tools read it: its reader and its HistogramLogProcessor. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IntervalLogTest {
    private static final Pattern TOTAL_COUNT = Pattern.compile("Total count\\s*=\\s*(\\d+)");

    /**
     * A paced replay with 50 ms intervals and a warm-up: every interval of every histogram (end to end untagged, each
     * hop tagged) reads back, no timestamp is negative, the first interval starts no earlier than the first measured
     * order was due, and the totals of the reader and of HistogramLogProcessor are the summary's counts.
     */
    @Test
    void everyHistogramOfTheLogReadsWithHdrHistogramsToolsAndTotalsTheSummary(@TempDir Path dir) throws Exception {
        Path file = TestCaptures.orderFile(dir.resolve("orders.csv"), 3000, 1_000_000, 4);
        Pipeline captured = TestCaptures.capture(dir.resolve("capture"), file, null);
        Path out = dir.resolve("run");
        int rate = 2_000; // 1.5 s of schedule: many 50 ms intervals however late the watching thread runs
        int warmup = 500;
        ReplayResult result = Replayer.run(new ReplayOptions()
                .capture(captured.queuePath("orders"))
                .config(TestCaptures.config(), "test")
                .outDir(out)
                .pacing(Pacing.rate(rate))
                .interval(Duration.ofMillis(50))
                .warmup(warmup));
        assertEquals(0, result.exitCode(), String.valueOf(result.verification()));
        RunSummary s = result.summary();
        assertEquals(0.05, s.intervalSeconds);
        Path log = out.resolve(RunSummary.INTERVAL_LOG);

        Map<String, Long> totals = new HashMap<>();
        Map<String, Long> maxima = new HashMap<>();
        Map<String, Integer> intervals = new HashMap<>();
        double firstStart = Double.NaN;
        HistogramLogReader reader = new HistogramLogReader(log.toFile());
        EncodableHistogram h;
        while ((h = reader.nextIntervalHistogram()) != null) {
            String name = h.getTag() == null ? RunSummary.END_TO_END : h.getTag();
            Histogram hist = (Histogram) h;
            totals.merge(name, hist.getTotalCount(), Long::sum);
            maxima.merge(name, hist.getMaxValue(), Math::max);
            intervals.merge(name, 1, Integer::sum);
            double start = h.getStartTimeStamp() / 1e3 - reader.getStartTimeSec();
            assertTrue(start >= 0, name + " interval starts at " + start + " s");
            assertTrue(h.getEndTimeStamp() > h.getStartTimeStamp(), name + ": an interval of no length");
            if (Double.isNaN(firstStart))
                firstStart = start;
        }
        // the first measured order was due warmup / rate seconds after the start; timestamps are whole ms
        assertTrue(firstStart >= (double) warmup / rate - 0.001, "first interval starts at " + firstStart);
        assertTrue(intervals.get(RunSummary.END_TO_END) >= 2, intervals.toString());
        for (String name : LatencyHistograms.NAMES) {
            HistogramSummary hs = s.histogram(name);
            assertEquals(3000 - warmup, hs.count, name);
            assertEquals(hs.count, totals.get(name), name);
            assertEquals(hs.max, maxima.get(name), name);
            assertEquals(intervals.get(RunSummary.END_TO_END), intervals.get(name), name);
        }
        for (String line : Files.readAllLines(log))
            assertFalse(line.startsWith("-") || line.matches("^Tag=[^,]*,-.*"), "a negative timestamp: " + line);

        // HdrHistogram's log processor: the untagged histograms, then each tag
        for (String name : LatencyHistograms.NAMES) {
            Path base = dir.resolve("processed-" + name);
            List<String> args = new ArrayList<>(List.of("-i", log.toString(), "-o", base.toString()));
            if (!name.equals(RunSummary.END_TO_END))
                args.addAll(List.of("-tag", name));
            HistogramLogProcessor processor = new HistogramLogProcessor(args.toArray(new String[0]));
            processor.run();
            String hgrm = Files.readString(Path.of(base + ".hgrm"));
            Matcher m = TOTAL_COUNT.matcher(hgrm);
            assertTrue(m.find(), hgrm);
            assertEquals(s.histogram(name).count, Long.parseLong(m.group(1)), name + ": " + hgrm);
            List<String> intervalLines = Files.readAllLines(base);
            long lines = intervalLines.stream().filter(l -> l.matches("^\\s*\\d+\\.\\d+: I:\\d+.*")).count();
            assertEquals((long) intervals.get(name), lines, name + ": " + intervalLines);
        }
        assertNotNull(s.orderpipeVersion);
    }
}
