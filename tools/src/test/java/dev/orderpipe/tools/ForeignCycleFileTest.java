package dev.orderpipe.tools;

import dev.orderpipe.pipeline.DamagedFiles;
import dev.orderpipe.pipeline.ExitCodes;
import dev.orderpipe.pipeline.MisplacedRecords;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.TestPipelines;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.infra.Queues;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cycle file copied in from another run of the same roll cycle: its records are intact, counted and numbered as
 * the ones they replace, and only what they carry over from the inputs they name tells. Another run of other orders,
 * or of the very same order file, whose records differ from this run's only in the times the stages took. Whichever
 * cycle file it is, the newest or an older one, of whichever queue, {@code verify} and a restart each stop with one
 * line naming both queues and indexes, and exit 1: the restart's rebuild compares every record risk and matching
 * wrote with what they make again of its input.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
final class ForeignCycleFileTest {
    private static final int PER_CYCLE = 500;
    private static final String REMEDY = "; run 'orderpipe verify' on the data directory and restore it from a copy";

    @TempDir
    static Path shared;
    private static Path config;
    /** This run, of a.csv. */
    private static Path mine;
    /** Another run of other orders. */
    private static Path otherOrders;
    /** Another run of a.csv. */
    private static Path sameOrders;

    @BeforeAll
    static void threeRuns() throws Exception {
        mine = laidOutRun("a", 11, "a");
        otherOrders = laidOutRun("b", 12, "b");
        sameOrders = laidOutRun("a", 11, "a-again");
        config = shared.resolve("secondly.yaml");
        try (InputStream in = PipelineConfig.class.getResourceAsStream(PipelineConfig.EMBEDDED_DEFAULT)) {
            String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Files.writeString(config, yaml.replace("rollCycle: FAST_DAILY", "rollCycle: TEST_SECONDLY"));
        }
    }

    @Test
    void theNewestCheckedFileOfARunOfOtherOrdersIsRefusedByVerifyAndARestart(@TempDir Path dir) throws Exception {
        Path a = copyIn(dir, otherOrders, "checked", 3);
        // the copied records name the same orders as the ones they replace, but carry others
        long first = MisplacedRecords.index(3, 0);
        Cli v = Cli.run("verify", a.toString(), "--config", config.toString());
        assertEquals(ExitCodes.FAILURE, v.exitCode, v.toString());
        assertTrue(v.out.contains("checked index " + describe(first) + " names orders index " + describe(first)
                + ", whose order differs: orderId "), v.toString());
        Cli r = restart(a);
        assertEquals(ExitCodes.FAILURE, r.exitCode, r.toString());
        String line = r.oneLineError();
        // the start-up check compares the last record of each queue with the input it names
        long last = MisplacedRecords.lastIndex(a.resolve("checked"));
        assertTrue(line.contains("checked index " + describe(last) + " names orders index " + describe(last)
                + ", whose order differs: orderId "), line);
        assertTrue(line.endsWith(REMEDY), line);
    }

