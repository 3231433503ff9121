package dev.orderpipe.tools;

import dev.orderpipe.pipeline.TestPipelines;
import dev.orderpipe.pipeline.metrics.ReplicationStatus;
import dev.orderpipe.replication.Endpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fail-over, in processes as on two hosts (loopback UDP, each side with its media driver embedded): a primary runs the
 * pipeline on a growing order file with {@code replicate} beside it and a standby runs {@code replica}; midway the
 * primary's pipeline is restarted with a tighter risk config (a default maximum notional of 20,000 instead of
 * 5,000,000); the primary's processes are killed with SIGKILL mid-stream; the replica is stopped and
 * {@code orderpipe run} on its copy, with the tight config and fed the rest of the stream, ends with executions
 * byte-identical (exported CSV) to an uninterrupted run's that changed its config at the same order, and with the
 * primary's risk config history.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class FailoverTest {
    private static final int ORDERS = 40_000;
    /** The order lines (after the header) checked with the default risk config; the rest with the tight one. */
    private static final int SPLIT = 6_000;

    @Test
    void killedPrimaryFailsOverToTheReplicaWithIdenticalExecutions(@TempDir Path dir) throws Exception {
        Path orders = dir.resolve("orders.csv");
        assertEquals(0, Cli.run("generate", "-n", Integer.toString(ORDERS), "--seed", "19", "--out",
                orders.toString()).exitCode);
        List<String> lines = Files.readAllLines(orders);
        Path tight = dir.resolve("tight.yaml");
        String defaults = Files.readString(Path.of("../conf/pipeline.yaml")); // the embedded default's source
        assertTrue(defaults.contains("defaultMaxNotional: \"5000000\","), "conf/pipeline.yaml's notional limit");
        Files.writeString(tight, defaults.replace("defaultMaxNotional: \"5000000\",",
                "defaultMaxNotional: \"20000\","));
        // uninterrupted with the default config throughout, and (the reference) with the tight one from SPLIT on
        Path unchanged = dir.resolve("unchanged");
        Cli all = Cli.run("run", "-i", orders.toString(), "-d", unchanged.toString(), "--exit-when-done",
                "--status-every", "0");
        assertEquals(0, all.exitCode, all.toString());
        Path reference = dir.resolve("reference");
        Path refFeed = dir.resolve("ref-feed.csv");
        Files.writeString(refFeed, String.join("\n", lines.subList(0, 1 + SPLIT)) + "\n");
        Cli ref = Cli.run("run", "-i", refFeed.toString(), "-d", reference.toString(), "--exit-when-done",
                "--status-every", "0");
        assertEquals(0, ref.exitCode, ref.toString());
        assertEquals(SPLIT, TestPipelines.readAll(reference.resolve("checked")).size(), "one record per line");
        Files.writeString(refFeed, String.join("\n", lines.subList(1 + SPLIT, lines.size())) + "\n",
                StandardOpenOption.APPEND);
        ref = Cli.run("run", "-c", tight.toString(), "-i", refFeed.toString(), "-d", reference.toString(),
                "--exit-when-done", "--status-every", "0");
        assertEquals(0, ref.exitCode, ref.toString());

        Path growing = dir.resolve("feed.csv");
        Files.writeString(growing, lines.get(0) + "\n");
        int appended = 1;
        Path primary = dir.resolve("primary");
        Path standby = dir.resolve("standby");
        String replicaAt = Endpoint.freeLoopback().toString();
        String controlAt = Endpoint.freeLoopback().toString();
        SplittableRandom random = new SplittableRandom(System.nanoTime());
        List<Process> processes = new ArrayList<>();
        try {
            Process replica = start(processes, dir, "replica", "replica", "-d", standby.toString(), "--listen",
                    replicaAt, "--name", "standby", "--aeron-dir", dir.resolve("aeron-standby").toString());
            Process pipeline = start(processes, dir, "primary", "run", "-i", growing.toString(), "--follow", "-d",
                    primary.toString(), "--status-every", "0");
            long started = System.nanoTime();
            while (!Files.isDirectory(primary.resolve("orders"))) { // replicate wants the data directory there
                assertTrue(pipeline.isAlive() && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(60), logs(dir));
                Thread.sleep(20);
            }
            Process replicate = start(processes, dir, "replicate", "replicate", "-d", primary.toString(), "--to",
                    replicaAt, "--listen", controlAt, "--aeron-dir", dir.resolve("aeron-primary").toString(),
                    "--term-length", "1048576");
            // the first SPLIT orders with the default config, all checked; then the pipeline restarts with the tight
            Files.writeString(growing, String.join("\n", lines.subList(1, 1 + SPLIT)) + "\n",
                    StandardOpenOption.APPEND);
            appended = 1 + SPLIT;
            while (checked(primary) < SPLIT) {
                assertTrue(pipeline.isAlive() && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(120),
                        logs(dir));
                Thread.sleep(50);
            }
            long splitIndex; // the last record checked with the default config: the standby must hold it (below)
            try (net.openhft.chronicle.queue.ChronicleQueue q = net.openhft.chronicle.queue.impl.single
                    .SingleChronicleQueueBuilder.binary(primary.resolve("checked")).readOnly(true).build()) {
                splitIndex = q.lastIndex();
            }
            pipeline.destroy(); // SIGTERM: a clean stop
            assertTrue(pipeline.waitFor(30, TimeUnit.SECONDS), logs(dir));
            assertEquals(0, pipeline.exitValue(), logs(dir));
            pipeline = start(processes, dir, "primary2", "run", "-c", tight.toString(), "-i", growing.toString(),
                    "--follow", "-d", primary.toString(), "--status-every", "0");
            Path history = primary.resolve("risk-configs.txt");
            while (lineCount(history) < 2) { // risk records the new config before it writes anything with it
                assertTrue(pipeline.isAlive() && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(120),
                        logs(dir));
                Thread.sleep(20);
            }
            // the stream flows; once the replica acknowledges, it flows on for a random while, then the host dies
            long killAt = Long.MAX_VALUE;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < killAt) {
                assertTrue(System.nanoTime() < deadline, "the replica never acknowledged:\n" + logs(dir));
                for (Process p : List.of(replica, pipeline, replicate))
                    assertTrue(p.isAlive(), "a process died by itself:\n" + logs(dir));
                if (appended < lines.size()) {
                    int to = Math.min(lines.size() - ORDERS / 4, appended + 400); // a quarter is left for the standby
                    if (to > appended) {
                        Files.writeString(growing, String.join("\n", lines.subList(appended, to)) + "\n",
                                StandardOpenOption.APPEND);
                        appended = to;
                    }
                }
                // killed once the standby holds every verdict of the default config (else its run would decide the
                // rest with the tight one, as it should, and differ from the reference, which used the default)
                if (killAt == Long.MAX_VALUE && acked(primary, "checked") > splitIndex)
                    killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(random.nextLong(100, 1_200));
                Thread.sleep(random.nextLong(10, 40));
            }
            pipeline.destroyForcibly(); // SIGKILL, both processes of the primary host
            replicate.destroyForcibly();
            assertTrue(pipeline.waitFor(20, TimeUnit.SECONDS));
            assertTrue(replicate.waitFor(20, TimeUnit.SECONDS));
            Thread.sleep(random.nextLong(0, 300)); // what was in flight may or may not arrive
            replica.destroy(); // SIGTERM: the standby stops cleanly and releases the data directory
            assertTrue(replica.waitFor(30, TimeUnit.SECONDS), logs(dir));
            assertEquals(0, replica.exitValue(), logs(dir));
        } finally {
            processes.forEach(Process::destroyForcibly);
        }
        List<String> primaryHistory = Files.readAllLines(primary.resolve("risk-configs.txt"));
        assertEquals(2, primaryHistory.size(), "the default config's line, then the tight one's");
        assertEquals(primaryHistory, Files.readAllLines(standby.resolve("risk-configs.txt")),
                "the standby holds the primary's risk config history");
        int replicated = TestPipelines.readAll(standby.resolve("orders")).size();
        assertTrue(replicated > 0, "the replica holds orders");
        System.out.printf("failover: the standby held %,d of the %,d orders fed to the primary%n", replicated,
                appended - 1);

        // fail-over: the pipeline's normal restart path on the replica's copy, with the rest of the stream
        Files.writeString(growing, String.join("\n", lines.subList(appended, lines.size())) + "\n",
                StandardOpenOption.APPEND);
        Cli failover = Cli.run("run", "-c", tight.toString(), "-i", growing.toString(), "-d", standby.toString(),
                "--exit-when-done", "--status-every", "0");
        assertEquals(0, failover.exitCode, failover + "\n" + logs(dir));
        assertEquals(primaryHistory, Files.readAllLines(standby.resolve("risk-configs.txt")),
                "the fail-over run continued the history: the tight config was in force already");

        Path expected = dir.resolve("expected.csv");
        Path actual = dir.resolve("actual.csv");
        assertEquals(0, Cli.run("export", reference.resolve("executions").toString(), "--out", expected.toString())
                .exitCode);
        assertEquals(0, Cli.run("export", standby.resolve("executions").toString(), "--out", actual.toString())
                .exitCode);
        Path unchangedCsv = dir.resolve("unchanged.csv");
        assertEquals(0, Cli.run("export", unchanged.resolve("executions").toString(), "--out",
                unchangedCsv.toString()).exitCode);
        assertTrue(!java.util.Arrays.equals(Files.readAllBytes(unchangedCsv), Files.readAllBytes(expected)),
                "the tight config changes verdicts (else this test could not tell it was in force)");
        List<String> want = Files.readAllLines(expected);
        List<String> got = Files.readAllLines(actual);
        for (int i = 0; i < Math.min(want.size(), got.size()); i++)
            assertEquals(want.get(i), got.get(i), "line " + (i + 1));
        assertEquals(want.size(), got.size(), "reports");
        assertArrayEquals(Files.readAllBytes(expected), Files.readAllBytes(actual), "the executions, byte for byte");
    }

    private static Process start(List<Process> processes, Path dir, String name, String... args) throws IOException {
        Process p = ChildJvm.start(dir, name, args);
        processes.add(p);
        return p;
    }

    /** What the replica acknowledged of the primary's {@code queue}, -1 for nothing yet. */
    private static long acked(Path primary, String queue) throws IOException {
        try (ReplicationStatus.Reader reader = ReplicationStatus.Reader.open(primary)) {
            return reader == null ? -1 : reader.ackedIndex(queue.getBytes(StandardCharsets.US_ASCII), 1, 60_000);
        }
    }

    /** The checked records the primary holds so far. */
    private static int checked(Path primary) {
        Path checked = primary.resolve("checked");
        return dev.orderpipe.pipeline.infra.Queues.isQueueDir(checked) ? TestPipelines.readAll(checked).size() : 0;
    }

    private static int lineCount(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file).size() : 0;
    }

    private static String logs(Path dir) {
        return ChildJvm.log(dir, "replica") + ChildJvm.log(dir, "primary") + ChildJvm.log(dir, "primary2")
                + ChildJvm.log(dir, "replicate");
    }
}
