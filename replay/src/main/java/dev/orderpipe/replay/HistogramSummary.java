package dev.orderpipe.replay;

import net.openhft.chronicle.wire.SelfDescribingMarshallable;
import org.HdrHistogram.AbstractHistogram;

/** Percentiles of one latency histogram, in nanoseconds, as written to {@code summary.yaml}. */
public final class HistogramSummary extends SelfDescribingMarshallable {
    /** Histogram name; its distribution is in {@code <name>.hgrm} beside the summary. */
    public String name = "";
    /** What it measures, for reports. */
    public String description = "";
    public long count;
    public double mean;
    public long p50;
    public long p90;
    public long p99;
    public long p999;
    public long p9999;
    public long max;

    /** Summarises a recorded histogram. */
    public static HistogramSummary of(String name, String description, AbstractHistogram h) {
        HistogramSummary s = new HistogramSummary();
        s.name = name;
        s.description = description;
        s.count = h.getTotalCount();
        s.mean = h.getTotalCount() == 0 ? 0 : h.getMean();
        s.p50 = h.getValueAtPercentile(50);
        s.p90 = h.getValueAtPercentile(90);
        s.p99 = h.getValueAtPercentile(99);
        s.p999 = h.getValueAtPercentile(99.9);
        s.p9999 = h.getValueAtPercentile(99.99);
        s.max = h.getMaxValue();
        return s;
    }
}
