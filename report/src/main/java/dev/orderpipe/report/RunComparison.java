package dev.orderpipe.report;

import dev.orderpipe.pipeline.ExitCodes;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orderpipe.replay.Documents;
import dev.orderpipe.replay.HistogramSummary;
import dev.orderpipe.replay.Pacing;
import dev.orderpipe.replay.Replayer;
import dev.orderpipe.replay.RunSummary;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Two replay runs side by side ({@code orderpipe compare RUN_A RUN_B [--fail-if-worse PCT]}): B/A ratios per
 * percentile and per histogram, a comparison page with both runs on the same axes, and the CI decision.
 *
 * <p>The decision: B fails when it is worse than A by more than PCT percent at p99, p99.9, p99.99 or max of
 * end-to-end or of any stage. Lower percentiles are reported but never fail a build: on a shared machine they move
 * with noise that says nothing about the tail a trading system cares about.
 */
public final class RunComparison {
    /** Pass as {@code failIfWorsePct} when no limit was given: the comparison never fails. */
    public static final double NO_LIMIT = Double.POSITIVE_INFINITY;
    /** File name used when no output file is given: in run B's directory. */
    public static final String DEFAULT_FILE = "compare.html";
    static final String[] PERCENTILES = {"p50", "p90", "p99", "p99.9", "p99.99", "max"};
    private static final boolean[] GATED = {false, false, true, true, true, true};

    private RunComparison() {
    }

    /**
     * One percentile of one histogram in both runs.
     *
     * @param histogram  histogram name
     * @param percentile p50, p90, p99, p99.9, p99.99 or max
     * @param aNanos     run A's latency
     * @param bNanos     run B's latency
     * @param gated      true for p99 and above: it can fail the comparison
     */
    public record Row(String histogram, String percentile, long aNanos, long bNanos, boolean gated) {
        /** B/A; infinite when A is 0 and B is not. */
        public double ratio() {
            if (aNanos == 0)
                return bNanos == 0 ? 1.0 : Double.POSITIVE_INFINITY;
            return (double) bNanos / aNanos;
        }

        /** True when B is worse than A by more than {@code pct} percent (exactly pct is not worse). */
        public boolean worseBy(double pct) {
            // multiplied out, so that 1100 vs 1000 at 10% compares integers rather than 1000 * 1.1000000000000001
            return (double) bNanos * 100 > (double) aNanos * (100 + pct);
        }
    }

    /**
     * The outcome of a comparison.
     *
     * @param fail     true when B is worse than A beyond the limit at p99 or above
     * @param limitPct the limit, {@link #NO_LIMIT} when none was given
     * @param reasons  one line per percentile that failed, empty when none did
     */
    public record Verdict(boolean fail, double limitPct, List<String> reasons) {
        public Verdict {
            reasons = List.copyOf(reasons);
        }

        /** The exit code for CI: {@link ExitCodes#FAILURE} when B is worse beyond the limit, else OK. */
        public int exitCode() {
            return fail ? ExitCodes.FAILURE : ExitCodes.OK;
        }
    }

    /**
     * The rows of a comparison: every percentile of every histogram both runs recorded samples in, in run A's
     * order. Histograms only one run has, that one run has no samples in, or whose samples are all 0 in one run (they
     * measured nothing: {@code send} in a max run), are described in {@code notes} instead.
     */
    public static List<Row> rows(RunSummary a, RunSummary b, List<String> notes) {
        List<Row> rows = new ArrayList<>();
        for (HistogramSummary ha : a.histograms) {
            HistogramSummary hb = b.histogram(ha.name);
            if (hb == null) {
                notes.add(ha.name + " is only in run A: not compared.");
            } else if (ha.count == 0 || hb.count == 0) {
                notes.add(ha.name + " has no samples in run " + (ha.count == 0 ? "A" : "B") + ": not compared.");
            } else if (ha.max == 0 || hb.max == 0) {
                // every sample 0 measures nothing: send in a max run (no schedule to be late against) would show
                // B/A 0.00, or 1.00 against another max run, as if it were a result
                notes.add(ha.name + " is 0 in every sample of run " + (ha.max == 0 ? "A" : "B") + nothingMeasured(
                        ha.max == 0 ? a : b, ha.name) + ": not compared.");
            } else {
                long[] va = values(ha);
                long[] vb = values(hb);
                for (int i = 0; i < PERCENTILES.length; i++)
                    rows.add(new Row(ha.name, PERCENTILES[i], va[i], vb[i], GATED[i]));
            }
        }
        for (HistogramSummary hb : b.histograms)
            if (a.histogram(hb.name) == null)
                notes.add(hb.name + " is only in run B: not compared.");
        return rows;
    }

