package dev.orderpipe.replay;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressReporterTest {
    private static final long S = 1_000_000_000L;

    @Test
    void plainLinesEveryIntervalWhenNotATerminal() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressReporter p = new ProgressReporter(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, 5 * S,
                100_000, 0, 0);
        p.update(S, 10_000, 10_000);                 // too early
        p.update(5 * S, 50_000, 50_000);
        p.update(6 * S, 60_000, 60_000);             // too early
        p.update(10 * S, 100_000, 90_000);
        p.finish(11 * S, 100_000, 100_000);
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(3, lines.length);
        assertEquals("replay: sent 50,000/100,000  accounted 50,000 (50.0%)  rate 10,000/s  elapsed 0:05  ETA 0:05",
                lines[0]);
        assertTrue(lines[1].startsWith("replay: sent 100,000/100,000  accounted 90,000 (90.0%)"), lines[1]);
        assertTrue(lines[2].endsWith("ETA 0:00"), lines[2]);
        assertTrue(!bytes.toString(StandardCharsets.UTF_8).contains("\r"));
    }

    @Test
    void aTerminalLineIsRewrittenInPlace() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressReporter p = new ProgressReporter(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, 5 * S,
                1000, 0, 10 * S);
        p.update(S, 100, 100);
        p.update(2 * S, 200, 200);
        p.finish(3 * S, 1000, 1000);
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("\rreplay: sent 100/1,000"), out);
        assertTrue(out.contains("ETA 0:09"), out);   // paced: the schedule has 9 s left
        assertEquals(3, out.chars().filter(c -> c == '\r').count());
        assertTrue(out.endsWith(System.lineSeparator()), out);
    }
}
