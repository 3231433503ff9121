package dev.orderpipe.tools;

import dev.orderpipe.replay.RunSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplayCommandTest {

    @Test
    void replayOfARunMatchesItAndWritesTheRunDirectory(@TempDir Path dir) throws Exception {
        Path orders = dir.resolve("orders.csv");
        assertEquals(0, Cli.run("generate", "-n", "8000", "--malformed-pct", "1", "--out", orders.toString()).exitCode);
        Path data = dir.resolve("data");
        assertEquals(0, Cli.run("run", "-i", orders.toString(), "-d", data.toString(), "--exit-when-done").exitCode);

        Cli c = Cli.run("replay", data.resolve("orders").toString(), "--out", dir.resolve("run").toString(), "--rate", "20000",
                "--warmup", "500");
        assertEquals(0, c.exitCode, c.toString());
        assertTrue(c.out.contains("replay matches capture ("), c.out);
        assertTrue(c.out.contains("end-to-end"), c.out);
        RunSummary s = RunSummary.load(dir.resolve("run"));
        assertEquals(8000, s.sent);
        assertEquals(8000, s.accounted);
        assertEquals("matches", s.verification);
        for (String h : List.of("end-to-end", "send", "risk", "matching", "egress"))
            assertTrue(Files.exists(dir.resolve("run").resolve(h + ".hgrm")), h);
        assertTrue(Files.exists(dir.resolve("run").resolve(RunSummary.INTERVAL_LOG)));

        // the CSV capture, flat out, compared with an executions CSV
        Path csv = dir.resolve("exec.csv");
        assertEquals(0, Cli.run("export", data.resolve("executions").toString(), "--out", csv.toString()).exitCode);
        c = Cli.run("replay", orders.toString(), "--out", dir.resolve("run2").toString(), "--max", "--expected", csv.toString());
        assertEquals(0, c.exitCode, c.toString());
        assertTrue(RunSummary.load(dir.resolve("run2")).throughputRun);

        // a changed expectation is a mismatch: exit 1
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(csv));
        lines.set(100, lines.get(100).replaceFirst(",(NEW|TRADE|CANCELED|REPLACED|EXPIRED|REJECTED),", ",CANCELED,"));
        Files.write(csv, lines);
        c = Cli.run("replay", orders.toString(), "--out", dir.resolve("run3").toString(), "--max", "--expected", csv.toString());
        assertEquals(1, c.exitCode, c.toString());
        assertTrue(c.out.contains("first difference at seq 100"), c.out);
    }

    @Test
    void badArgumentsAreOneLine(@TempDir Path dir) throws Exception {
        Cli c = Cli.run("replay", dir.resolve("missing").toString(), "--out", dir.resolve("run").toString());
        assertTrue(c.exitCode == 1 || c.exitCode == 2, c.toString());
        assertTrue(c.oneLineError().contains("missing"), c.err);
        Files.createDirectories(dir.resolve("notaqueue"));
        c = Cli.run("replay", dir.resolve("notaqueue").toString(), "--out", dir.resolve("run").toString());
        assertTrue(c.exitCode == 1 || c.exitCode == 2, c.toString());
        c.oneLineError();
        c = Cli.run("replay", "x.csv", "--out", "o", "--rate", "5", "--max");
        assertEquals(2, c.exitCode, c.toString());
        c = Cli.run("replay", "x.csv", "--out", "o", "--rate", "-5");
        assertEquals(2, c.exitCode, c.toString());
        assertTrue(c.oneLineError().contains("--rate must be a positive number"), c.err);
        c = Cli.run("replay", "x.csv", "--out", "o", "--max-gap", "soon");
        assertEquals(2, c.exitCode, c.toString());
    }
}