    /**
     * An older cycle file of another run of the same orders: the start-up check (each queue's last record) does not
     * see it; the rebuild of the stage that reads or writes the queue does, at the file's first record, where the
     * first time differs (ingress's time of the order, risk's of the checked record, carried over to what is made of
     * them).
     */
    @ParameterizedTest(name = "{0} file {1}")
    @CsvSource({"checked, 0, risk, orders, ingressNanos", "checked, 1, risk, orders, ingressNanos",
            "orders, 1, risk, orders, ingressNanos", "executions, 1, matching, checked, riskNanos"})
    void anOlderFileOfAnotherRunOfTheSameOrdersIsRefusedByVerifyAndARestart(String queue, int file, String stage,
                                                                            String inputQueue, String field,
                                                                            @TempDir Path dir) throws Exception {
        Path a = copyIn(dir, sameOrders, queue, file);
        String outputQueue = stage.equals("risk") ? "checked" : "executions";
        // the first record of the file; the first report of a checked record's file is its first report
        long input = MisplacedRecords.index(file, 0);
        long output = MisplacedRecords.index(file, 0);
        OrderInfo in = record(a.resolve(inputQueue), input);
        OrderInfo out = record(a.resolve(outputQueue), output);
        assertEquals(input, out.sourceIndex());
        long inValue = field.equals("riskNanos") ? in.riskNanos() : in.ingressNanos();
        long outValue = field.equals("riskNanos") ? out.riskNanos() : out.ingressNanos();
        assertTrue(inValue != outValue, "another run's times");
        String differs = outputQueue + " index " + describe(output) + " names " + inputQueue + " index "
                + describe(input) + ", whose order differs: " + field + " " + inValue + " vs " + outValue + " ("
                + inputQueue + " vs " + outputQueue + "; a cycle file copied in from another run?)";

        Cli v = Cli.run("verify", a.toString(), "--config", config.toString());
        assertEquals(ExitCodes.FAILURE, v.exitCode, v.toString());
        assertTrue(v.out.contains(differs), v.toString());

        List<Path> before = MisplacedRecords.cycleFiles(a.resolve(outputQueue));
        long lastBefore = MisplacedRecords.lastIndex(a.resolve(outputQueue));
        Cli r = restart(a);
        assertEquals(ExitCodes.FAILURE, r.exitCode, r.toString());
        assertEquals("orderpipe: stage '" + stage + "' stopped at input index 0x" + Long.toHexString(input)
                + ": queue " + outputQueue + " is damaged at index " + describe(output) + ": " + differs + REMEDY,
                r.oneLineError());
        assertEquals(before, MisplacedRecords.cycleFiles(a.resolve(outputQueue)), "no file added");
        assertEquals(lastBefore, MisplacedRecords.lastIndex(a.resolve(outputQueue)), stage + " wrote nothing");
    }

    /** A copy of this run with cycle file {@code file} of {@code queue} replaced by {@code from}'s. */
    private static Path copyIn(Path dir, Path from, String queue, int file) throws Exception {
        Path a = DamagedFiles.copyTree(mine, dir.resolve("data"));
        List<Path> ours = MisplacedRecords.cycleFiles(a.resolve(queue));
        Path theirs = MisplacedRecords.cycleFiles(from.resolve(queue)).get(file);
        assertEquals(ours.get(file).getFileName(), theirs.getFileName());
        Files.copy(theirs, ours.get(file), StandardCopyOption.REPLACE_EXISTING);
        return a;
    }

    private static Cli restart(Path data) {
        return Cli.run("run", "--input", shared.resolve("a.csv").toString(), "--data", data.toString(), "--config",
                config.toString(), "--exit-when-done", "--status-every", "0");
    }

    /** The record at {@code index} of a queue. */
    private static OrderInfo record(Path queueDir, long index) {
        try (ChronicleQueue q = Queues.openExisting(queueDir); ExcerptTailer t = q.createTailer()) {
            OrderInfo r = new OrderInfo();
            assertTrue(t.moveToIndex(index) && t.readBytes(r), "no record at " + describe(index) + " in " + queueDir);
            return r;
        }
    }

    private static String describe(long index) {
        return Queues.describeIndex(MisplacedRecords.ROLL_CYCLE, index);
    }

    /**
     * A finished run of 2000 generated orders (seed {@code seed}, written to {@code orders}.csv) laid out over 4
     * cycle files per queue, in {@code name}.
     */
    private static Path laidOutRun(String orders, int seed, String name) throws Exception {
        Path file = shared.resolve(orders + ".csv");
        if (!Files.exists(file)) {
            Cli g = Cli.run("generate", "-n", "2000", "--seed", Integer.toString(seed), "--out", file.toString());
            assertEquals(0, g.exitCode, g.toString());
        }
        Path run = shared.resolve(name + "-run");
        TestPipelines.runToEnd(TestPipelines.config(run, file));
        return MisplacedRecords.layOut(run, shared.resolve(name), PER_CYCLE);
    }
}
