package dev.orderpipe.report;

import dev.orderpipe.pipeline.BadFileException;
import dev.orderpipe.replay.RunSummary;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunDataTest {
    @TempDir
    Path tmp;

    @Test
    void readsDistributionsAndIntervalsAsTheReplayWroteThem() throws Exception {
        Path dir = RunDirs.write(tmp.resolve("run"), 1.0, 5, 300, 1);
        RunData run = RunData.load(dir);
        assertEquals(List.of("end-to-end", "send", "risk", "matching", "egress"),
                run.distributions().stream().map(Distribution::name).toList());
        RunSummary s = run.summary();
        Distribution e2e = run.distribution(RunSummary.END_TO_END);
        assertEquals(1500, e2e.totalCount());
        // tables show the summary's exact percentiles; the .hgrm's nearest iteration step is within a bucket of it
        double p99 = s.histogram("end-to-end").p99 / 1e3;
        assertEquals(p99, run.valueMicros(e2e, 0.99), 1e-9);
        assertEquals(p99, e2e.valueAt(0.99), p99 * 0.01);
        assertEquals(s.histogram("end-to-end").max / 1e3, e2e.maxMicros(), 1e-3);
        assertTrue(e2e.finitePoints().size() > 20);

        List<LatencyIntervals.Interval> intervals = run.intervals();
        assertEquals(5, intervals.size());
        for (int i = 0; i < 5; i++) {
            assertEquals(i, intervals.get(i).startSeconds(), 1e-9);
            assertEquals(1.0, intervals.get(i).lengthSeconds(), 1e-9);
            assertEquals(300, intervals.get(i).count());
            assertEquals(300, intervals.get(i).perSecond(), 1e-9);
            assertTrue(intervals.get(i).p50Micros() <= intervals.get(i).p99Micros());
        }
        assertEquals(List.of(), run.notes());
    }

    @Test
    void readsAnEmptyHistogramAndACommaDecimalLocale() throws Exception {
        Path file = tmp.resolve("empty.hgrm");
        try (var ps = new java.io.PrintStream(Files.newOutputStream(file))) {
            new Histogram(3).outputPercentileDistribution(ps, 1000.0);
        }
        assertEquals(0, Distribution.parseHgrm("empty", "", file).totalCount());
        Files.writeString(file, "       Value     Percentile TotalCount 1/(1-Percentile)\n\n"
                + "      12,500 0,500000000000        500           2,00\n"
                + "      99,000 1,000000000000       1000\n#[Mean    =       50,000, StdDeviation   =  1,0]\n");
        Distribution d = Distribution.parseHgrm("de", "", file);
        assertEquals(12.5, d.valueAt(0.5), 1e-9);
        assertEquals(1000, d.totalCount());
        assertEquals(50.0, d.meanMicros(), 1e-9);
    }

    @Test
    void aMissingDirectoryIsAOneLineError() {
        Path missing = tmp.resolve("nope");
        BadFileException e = assertThrows(BadFileException.class, () -> RunData.load(missing));
        Pages.assertOneLine(e);
        assertEquals(missing + " does not exist: give the directory a replay run wrote", e.getMessage());
    }

    @Test
    void aFileInsteadOfADirectoryIsAOneLineError() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        BadFileException e = assertThrows(BadFileException.class, () -> RunData.load(file));
        Pages.assertOneLine(e);
        assertTrue(e.getMessage().contains("is not a directory"), e.getMessage());
    }

    @Test
    void aDirectoryWithoutSummaryIsAOneLineError() {
        BadFileException e = assertThrows(BadFileException.class, () -> HtmlReport.write(tmp, null));
        Pages.assertOneLine(e);
        assertTrue(e.getMessage().endsWith("it has no summary.yaml"), e.getMessage());
    }

    @Test
    void aGarbageLineInTheIntervalLogIsAOneLineError() throws Exception {
        Path dir = RunDirs.write(tmp.resolve("run"), 1.0, 3, 100, 1);
        // HistogramLogReader would stop here quietly and report two of five intervals
        Files.writeString(dir.resolve("latency.hlog"), "this is not an interval\n1.0,1.0,1.0,AAAA\n",
                StandardOpenOption.APPEND);
        BadFileException e = assertThrows(BadFileException.class, () -> RunData.load(dir));
        Pages.assertOneLine(e);
        assertTrue(e.getMessage().contains("latency.hlog"), e.getMessage());
        assertTrue(e.getMessage().contains("interval 4 of 5"), e.getMessage());
    }

    @Test
    void aCorruptHistogramPayloadIsAOneLineError() throws Exception {
        Path dir = RunDirs.write(tmp.resolve("run"), 1.0, 3, 100, 1);
        Files.writeString(dir.resolve("latency.hlog"), "3.000,1.000,0.5,HISTFAAAAC94nJNpmSzMwMDAyQABzFCaEUIDAAq!\n",
                StandardOpenOption.APPEND);
        BadFileException e = assertThrows(BadFileException.class, () -> RunData.load(dir));
        Pages.assertOneLine(e);
        assertTrue(e.getMessage().contains("latency.hlog"), e.getMessage());
    }

    @Test
    void aCorruptPercentileFileIsAOneLineError() throws Exception {
        Path dir = RunDirs.write(tmp.resolve("run"), 1.0, 2, 100, 1);
        Files.writeString(dir.resolve("risk.hgrm"), "12.0 banana 7\n", StandardOpenOption.APPEND);
        BadFileException e = assertThrows(BadFileException.class, () -> RunData.load(dir));
        Pages.assertOneLine(e);
        assertTrue(e.getMessage().contains("risk.hgrm line"), e.getMessage());

        Files.writeString(dir.resolve("send.hgrm"), "Value Percentile TotalCount 1/(1-Percentile)\nNaN 0.5 7 2.0\n");
        e = assertThrows(BadFileException.class, () -> RunData.load(dir));
        assertTrue(e.getMessage().contains("send.hgrm line 2"), e.getMessage());

        Files.writeString(dir.resolve("risk.hgrm"), "");
        e = assertThrows(BadFileException.class, () -> RunData.load(dir));
        Pages.assertOneLine(e);
        assertTrue(e.getMessage().contains("is not HdrHistogram percentile output"), e.getMessage());
    }

    @Test
    void aCorruptSummaryIsAOneLineError() throws Exception {
        Path dir = RunDirs.write(tmp.resolve("run"), 1.0, 2, 100, 1);
        Files.writeString(dir.resolve("summary.yaml"), "!dev.orderpipe.replay.RunSummary {\n  sent: [[[\n");
        BadFileException e = assertThrows(BadFileException.class, () -> RunData.load(dir));
        Pages.assertOneLine(e);
        assertTrue(e.getMessage().contains("summary.yaml"), e.getMessage());
    }
}
