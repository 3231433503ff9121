package dev.orderpipe.report;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HtmlReportTest {
    @TempDir
    static Path tmp;
    private static Path run;
    private static ReportResult report;
    private static Document page;

    @BeforeAll
    static void writeOneReport() throws Exception {
        run = RunDirs.write(tmp.resolve("run-1"), 1.0, 12, 500, 1);
        report = HtmlReport.write(run, null);
        page = Pages.parse(report.html());
    }

    @Test
    void writesReportHtmlInTheRunDirectoryByDefault() {
        assertEquals(run.resolve(HtmlReport.DEFAULT_FILE), report.html());
    }

    @Test
    void hasEverySectionAndTheTablesBehindTheCharts() {
        Pages.assertHasIds(page, "banners", "summary", "distribution", "over-time", "throughput", "run", "counts",
                "rejects", "verification", "environment",
                "chart-end-to-end", "chart-stages", "chart-latency-over-time", "chart-throughput",
                "table-percentiles", "table-distribution-end-to-end", "table-distribution-matching",
                "table-intervals", "table-run", "table-counts", "table-rejects", "table-environment");
        String rejects = Pages.byId(page, "table-rejects").getTextContent();
        assertTrue(rejects.contains("PRICE_BAND") && rejects.contains("BAD_LINE:17"), rejects);
        String intervals = Pages.byId(page, "table-intervals").getTextContent();
        assertTrue(intervals.contains("500"), "orders per interval: " + intervals);
        String percentiles = Pages.byId(page, "table-percentiles").getTextContent();
        for (String stage : RunDirs.STAGES)
            assertTrue(percentiles.contains(stage), stage);
        assertTrue(Pages.byId(page, "table-environment").getTextContent().contains("build-1"));
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

    @Test
    void writesEveryChartAsAPngBesideThePage() throws Exception {
        assertEquals(4, report.images().size());
        for (Path png : report.images()) {
            assertEquals(report.html().getParent(), png.getParent());
            BufferedImage image = ImageIO.read(png.toFile());
            assertNotNull(image, png + " decodes");
            assertTrue(image.getWidth() >= LatencyCharts.WIDTH, png + " width " + image.getWidth());
        }
        assertTrue(Files.exists(run.resolve("report-end-to-end.png")));
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
