package dev.orderpipe.tools;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Prices;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.api.OrderEntry;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.codes.Side;
import dev.orderpipe.pipeline.codes.TimeInForce;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.TestPipelines;
import dev.orderpipe.pipeline.codes.RejectReason;
import dev.orderpipe.pipeline.csv.ExecutionCsv;
import dev.orderpipe.pipeline.csv.OrderCsvParser;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import dev.orderpipe.replay.RunSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandsTest {

    @Test
    void helpAndVersion() {
        Cli c = Cli.run("--help");
        assertEquals(0, c.exitCode, c.toString());
        for (String cmd : List.of("run", "demo", "generate", "replay", "report", "compare", "export", "dump", "stats",
                "submit", "session", "tail", "verify"))
            assertTrue(c.out.contains(cmd), cmd + " listed in help: " + c.out);
        assertEquals(0, Cli.run("--version").exitCode);
    }

    /**
     * Every subcommand's help prints cleanly: picocli reports a description it cannot format (an unescaped
     * {@code %}) on System.err through its tracer rather than the command's writer, so that stream is captured too.
     */
    @Test
    void everySubcommandsHelpIsClean() {
        Set<String> commands = OrderpipeMain.commandLine(new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter())).getSubcommands().keySet();
        assertTrue(commands.containsAll(List.of("run", "bench", "compare", "help")), commands.toString());
        PrintStream systemErr = System.err;
        ByteArrayOutputStream traced = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(traced, true, StandardCharsets.UTF_8));
            for (String cmd : commands) {
                Cli h = Cli.run(cmd, "--help");
                assertEquals(0, h.exitCode, cmd + ": " + h);
                assertEquals("", h.err, cmd + ": " + h);
                assertTrue(h.out.contains("Usage: orderpipe " + cmd), cmd + ": " + h.out);
                assertEquals("", traced.toString(StandardCharsets.UTF_8), cmd + " --help");
            }
        } finally {
            System.setErr(systemErr);
        }
    }

    @Test
    void usageErrorsExitTwoWithOneLine() {
        Cli c = Cli.run();
        assertEquals(2, c.exitCode, c.toString());
        c.oneLineError();
        // an unknown command is a usage error whatever follows it (picocli alone prints the top-level help for --help)
        for (String[] args : List.of(new String[]{"frobnicate"}, new String[]{"nosuch", "--help"},
                new String[]{"nosuch", "-V"}, new String[]{"nosuch", "run"})) {
            c = Cli.run(args);
            assertEquals(2, c.exitCode, c.toString());
            assertEquals("", c.out, c.toString());
            assertEquals("orderpipe: unknown command '" + args[0] + "'; the commands are: run, demo, generate, replay, "
                    + "report, compare, bench, export, dump, stats, submit, session, tail, gateway, verify, retain, "
                    + "replicate, replica, help, generate-completion", c.oneLineError());
        }
        c = Cli.run("generate", "--orders", "ten", "--out", "x.csv");
        assertEquals(2, c.exitCode, c.toString());
        assertTrue(c.oneLineError().contains("--orders"), c.err);
        c = Cli.run("generate");
        assertEquals(2, c.exitCode, c.toString());
        assertTrue(c.oneLineError().contains("--out"), c.err);
        c = Cli.run("dump");
        assertEquals(2, c.exitCode, c.toString());
        c = Cli.run("replicate", "--data", "x", "--to", "standby");
        assertEquals(2, c.exitCode, c.toString());
        assertEquals("orderpipe: --to 'standby' is not HOST:PORT (a port from 1 to 65535)", c.oneLineError());
        c = Cli.run("replica", "--data", "x", "--listen", "127.0.0.1:0");
        assertEquals(2, c.exitCode, c.toString());
        assertEquals("orderpipe: --listen '127.0.0.1:0' is not HOST:PORT (a port from 1 to 65535)", c.oneLineError());
        c = Cli.run("replicate", "--data", "no/such/dir", "--to", "127.0.0.1:40999", "--listen", "127.0.0.1:40998");
        assertEquals(1, c.exitCode, c.toString());
        assertEquals("orderpipe: no/such/dir is not a directory: give the pipeline's data directory (--data)",
                c.oneLineError());
    }

    /**
     * {@code replicate --to} naming replicate's own {@code --listen} (as written, or a local address on the port of a
     * wildcard --listen) sends the stream to itself: no replica can ever be reached there. It ran on silently, with
     * no replica in {@code stats}; it must be refused with one line before anything starts.
     */
    @Test
    void replicateToItsOwnListenIsOneLine() {
        String[][] cases = {{"127.0.0.1:40990", "127.0.0.1:40990"}, {"localhost:40990", "127.0.0.1:40990"},
                {"127.0.0.1:40991,127.0.0.1:40990", "0.0.0.0:40990"}};
        for (String[] c : cases) {
            Cli r = Cli.run("replicate", "--data", "no/such/dir", "--to", c[0], "--listen", c[1]);
            assertEquals(2, r.exitCode, String.join(" ", c) + ": " + r);
            assertTrue(r.oneLineError().startsWith("orderpipe: --to names replicate's own --listen " + c[1]),
                    r.toString());
        }
        Cli other = Cli.run("replicate", "--data", "no/such/dir", "--to", "127.0.0.1:40991", "--listen",
                "0.0.0.0:40990"); // another port: accepted, then refused for the data directory
        assertEquals(1, other.exitCode, other.toString());
    }

    @Test
    void generateIsDeterministicAndWellFormed(@TempDir Path dir) throws IOException {
        Path a = dir.resolve("a.csv"), b = dir.resolve("b.csv"), other = dir.resolve("c.csv");
        assertEquals(0, Cli.run("generate", "-n", "5000", "--seed", "7", "--out", a.toString()).exitCode);
        assertEquals(0, Cli.run("generate", "-n", "5000", "--seed", "7", "--out", b.toString()).exitCode);
        assertEquals(0, Cli.run("generate", "-n", "5000", "--seed", "8", "--out", other.toString()).exitCode);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        assertFalse(Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(other)));
        List<String> lines = Files.readAllLines(a);
        assertEquals(OrderCsvParser.HEADER, lines.get(0));
        assertEquals(5001, lines.size());
        assertTrue(lines.stream().anyMatch(l -> l.contains(",CANCEL,")));
        assertTrue(lines.stream().anyMatch(l -> l.contains(",REPLACE,")));
        assertTrue(lines.stream().anyMatch(l -> l.contains(",MARKET,")));
        assertTrue(lines.stream().anyMatch(l -> l.contains(",FOK,")));
        assertTrue(lines.stream().anyMatch(l -> l.contains(",IOC,")));
    }

    @Test
    void generateRejectsBadSettings(@TempDir Path dir) {
        Cli c = Cli.run("generate", "-n", "10", "--symbols", "99", "--out", dir.resolve("x.csv").toString());
        assertEquals(2, c.exitCode, c.toString());
        assertTrue(c.oneLineError().contains("--symbols must be 1..8"), c.err);
        c = Cli.run("generate", "-n", "10", "--cancel-pct", "150", "--out", dir.resolve("x.csv").toString());
        assertEquals(2, c.exitCode, c.toString());
    }

    @Test
    void runProcessesAFileAndEveryBadLineIsCounted(@TempDir Path dir) throws IOException {
        Path orders = dir.resolve("orders.csv");
        assertEquals(0, Cli.run("generate", "-n", "20000", "--malformed-pct", "2", "--out", orders.toString()).exitCode);
        Path data = dir.resolve("data");
        Path csv = dir.resolve("executions.csv");
        Cli c = Cli.run("run", "--input", orders.toString(), "--data", data.toString(), "--exit-when-done",
                "--executions-csv", csv.toString());
        assertEquals(0, c.exitCode, c.toString());
        assertTrue(c.out.contains("orders accounted       20,000"), c.out);
        long badLines = TestPipelines.readAll(data.resolve("orders")).stream()
                .filter(o -> o.rejectReason() == RejectReason.BAD_LINE).count();
        assertTrue(badLines > 200, "about 2% bad lines: " + badLines);
        List<String> lines = Files.readAllLines(csv);
        assertEquals(ExecutionCsv.HEADER, lines.get(0));
        assertEquals(badLines, lines.stream().filter(l -> l.contains(",BAD_LINE:")).count());
    }

    @Test
    void runWithABadConfigIsOneLine(@TempDir Path dir) throws IOException {
        Cli c = Cli.run("run", "--config", dir.resolve("missing.yaml").toString());
        assertEquals(1, c.exitCode, c.toString());
        assertEquals("orderpipe: config file " + dir.resolve("missing.yaml") + " does not exist", c.oneLineError());
        Path bad = dir.resolve("bad.yaml");
        // valid but for the stage; keys left out take the config classes' defaults (no symbols, so one is given)
        Files.writeString(bad, "!dev.orderpipe.pipeline.config.PipelineConfig { dataDir: x, "
                + "risk: { symbols: [ { symbol: AAPL, refPrice: \"189.25\" } ] }, "
                + "groups: [ { name: g, stages: [ nope ] } ] }");
        c = Cli.run("run", "--config", bad.toString());
        assertEquals(1, c.exitCode, c.toString());
        assertTrue(c.oneLineError().contains("unknown stage 'nope'"), c.err);
        c = Cli.run("run", "--input", dir.resolve("nope.csv").toString(), "--data", dir.resolve("d").toString());
        assertEquals(1, c.exitCode, c.toString());
        assertTrue(c.oneLineError().contains("does not exist"), c.err);
    }

    @Test
    void exportDumpAndStatsOfARun(@TempDir Path dir) throws IOException {
        Path orders = dir.resolve("orders.csv");
        assertEquals(0, Cli.run("generate", "-n", "3000", "--out", orders.toString()).exitCode);
        Path data = dir.resolve("data");
        assertEquals(0, Cli.run("run", "-i", orders.toString(), "-d", data.toString(), "--exit-when-done").exitCode);

        Path exec = dir.resolve("exec.csv");
        Cli c = Cli.run("export", data.resolve("executions").toString(), "--out", exec.toString());
        assertEquals(0, c.exitCode, c.toString());
        List<String> lines = Files.readAllLines(exec);
        assertEquals(ExecutionCsv.HEADER, lines.get(0));
        assertEquals(TestPipelines.readAll(data.resolve("executions")).size() + 1, lines.size());

        Path back = dir.resolve("orders-back.csv");
        c = Cli.run("export", data.resolve("orders").toString(), "--out", back.toString());
        assertEquals(0, c.exitCode, c.toString());
        assertEquals(Files.readAllLines(orders).size(), Files.readAllLines(back).size(), "every valid line exported");

        c = Cli.run("dump", data.resolve("executions").toString(), "--count", "5");
        assertEquals(0, c.exitCode, c.toString());
        String[] dumped = c.out.strip().split("\n");
        assertEquals(5, dumped.length);
        assertTrue(dumped[0].startsWith("0x") && dumped[0].contains(" cycle ") && dumped[0].contains("seq: 1,"), dumped[0]);
        String second = dumped[1].substring(0, dumped[1].indexOf(' '));
        c = Cli.run("dump", data.resolve("executions").toString(), "--from", second, "-n", "1", "--yaml");
        assertEquals(0, c.exitCode, c.toString());
        assertTrue(c.out.startsWith("--- # " + second), c.out);
        assertTrue(c.out.contains("\nseq: 2\n"), c.out);

        c = Cli.run("stats", data.toString());
        assertEquals(0, c.exitCode, c.toString());
        assertTrue(c.out.contains("orders") && c.out.contains("checked") && c.out.contains("executions"), c.out);
        assertTrue(c.out.matches("(?s).*risk\\s+orders\\s+checked\\s+0\\n.*"), c.out);
    }

    @Test
    void statsShowsAStageBehindAndRecordsRepeatedOnAQueueStopStatsAndARestart(@TempDir Path dir) throws IOException {
        Path orders = dir.resolve("orders.csv");
        assertEquals(0, Cli.run("generate", "-n", "500", "--out", orders.toString()).exitCode);
        Path data = dir.resolve("data");
        String[] run = {"run", "-i", orders.toString(), "-d", data.toString(), "--exit-when-done", "--status-every", "0"};
        Cli c = Cli.run(run);
        assertEquals(0, c.exitCode, c.toString());
        assertTrue(c.out.contains("orders accounted          500"), c.out);

        // an order-entry writer adds three orders, and risk's records of them are on checked: matching is 3 behind
        // (as risk writes them: a restart's rebuild of risk compares them with what it makes of the orders again)
        try (OrderEntry entry = OrderEntry.open(data, 7);
             ChronicleQueue q = Queues.open(data.resolve("checked"), RollCycles.FAST_DAILY);
             ExcerptAppender appender = q.createAppender()) {
            long aapl = Symbols.encode("AAPL");
            for (int i = 1; i <= 3; i++) {
                long index = entry.newOrder(9_000 + i, 1, aapl, Side.BUY, OrderType.LIMIT, TimeInForce.GTC,
                        Prices.parse("1.00"), 100);
                OrderInfo order = TestPipelines.readAll(data.resolve("orders")).get(500 + i - 1);
                appender.writeBytes(new OrderInfo().copyFrom(order).sourceIndex(index)
                        .rejectReason(RejectReason.PRICE_BAND).riskNanos(System.nanoTime()));
            }
        }
        c = Cli.run("stats", data.toString());
        assertEquals(0, c.exitCode, c.toString());
        assertTrue(c.out.matches("(?s).*risk\\s+orders\\s+checked\\s+0\\n.*"), c.out);
        assertTrue(c.out.matches("(?s).*matching\\s+checked\\s+executions\\s+3\\n.*"),
                "matching is 3 behind:\n" + c.out);
        c = Cli.run(run);
        assertEquals(0, c.exitCode, c.toString());
        assertTrue(c.out.matches("(?s).*reports out\\s+3\\n.*orders accounted\\s+3\\n.*"), "this run's: " + c.out);

        // a foreign writer appends copies of the last three checked records: in the stats' quick check of the newest
        // file, the first names an order before the one the record before names, and a restart refuses to start
        List<OrderInfo> checked = TestPipelines.readAll(data.resolve("checked"));
        long firstCopy;
        try (ChronicleQueue q = Queues.open(data.resolve("checked"), RollCycles.FAST_DAILY);
             ExcerptAppender appender = q.createAppender()) {
            for (OrderInfo r : checked.subList(checked.size() - 3, checked.size()))
                appender.writeBytes(r);
            firstCopy = appender.lastIndexAppended() - 2;
        }
        List<String> reports = TestPipelines.executionLines(data.resolve("executions"));
        String expected = " is damaged at index 0x" + Long.toHexString(firstCopy) + " ";
        c = Cli.run("stats", data.toString());
        assertEquals(1, c.exitCode, c.toString());
        // stats names the queue by its directory, as every tool does; the pipeline by its name
        assertTrue(c.oneLineError().contains("queue " + data.resolve("checked") + expected), c.toString());
        assertTrue(c.err.contains("not after input index"), c.toString());
        c = Cli.run(run);
        assertEquals(1, c.exitCode, c.toString());
        assertTrue(c.oneLineError().contains("queue checked" + expected), c.toString());
        assertEquals(reports, TestPipelines.executionLines(data.resolve("executions")), "nothing written");
    }

    @Test
    void queueCommandsGiveOneLineErrorsForWrongDirectories(@TempDir Path dir) throws IOException {
        Path notQueue = Files.createDirectories(dir.resolve("photos"));
        Files.writeString(notQueue.resolve("cat.jpg"), "meow");
        for (String cmd : List.of("dump", "export", "stats")) {
            String[] args = cmd.equals("export")
                    ? new String[]{cmd, notQueue.toString(), "--out", dir.resolve("x.csv").toString()}
                    : new String[]{cmd, notQueue.toString()};
            Cli c = Cli.run(args);
            assertEquals(1, c.exitCode, c.toString());
            c.oneLineError();
            c = Cli.run(cmd.equals("export")
                    ? new String[]{cmd, dir.resolve("missing").toString(), "--out", dir.resolve("x.csv").toString()}
                    : new String[]{cmd, dir.resolve("missing").toString()});
            assertEquals(1, c.exitCode, c.toString());
            c.oneLineError();
        }
        // a queue of something else than orderpipe records
        Path foreign = dir.resolve("foreign");
        try (var q = Queues.open(foreign, net.openhft.chronicle.queue.RollCycles.FAST_DAILY);
             var a = q.createAppender()) {
            a.writeText("hello");
        }
        Cli c = Cli.run("dump", foreign.toString());
        assertEquals(1, c.exitCode, c.toString());
        assertTrue(c.oneLineError().contains("is not an orderpipe record"), c.err);
        c = Cli.run("dump", foreign.toString(), "--from", "0xZZ");
        assertEquals(2, c.exitCode, c.toString());
    }

    @Test
    void demoRunsEndToEnd(@TempDir Path dir) throws IOException {
        Cli c = Cli.run("demo", "--orders", "5000", "--dir", dir.toString());
        assertEquals(0, c.exitCode, c.toString());
        assertTrue(c.out.contains("orders accounted        5,000"), c.out);
        assertTrue(Files.exists(dir.resolve("executions.csv")));
        // its charts over time have points: 5,000 orders at 50,000/s take 0.1 s, in 10 ms intervals (a fixed 1 s
        // interval drew one dot)
        assertTrue(c.out.contains("(intervals of 10 ms over time)"), c.out);
        assertEquals(0.01, RunSummary.load(dir.resolve("replay")).intervalSeconds);
        long intervals = Files.readString(dir.resolve("replay").resolve("latency.hlog")).lines()
                .filter(l -> !l.isEmpty() && Character.isDigit(l.charAt(0))).count();
        assertTrue(intervals > 1, intervals + " intervals");
        // a second demo in the same directory replaces its data
        c = Cli.run("demo", "--orders", "5000", "--dir", dir.toString());
        assertEquals(0, c.exitCode, c.toString());
        assertEquals(5000, TestPipelines.readAll(dir.resolve("data").resolve("orders")).size());
        assertFalse(c.out.contains("Exception"), c.out);
    }

    @Test
    void demoRefusesBadArgumentsBeforeTouchingAnEarlierRun(@TempDir Path dir) throws IOException {
        Path earlier = Files.createDirectories(dir.resolve("data").resolve("orders")).resolve("marker");
        Files.writeString(earlier, "an earlier demo's queue");
        Cli c = Cli.run("demo", "--orders", "0", "--dir", dir.toString());
        assertEquals(2, c.exitCode, c.toString());
        assertTrue(c.oneLineError().contains("--orders"), c.err);
        assertTrue(Files.exists(earlier), "a usage error leaves the earlier run alone");
        c = Cli.run("demo", "--config", dir.resolve("missing.yaml").toString(), "--dir", dir.toString());
        assertEquals(1, c.exitCode, c.toString());
        assertTrue(c.oneLineError().contains("missing.yaml"), c.err);
        assertTrue(Files.exists(earlier), "a bad config leaves the earlier run alone");
    }
}
