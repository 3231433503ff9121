package dev.orderpipe.bench;

import dev.orderpipe.report.LatencyCharts;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bench's charts, drawn as the reports' are ({@link LatencyCharts}): {@value #THROUGHPUT}, the flat-out
 * throughput of every variant (the peer's and replication's too) as bars, and {@value #LATENCY}, each variant's p50
 * (solid) and p99 (dashed) end-to-end latency by offered rate, both axes logarithmic (not replication's rows: a lag
 * at one rate, in the table).
 */
final class BenchCharts {
    static final String THROUGHPUT = "bench-throughput.png";
    static final String LATENCY = "bench-latency.png";

    private BenchCharts() {
    }

    /** Writes both charts into {@code dir}; a chart with nothing to draw (a run of no such rows) is not written. */
    static void write(List<BenchRow> rows, Path dir) {
        List<String> labels = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        Map<String, List<BenchRow>> byRate = new LinkedHashMap<>();
        for (BenchRow r : rows) {
            if (r.kind == BenchRow.Kind.THROUGHPUT && r.rate == 0 && r.achieved > 0) {
                labels.add(label(r));
                values.add(r.achieved);
            } else if (r.kind == BenchRow.Kind.LATENCY && r.rate > 0 && r.count > 0
                    && !r.section.equals(ReplicationBench.SECTION)) { // a lag, and one rate: in the table only
                byRate.computeIfAbsent(label(r), k -> new ArrayList<>()).add(r);
            }
        }
        CategoryChart bars = LatencyCharts.bars("Flat out, per variant", "orders/s (records/s: floor, replication)",
                labels, values);
        if (bars != null)
            LatencyCharts.png(bars, dir.resolve(THROUGHPUT));
        List<LatencyCharts.Series> lines = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, List<BenchRow>> e : byRate.entrySet()) {
            List<BenchRow> points = e.getValue();
            double[] x = new double[points.size()];
            double[] p50 = new double[points.size()];
            double[] p99 = new double[points.size()];
            for (int k = 0; k < x.length; k++) {
                x[k] = points.get(k).rate;
                p50[k] = points.get(k).p50 / 1000;
                p99[k] = points.get(k).p99 / 1000;
            }
            java.awt.Color colour = LatencyCharts.nth(i++);
            lines.add(new LatencyCharts.Series(e.getKey(), x, p50, colour, false));
            lines.add(new LatencyCharts.Series(e.getKey() + " p99", x, p99, colour, true));
        }
        XYChart latency = LatencyCharts.byRate("End-to-end latency by rate (p50 solid, p99 dashed)", lines);
        if (latency != null)
            LatencyCharts.png(latency, dir.resolve(LATENCY));
    }

    /** "pipeline:latency", or "replication pipeline-lag" where the variant does not name its section. */
    private static String label(BenchRow r) {
        return r.variant.startsWith(r.section) ? r.variant : r.section + " " + r.variant;
    }
}
