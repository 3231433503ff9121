package dev.orderpipe.replay;

import dev.orderpipe.pipeline.BadFileException;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunSummaryTest {
    @Test
    void roundTripsThroughSummaryYaml(@TempDir Path dir) throws Exception {
        Histogram h = new Histogram(3);
        for (int i = 1; i <= 1000; i++)
            h.recordValue(i * 1000L);
        RunSummary s = new RunSummary();
        s.capture = "orders.csv";
        s.pacing = "rate";
        s.pacingValue = 10_000;
        s.sent = 1000;
        s.rejectsByReason.put("PRICE_BAND", 3L);
        s.histograms.add(HistogramSummary.of(RunSummary.END_TO_END, "intended send to execution read", h));
        s.save(dir);
        String text = Files.readString(dir.resolve(RunSummary.FILE));
        assertTrue(text.contains("p99:"), text);
        RunSummary back = RunSummary.load(dir);
        assertEquals(s, back);
        assertEquals(h.getValueAtPercentile(99), back.histogram(RunSummary.END_TO_END).p99);
        assertEquals(3L, back.rejectsByReason.get("PRICE_BAND"));
    }

    @Test
    void aDirectoryWithoutSummaryIsAOneLineError(@TempDir Path dir) {
        BadFileException e = assertThrows(BadFileException.class, () -> RunSummary.load(dir));
        assertEquals(dir + " is not a replay run directory: it has no summary.yaml", e.getMessage());
    }
}
