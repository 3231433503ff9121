package dev.orderpipe.bench;

import dev.orderpipe.pipeline.util.AtomicFile;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The bench's output: a header describing where and how it ran, and the rows, printed as a text table and written
 * as {@code bench.md} (the same table in Markdown), {@code bench.csv} (raw numbers, nanoseconds) and two charts
 * ({@link BenchCharts}).
 */
final class BenchReport {
    static final String[] COLUMNS = {"section", "variant", "rate/s", "achieved/s", "n", "p50", "p99", "p99.9",
            "p99.99", "max", "GCs", "GC %", "B/order", "note"};

    final List<String> header = new ArrayList<>();
    final List<BenchRow> rows = new ArrayList<>();

    void add(BenchRow row) {
        rows.add(row);
    }

    /** The cells of a row as printed: latencies in microseconds, ratios as "0.52x". */
    static String[] cells(BenchRow r) {
        boolean ratio = r.kind == BenchRow.Kind.RATIO;
        boolean latency = r.kind == BenchRow.Kind.LATENCY;
        return new String[]{
                r.section,
                r.variant,
                r.rate == 0 ? "max" : String.format(Locale.ROOT, "%,.0f", r.rate),
                ratio ? times(r.achieved) : String.format(Locale.ROOT, "%,.0f", r.achieved),
                ratio ? "" : String.format(Locale.ROOT, "%,d", r.count),
                ratio ? times(r.p50) : latency ? micros(r.p50) : "",
                ratio ? times(r.p99) : latency ? micros(r.p99) : "",
                ratio ? times(r.p999) : latency ? micros(r.p999) : "",
                ratio ? times(r.p9999) : latency ? micros(r.p9999) : "",
                ratio ? times(r.max) : latency ? micros(r.max) : "",
                r.gcCount < 0 ? "" : Long.toString(r.gcCount),
                r.gcPercent < 0 ? "" : String.format(Locale.ROOT, "%.1f", r.gcPercent),
                r.bytesPerOrder < 0 ? "" : String.format(Locale.ROOT, "%,.0f", r.bytesPerOrder),
                r.note};
    }

    static String micros(double nanos) {
        double us = nanos / 1000;
        return String.format(Locale.ROOT, us < 10 ? "%.2f" : us < 1000 ? "%.1f" : "%,.0f", us);
    }

    private static String times(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.2fx", v);
    }

    /** The text table (latencies in µs). */
    void print(PrintWriter out) {
        for (String h : header)
            out.println(h);
        out.println("latencies in microseconds; ratios as a/b");
        List<String[]> all = new ArrayList<>();
        all.add(COLUMNS);
        for (BenchRow r : rows)
            all.add(cells(r));
        int[] width = new int[COLUMNS.length];
        for (String[] row : all)
            for (int i = 0; i < row.length; i++)
                width[i] = Math.max(width[i], row[i].length());
        for (String[] row : all) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                boolean left = i < 2 || i == row.length - 1;
                String cell = row[i];
                String pad = " ".repeat(width[i] - cell.length());
                sb.append(left ? cell + pad : pad + cell).append(i == row.length - 1 ? "" : "  ");
            }
            out.println(sb.toString().stripTrailing());
        }
        out.flush();
    }

    /** Writes bench.md, bench.csv and the charts into {@code dir}. */
    void write(Path dir) {
        try {
            Files.createDirectories(dir);
            StringBuilder md = new StringBuilder("# orderpipe bench\n\n");
            for (String h : header)
                md.append("- ").append(h).append('\n');
            md.append("\nLatencies in microseconds (end to end from the intended send time, coordinated omission "
                    + "corrected); ratios as a/b.\n\n|");
            for (String c : COLUMNS)
                md.append(' ').append(c).append(" |");
            md.append("\n|");
            for (int i = 0; i < COLUMNS.length; i++)
                md.append(i < 2 || i == COLUMNS.length - 1 ? "---|" : "---:|");
            md.append('\n');
            for (BenchRow r : rows) {
                md.append('|');
                for (String c : cells(r))
                    md.append(' ').append(c.replace("|", "\\|")).append(" |");
                md.append('\n');
            }
            AtomicFile.writeString(dir.resolve("bench.md"), md);

            StringBuilder csv = new StringBuilder("section,variant,kind,rate,achieved,n,p50_ns,p99_ns,p999_ns,"
                    + "p9999_ns,max_ns,gc_count,gc_percent,bytes_per_order,reports,note\n");
            for (BenchRow r : rows)
                csv.append(String.join(",", r.section, r.variant, r.kind.name().toLowerCase(Locale.ROOT),
                        num(r.rate), num(r.achieved), Long.toString(r.count), num(r.p50), num(r.p99), num(r.p999),
                        num(r.p9999), num(r.max), Long.toString(r.gcCount), num(r.gcPercent), num(r.bytesPerOrder),
                        Long.toString(r.reports), '"' + r.note.replace("\"", "'") + '"')).append('\n');
            AtomicFile.writeString(dir.resolve("bench.csv"), csv);
            BenchCharts.write(rows, dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the bench report to " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String num(double v) {
        if (Double.isNaN(v))
            return "";
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v)
                : String.format(Locale.ROOT, "%.4f", v);
    }
}
