package dev.orderpipe.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderpipe.pipeline.BadFileException;
import dev.orderpipe.pipeline.ExitCodes;
import dev.orderpipe.replay.HistogramSummary;
import dev.orderpipe.replay.RunSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunComparisonTest {
    @TempDir
    Path tmp;

    // --- the decision, as a pure function of two summaries

    @Test
    void equalRunsPass() {
        RunSummary a = summary(h("end-to-end", 1.0), h("risk", 1.0));
        assertEquals(ExitCodes.OK, RunComparison.decide(a, a, 10).exitCode());
        assertEquals(ExitCodes.OK, RunComparison.decide(a, a, 0).exitCode());
    }

    @Test
    void aFasterBPasses() {
        RunSummary a = summary(h("end-to-end", 1.0));
        RunSummary b = summary(h("end-to-end", 0.5));
        assertFalse(RunComparison.decide(a, b, 0).fail());
    }

    @Test
    void bWorseBeyondTheLimitAtP99Fails() {
        RunSummary a = summary(h("end-to-end", 1.0));
        HistogramSummary slow = h("end-to-end", 1.0);
        slow.p99 = slow.p99 * 12 / 10;
        RunComparison.Verdict v = RunComparison.decide(a, summary(slow), 10);
        assertTrue(v.fail());
        assertEquals(ExitCodes.FAILURE, v.exitCode());
        assertEquals(1, v.reasons().size(), v.reasons().toString());
        assertTrue(v.reasons().get(0).startsWith("end-to-end p99: "), v.reasons().get(0));
        assertTrue(v.reasons().get(0).contains("B/A 1.20 > 1.10"), v.reasons().get(0));
    }

    /** A ratio just over the limit shows the digits that put it over: never "B/A 1.20 > 1.20". */
    @Test
    void aRatioJustOverTheLimitIsPrintedAboveIt() {
        RunSummary a = summary(h("end-to-end", 1.0));
        HistogramSummary slow = h("end-to-end", 1.0);
        slow.p99 = 240_080; // 200 us * 1.2004
        RunComparison.Verdict v = RunComparison.decide(a, summary(slow), 20);
        assertEquals(List.of("end-to-end p99: B 240.1 us vs A 200.0 us, B/A 1.2004 > 1.20"), v.reasons());
        v = RunComparison.decide(a, summary(slow), 12.5);
        assertEquals(List.of("end-to-end p99: B 240.1 us vs A 200.0 us, B/A 1.20 > 1.125"), v.reasons());
        slow.p99 = 250_000; // 1.25 exactly against 1.25: not worse, so no reason
        assertEquals(List.of(), RunComparison.decide(a, summary(slow), 25).reasons());
    }

    /** Every column is as wide as its widest ratio: a four-digit ratio does not shift the rest of its line. */
    @Test
    void tableColumnsStayAlignedWithLargeRatios() {
        HistogramSummary huge = h("risk", 1234.0);
        List<RunComparison.Row> rows = RunComparison.rows(summary(h("end-to-end", 1.0), h("risk", 1.0)),
                summary(h("end-to-end", 1.0), huge), new ArrayList<>());
        String table = ConsoleTable.table(rows, 10);
        assertEquals("B/A             p50       p90       p99     p99.9    p99.99       max \n"
                + "end-to-end     1.00      1.00      1.00      1.00      1.00      1.00 \n"
                + "risk        1234.00   1234.00   1234.00*  1234.00*  1234.00*  1234.00*\n", table);
    }

    @Test
    void aStageWorseAtMaxFailsAndIsNamed() {
        RunSummary a = summary(h("end-to-end", 1.0), h("matching", 1.0));
        HistogramSummary slow = h("matching", 1.0);
        slow.max *= 3;
        RunComparison.Verdict v = RunComparison.decide(a, summary(h("end-to-end", 1.0), slow), 10);
        assertTrue(v.fail());
        assertTrue(v.reasons().get(0).startsWith("matching max: "), v.reasons().toString());
    }

    @Test
    void worseOnlyBelowP99Passes() {
        RunSummary a = summary(h("end-to-end", 1.0));
        HistogramSummary b = h("end-to-end", 1.0);
        b.p50 *= 2;
        b.p90 *= 2;
        assertFalse(RunComparison.decide(a, summary(b), 10).fail());
    }

    @Test
    void worseWithinTheLimitPasses() {
        RunSummary a = summary(h("end-to-end", 1.0));
        assertFalse(RunComparison.decide(a, summary(h("end-to-end", 1.05)), 10).fail());
        // exactly the limit is not "more than" it
        assertFalse(RunComparison.decide(a, summary(h("end-to-end", 1.1)), 10).fail());
        assertTrue(RunComparison.decide(a, summary(h("end-to-end", 1.11)), 10).fail());
    }

    @Test
    void withoutALimitNothingFails() {
        RunSummary a = summary(h("end-to-end", 1.0));
        assertFalse(RunComparison.decide(a, summary(h("end-to-end", 100)), RunComparison.NO_LIMIT).fail());
    }

    @Test
    void histogramsInOneRunOnlyAreNotedNotCompared() {
        RunSummary a = summary(h("end-to-end", 1.0), h("risk", 1.0));
        RunSummary b = summary(h("end-to-end", 1.0), h("egress", 9.0));
        List<String> notes = new ArrayList<>();
        List<RunComparison.Row> rows = RunComparison.rows(a, b, notes);
        assertEquals(6, rows.size());
        assertEquals(List.of("risk is only in run A: not compared.", "egress is only in run B: not compared."), notes);
        assertFalse(RunComparison.decide(rows, 10).fail());
    }

    /**
     * send in a max run is 0 in every sample (no schedule to be late against): compared with a paced run it showed
     * B/A 0.00 as if B's sender were infinitely better, and 1.00 against another max run. Such a histogram is noted,
     * never a row, on the console, the page and in the JSON alike (they all take these rows and notes).
     */
    @Test
    void aHistogramOfZerosIsNotedNotCompared() {
        RunSummary a = summary(h("end-to-end", 1.0), h("send", 1.0), h("risk", 1.0));
        RunSummary b = summary(h("end-to-end", 1.0), h("send", 0), h("risk", 0));
        a.pacing = "rate";
        b.pacing = "max";
        List<String> notes = new ArrayList<>();
        List<RunComparison.Row> rows = RunComparison.rows(a, b, notes);
        assertEquals(6, rows.size());
        assertTrue(rows.stream().allMatch(r -> r.histogram().equals("end-to-end")), rows.toString());
        assertEquals(List.of("send is 0 in every sample of run B (a max run sends each order as soon as it can: no "
                + "schedule to be late against): not compared.", "risk is 0 in every sample of run B: not compared."),
                notes);
        notes.clear();
        assertEquals(6, RunComparison.rows(b, b, notes).size());
        assertEquals(List.of("send is 0 in every sample of run A (a max run sends each order as soon as it can: no "
                + "schedule to be late against): not compared.", "risk is 0 in every sample of run A: not compared."),
                notes);
        assertTrue(RunComparison.rows(b, b, notes).stream().noneMatch(r -> r.ratio() == 0 || r.histogram().equals("send")));
    }

    /** A gate that compared nothing (B's histograms lost) once passed: exit 0 on no evidence. */
    @Test
    void withALimitNothingComparedFails() {
        RunSummary a = summary(h("end-to-end", 1.0));
        RunComparison.Verdict v = RunComparison.decide(a, summary(), 10);
        assertTrue(v.fail());
        assertEquals(List.of("no histogram has samples in both runs: nothing to compare against the limit"),
                v.reasons());
        HistogramSummary none = h("end-to-end", 1.0);
        none.count = 0;
        assertTrue(RunComparison.decide(a, summary(none), 10).fail());
        assertFalse(RunComparison.decide(a, summary(), RunComparison.NO_LIMIT).fail());
    }

    /** A summary.yaml cut short before its histograms (or any mapping) is not a run, for report and compare alike. */
    @Test
    void aSummaryWithoutHistogramsIsRefused() throws Exception {
        Path a = RunDirs.write(tmp.resolve("a"), 1.0, 3, 200, 1);
        Path b = RunDirs.write(tmp.resolve("b"), 1.0, 3, 200, 1);
        String whole = Files.readString(b.resolve(RunSummary.FILE));
        for (String text : List.of("{}\n", "foo: 1\n", whole.substring(0, whole.indexOf("histograms:")))) {
            Files.writeString(b.resolve(RunSummary.FILE), text);
            BadFileException e = assertThrows(BadFileException.class, () -> RunComparison.compare(a, b, 10, null,
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), true));
            Pages.assertOneLine(e);
            assertEquals(b.resolve(RunSummary.FILE) + " is not a replay summary: it has no histograms list (cut short"
                    + " or edited?); replay the run again", e.getMessage());
        }
    }

    @Test
    void aBadLimitIsAOneLineError() {
        RunSummary a = summary(h("end-to-end", 1.0));
        Pages.assertOneLine(assertThrows(IllegalArgumentException.class, () -> RunComparison.decide(a, a, -1)));
        Pages.assertOneLine(assertThrows(IllegalArgumentException.class,
                () -> RunComparison.decide(a, a, Double.NaN)));
    }

    @Test
    void ratioOfAZeroBaseline() {
        assertEquals(1.0, new RunComparison.Row("x", "p99", 0, 0, true).ratio());
        assertEquals(Double.POSITIVE_INFINITY, new RunComparison.Row("x", "p99", 0, 5, true).ratio());
        assertTrue(new RunComparison.Row("x", "p99", 0, 5, true).worseBy(10));
    }

    // --- the whole command on real run directories

    @Test
    void comparesTwoRunsOnThePageAndTheConsole() throws Exception {
        Path a = RunDirs.write(tmp.resolve("a"), 1.0, 4, 300, 1);
        Path b = RunDirs.write(tmp.resolve("b"), 1.5, 6, 300, 2);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = RunComparison.compare(a, b, 10, null, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String console = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(ExitCodes.FAILURE, exit, console);
        assertTrue(console.contains("B/A"), console);
        assertTrue(console.contains("FAIL: B is worse than A by more than 10% at p99 or above"), console);
        assertTrue(console.contains("end-to-end p99: "), console);

        Path html = b.resolve(RunComparison.DEFAULT_FILE);
        assertTrue(Files.exists(html));
        Document doc = Pages.parse(html);
        Pages.assertSelfContained(html, doc);
        Pages.assertHasIds(doc, "verdict", "ratios", "table-ratios", "distribution", "over-time", "throughput",
                "runs", "table-runs", "chart-end-to-end", "chart-send", "chart-risk", "chart-matching", "chart-egress",
                "chart-latency-over-time", "chart-throughput");
        assertEquals(7, Pages.svgCount(doc));
        assertTrue(Pages.byId(doc, "verdict").getTextContent().contains("FAIL"));
        assertTrue(Files.exists(b.resolve("compare-end-to-end.png")));
    }

    /** compare --json: one JSON document a standard parser reads, with the verdict and every ratio. */
    @Test
    void theComparisonAsJson() throws Exception {
        Path a = RunDirs.write(tmp.resolve("a"), 1.0, 4, 300, 1);
        Path b = RunDirs.write(tmp.resolve("b"), 1.5, 6, 300, 2);
        String summaryB = Files.readString(b.resolve(RunSummary.FILE));
        assertTrue(summaryB.contains("\npacing_value: 2000\n"), summaryB);
        Files.writeString(b.resolve(RunSummary.FILE), summaryB.replace("\npacing_value: 2000\n", "\npacing_value: 3000\n"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = RunComparison.compare(a, b, 10, null, new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        assertEquals(ExitCodes.FAILURE, exit);
        JsonNode doc = new ObjectMapper().readTree(bytes.toString(StandardCharsets.UTF_8));
        assertTrue(doc.get("fail").asBoolean());
        assertEquals(10.0, doc.get("limit_pct").asDouble());
        assertEquals(a.toString(), doc.get("run_a").get("dir").asText());
        assertEquals(b.resolve(RunComparison.DEFAULT_FILE).toString(), doc.get("page").asText());
        RunSummary sa = RunSummary.load(a);
        RunSummary sb = RunSummary.load(b);
        List<RunComparison.Row> rows = RunComparison.rows(sa, sb, new ArrayList<>());
        assertEquals(rows.size(), doc.get("rows").size());
        for (int i = 0; i < rows.size(); i++) {
            RunComparison.Row r = rows.get(i);
            JsonNode row = doc.get("rows").get(i);
            assertEquals(r.histogram(), row.get("histogram").asText());
            assertEquals(r.percentile(), row.get("percentile").asText());
            assertEquals(r.aNanos() / 1e3, row.get("a_us").asDouble());
            assertEquals(r.bNanos() / 1e3, row.get("b_us").asDouble());
            assertEquals(r.ratio(), row.get("ratio").asDouble(), 1e-12);
            assertEquals(r.gated() && r.worseBy(10), row.get("worse_than_limit").asBoolean());
        }
        assertEquals(RunComparison.decide(sa, sb, 10).reasons().size(), doc.get("reasons").size());
        // the console's warnings are in the document too (once only on the console and the page)
        List<String> warnings = ConsoleTable.warnings(sa, sb);
        assertFalse(warnings.isEmpty(), "the two runs differ in pacing: " + warnings);
        assertEquals(warnings.size(), doc.get("warnings").size());
        for (int i = 0; i < warnings.size(); i++)
            assertEquals(warnings.get(i), doc.get("warnings").get(i).asText());
    }

    @Test
    void aRunComparedWithItselfPasses() throws Exception {
        Path a = RunDirs.write(tmp.resolve("a"), 1.0, 3, 200, 1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Path out = tmp.resolve("reports/same.html");
        int exit = RunComparison.compare(a, a, 0, out, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String console = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(ExitCodes.OK, exit, console);
        assertTrue(console.contains("PASS"), console);
        assertTrue(Files.exists(out));
    }

    @Test
    void runsOnDifferentStageGroupsShowBothOnTheConsoleAndThePage() throws Exception {
        Path a = RunDirs.write(tmp.resolve("a"), 1.0, 3, 200, 1);
        Path b = RunDirs.write(tmp.resolve("b"), 1.0, 3, 200, 2);
        RunDirs.update(a, s -> s.groups = List.of(RunDirs.group("pipeline",
                List.of("ingress", "risk", "matching", "egress"), "balanced (yield 50 us, then sleep 500..1000 us)",
                -1)));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RunComparison.compare(a, b, RunComparison.NO_LIMIT, null, new PrintStream(bytes, true,
                StandardCharsets.UTF_8));
        String console = bytes.toString(StandardCharsets.UTF_8);
        String warning = "stage groups differ: A pipeline: ingress risk matching egress; pauser balanced (yield 50 us,"
                + " then sleep 500..1000 us); unpinned; B hot: risk matching egress; pauser busy (spin); cpu 1 | edge:"
                + " ingress; pauser sleepy (yield 50 us, then sleep 500..2000 us); unpinned";
        assertTrue(console.contains("\nwarning: " + warning + "\n"), console);

        Document doc = Pages.parse(b.resolve(RunComparison.DEFAULT_FILE));
        String verdict = Pages.byId(doc, "verdict").getTextContent();
        assertTrue(verdict.contains("Runs may not be comparable\n" + warning), verdict);
        Map<String, List<String>> runs = new LinkedHashMap<>();
        for (List<String> row : Pages.rows(Pages.byId(doc, "table-runs")))
            runs.put(row.get(0), row.subList(1, row.size()));
        assertEquals(List.of("pipeline: ingress risk matching egress; pauser balanced (yield 50 us, then sleep"
                        + " 500..1000 us); unpinned",
                "hot: risk matching egress; pauser busy (spin); cpu 1\nedge: ingress; pauser sleepy (yield 50 us, then"
                        + " sleep 500..2000 us); unpinned"), runs.get("Stage groups"));

        // the same groups: no warning; a run recorded before groups were: not compared, shown as such
        bytes.reset();
        RunComparison.compare(b, b, RunComparison.NO_LIMIT, tmp.resolve("same.html"), new PrintStream(bytes, true,
                StandardCharsets.UTF_8));
        assertFalse(bytes.toString(StandardCharsets.UTF_8).contains("stage groups differ"));
        RunDirs.update(a, s -> s.groups = List.of());
        bytes.reset();
        RunComparison.compare(a, b, RunComparison.NO_LIMIT, tmp.resolve("older.html"), new PrintStream(bytes, true,
                StandardCharsets.UTF_8));
        assertFalse(bytes.toString(StandardCharsets.UTF_8).contains("stage groups differ"));
        doc = Pages.parse(tmp.resolve("older.html"));
        for (List<String> row : Pages.rows(Pages.byId(doc, "table-runs")))
            if (row.get(0).equals("Stage groups"))
                assertEquals("(not recorded)", row.get(1));
    }

    @Test
    void aMissingRunIsAOneLineError() throws Exception {
        Path a = RunDirs.write(tmp.resolve("a"), 1.0, 2, 100, 1);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        BadFileException e = assertThrows(BadFileException.class,
                () -> RunComparison.compare(a, tmp.resolve("b"), 10, null, quiet));
        Pages.assertOneLine(e);
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    private static RunSummary summary(HistogramSummary... histograms) {
        RunSummary s = new RunSummary();
        s.histograms.addAll(List.of(histograms));
        return s;
    }

    /** A histogram summary with a realistic shape, every percentile scaled by {@code scale}. */
    private static HistogramSummary h(String name, double scale) {
        HistogramSummary h = new HistogramSummary();
        h.name = name;
        h.count = 10_000;
        h.mean = 30_000 * scale;
        h.p50 = Math.round(20_000 * scale);
        h.p90 = Math.round(40_000 * scale);
        h.p99 = Math.round(200_000 * scale);
        h.p999 = Math.round(900_000 * scale);
        h.p9999 = Math.round(2_000_000 * scale);
        h.max = Math.round(3_000_000 * scale);
        return h;
    }
}
