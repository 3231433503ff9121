package dev.orderpipe.tools;

import dev.orderpipe.pipeline.infra.HistoryStart;
import dev.orderpipe.replication.Endpoint;
import dev.orderpipe.replication.Replica;
import dev.orderpipe.replication.ReplicationSettings;
import dev.orderpipe.replication.ReplicationSource;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A replica in step that lags on the snapshot queues (sent last, behind a full publication) when a retention pass
 * cuts the primary's queues where a snapshot the replica does not hold yet covers: the new history starts
 * ({@code retention.txt}) must not reach it before those snapshots, or a fail-over on it (the primary dying then)
 * finds every snapshot it holds before its inputs' history start and refuses to run, though it holds every record.
 *
 * <p>Deterministic: primary and replica are driven by hand in this thread ({@link ReplicationSource#doWork},
 * {@link Replica#poll}) with a 32 KiB receiver window and a snapshot every 50 inputs (hundreds of KiB of snapshots
 * a run), so the replica holds at most a window of the run's snapshots when the pass runs, and the replica is stopped
 * at the first round after which it holds the primary's new history start of {@code orders}.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class HistoryStartOrderTest {
    private static final String WINDOW_PROPERTY = "aeron.rcv.initial.window.length";
    private static final List<String> PIPELINE_QUEUES = List.of("orders", "checked", "executions");

    @Test
    void aChangedHistoryStartReachesAReplicaInStepOnlyAfterTheSnapshotsItReliesOn(@TempDir Path dir) throws Exception {
        failOverAfterAPass(dir, false);
    }

    /** The same replica stopped before the pass and started again after it: its resume sends every side file again. */
    @Test
    void aChangedHistoryStartReachesAReplicaComingBackOnlyAfterTheSnapshotsItReliesOn(@TempDir Path dir)
            throws Exception {
        failOverAfterAPass(dir, true);
    }

    private static void failOverAfterAPass(Path dir, boolean comesBack) throws Exception {
        Path orders = dir.resolve("orders.csv");
        assertEquals(0, Cli.run("generate", "-n", "3000", "--seed", "47", "--out", orders.toString()).exitCode);
        List<String> lines = Files.readAllLines(orders);
        Path config = RetainedPrimary.retentionConfig(dir.resolve("retention.yaml"));
        String yaml = Files.readString(config);
        assertTrue(yaml.contains("everyInputs: 200"), yaml);
        Files.writeString(config, yaml.replace("everyInputs: 200", "everyInputs: 50"));
        Path primary = dir.resolve("primary");
        Path standby = dir.resolve("standby");
        Path input = dir.resolve("feed.csv");
        RetainedPrimary.feedPart(lines, 1, input, primary, config);
        RetainedPrimary.feedPart(lines, 2, input, primary, config);

        // the standby a replica in step of the first two runs, every queue and side file
        Endpoint replicaAt = Endpoint.freeLoopback();
        ReplicationSettings primarySettings = new ReplicationSettings(dir.resolve("aeron-p").toString(), false, null,
                1 << 19);
        ReplicationSettings replicaSettings = new ReplicationSettings(dir.resolve("aeron-r").toString(), false, null,
                0);
        DataDirCopies.replicateUntilCaughtUp(primary, standby, replicaAt, primarySettings, replicaSettings);

        // a third run in a cycle of its own, with its snapshots
        RetainedPrimary.feedPart(lines, 3, input, primary, config);
        Map<String, Long> primaryLast = DataDirCopies.lastIndexes(primary);
        String stopped;
        // the replica's receiver window (its driver's; replication widens it to 2 MiB unless Aeron's property is set)
        System.setProperty(WINDOW_PROPERTY, "32k");
        Replica replica = null;
        try (ReplicationSource source = new ReplicationSource(primary, List.of(replicaAt), Endpoint.freeLoopback(),
                primarySettings)) {
            replica = new Replica(standby, replicaAt, "standby", replicaSettings);
            Replica first = replica;
            // the replica acknowledges records of the third run on each of the pipeline's queues (so a retention pass
            // may cut them there); the snapshots, sent last, are still behind a window of the third run's executions
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!PIPELINE_QUEUES.stream()
                    .allMatch(q -> cycle(source.ackedIndex(0, q)) == cycle(primaryLast.get(q)))) {
                source.doWork();
                first.poll();
                assertTrue(System.nanoTime() < deadline, "the replica never acknowledged the third run: "
                        + DataDirCopies.describe(primary, standby));
            }
            Map<String, Long> held = replica.lastIndexes();
            for (String q : List.of("snapshots/risk", "snapshots/matching"))
                assertTrue(held.get(q) == null || cycle(held.get(q)) < cycle(primaryLast.get(q)),
                        "precondition: the replica holds no snapshot of the third run yet: " + held);
            // the primary publishes the acknowledgements a retention pass honours
            Thread.sleep(110);
            source.doWork();
            if (comesBack) {
                replica.close();
                replica = null;
            }

            Cli retain = Cli.run("retain", "--data", primary.toString(), "--config", config.toString());
            assertEquals(0, retain.exitCode, retain.toString());
            HistoryStart cut = HistoryStart.read(primary.resolve("orders"));
            assertNotNull(cut, "the pass cut orders: " + retain);

            if (comesBack)
                replica = new Replica(standby, replicaAt, "standby", replicaSettings);
            // the replica runs until it holds the new history start of orders; the primary dies then
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!cut.equals(HistoryStart.read(standby.resolve("orders")))) {
                source.doWork();
                replica.poll();
                assertTrue(System.nanoTime() < deadline, "the replica never received the history start: "
                        + DataDirCopies.describe(primary, standby));
                Thread.sleep(1);
            }
            stopped = "the replica stopped holding " + replica.lastIndexes() + ", the primary's last " + primaryLast
                    + ", history start of orders " + cut;
        } finally {
            System.clearProperty(WINDOW_PROPERTY);
            if (replica != null)
                replica.close();
        }

        // fail-over: the standby runs the whole input; its executions must end as the primary's for the same input
        Files.write(input, lines);
        Cli onStandby = RetainedPrimary.run(input, standby, config);
        assertEquals(0, onStandby.exitCode, stopped + "\n" + onStandby);
        Cli onPrimary = RetainedPrimary.run(input, primary, config);
        assertEquals(0, onPrimary.exitCode, onPrimary.toString());
        assertEquals(RetainedPrimary.export(primary, dir.resolve("p.csv")),
                RetainedPrimary.export(standby, dir.resolve("s.csv")), stopped);
    }

    /** The cycle of a queue's index (-1: none). */
    private static long cycle(long index) {
        return index < 0 ? -1 : TestRollCycles.TEST_SECONDLY.toCycle(index);
    }
}
