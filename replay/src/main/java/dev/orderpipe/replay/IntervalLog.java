package dev.orderpipe.replay;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Writes a replay's {@code latency.hlog}: an HdrHistogram interval log (format 1.3) with, for every interval, the
 * end-to-end histogram untagged and one histogram per hop tagged with its name ({@code send}, {@code risk},
 * {@code matching}, {@code egress}; through a FIX gateway also {@code gateway-in} and {@code gateway-out}), values in nanoseconds, as HdrHistogram's {@code HistogramLogReader} and
 * {@code HistogramLogProcessor} (with {@code -tag NAME} for a hop) read it.
 *
 * <p>Timestamps: the log's {@code StartTime} (and base time) is the start of the send schedule, and every interval
 * carries its own start and end, measured from it, so no timestamp is negative. The log covers the measured orders
 * only, as the summary's histograms do: intervals that end before the first measured order completed are not written,
 * and the first interval written starts no earlier than that order's intended send time, so the throughput of that
 * interval (its count over its length) is not diluted by the warm-up. The interval totals of each histogram are the
 * summary's counts.
 *
 * <p>Used from one thread (the replay's watching thread).
 */
final class IntervalLog implements Closeable {
    /** The shortest interval written, in ms. */
    static final long MIN_LENGTH_MS = 2;
    private final HistogramLogWriter writer;
    private final LatencyHistograms histograms;
    private final long startNanos;
    private final long startMillis;
    private final Histogram[] recycled;
    private long cutNanos;
    private long intervals;

    private IntervalLog(HistogramLogWriter writer, LatencyHistograms histograms, long startNanos, long startMillis) {
        this.writer = writer;
        this.histograms = histograms;
        this.recycled = new Histogram[histograms.names().length];
        this.startNanos = startNanos;
        this.startMillis = startMillis;
        this.cutNanos = startNanos;
    }

    /**
     * Opens the log and writes its header.
     *
     * @param startNanos  the start of the send schedule (System.nanoTime())
     * @param startMillis the same moment as epoch milliseconds
     * @param comment     what was replayed, for the log's first comment line
     */
    static IntervalLog open(Path file, LatencyHistograms histograms, long startNanos, long startMillis,
                            String comment) {
        if (!histograms.hasIntervals())
            throw new IllegalArgumentException("the histograms record no intervals");
        try {
            HistogramLogWriter w = new HistogramLogWriter(file.toFile());
            w.outputComment(comment);
            w.outputLogFormatVersion();
            w.outputStartTime(startMillis);
            w.setBaseTime(startMillis);
            w.outputLegend();
            return new IntervalLog(w, histograms, startNanos, startMillis);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Ends the current interval at {@code nowNanos} and writes it (unless nothing was measured yet). */
    void cut(long nowNanos) {
        for (int i = 0; i < recycled.length; i++)
            recycled[i] = histograms.intervals(i).getIntervalHistogram(recycled[i]);
        // read after taking the intervals: the recorder sets it before recording its first sample
        long measuredFrom = histograms.measuredFromNanos();
        long from = cutNanos;
        cutNanos = Math.max(cutNanos, nowNanos);
        if (measuredFrom == 0)
            return; // still in the warm-up: nothing measured, nothing to write
        long start = Math.max(from, measuredFrom);
        long startMs = millis(start);
        // the log has ms timestamps, which its reader takes back through a double of epoch seconds and truncates:
        // an interval of 1 ms (the last, cut just after a tick) could read as one of no length
        long endMs = Math.max(startMs + MIN_LENGTH_MS, millis(cutNanos));
        for (int i = 0; i < recycled.length; i++) {
            Histogram h = recycled[i];
            h.setStartTimeStamp(startMs);
            h.setEndTimeStamp(endMs);
            h.setTag(i == 0 ? null : histograms.names()[i]);
            writer.outputIntervalHistogram(h);
        }
        intervals++;
    }

    private long millis(long nanos) {
        return startMillis + TimeUnit.NANOSECONDS.toMillis(Math.max(0, nanos - startNanos));
    }

    /** Intervals written so far. */
    long intervals() {
        return intervals;
    }

    @Override
    public void close() {
        writer.close();
    }
}
