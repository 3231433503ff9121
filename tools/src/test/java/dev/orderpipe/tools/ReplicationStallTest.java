package dev.orderpipe.tools;

import dev.orderpipe.pipeline.TestPipelines;
import dev.orderpipe.pipeline.metrics.ReplicationStatus;
import dev.orderpipe.replication.Endpoint;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@code replica} or a {@code replicate} that stands still longer than Aeron's client liveness timeout (stopped with
 * SIGSTOP, then SIGCONT; a VM pause or a starved host does the same): its Aeron client has closed itself and its
 * driver has dropped it, so it ends with one line and exit 1 (before, it went on polling closed streams, silent after
 * two stack traces, and never replicated again); started again, it resumes where the copy ends. The children run with
 * that timeout at 5 s (Aeron's default is 10 s) so that the stop is short.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ReplicationStallTest {
    private static final List<String> SHORT_LIVENESS = List.of("-Xmx256m", "-XX:+UseSerialGC",
            "-Daeron.client.liveness.timeout=5s");

    @Test
    void aReplicaOrPrimaryStoppedPastItsClientLivenessEndsWithOneLineAndResumesWhenStartedAgain(@TempDir Path dir)
            throws Exception {
        Pair pair = Pair.of(dir);
        Path primary = pair.primary();
        Path standby = pair.standby();
        SetTimeProvider clock = pair.clock();
        // the standby holds the copy already: a queue created in the replica's loop can take longer than the
        // shortened timeout on a busy host
        Files.createDirectories(standby.resolve("orders"));
        try (var files = Files.list(primary.resolve("orders"))) {
            for (Path f : files.toList())
                Files.copy(f, standby.resolve("orders").resolve(f.getFileName()));
        }
        String[] replicaArgs = pair.replicaArgs();
        String[] replicateArgs = pair.replicateArgs();
        List<Process> processes = new ArrayList<>();
        try {
            Process replica = start(processes, dir, "replica-1", replicaArgs);
            Process replicate = start(processes, dir, "replicate-1", replicateArgs);
            awaitInStep(primary, standby, dir);

            // the replica stands still past the timeouts
            stall(replica);
            endsWithOneLine(replica, dir, "replica-1");
            TestPipelines.writeOrders(primary.resolve("orders"), RollCycles.FAST_DAILY, clock, 201, 100);
            start(processes, dir, "replica-2", replicaArgs);
            awaitInStep(primary, standby, dir);

            // the primary's replicate stands still past the timeouts
            stall(replicate);
            endsWithOneLine(replicate, dir, "replicate-1");
            TestPipelines.writeOrders(primary.resolve("orders"), RollCycles.FAST_DAILY, clock, 301, 100);
            start(processes, dir, "replicate-2", replicateArgs);
            awaitInStep(primary, standby, dir);
        } finally {
            processes.forEach(Process::destroyForcibly);
        }
        assertEquals(400, TestPipelines.rawRecords(standby.resolve("orders")).size());
        assertEquals(TestPipelines.rawRecords(primary.resolve("orders")),
                TestPipelines.rawRecords(standby.resolve("orders")));
    }

    /** A primary holding 200 orders, its standby's directory and the two commands' arguments. */
    private record Pair(Path primary, Path standby, SetTimeProvider clock, String[] replicaArgs,
                        String[] replicateArgs) {
        static Pair of(Path dir) {
            Path primary = dir.resolve("primary");
            Path standby = dir.resolve("standby");
            SetTimeProvider clock = new SetTimeProvider("2026-01-05T10:00:00");
            TestPipelines.writeOrders(primary.resolve("orders"), RollCycles.FAST_DAILY, clock, 1, 200);
            Endpoint replica = Endpoint.freeLoopback();
            String replicaAt = replica.toString();
            String controlAt = Endpoint.freeLoopbackOtherThan(replica).toString();
            return new Pair(primary, standby, clock, new String[] {"replica", "-d", standby.toString(), "--listen",
                    replicaAt, "--name", "standby", "--aeron-dir", dir.resolve("aeron-standby").toString()},
                    new String[] {"replicate", "-d", primary.toString(), "--to", replicaAt, "--listen", controlAt,
                            "--aeron-dir", dir.resolve("aeron-primary").toString()});
        }
    }

    private static Process start(List<Process> processes, Path dir, String name, String... args) throws IOException {
        return start(processes, SHORT_LIVENESS, dir, name, args);
    }

    private static Process start(List<Process> processes, List<String> jvm, Path dir, String name, String... args)
            throws IOException {
        Process p = ChildJvm.start(jvm, dir, name, args);
        processes.add(p);
        return p;
    }

    /** SIGSTOP, a wait past the (shortened) client liveness timeout, SIGCONT. */
    private static void stall(Process p) throws Exception {
        signal(p, "STOP");
        Thread.sleep(8_000);
        signal(p, "CONT");
    }

    private static void signal(Process p, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + signal);
    }

    private static void endsWithOneLine(Process p, Path dir, String name) throws Exception {
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "still running after SIGCONT:\n" + ChildJvm.log(dir, name));
        assertEquals(1, p.exitValue(), ChildJvm.log(dir, name));
        List<String> err = Files.readAllLines(dir.resolve(name + ".err")).stream().filter(l -> !l.isBlank())
                .toList();
        assertEquals(1, err.size(), ChildJvm.log(dir, name));
        assertTrue(err.get(0).startsWith("orderpipe: the Aeron client closed itself (FATAL - "), err.get(0));
        assertTrue(err.get(0).contains("start it again"), err.get(0));
    }

    /** Waits until the replica acknowledged the primary's last order and holds the same records. */
    private static void awaitInStep(Path primary, Path standby, Path dir) throws Exception {
        List<String> want = TestPipelines.rawRecords(primary.resolve("orders"));
        long last = Long.parseLong(want.get(want.size() - 1).split(" ")[0], 16);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (acked(primary) != last) {
            assertTrue(System.nanoTime() < deadline, "the replica never acknowledged " + Long.toHexString(last)
                    + ", at " + Long.toHexString(acked(primary)) + "\n" + logs(dir));
            Thread.sleep(50);
        }
        assertEquals(want, TestPipelines.rawRecords(standby.resolve("orders")));
    }

    private static long acked(Path primary) throws IOException {
        try (ReplicationStatus.Reader reader = ReplicationStatus.Reader.open(primary)) {
            return reader == null ? -2 : reader.ackedIndex("orders".getBytes(StandardCharsets.US_ASCII), 1, 5_000);
        }
    }

    private static String logs(Path dir) throws IOException {
        StringBuilder s = new StringBuilder();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".out")).sorted().toList()) {
                String name = f.getFileName().toString();
                s.append(ChildJvm.log(dir, name.substring(0, name.length() - 4)));
            }
        }
        return s.toString();
    }
}
