package dev.orderpipe.bench;

import java.util.Locale;

import dev.orderpipe.pipeline.metrics.MetricsSnapshot;
import org.HdrHistogram.Histogram;

/**
 * One row of the bench table: a measured run (latency percentiles in nanoseconds, throughput, GC and allocation) or
 * a ratio between two runs (the percentile fields then hold ratios).
 */
final class BenchRow {
    /** Row kinds. */
    enum Kind {
        LATENCY, THROUGHPUT, RATIO
    }

    final String section;
    final String variant;
    final Kind kind;
    /** Target orders per second, 0 for flat out. */
    final double rate;
    double achieved;
    long count;
    double p50;
    double p99;
    double p999;
    double p9999;
    double max;
    long gcCount = -1;
    double gcPercent = -1;
    double bytesPerOrder = -1;
    long reports;
    /** Flat out on the real pipeline: each stage's counters at the end (records in, busy nanoseconds), else null. */
    MetricsSnapshot stages;
    /** Flat out: the checked records and the reports taken from a handoff rather than read from the queue. */
    long[] handedOver = new long[2];
    String note = "";

    /** Per order, ns to read or take the checked record, at {@code read} a read and {@code take} a take. */
    double checkedRead(double read, double take) {
        double taken = (double) handedOver[0] / count;
        return taken * take + (1 - taken) * read;
    }

    /** Per order, ns to read or take its reports. */
    double reportsRead(double read, double take) {
        double taken = (double) handedOver[1] / count;
        return taken * take + ((double) reports / count - taken) * read;
    }

    /** "checked 1 and 1 (T taken from the handoff), executions R and R (T taken ...)" per order. */
    String recordsPerOrder() {
        double reportsPerOrder = (double) reports / count;
        return String.format(Locale.ROOT, "checked 1 written and 1 read (%.2f of it taken from the handoff), executions"
                        + " %.2f written and %.2f read (%.2f of them taken from the handoff)",
                (double) handedOver[0] / count, reportsPerOrder, reportsPerOrder, (double) handedOver[1] / count);
    }

    BenchRow(String section, String variant, Kind kind, double rate) {
        this.section = section;
        this.variant = variant;
        this.kind = kind;
        this.rate = rate;
    }

    BenchRow percentiles(Histogram h) {
        count = h.getTotalCount();
        p50 = h.getValueAtPercentile(50);
        p99 = h.getValueAtPercentile(99);
        p999 = h.getValueAtPercentile(99.9);
        p9999 = h.getValueAtPercentile(99.99);
        max = h.getMaxValue();
        return this;
    }

    /** A ratio row: {@code a / (b * divisor)} for each percentile and throughput. */
    static BenchRow ratio(String section, String variant, double rate, BenchRow a, BenchRow b, double divisor) {
        BenchRow r = new BenchRow(section, variant, Kind.RATIO, rate);
        r.p50 = div(a.p50, b.p50 * divisor);
        r.p99 = div(a.p99, b.p99 * divisor);
        r.p999 = div(a.p999, b.p999 * divisor);
        r.p9999 = div(a.p9999, b.p9999 * divisor);
        r.max = div(a.max, b.max * divisor);
        r.achieved = div(a.achieved, b.achieved);
        return r;
    }

    private static double div(double a, double b) {
        return b == 0 ? Double.NaN : a / b;
    }

    /** A throughput ratio row (only the achieved column). */
    static BenchRow throughputRatio(String section, String variant, BenchRow a, BenchRow b) {
        BenchRow r = new BenchRow(section, variant, Kind.RATIO, 0);
        r.p50 = r.p99 = r.p999 = r.p9999 = r.max = Double.NaN;
        r.achieved = div(a.achieved, b.achieved);
        return r;
    }
}
