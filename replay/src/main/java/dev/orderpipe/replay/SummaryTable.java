package dev.orderpipe.replay;

import dev.orderpipe.pipeline.config.EffectiveGroup;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * The console form of a {@link RunSummary}: what ran, the counts, and a percentile table of every histogram in
 * microseconds.
 *
 * <pre>
 * replay of data/pipeline/orders: 100,000 orders, pacing rate:10000, warmup 1,000
 * accounted 100,000  reports 180,214  trades 40,107  rejected 1,012 (PRICE_BAND 1,000, BAD_LINE 12)
 * duration 10.002 s  throughput 9,998/s
 * GC 0 collections, 0 ms (G1 Young Generation, G1 Concurrent GC, G1 Old Generation)
 * group pipeline: ingress risk matching egress; pauser balanced (yield 50 us, then sleep 500..1000 us); unpinned
 * orderpipe 0.1.0-SNAPSHOT (4eb3f61)
 *
 * latency (us)        count      p50      p90      p99    p99.9   p99.99      max
 * end-to-end         99,000   12.345   20.100  150.000  900.100 2000.000 3000.000
 * ...
 * replay matches capture (180,214 reports)
 * </pre>
 */
public final class SummaryTable {
    private SummaryTable() {
    }

    /** Prints the summary and percentile table to {@code out}. */
    public static void print(RunSummary s, PrintStream out) {
        out.println("replay of " + s.capture + ": " + count(s.sent) + " orders"
                + (s.limit > 0 ? " (limited to the first " + count(s.limit) + ")" : "") + ", pacing " + pacing(s)
                + (s.warmup > 0 ? ", warmup " + count(s.warmup) : "")
                + (Replayer.VIA_FIX.equals(s.via) ? ", through a FIX gateway" : "")
                + (s.throughputRun ? " (throughput run: latency of a saturated pipeline)" : ""));
        StringBuilder counts = new StringBuilder();
        counts.append("accounted ").append(count(s.accounted))
                .append("  reports ").append(count(s.reports))
                .append("  trades ").append(count(s.trades))
                .append("  rejected ").append(count(s.rejected));
        if (!s.rejectsByReason.isEmpty()) {
            counts.append(" (");
            String sep = "";
            for (Map.Entry<String, Long> e : s.rejectsByReason.entrySet()) {
                counts.append(sep).append(e.getKey()).append(' ').append(count(e.getValue()));
                sep = ", ";
            }
            counts.append(')');
        }
        out.println(counts);
        out.println(String.format(Locale.ROOT, "duration %.3f s  throughput %s/s", s.durationSeconds,
                count(Math.round(s.throughputPerSecond))));
        if (s.gcCount >= 0)
            out.println(String.format(Locale.ROOT, "GC %s collections, %s ms (%s)", count(s.gcCount),
                    count(s.gcMillis), s.gcCollectors));
        for (EffectiveGroup g : s.groups)
            out.println("group " + g.describe());
        if (!s.orderpipeVersion.isEmpty())
            out.println("orderpipe " + s.orderpipeVersion + (s.orderpipeCommit.isEmpty() ? "" : " (" + s.orderpipeCommit + ")"));
        out.println();
        out.println(String.format(Locale.ROOT, "%-14s %12s %10s %10s %10s %10s %10s %10s",
                "latency (us)", "count", "p50", "p90", "p99", "p99.9", "p99.99", "max"));
        for (HistogramSummary h : s.histograms) {
            out.println(String.format(Locale.ROOT, "%-14s %12s %10s %10s %10s %10s %10s %10s",
                    h.name, count(h.count), micros(h.p50), micros(h.p90), micros(h.p99), micros(h.p999),
                    micros(h.p9999), micros(h.max)));
        }
        // a column of zeros reads as a perfect sender: say what it is
        if (Pacing.Mode.MAX.id().equals(s.pacing) && s.histogram(Replayer.SEND) != null)
            out.println("send is 0 in a max run: each order goes as soon as the pipeline takes it, with no schedule "
                    + "to be late against");
        out.println();
        if (Verification.NOT_CHECKED.equals(s.verification))
            out.println("verification: not checked (no expected executions)");
        else if (Verification.MATCHES.equals(s.verification))
            out.println("replay matches capture (" + count(s.reports) + " reports)");
        else
            out.println(s.firstDifference);
    }

    private static String pacing(RunSummary s) {
        switch (s.pacing) {
            case "speed":
            case "rate":
                double v = s.pacingValue;
                return s.pacing + ":" + (v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v));
            default:
                return s.pacing;
        }
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String micros(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1000.0);
    }
}
