package dev.orderpipe.tools;

import dev.orderpipe.pipeline.TestPipelines;
import dev.orderpipe.pipeline.infra.ChildJvmOptions;
import dev.orderpipe.pipeline.infra.JvmOptions;
import dev.orderpipe.replication.Endpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fail-over in acknowledged mode ({@code replication.ackedReplicas: 1}), in processes as on two hosts: an order-entry
 * writer ({@link AckedWriter}) writes through {@code OrderEntry} while the primary's pipeline runs and
 * {@code replicate} streams to a {@code replica}; right after the writer's K-th write was acknowledged (K drawn at
 * random), every process of the primary host is killed with SIGKILL. The standby must hold every acknowledged order,
 * and {@code orderpipe run} on its copy must end with executions byte-identical (exported CSV) to an uninterrupted
 * run of the same K orders.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class AckedFailoverTest {
    @Test
    void everyAcknowledgedOrderSurvivesTheKilledPrimary(@TempDir Path dir) throws Exception {
        SplittableRandom random = new SplittableRandom(System.nanoTime());
        int acked = random.nextInt(1, 1_500);
        System.out.println("acked fail-over: the primary dies right after the acknowledgement of order " + acked);
        Path empty = dir.resolve("none.csv");
        Files.writeString(empty, "");

        Path reference = dir.resolve("reference");
        Process plain = writer(dir, "reference-writer", reference, 0, acked, false);
        assertTrue(plain.waitFor(60, TimeUnit.SECONDS), ChildJvm.log(dir, "reference-writer"));
        assertEquals(0, plain.exitValue(), ChildJvm.log(dir, "reference-writer"));
        Cli ref = Cli.run("run", "-i", empty.toString(), "-d", reference.toString(), "--exit-when-done",
                "--status-every", "0");
        assertEquals(0, ref.exitCode, ref.toString());

        Path primary = dir.resolve("primary");
        Path standby = dir.resolve("standby");
        String replicaAt = Endpoint.freeLoopback().toString();
        String controlAt = Endpoint.freeLoopback().toString();
        List<Process> processes = new ArrayList<>();
        try {
            Process replica = start(processes, dir, "replica", "replica", "-d", standby.toString(), "--listen",
                    replicaAt, "--name", "standby", "--aeron-dir", dir.resolve("aeron-standby").toString());
            Process pipeline = start(processes, dir, "primary", "run", "-d", primary.toString(), "--status-every",
                    "0");
            Process writer = writer(dir, "writer", primary, 1, acked, true);
            processes.add(writer);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.isDirectory(primary.resolve("orders"))) {
                assertTrue(System.nanoTime() < deadline && writer.isAlive(), logs(dir));
                Thread.sleep(20);
            }
            Process replicate = start(processes, dir, "replicate", "replicate", "-d", primary.toString(), "--to",
                    replicaAt, "--listen", controlAt, "--aeron-dir", dir.resolve("aeron-primary").toString(),
                    "--term-length", "1048576");
            while (!Files.readString(dir.resolve("writer.out")).contains("acked " + acked)) {
                assertTrue(System.nanoTime() < deadline, "the writer's orders were never all acknowledged:\n"
                        + logs(dir));
                for (Process p : List.of(replica, pipeline, writer, replicate))
                    assertTrue(p.isAlive(), "a process died by itself:\n" + logs(dir));
                Thread.sleep(1);
            }
            for (Process p : List.of(writer, pipeline, replicate)) // SIGKILL, every process of the primary host
                p.destroyForcibly();
            for (Process p : List.of(writer, pipeline, replicate))
                assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            Thread.sleep(random.nextLong(0, 300)); // what was in flight may or may not arrive
            replica.destroy(); // SIGTERM: the standby stops cleanly and releases the data directory
            assertTrue(replica.waitFor(30, TimeUnit.SECONDS), logs(dir));
            assertEquals(0, replica.exitValue(), logs(dir));
        } finally {
            processes.forEach(Process::destroyForcibly);
        }
        assertEquals(acked, TestPipelines.readAll(primary.resolve("orders")).size(),
                "the writer wrote nothing after its last acknowledged order");
        assertEquals(acked, TestPipelines.readAll(standby.resolve("orders")).size(),
                "the standby holds every acknowledged order");

        Cli failover = Cli.run("run", "-i", empty.toString(), "-d", standby.toString(), "--exit-when-done",
                "--status-every", "0");
        assertEquals(0, failover.exitCode, failover + "\n" + logs(dir));
        Path expected = dir.resolve("expected.csv");
        Path actual = dir.resolve("actual.csv");
        assertEquals(0, Cli.run("export", reference.resolve("executions").toString(), "--out", expected.toString())
                .exitCode);
        assertEquals(0, Cli.run("export", standby.resolve("executions").toString(), "--out", actual.toString())
                .exitCode);
        List<String> want = Files.readAllLines(expected);
        List<String> got = Files.readAllLines(actual);
        assertTrue(want.size() > acked, "a report per order at least: " + want.size());
        for (int i = 0; i < Math.min(want.size(), got.size()); i++)
            assertEquals(want.get(i), got.get(i), "line " + (i + 1));
        assertEquals(want.size(), got.size(), "reports");
        assertArrayEquals(Files.readAllBytes(expected), Files.readAllBytes(actual), "the executions, byte for byte");
    }

    private static Process writer(Path dir, String name, Path data, int ackedReplicas, int count, boolean hold)
            throws IOException {
        List<String> cmd = JvmOptions.javaCommand(ChildJvmOptions.QUICK,
                AckedWriter.class.getName(), data.toString(), Integer.toString(ackedReplicas),
                Integer.toString(count), Boolean.toString(hold));
        return new ProcessBuilder(cmd).redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectError(dir.resolve(name + ".err").toFile()).start();
    }

    private static Process start(List<Process> processes, Path dir, String name, String... args) throws IOException {
        Process p = ChildJvm.start(dir, name, args);
        processes.add(p);
        return p;
    }

    private static String logs(Path dir) {
        return ChildJvm.log(dir, "replica") + ChildJvm.log(dir, "primary") + ChildJvm.log(dir, "writer")
                + ChildJvm.log(dir, "replicate");
    }
}
