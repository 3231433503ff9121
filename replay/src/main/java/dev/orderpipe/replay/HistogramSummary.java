package dev.orderpipe.replay;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import net.openhft.chronicle.wire.SelfDescribingMarshallable;
import org.HdrHistogram.AbstractHistogram;

/**
 * Percentiles of one latency histogram, in nanoseconds; written to {@code summary.yaml} and {@code summary.json} in
 * microseconds ({@code p50_us}, {@code p99_9_us}...), to the nanosecond.
 */
public final class HistogramSummary extends SelfDescribingMarshallable {
    /** Histogram name; its distribution is in {@code <name>.hgrm} beside the summary. */
    public String name = "";
    /** What it measures, for reports. */
    public String description = "";
    public long count;
    /** Nanoseconds, whole (so that it reads back from microseconds unchanged). */
    @JsonProperty("mean_us")
    @JsonSerialize(using = Micros.Writer.class)
    @JsonDeserialize(using = Micros.DoubleReader.class)
    public double mean;
    @JsonProperty("p50_us")
    @JsonSerialize(using = Micros.Writer.class)
    @JsonDeserialize(using = Micros.LongReader.class)
    public long p50;
    @JsonProperty("p90_us")
    @JsonSerialize(using = Micros.Writer.class)
    @JsonDeserialize(using = Micros.LongReader.class)
    public long p90;
    @JsonProperty("p99_us")
    @JsonSerialize(using = Micros.Writer.class)
    @JsonDeserialize(using = Micros.LongReader.class)
    public long p99;
    @JsonProperty("p99_9_us")
    @JsonSerialize(using = Micros.Writer.class)
    @JsonDeserialize(using = Micros.LongReader.class)
    public long p999;
    @JsonProperty("p99_99_us")
    @JsonSerialize(using = Micros.Writer.class)
    @JsonDeserialize(using = Micros.LongReader.class)
    public long p9999;
    @JsonProperty("max_us")
    @JsonSerialize(using = Micros.Writer.class)
    @JsonDeserialize(using = Micros.LongReader.class)
    public long max;

    /** Summarises a recorded histogram. */
    public static HistogramSummary of(String name, String description, AbstractHistogram h) {
        HistogramSummary s = new HistogramSummary();
        s.name = name;
        s.description = description;
        s.count = h.getTotalCount();
        s.mean = h.getTotalCount() == 0 ? 0 : Math.round(h.getMean());
        s.p50 = h.getValueAtPercentile(50);
        s.p90 = h.getValueAtPercentile(90);
        s.p99 = h.getValueAtPercentile(99);
        s.p999 = h.getValueAtPercentile(99.9);
        s.p9999 = h.getValueAtPercentile(99.99);
        s.max = h.getMaxValue();
        return s;
    }
}