    private static String nothingMeasured(RunSummary run, String histogram) {
        return Replayer.SEND.equals(histogram) && Pacing.Mode.MAX.id().equals(run.pacing)
                ? " (a max run sends each order as soon as it can: no schedule to be late against)" : "";
    }

    private static long[] values(HistogramSummary h) {
        return new long[]{h.p50, h.p90, h.p99, h.p999, h.p9999, h.max};
    }

    /**
     * Decides whether B is worse than A: by more than {@code failIfWorsePct} percent at p99, p99.9, p99.99 or max
     * of any row; with a limit, no row at all fails too. A pure function of its arguments.
     *
     * @param failIfWorsePct a percentage >= 0, or {@link #NO_LIMIT}
     * @throws IllegalArgumentException when the percentage is negative or not a number
     */
    public static Verdict decide(List<Row> rows, double failIfWorsePct) {
        checkLimit(failIfWorsePct);
        List<String> reasons = new ArrayList<>();
        // the ratio is printed with the digits it takes to exceed the limit as printed (never "1.20 > 1.20"); "us"
        // as everywhere on the console (the summary table, the pausers' back-off), which CI logs show as typed
        BigDecimal limit = Double.isFinite(failIfWorsePct)
                ? BigDecimal.ONE.add(BigDecimal.valueOf(failIfWorsePct).movePointLeft(2)) : null;
        for (Row r : rows) {
            if (r.gated() && r.worseBy(failIfWorsePct)) {
                reasons.add(r.histogram() + " " + r.percentile() + ": B " + Fmt.nanosAsMicros(r.bNanos())
                        + " us vs A " + Fmt.nanosAsMicros(r.aNanos()) + " us, B/A "
                        + Fmt.ratioAbove(r.bNanos(), r.aNanos(), limit) + " > " + Fmt.limit(limit));
            }
        }
        // a gate that compared nothing proves nothing: B lost its histograms (or A had none), so B cannot pass
        if (rows.isEmpty() && Double.isFinite(failIfWorsePct))
            reasons.add("no histogram has samples in both runs: nothing to compare against the limit");
        return new Verdict(!reasons.isEmpty(), failIfWorsePct, reasons);
    }

    /** {@link #decide(List, double)} on two summaries. */
    public static Verdict decide(RunSummary a, RunSummary b, double failIfWorsePct) {
        return decide(rows(a, b, new ArrayList<>()), failIfWorsePct);
    }

    static void checkLimit(double pct) {
        if (Double.isNaN(pct) || pct < 0)
            throw new IllegalArgumentException("--fail-if-worse must be a percentage >= 0, e.g. 10; got " + pct);
    }

