package dev.orderpipe.tools;

import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.infra.HistoryStart;
import dev.orderpipe.replication.Endpoint;
import dev.orderpipe.replication.Replica;
import dev.orderpipe.replication.ReplicationLoop;
import dev.orderpipe.replication.ReplicationSettings;
import dev.orderpipe.replication.ReplicationSource;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A replica that starts after retention cut the primary's queues: it must start where each queue's history starts,
 * with the history start recorded as the primary's ({@code retention.txt} of each queue), so its copy verifies and a
 * fail-over run on it continues exactly as the primary would; never a copy with a silent gap at its start.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ReplicationRetentionTest {
    private static final List<String> QUEUES = List.of("orders", "checked", "executions");

    @Test
    void aReplicaStartedAfterRetentionStartsAtTheHistoryStart(@TempDir Path dir) throws Exception {
        Path orders = dir.resolve("orders.csv");
        assertEquals(0, Cli.run("generate", "-n", "3000", "--seed", "31", "--out", orders.toString()).exitCode);
        List<String> lines = Files.readAllLines(orders);
        Path config = dir.resolve("retention.yaml");
        try (InputStream in = PipelineConfig.class.getResourceAsStream(PipelineConfig.EMBEDDED_DEFAULT)) {
            String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String changed = yaml.replace("rollCycle: FAST_DAILY", "rollCycle: TEST_SECONDLY")
                    .replace("everyInputs: 1000000", "everyInputs: 200").replace("everySeconds: 300", "everySeconds: 0")
                    .replace("keepCycles: 7", "keepCycles: 1");
            assertTrue(changed.contains("TEST_SECONDLY") && changed.contains("keepCycles: 1"));
            Files.writeString(config, changed);
        }
        Path primary = dir.resolve("primary");
        Path input = dir.resolve("feed.csv");
        for (int part = 1; part <= 3; part++) { // each run in a cycle of its own
            Files.write(input, lines.subList(0, 1 + part * (lines.size() - 1) / 4));
            Thread.sleep(1_050 - System.currentTimeMillis() % 1_000);
            Cli r = run(input, primary, config);
            assertEquals(0, r.exitCode, r.toString());
        }
        Cli retain = Cli.run("retain", "--data", primary.toString(), "--config", config.toString());
        assertEquals(0, retain.exitCode, retain.toString());
        assertTrue(retain.out.contains("deleted"), retain.out);
        assertNotNull(HistoryStart.read(primary.resolve("orders")), retain.out);

        Path standby = dir.resolve("standby");
        Endpoint replicaAt = Endpoint.freeLoopback();
        try (ReplicationSource source = new ReplicationSource(primary, List.of(replicaAt), Endpoint.freeLoopback(),
                new ReplicationSettings(dir.resolve("aeron-p").toString(), false, null, 1 << 20));
             Replica replica = new Replica(standby, replicaAt, "standby",
                     new ReplicationSettings(dir.resolve("aeron-r").toString(), false, null, 0));
             ReplicationLoop p = new ReplicationLoop("primary", source::run);
             ReplicationLoop r = new ReplicationLoop("replica", replica::run)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!caughtUp(primary, replica.lastIndexes())) {
                p.check();
                r.check();
                assertTrue(System.nanoTime() < deadline, "the replica never caught up: " + replica.lastIndexes());
                Thread.sleep(20);
            }
        }
        for (String q : QUEUES)
            assertEquals(HistoryStart.read(primary.resolve(q)), HistoryStart.read(standby.resolve(q)),
                    q + ": the standby's history starts where the primary's does");
        Cli verify = Cli.run("verify", standby.toString(), "--config", config.toString());
        assertEquals(0, verify.exitCode, verify.toString());

        // fail-over: the rest of the orders on the standby, as on the primary
        Files.write(input, lines);
        Cli onPrimary = run(input, primary, config);
        assertEquals(0, onPrimary.exitCode, onPrimary.toString());
        Cli onStandby = run(input, standby, config);
        assertEquals(0, onStandby.exitCode, onStandby.toString());
        assertEquals(export(primary, dir.resolve("p.csv")), export(standby, dir.resolve("s.csv")));
    }

    private static boolean caughtUp(Path primary, Map<String, Long> replica) {
        for (String q : QUEUES) {
            try (ChronicleQueue queue = SingleChronicleQueueBuilder.binary(primary.resolve(q)).readOnly(true)
                    .rollCycle(net.openhft.chronicle.queue.rollcycles.TestRollCycles.TEST_SECONDLY).build()) {
                if (replica.getOrDefault(q, -1L) != queue.lastIndex())
                    return false;
            }
        }
        return true;
    }

    private static Cli run(Path input, Path data, Path config) {
        return Cli.run("run", "-i", input.toString(), "-d", data.toString(), "--exit-when-done", "--status-every",
                "0", "--config", config.toString());
    }

    private static List<String> export(Path data, Path out) throws Exception {
        Cli export = Cli.run("export", data.resolve("executions").toString(), "--out", out.toString());
        assertEquals(0, export.exitCode, export.toString());
        return Files.readAllLines(out);
    }
}
