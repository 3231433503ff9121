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
        c = Cli.run("replay", "x.csv", "--out", "o", "--via", "tcp");
        assertEquals(2, c.exitCode, c.toString());
        assertEquals("orderpipe: --via takes 'queue' or 'fix', was 'tcp'", c.oneLineError());
    }

    @Test
    void viaFixReplaysThroughTheGatewayAndNeedsExecutionsToVerify(@TempDir Path dir) throws Exception {
        Path orders = dir.resolve("orders.csv");
        assertEquals(0, Cli.run("generate", "-n", "2000", "--stale-pct", "0", "--risk-break-pct", "0", "--out",
                orders.toString()).exitCode);
        Path data = dir.resolve("data");
        assertEquals(0, Cli.run("run", "-i", orders.toString(), "-d", data.toString(), "--exit-when-done").exitCode);

        Cli c = Cli.run("replay", data.resolve("orders").toString(), "--out", dir.resolve("run").toString(), "--via",
                "fix", "--rate", "2000", "--warmup", "200");
        assertEquals(0, c.exitCode, c.toString());
        assertTrue(c.out.contains("through a FIX gateway"), c.out);
        assertTrue(c.out.contains("gateway-in") && c.out.contains("gateway-out"), c.out);
        assertTrue(c.out.contains("replay matches capture ("), c.out);
        assertEquals("fix", RunSummary.load(dir.resolve("run")).via);

        // an order file has no executions beside it: no silent skip of the verification
        c = Cli.run("replay", orders.toString(), "--out", dir.resolve("run2").toString(), "--via", "fix", "--max");
        assertEquals(2, c.exitCode, c.toString());
        assertTrue(c.oneLineError().startsWith("orderpipe: replay --via fix verifies the pipeline's executions"),
                c.err);
    }

    @Test
    void durationsOutOfRangeAreUsageErrorsAndHoursAreDurations(@TempDir Path dir) {
        // too long for a long of nanoseconds: once an ArithmeticException with a stack trace
        for (String[] typed : new String[][]{{"--interval", "999999999999999999999s"},
                {"--interval", "9223372036854775807ms"}, {"--max-gap", "153722867280912931m"}, {"--max-gap", "-1m"}}) {
            Cli c = Cli.run("replay", "x.csv", "--out", dir.resolve("o").toString(), typed[0], typed[1]);
            assertEquals(2, c.exitCode, c.toString());
            assertEquals("orderpipe: " + typed[0] + " '" + typed[1] + "' is out of range: a duration from 0 to 365 days",
                    c.oneLineError());
        }
        Cli c = Cli.run("replay", "x.csv", "--out", dir.resolve("o").toString(), "--interval", "1ns");
        assertEquals(2, c.exitCode, c.toString());
        assertTrue(c.oneLineError().contains("--interval '1ns' is not a duration such as 500ms, 2s, 1m or 1h; a plain "
                + "number is seconds"), c.err);
        // an hour is a duration: the command goes on to the capture, which is missing
        c = Cli.run("replay", dir.resolve("missing.csv").toString(), "--out", dir.resolve("o").toString(),
                "--interval", "1h", "--max-gap", "1.5h");
        assertTrue(c.exitCode == 1 || c.exitCode == 2, c.toString());
        assertTrue(c.oneLineError().contains("missing.csv"), c.err);
        // a plain number is seconds, as for stats --interval: the same parser
        c = Cli.run("replay", dir.resolve("missing.csv").toString(), "--out", dir.resolve("o").toString(),
                "--interval", "2", "--max-gap", "0.5");
        assertTrue(c.oneLineError().contains("missing.csv"), c.err);
    }

    /** stats --interval and run --status-every take the durations replay does (they took seconds only), refused alike. */
    @Test
    void statsIntervalIsADurationAsReplays(@TempDir Path dir) {
        for (String[] typed : new String[][]{{"soon", "--interval 'soon' is not a duration such as 500ms, 2s, 1m or 1h"},
                {"-1s", "--interval '-1s' is out of range"}, {"10ms", "--interval must be at least 50ms, was 10ms"},
                {"0.01", "--interval must be at least 50ms, was 0.01"}}) {
            Cli c = Cli.run("stats", dir.toString(), "--watch", "--interval", typed[0]);
            assertEquals(2, c.exitCode, c.toString());
            assertTrue(c.oneLineError().startsWith("orderpipe: " + typed[1]), c.toString());
        }
        // valid forms pass the check and go on to the directory, which has no live counters
        for (String typed : List.of("500ms", "2s", "1m", "0.05", "3")) {
            Cli c = Cli.run("stats", dir.toString(), "--watch", "--interval", typed);
            assertEquals(1, c.exitCode, c.toString());
            assertTrue(c.oneLineError().contains("has no live counters"), c.toString());
        }
        Cli help = Cli.run("stats", "--help");
        assertTrue(help.out.replaceAll("\\s+", " ").contains("500ms, 2s, 1m or 1h; a plain number is seconds"),
                help.out);
        help = Cli.run("replay", "--help");
        assertTrue(help.out.replaceAll("\\s+", " ").contains("500ms, 2s, 1m or 1h; a plain number is seconds"),
                help.out);
        help = Cli.run("run", "--help");
        assertTrue(help.out.replaceAll("\\s+", " ").contains("500ms, 2s, 1m or 1h; a plain number is seconds"),
                help.out);
        // run --status-every took whole seconds only: the same form, refused alike before anything starts
        Cli c = Cli.run("run", "--data", dir.resolve("data").toString(), "--status-every", "soon");
        assertEquals(2, c.exitCode, c.toString());
        assertTrue(c.oneLineError().startsWith("orderpipe: --status-every 'soon' is not a duration such as 500ms"),
                c.toString());
    }
}
