package dev.orderpipe.report;

import dev.orderpipe.pipeline.config.EffectiveGroup;
import dev.orderpipe.replay.RunSummary;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Prints a comparison for a terminal or a CI log: B/A per percentile per histogram, then the verdict. */
final class ConsoleTable {
    private ConsoleTable() {
    }

    static void print(PrintStream out, RunData a, RunData b, List<RunComparison.Row> rows,
                      RunComparison.Verdict verdict, List<String> notes) {
        out.println("A: " + a.dir() + "  (" + HtmlReport.pacing(a.summary()) + ", " + Fmt.count(a.summary().sent)
                + " sent)");
        out.println("B: " + b.dir() + "  (" + HtmlReport.pacing(b.summary()) + ", " + Fmt.count(b.summary().sent)
                + " sent)");
        for (String w : warnings(a.summary(), b.summary()))
            out.println("warning: " + w);
        out.println();
        out.print(table(rows, verdict.limitPct()));
        for (String n : notes)
            out.println("note: " + n);
        boolean limited = Double.isFinite(verdict.limitPct());
        if (limited)
            out.println("* = B worse than A by more than " + Fmt.pct(verdict.limitPct()) + " at p99 or above");
        if (verdict.fail()) {
            out.println("FAIL: B is worse than A by more than " + Fmt.pct(verdict.limitPct()) + " at p99 or above:");
            for (String r : verdict.reasons())
                out.println("  " + r);
        } else if (limited) {
            out.println("PASS: B is within " + Fmt.pct(verdict.limitPct()) + " of A at p99 and above");
        }
    }

    /**
     * The ratio matrix: one line per histogram, one column per percentile, values in the page. Columns are as wide
     * as their widest cell, so a ratio of 1234.56 does not push the rest of its line out of line.
     */
    static String table(List<RunComparison.Row> rows, double limitPct) {
        Map<String, List<String>> byHistogram = new LinkedHashMap<>();
        int cellWidth = 0;
        for (String p : RunComparison.PERCENTILES)
            cellWidth = Math.max(cellWidth, p.length() + 1); // the header leaves the flag's place blank too
        for (RunComparison.Row r : rows) {
            boolean flagged = r.gated() && r.worseBy(limitPct);
            String cell = Fmt.ratio(r.ratio()) + (flagged ? "*" : " ");
            cellWidth = Math.max(cellWidth, cell.length());
            byHistogram.computeIfAbsent(r.histogram(), k -> new ArrayList<>()).add(cell);
        }
        int nameWidth = "B/A".length();
        for (String h : byHistogram.keySet())
            nameWidth = Math.max(nameWidth, h.length());
        StringBuilder sb = new StringBuilder();
        sb.append(pad("B/A", nameWidth, false));
        for (String p : RunComparison.PERCENTILES)
            sb.append("  ").append(pad(p + " ", cellWidth, true));
        sb.append('\n');
        for (Map.Entry<String, List<String>> e : byHistogram.entrySet()) {
            sb.append(pad(e.getKey(), nameWidth, false));
            for (String cell : e.getValue())
                sb.append("  ").append(pad(cell, cellWidth, true));
            sb.append('\n');
        }
        if (byHistogram.isEmpty())
            sb.append("(no histogram recorded in both runs)\n");
        return sb.toString();
    }

    /** Reasons the two runs may not be comparable at all. */
    static List<String> warnings(RunSummary a, RunSummary b) {
        List<String> w = new ArrayList<>();
        if (a.throughputRun != b.throughputRun)
            w.add("run " + (a.throughputRun ? "A" : "B") + " is a throughput run (saturated pipeline) and the other"
                    + " is paced: their latencies measure different things");
        else if (a.throughputRun)
            w.add("both are throughput runs: latency of a saturated pipeline");
        if (!a.pacing.equals(b.pacing) || a.pacingValue != b.pacingValue)
            w.add("pacing differs: A " + HtmlReport.pacing(a) + ", B " + HtmlReport.pacing(b));
        if (!a.host.equals(b.host))
            w.add("ran on different hosts: A " + a.host + ", B " + b.host);
        if (!a.groups.isEmpty() && !b.groups.isEmpty() && !a.groups.equals(b.groups))
            w.add("stage groups differ: A " + EffectiveGroup.describe(a.groups, " | ") + "; B "
                    + EffectiveGroup.describe(b.groups, " | "));
        if ("differs".equals(a.verification))
            w.add("run A's outputs differ from its capture");
        if ("differs".equals(b.verification))
            w.add("run B's outputs differ from its capture");
        return w;
    }

    /** {@code s} padded with spaces to {@code width}, on the left when {@code right}-aligned. */
    private static String pad(String s, int width, boolean right) {
        String spaces = " ".repeat(Math.max(0, width - s.length()));
        return right ? spaces + s : s + spaces;
    }
}