    /**
     * Compares two runs: writes the comparison page (and its PNG charts beside it), prints the B/A table and the
     * verdict to {@code console}, and returns the exit code.
     *
     * @param a              the baseline run directory
     * @param b              the run under test
     * @param failIfWorsePct fail when B is worse than A by more than this percentage at p99 or above;
     *                       {@link #NO_LIMIT} never fails
     * @param outFile        the HTML file to write; null writes {@value #DEFAULT_FILE} in run B's directory, and a
     *                       directory gets {@value #DEFAULT_FILE} in it
     * @param console        where the table goes (System.out from the command line)
     * @return {@link ExitCodes#FAILURE} when B is worse beyond the limit, else {@link ExitCodes#OK}
     * @throws dev.orderpipe.pipeline.BadFileException with a one-line message for a missing or corrupt run directory
     *                                                 or an output that cannot be written
     * @throws IllegalArgumentException                for a bad limit (callers check what a person typed first)
     */
    public static int compare(Path a, Path b, double failIfWorsePct, Path outFile, PrintStream console) {
        return compare(a, b, failIfWorsePct, outFile, console, false);
    }

    /**
     * {@link #compare(Path, Path, double, Path, PrintStream)}, printing with {@code json} the comparison as a JSON
     * document ({@link #toJson}) instead of the table.
     */
    public static int compare(Path a, Path b, double failIfWorsePct, Path outFile, PrintStream console,
                              boolean json) {
        checkLimit(failIfWorsePct);
        RunData runA = RunData.load(a);
        RunData runB = RunData.load(b);
        List<String> notes = new ArrayList<>();
        List<Row> rows = rows(runA.summary(), runB.summary(), notes);
        Verdict verdict = decide(rows, failIfWorsePct);
        Path html = Page.outFile(outFile, b, DEFAULT_FILE);
        ReportResult result = ComparisonPage.write(runA, runB, rows, verdict, notes, html);
        if (json) {
            console.print(Documents.json(toJson(runA, runB, rows, verdict, notes, result.html())));
        } else {
            ConsoleTable.print(console, runA, runB, rows, verdict, notes);
            console.println("Comparison page: " + result.html());
        }
        return verdict.exitCode();
    }

    /**
     * The comparison as a document: both runs (directory, version, pacing), the limit ({@code null} without one),
     * the verdict and its reasons, the notes, every row (latencies in microseconds, the ratio B/A, whether the row
     * is gated and worse than the limit) and the page written.
     */
    static ObjectNode toJson(RunData a, RunData b, List<Row> rows, Verdict verdict, List<String> notes, Path page) {
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        doc.set("run_a", runJson(a));
        doc.set("run_b", runJson(b));
        if (Double.isFinite(verdict.limitPct()))
            doc.put("limit_pct", verdict.limitPct());
        else
            doc.putNull("limit_pct");
        doc.put("fail", verdict.fail());
        ArrayNode reasons = doc.putArray("reasons");
        verdict.reasons().forEach(reasons::add);
        ArrayNode warnings = doc.putArray("warnings");
        ConsoleTable.warnings(a.summary(), b.summary()).forEach(warnings::add);
        ArrayNode notesArray = doc.putArray("notes");
        notes.forEach(notesArray::add);
        ArrayNode rowsArray = doc.putArray("rows");
        for (Row r : rows) {
            ObjectNode row = rowsArray.addObject();
            row.put("histogram", r.histogram());
            row.put("percentile", r.percentile());
            row.put("a_us", r.aNanos() / 1e3);
            row.put("b_us", r.bNanos() / 1e3);
            if (Double.isFinite(r.ratio()))
                row.put("ratio", r.ratio());
            else
                row.putNull("ratio");
            row.put("gated", r.gated());
            row.put("worse_than_limit", r.gated() && r.worseBy(verdict.limitPct()));
        }
        doc.put("page", page.toString());
        return doc;
    }

    private static ObjectNode runJson(RunData run) {
        RunSummary s = run.summary();
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("dir", run.dir().toString());
        o.put("orderpipe_version", s.orderpipeVersion);
        o.put("orderpipe_commit", s.orderpipeCommit);
        o.put("pacing", s.pacing);
        o.put("pacing_value", s.pacingValue);
        o.put("start_time", s.startTime);
        return o;
    }
}
