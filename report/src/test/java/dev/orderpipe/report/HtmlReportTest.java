package dev.orderpipe.report;

import dev.orderpipe.replay.RunSummary;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.HdrHistogram.HistogramLogWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HtmlReportTest {
    private static final int INTERVALS = 12;
    private static final int PER_INTERVAL = 500;
    /** The percentile columns of the table, as HdrHistogram takes them. */
    private static final double[] PERCENTILES = {50, 90, 99, 99.9, 99.99};

    @TempDir
    static Path tmp;
    private static Path run;
    /** What was recorded into the run's histograms, by name. */
    private static Map<String, Histogram> recorded;
    private static ReportResult report;
    private static Document page;

    @BeforeAll
    static void writeOneReport() throws Exception {
        RunDirs.Run written = RunDirs.record(tmp.resolve("run-1"), 1.0, INTERVALS, PER_INTERVAL, 1);
        run = written.dir();
        recorded = written.histograms();
        report = HtmlReport.write(run, null);
        page = Pages.parse(report.html());
    }

    @Test
    void writesReportHtmlInTheRunDirectoryByDefault() {
        assertEquals(run.resolve(HtmlReport.DEFAULT_FILE), report.html());
    }

    @Test
    void hasEverySectionAndTheTablesBehindTheCharts() {
        Pages.assertHasIds(page, "banners", "summary", "distribution", "over-time", "throughput", "run", "groups",
                "counts", "rejects", "verification", "environment",
                "chart-end-to-end", "chart-stages", "chart-latency-over-time", "chart-throughput",
                "table-percentiles", "table-distribution-end-to-end", "table-distribution-matching",
                "table-intervals", "table-run", "table-groups", "table-counts", "table-rejects", "table-environment");
        String rejects = Pages.byId(page, "table-rejects").getTextContent();
        assertTrue(rejects.contains("PRICE_BAND") && rejects.contains("BAD_LINE:17"), rejects);
        assertTrue(Pages.byId(page, "table-environment").getTextContent().contains("build-1"));
    }

    @Test
    void percentileTableShowsWhatEachHistogramRecorded() throws Exception {
        // the end-to-end histogram as the interval log holds it, read back with HdrHistogram's own reader
        Histogram endToEnd = new Histogram(3);
        for (Histogram interval : intervalLog())
            endToEnd.add(interval);
        assertEquals(recorded.get(RunSummary.END_TO_END), endToEnd, "the log holds what was recorded");

        Element table = Pages.byId(page, "table-percentiles");
        assertEquals(List.of("Histogram", "What it measures", "Count", "Mean", "p50", "p90", "p99", "p99.9", "p99.99",
                "Max"), Pages.header(table));
        List<List<String>> rows = Pages.rows(table);
        assertEquals(List.of(RunSummary.END_TO_END, "send", "risk", "matching", "egress"),
                rows.stream().map(r -> r.get(0)).toList(), "one row per histogram, end-to-end first");
        for (List<String> row : rows) {
            String name = row.get(0);
            Histogram h = name.equals(RunSummary.END_TO_END) ? endToEnd : recorded.get(name);
            assertEquals(10, row.size(), name + ": " + row);
            assertEquals(name.equals(RunSummary.END_TO_END) ? "intended send to execution read" : "time in " + name,
                    row.get(1));
            assertEquals(h.getTotalCount(), count(row.get(2)), name + " count");
            assertShows(h.getMean() / 1e3, row.get(3), name + " mean");
            for (int i = 0; i < PERCENTILES.length; i++)
                assertShows(h.getValueAtPercentile(PERCENTILES[i]) / 1e3, row.get(4 + i), name + " p" + PERCENTILES[i]);
            assertShows(h.getMaxValue() / 1e3, row.get(9), name + " max");
        }
        // the full distributions end at each histogram's count and maximum
        for (String name : recorded.keySet()) {
            List<List<String>> points = Pages.rows(Pages.byId(page, "table-distribution-" + name));
            List<String> last = points.get(points.size() - 1);
            assertEquals("100%", last.get(0), name);
            assertShows(recorded.get(name).getMaxValue() / 1e3, last.get(1), name + " last point");
            assertEquals(recorded.get(name).getTotalCount(), count(last.get(2)), name + " last point's count");
        }
    }

    @Test
    void summaryCardsShowTheRunAndItsEndToEndLatency() {
        Histogram e2e = recorded.get(RunSummary.END_TO_END);
        Map<String, String> cards = new LinkedHashMap<>();
        for (Element div : Pages.elements(Pages.byId(page, "summary"), Page.XHTML_NS, "div")) {
            if (!div.getAttribute("class").equals("card"))
                continue;
            List<Element> parts = Pages.elements(div, Page.XHTML_NS, "div");
            cards.put(parts.get(0).getTextContent().trim(), parts.get(1).getTextContent().trim());
        }
        assertEquals(List.of("Sent", "Throughput", "Duration", "End-to-end p50", "End-to-end p99",
                "End-to-end p99.9", "End-to-end max", "Rejected"), new ArrayList<>(cards.keySet()));
        assertEquals("6,000 orders", cards.get("Sent"));
        assertEquals("500 orders/s", cards.get("Throughput"));
        assertEquals("12.0 s", cards.get("Duration"));
        assertEquals("7 orders", cards.get("Rejected"));
        double[] percentiles = {50, 99, 99.9};
        String[] names = {"p50", "p99", "p99.9"};
        for (int i = 0; i < percentiles.length; i++) {
            String card = cards.get("End-to-end " + names[i]);
            assertTrue(card.endsWith(" µs"), card);
            assertShows(e2e.getValueAtPercentile(percentiles[i]) / 1e3, card.substring(0, card.length() - 3),
                    "card " + names[i]);
        }
        String max = cards.get("End-to-end max");
        assertShows(e2e.getMaxValue() / 1e3, max.substring(0, max.length() - 3), "card max");
    }

    @Test
    void intervalTableShowsEachIntervalOfTheLog() throws Exception {
        List<Histogram> log = intervalLog();
        assertEquals(INTERVALS, log.size());
        Element table = Pages.byId(page, "table-intervals");
        assertEquals(List.of("Start (s)", "Length (s)", "Orders", "Orders/s", "p50 (µs)", "p99 (µs)", "Max (µs)"),
                Pages.header(table));
        List<List<String>> rows = Pages.rows(table);
        assertEquals(INTERVALS, rows.size());
        for (int i = 0; i < INTERVALS; i++) {
            Histogram h = log.get(i);
            List<String> row = rows.get(i);
            String what = "interval " + i + ": " + row;
            assertEquals(String.format("%d.000", i), row.get(0), what);
            assertEquals("1.000", row.get(1), what);
            assertEquals(PER_INTERVAL, h.getTotalCount());
            assertEquals(h.getTotalCount(), count(row.get(2)), what);
            assertEquals(String.valueOf(PER_INTERVAL), row.get(3), what);
            assertShows(h.getValueAtPercentile(50) / 1e3, row.get(4), what + " p50");
            assertShows(h.getValueAtPercentile(99) / 1e3, row.get(5), what + " p99");
            assertShows(h.getMaxValue() / 1e3, row.get(6), what + " max");
        }
    }

    @Test
    void countTablesShowTheRunsCounts() throws Exception {
        RunSummary s = RunSummary.load(run);
        long inLog = 0;
        for (Histogram interval : intervalLog())
            inLog += interval.getTotalCount();
        assertEquals(inLog, s.sent, "the fixture's summary counts what its log holds");
        Map<String, String> counts = Pages.keyValues(Pages.byId(page, "table-counts"));
        assertEquals(List.of("Sent", "Accounted for", "Execution reports", "Trades", "Rejected"),
                new ArrayList<>(counts.keySet()));
        assertEquals(s.sent, count(counts.get("Sent")));
        assertEquals(s.accounted, count(counts.get("Accounted for")));
        assertEquals(s.reports, count(counts.get("Execution reports")));
        assertEquals(s.trades, count(counts.get("Trades")));
        assertEquals(s.rejected, count(counts.get("Rejected")));
        assertEquals(s.reportsByType, counts(Pages.keyValues(Pages.byId(page, "table-reports-by-type"))));
        assertEquals(s.rejectsByReason, counts(Pages.keyValues(Pages.byId(page, "table-rejects"))));
        assertEquals(List.of("Reason", "Count"), Pages.header(Pages.byId(page, "table-rejects")));
    }

    @Test
    void groupTableShowsEachStageGroupAsItRan() {
        RunSummary s = RunSummary.load(run);
        assertEquals(2, s.groups.size(), "the fixture records two groups");
        Element table = Pages.byId(page, "table-groups");
        assertEquals(List.of("Group", "Stages", "Pauser", "CPU"), Pages.header(table));
        assertEquals(List.of(
                        List.of("hot", "risk matching egress", "busy (spin)", "1"),
                        List.of("edge", "ingress", "sleepy (yield 50 us, then sleep 500..2000 us)", "unpinned")),
                Pages.rows(table));
        assertFalse(Pages.byId(page, "groups").getTextContent().contains("Not recorded"));
    }

    @Test
    void aRunRecordedBeforeGroupsWereSaysSoInsteadOfATable() throws Exception {
        Path dir = RunDirs.write(tmp.resolve("older"), 1.0, 2, 100, 5);
        // as an older replay wrote it: Chronicle Wire YAML, without groups
        RunSummary older = RunSummary.load(dir);
        older.groups.clear();
        Files.writeString(dir.resolve(RunSummary.FILE), older.toString().replace("  groups: [ ],\n", ""));
        assertFalse(Files.readString(dir.resolve(RunSummary.FILE)).contains("groups"), "as an older replay wrote it");
        Document doc = Pages.parse(HtmlReport.write(dir, null).html());
        Element groups = Pages.byId(doc, "groups");
        assertEquals(List.of("Stage groups"), Pages.elements(groups, Page.XHTML_NS, "h2").stream()
                .map(Element::getTextContent).toList());
        assertEquals(List.of(HtmlReport.NO_GROUPS), Pages.elements(groups, Page.XHTML_NS, "p").stream()
                .map(Element::getTextContent).toList());
        assertNull(Pages.byId(doc, "table-groups"));
    }

    @Test
    void isSelfContainedWithInlineSvgCharts() throws Exception {
        Pages.assertSelfContained(report.html(), page);
        assertEquals(4, Pages.svgCount(page), "four charts");
        Element chart = Pages.byId(page, "chart-end-to-end");
        assertEquals(1, chart.getElementsByTagNameNS(Pages.SVG_NS, "svg").getLength());
        // the nines axis is labelled with percentiles (XChart draws text as outlines, so look at the title only)
        assertTrue(chart.getTextContent().contains("End-to-end latency by percentile"));
        // ids inside each SVG are prefixed, so clip paths of one chart never apply to another
        String html = Files.readString(report.html());
        assertFalse(html.contains("id=\"clip"), "unprefixed SVG id");
    }

    /**
     * A log with each hop tagged (as replays write it) gets a chart of each stage's p99 over time; with
     * {@code logScale} the latency axes are logarithmic.
     */
    @Test
    void taggedHopsGiveThePerStageChartOverTimeAndLogScaleMakesLatencyAxesLogarithmic() throws Exception {
        Path dir = RunDirs.write(tmp.resolve("tagged"), 1.0, 5, 200, 9);
        Path log = dir.resolve(RunSummary.INTERVAL_LOG);
        List<EncodableHistogram> untagged = new ArrayList<>();
        HistogramLogReader reader = new HistogramLogReader(log.toFile());
        for (EncodableHistogram h; (h = reader.nextIntervalHistogram()) != null; )
            untagged.add(h);
        reader.close();
        HistogramLogWriter writer = new HistogramLogWriter(log.toFile());
        writer.outputLogFormatVersion();
        long base = untagged.get(0).getStartTimeStamp();
        writer.outputStartTime(base);
        writer.setBaseTime(base);
        writer.outputLegend();
        for (EncodableHistogram h : untagged) {
            writer.outputIntervalHistogram(h);
            for (String stage : RunDirs.STAGES) {
                Histogram hop = new Histogram(3);
                hop.recordValue(stage.length() * 1_000L);
                hop.setStartTimeStamp(h.getStartTimeStamp());
                hop.setEndTimeStamp(h.getEndTimeStamp());
                hop.setTag(stage);
                writer.outputIntervalHistogram(hop);
            }
        }
        writer.close();
        RunData run = RunData.load(dir);
        assertEquals(untagged.size(), run.intervals().size(), "end to end: the untagged histograms only");
        assertEquals(untagged.size(), run.intervals("risk").size());
        assertEquals(4.0, run.intervals("risk").get(0).p99Micros(), 0.01);

        Document doc = Pages.parse(HtmlReport.write(dir, null, true).html());
        Element chart = Pages.byId(doc, "chart-stages-over-time");
        assertNotNull(chart);
        assertTrue(chart.getTextContent().contains("Per-stage p99 latency per interval"));
        assertEquals(5, Pages.svgCount(doc), "the four charts and the per-stage one");

        List<LatencyCharts.Series> series = List.of(LatencyCharts.distribution("end-to-end",
                run.distribution(RunSummary.END_TO_END), LatencyCharts.END_TO_END, false));
        assertTrue(LatencyCharts.percentiles("t", series, true).getStyler().isYAxisLogarithmic());
        assertEquals("Latency (µs, log scale)", LatencyCharts.percentiles("t", series, true).getYAxisTitle());
        assertFalse(LatencyCharts.percentiles("t", series, false).getStyler().isYAxisLogarithmic());
        double[] t = {0, 1, 2};
        LatencyCharts.Series flat = new LatencyCharts.Series("p50", t, new double[]{10, 11, 12}, LatencyCharts.P50,
                false);
        assertFalse(LatencyCharts.overTime("t", "Latency (µs)", true, List.of(flat)).getStyler()
                .isYAxisLogarithmic(), "a narrow range stays linear by default");
        assertTrue(LatencyCharts.overTime("t", "Latency (µs)", true, true, List.of(flat)).getStyler()
                .isYAxisLogarithmic());
    }

    @Test
    void writesEveryChartAsAPngBesideThePageThatLinksIt() throws Exception {
        assertEquals(4, report.images().size());
        Set<Path> linked = new HashSet<>();
        // each chart's series by colour, and how many points each has: a line joins them
        Map<String, Map<Color, Integer>> lines = Map.of(
                "chart-end-to-end", Map.of(LatencyCharts.END_TO_END, finitePoints(RunSummary.END_TO_END)),
                "chart-stages", Map.of(LatencyCharts.colour("send"), finitePoints("send"),
                        LatencyCharts.colour("risk"), finitePoints("risk"),
                        LatencyCharts.colour("matching"), finitePoints("matching"),
                        LatencyCharts.colour("egress"), finitePoints("egress")),
                "chart-latency-over-time", Map.of(LatencyCharts.P50, INTERVALS, LatencyCharts.P99, INTERVALS,
                        LatencyCharts.MAX, INTERVALS),
                "chart-throughput", Map.of(LatencyCharts.END_TO_END, INTERVALS));
        for (Map.Entry<String, Map<Color, Integer>> chart : lines.entrySet()) {
            Element figure = Pages.byId(page, chart.getKey());
            assertEquals(1, Pages.elements(figure, Pages.SVG_NS, "svg").size(), chart.getKey());
            List<Element> links = Pages.elements(figure, Page.XHTML_NS, "a");
            assertEquals(1, links.size(), chart.getKey() + ": one link to its PNG");
            String href = links.get(0).getAttribute("href");
            assertEquals("report-" + chart.getKey().substring("chart-".length()) + ".png", href);
            Path png = report.html().resolveSibling(href);
            assertTrue(report.images().contains(png), href + " is one of " + report.images());
            assertTrue(linked.add(png), href + " linked twice");
            BufferedImage image = ImageIO.read(png.toFile());
            assertNotNull(image, png + " decodes");
            assertTrue(image.getWidth() >= LatencyCharts.WIDTH, png + " width " + image.getWidth());
            // each series is drawn in its colour in the PNG, and in the inline SVG from point to point (the legend
            // adds one more stroke of each colour)
            for (Map.Entry<Color, Integer> series : chart.getValue().entrySet()) {
                Color c = series.getKey();
                assertTrue(hasPixel(image, c), href + " has no line in " + Page.hex(c));
                int segments = segments(figure, c);
                assertTrue(segments >= series.getValue() - 1, chart.getKey() + "'s SVG joins " + series.getValue()
                        + " points in " + Page.hex(c) + " with " + segments + " strokes");
            }
        }
        assertEquals(Set.copyOf(report.images()), linked, "every PNG is linked from the page");
    }

    @Test
    void escapesEveryStringFromTheSummary() throws Exception {
        assertTrue(Pages.text(page).contains("data/capture/orders <2024-11-28> & co"));
        Path dir = RunDirs.write(tmp.resolve("hostile"), 1.0, 2, 100, 2);
        RunDirs.update(dir, s -> {
            s.capture = "<script>alert('x')</script>";
            s.host = "a\"b' onload=\"x";
            s.config = "line 1\nline 2 ]]> &amp; \u0001";
            s.rejectsByReason.put("<b>BAD</b>", 1L);
        });
        Path html = HtmlReport.write(dir, null).html();
        Document doc = Pages.parse(html);
        Pages.assertSelfContained(html, doc);
        String text = Pages.text(doc);
        assertTrue(text.contains("<script>alert('x')</script>"), "shown as text");
        assertTrue(text.contains("<b>BAD</b>"));
        assertTrue(text.contains("line 2 ]]> &amp;"));
    }

    @Test
    void bannersForAThroughputRunAndDifferingVerification() throws Exception {
        assertFalse(Pages.byId(page, "banners").getTextContent().contains("Throughput run"));
        Path dir = RunDirs.write(tmp.resolve("saturated"), 1.0, 2, 100, 3);
        RunDirs.update(dir, s -> {
            s.throughputRun = true;
            s.pacing = "max";
            s.verification = "differs";
            s.differences = 3;
            s.firstDifference = "seq 17: qty 100 vs 200";
        });
        Document doc = Pages.parse(HtmlReport.write(dir, tmp.resolve("out/saturated.html")).html());
        String banners = Pages.byId(doc, "banners").getTextContent();
        assertTrue(banners.contains("Throughput run: latency of a saturated pipeline"), banners);
        assertTrue(banners.contains("Verification differs"), banners);
        assertTrue(banners.contains("seq 17: qty 100 vs 200"), banners);
        assertTrue(Files.exists(tmp.resolve("out/saturated-end-to-end.png")), "PNGs named after the page");
    }

    @Test
    void aRunWithoutIntervalLogStillReports() throws Exception {
        Path dir = RunDirs.write(tmp.resolve("no-hlog"), 1.0, 2, 100, 4);
        Files.delete(dir.resolve("latency.hlog"));
        Files.delete(dir.resolve("egress.hgrm"));
        Path out = Files.createDirectories(tmp.resolve("into-dir"));
        ReportResult r = HtmlReport.write(dir, out);
        assertEquals(out.resolve(HtmlReport.DEFAULT_FILE), r.html(), "a directory gets report.html");
        Document doc = Pages.parse(r.html());
        Pages.assertHasIds(doc, "over-time", "throughput", "chart-latency-over-time", "table-distribution-egress");
        assertTrue(Pages.byId(doc, "banners").getTextContent().contains("No latency.hlog"));
        assertTrue(Pages.byId(doc, "chart-throughput").getTextContent().contains("no data"));
        assertEquals(2, Pages.svgCount(doc), "the percentile charts only");
    }

    /** The interval histograms of the run's latency.hlog, read with HdrHistogram's reader. */
    private static List<Histogram> intervalLog() throws Exception {
        List<Histogram> out = new ArrayList<>();
        try (HistogramLogReader reader = new HistogramLogReader(run.resolve(RunSummary.INTERVAL_LOG).toFile())) {
            while (reader.hasNext())
                out.add((Histogram) reader.nextIntervalHistogram());
        }
        return out;
    }

    /**
     * A latency cell shows the value to its last digit: within half a unit of the last digit shown, and with four
     * significant digits or more (so "1,234" for 1,234.4 µs and "15.23" for 15.2304 µs).
     */
    private static void assertShows(double micros, String shown, String what) {
        String digits = shown.replace(",", "");
        int dot = digits.indexOf('.');
        double halfUnit = 0.5 * Math.pow(10, dot < 0 ? 0 : -(digits.length() - dot - 1));
        double value = Double.parseDouble(digits);
        assertTrue(Math.abs(value - micros) <= halfUnit + 1e-9, what + ": shows " + shown + ", recorded " + micros);
        assertTrue(halfUnit <= Math.max(5e-4, micros * 5e-4), what + ": " + shown + " is too coarse for " + micros);
    }

    private static long count(String shown) {
        assertTrue(shown.matches("\\d{1,3}(,\\d{3})*"), "a count with thousands separators: " + shown);
        return Long.parseLong(shown.replace(",", ""));
    }

    private static Map<String, Long> counts(Map<String, String> shown) {
        Map<String, Long> out = new LinkedHashMap<>();
        shown.forEach((k, v) -> out.put(k, count(v)));
        return out;
    }

    /** The points of a histogram's full distribution on the page that a chart can draw (not the 100% one). */
    private static int finitePoints(String histogram) {
        int n = 0;
        for (List<String> row : Pages.rows(Pages.byId(page, "table-distribution-" + histogram)))
            if (!row.get(3).equals("inf"))
                n++;
        assertTrue(n > 10, histogram + " has " + n + " points");
        return n;
    }

    /** The SVG shapes in the element that stroke a series line (2 units wide) in that colour. */
    private static int segments(Element within, Color colour) {
        String stroke = "stroke:rgb(" + colour.getRed() + "," + colour.getGreen() + "," + colour.getBlue()
                + ");stroke-width:2;";
        int n = 0;
        for (Element e : Pages.elements(within, Pages.SVG_NS, "*"))
            if (e.getAttribute("style").contains(stroke))
                n++;
        return n;
    }

    private static boolean hasPixel(BufferedImage image, Color colour) {
        int rgb = colour.getRGB() & 0xFFFFFF;
        for (int y = 0; y < image.getHeight(); y++)
            for (int x = 0; x < image.getWidth(); x++)
                if ((image.getRGB(x, y) & 0xFFFFFF) == rgb)
                    return true;
        return false;
    }

    @Test
    void ninesAxisLabels() {
        assertEquals("0%", LatencyCharts.ninesLabel(0));
        assertEquals("90%", LatencyCharts.ninesLabel(1));
        assertEquals("99%", LatencyCharts.ninesLabel(2));
        assertEquals("99.9%", LatencyCharts.ninesLabel(3));
        assertEquals("99.99%", LatencyCharts.ninesLabel(4));
        assertEquals("99.999%", LatencyCharts.ninesLabel(5.0000000001));
        assertEquals("", LatencyCharts.ninesLabel(0.5));
        assertEquals("", LatencyCharts.ninesLabel(-1));
    }
}
