package dev.orderpipe.tools;

import dev.orderpipe.pipeline.DamagedFiles;
import dev.orderpipe.pipeline.DamagedFiles.Damage;
import dev.orderpipe.pipeline.ExitCodes;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.infra.QueueInput;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.TestPipelines;
import net.openhft.chronicle.queue.ChronicleQueue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exit 0 means the output is right: every command on a data directory with one damaged queue file either gives
 * exactly what it gives on the undamaged directory, or stops with one line naming the queue and the index or byte and
 * exits 1. Each queue (orders, checked, executions) is damaged each way (random bytes inside a record, a record's
 * header zeroed, the newest cycle file cut inside a record, to 0 bytes and to 100 bytes) on a copy of one finished
 * run, and every command that reads a queue runs on it: restart, replay of the orders capture, export, dump, stats,
 * tail and verify.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DamagedQueueTest {
    static final List<String> QUEUES = List.of("orders", "checked", "executions");
    /** The record damaged inside a file (of 2,000 on orders and checked, about 4,000 on executions). */
    private static final int RECORD = 1000;

    @TempDir
    static Path shared;
    private static Path orderFile;
    private static Path fixture;
    private static String tailOutput;
    private static int reports;
    /** Per queue: the index of the damaged record and of the last record, as people read them. */
    private static final Map<String, String> RECORD_INDEX = new HashMap<>();
    private static final Map<String, String> LAST_INDEX = new HashMap<>();

    @BeforeAll
    static void finishedRun() throws Exception {
        FinishedRun run = FinishedRun.create(shared);
        orderFile = run.orderFile;
        fixture = run.data;
        for (String queue : QUEUES) {
            try (ChronicleQueue q = Queues.openExisting(fixture.resolve(queue));
                 QueueInput in = new QueueInput(queue, q).open()) {
                OrderInfo r = new OrderInfo();
                for (int i = 0; in.readOrEnd(r); i++) {
                    if (i == RECORD)
                        RECORD_INDEX.put(queue, "index 0x" + Long.toHexString(in.lastReadIndex()) + " ");
                }
                LAST_INDEX.put(queue, "index 0x" + Long.toHexString(in.lastReadIndex()) + " ");
            }
        }
        reports = TestPipelines.readAll(fixture.resolve("executions")).size();
        Cli t = tail(fixture);
        assertEquals(0, t.exitCode, t.toString());
        tailOutput = t.out;
        assertEquals(reports, tailOutput.lines().count());
    }

    static Stream<Arguments> damages() {
        return everyQueueWith(Damage.values());
    }

    /** The cases of a parameterized test: each queue with each of {@code ways}. */
    static Stream<Arguments> everyQueueWith(Object[] ways) {
        List<Arguments> cases = new ArrayList<>();
        for (String queue : QUEUES)
            for (Object way : ways)
                cases.add(Arguments.of(queue, way));
        return cases.stream();
    }

    private static Cli tail(Path data) {
        return Cli.run("tail", "executions", "--data", data.toString(), "--csv", "--idle-exit", "0.3");
    }

    /** Exit 1 and one line (no stack trace) naming the damaged queue and each of {@code where}. */
    private static void assertLoud(String command, Cli c, String queue, String... where) {
        assertEquals(ExitCodes.FAILURE, c.exitCode, command + ": " + c);
        String line = c.oneLineError();
        assertTrue(line.startsWith("orderpipe: queue ") && line.contains(queue + " is damaged at "),
                command + ": " + line);
        for (String w : where)
            assertTrue(line.contains(w), command + " should name '" + w + "': " + line);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("damages")
    void everyCommandIsRightOrStopsWithOneLine(String queue, Damage damage, @TempDir Path dir) {
        Path data = DamagedFiles.copyTree(fixture, dir.resolve("data"));
        Path queueDir = data.resolve(queue);
        String file = DamagedFiles.newestCycleFile(queueDir).getFileName().toString();
        long offset = DamagedFiles.damage(queueDir, damage, RECORD);
        String[] where = damage.inRecord()
                ? new String[]{RECORD_INDEX.get(queue), "byte " + offset + " of " + file}
                : new String[]{"byte 0 of " + file};

        assertLoud("export", Cli.run("export", queueDir.toString(), "--out", dir.resolve("x.csv").toString()),
                queue, where);
        assertLoud("dump", Cli.run("dump", queueDir.toString()), queue, where);
        assertLoud("stats", Cli.run("stats", data.toString()), queue, where);

        Cli tail = tail(data);
        if (queue.equals("executions")) {
            assertLoud("tail", tail, queue, where);
        } else {
            assertEquals(0, tail.exitCode, "tail reads only executions: " + tail);
            assertEquals(tailOutput, tail.out);
        }

        Cli verify = Cli.run("verify", data.toString());
        // the newest executions file emptied is what a crash while creating it leaves (nothing names its records):
        // verify says that the start-up repair handles it, as a restart does (below)
        boolean crashLeftover = queue.equals("executions") && damage == Damage.CUT_TO_ZERO;
        assertEquals(crashLeftover ? ExitCodes.NEEDS_REPAIR : ExitCodes.FAILURE, verify.exitCode, verify.toString());
        assertEquals("", verify.err);
        String problem = verify.out.lines()
                .filter(l -> l.startsWith(queue + (crashLeftover ? ": needs the start-up repair at "
                        : ": damaged at ")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("verify names no problem on " + queue + ": " + verify.out));
        for (String w : where)
            assertTrue(problem.contains(w), "verify should name '" + w + "': " + problem);
        assertEquals(crashLeftover ? 0 : 1, verify.out.lines().filter(l -> l.contains(": damaged at ")).count(),
                verify.out);

        Cli replay = Cli.run("replay", data.resolve("orders").toString(), "--out", dir.resolve("run").toString(),
                "--max");
        if (queue.equals("checked")) {
            assertEquals(0, replay.exitCode, "replay reads orders and executions only: " + replay);
            assertTrue(replay.out.contains("replay matches capture (" + String.format("%,d", reports) + " reports)"),
                    replay.out);
        } else {
            assertLoud("replay", replay, queue, where);
        }

        // last, as it would be in production: a restart refuses to write after the damage
        if (queue.equals("executions") && damage == Damage.CUT_TO_ZERO)
            return; // the newest cycle file emptied is what a crash while creating it leaves: the crash repair's
        Cli run = Cli.run("run", "--input", orderFile.toString(), "--data", data.toString(), "--exit-when-done",
                "--status-every", "0");
        // an input emptied to 0 bytes is skipped like a crash's leftover; the record that the next queue names is lost
        String[] runWhere = damage == Damage.CUT_TO_ZERO ? new String[]{LAST_INDEX.get(queue), "the record is missing"}
                : where;
        assertLoud("run", run, queue, runWhere);
    }
}
