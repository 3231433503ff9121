package dev.orderpipe.report;

import dev.orderpipe.pipeline.BadFileException;
import dev.orderpipe.replay.RunSummary;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.DoubleHistogram;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogReader;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an HdrHistogram interval log ({@code latency.hlog}, nanoseconds) into per-interval latency and counts, by
 * histogram: the untagged histograms are end to end, a tagged one is the hop its tag names (logs written before hops
 * were logged hold end to end only).
 */
final class LatencyIntervals {
    /** The default interval; used when a log carries no interval length. */
    private static final double DEFAULT_INTERVAL_SECONDS = 1.0;

    private LatencyIntervals() {
    }

    /**
     * One interval of the log.
     *
     * @param startSeconds  seconds since the first interval started
     * @param lengthSeconds interval length
     * @param count         samples (orders completed) in the interval
     * @param p50Micros     median latency, 0 when the interval is empty
     * @param p99Micros     99th percentile latency
     * @param maxMicros     largest latency
     */
    record Interval(double startSeconds, double lengthSeconds, long count, double p50Micros, double p99Micros,
                    double maxMicros) {
        /** Orders per second in this interval. */
        double perSecond() {
            return count / lengthSeconds;
        }
    }

    /**
     * Reads every interval of the log.
     *
     * @throws BadFileException with one line when the file cannot be read or a line of it is not an interval
     */
    static Map<String, List<Interval>> read(Path file) {
        long dataLines = countDataLines(file);
        Map<String, List<Interval>> byName = new LinkedHashMap<>();
        byName.put(RunSummary.END_TO_END, new ArrayList<>());
        long read = 0;
        try (HistogramLogReader reader = new HistogramLogReader(file.toFile())) {
            long first = Long.MIN_VALUE;
            EncodableHistogram h;
            while ((h = reader.nextIntervalHistogram()) != null) {
                if (first == Long.MIN_VALUE)
                    first = h.getStartTimeStamp();
                String name = h.getTag() == null ? RunSummary.END_TO_END : h.getTag();
                byName.computeIfAbsent(name, k -> new ArrayList<>()).add(interval(h, first));
                read++;
            }
        } catch (FileNotFoundException e) {
            throw new BadFileException("cannot read " + file + ": " + e.getMessage());
        } catch (RuntimeException e) {
            throw new BadFileException(file + " is not a readable HdrHistogram interval log: interval "
                    + (read + 1) + ": " + oneLine(e));
        }
        // HistogramLogReader stops quietly at a line it cannot parse; a truncated report would hide that
        if (read < dataLines)
            throw new BadFileException(file + " is corrupt: interval " + (read + 1) + " of " + dataLines
                    + " cannot be read as StartTimestamp,Interval_Length,Interval_Max,Interval_Compressed_Histogram");
        return byName;
    }

    private static Interval interval(EncodableHistogram h, long firstStartMs) {
        double start = (h.getStartTimeStamp() - firstStartMs) / 1e3;
        double length = (h.getEndTimeStamp() - h.getStartTimeStamp()) / 1e3;
        if (!(length > 0))
            length = DEFAULT_INTERVAL_SECONDS;
        if (h instanceof AbstractHistogram a) {
            long n = a.getTotalCount();
            return new Interval(start, length, n,
                    n == 0 ? 0 : a.getValueAtPercentile(50) / 1e3,
                    n == 0 ? 0 : a.getValueAtPercentile(99) / 1e3,
                    n == 0 ? 0 : a.getMaxValue() / 1e3);
        }
        DoubleHistogram d = (DoubleHistogram) h;
        long n = d.getTotalCount();
        return new Interval(start, length, n,
                n == 0 ? 0 : d.getValueAtPercentile(50) / 1e3,
                n == 0 ? 0 : d.getValueAtPercentile(99) / 1e3,
                n == 0 ? 0 : d.getMaxValue() / 1e3);
    }

    private static long countDataLines(Path file) {
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.map(String::trim)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#") && !l.startsWith("\"StartTimestamp\"")
                            && !l.startsWith("StartTimestamp"))
                    .count();
        } catch (IOException | RuntimeException e) {
            throw new BadFileException("cannot read " + file + ": " + oneLine(e));
        }
    }

    static String oneLine(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getMessage() == null)
            t = t.getCause();
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.replaceAll("\\s+", " ").trim();
    }
}
