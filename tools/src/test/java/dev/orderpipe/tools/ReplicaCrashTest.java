package dev.orderpipe.tools;

import dev.orderpipe.pipeline.ExitCodes;
import dev.orderpipe.pipeline.TestPipelines;
import dev.orderpipe.pipeline.infra.ChildJvmOptions;
import dev.orderpipe.pipeline.infra.CrashPoints;
import dev.orderpipe.replication.Endpoint;
import dev.orderpipe.replication.ReplicationLoop;
import dev.orderpipe.replication.ReplicationSettings;
import dev.orderpipe.replication.ReplicationSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The replica killed (a halt at a crash point, as abrupt as SIGKILL) in the middle of writing each side file (the risk
 * config history, each queue's history start, a consumer's position: half written, and right after the rename), in
 * the middle of a record batch (half a record written, and right after a record before its acknowledgement) and
 * between the parts of a record too large for one message of the stream, each time restarted on its copy: in the end
 * its copy is the primary's exactly (every queue's records and indexes, every side file, byte for byte, and no other
 * file), and a fail-over {@code run} on it ends with the primary's executions.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ReplicaCrashTest {
    private static final long CRASH_WAIT_SECONDS = 60;

    @Test
    void aReplicaKilledMidSideFileOrMidBatchResumesToAnExactCopy(@TempDir Path dir) throws Exception {
        // the primary: three runs, each in a cycle of its own, a retention pass (history starts), a named consumer
        RetainedPrimary.Retained retained = RetainedPrimary.create(dir, "41");
        Path primary = retained.primary();
        Cli retain = retained.retain();
        List<String> historyStarts = DataDirCopies.sideFiles(primary).stream()
                .filter(f -> f.endsWith("/retention.txt")).toList();
        assertTrue(!historyStarts.isEmpty(), retain.out);
        List<String> reports = TestPipelines.rawRecords(primary.resolve("executions"));
        long position = Long.parseLong(reports.get(reports.size() / 2).split(" ")[0], 16);
        Path positionFile = primary.resolve("consumers/audit.position");
        Files.createDirectories(positionFile.getParent());
        Files.write(positionFile, ByteBuffer.allocate(8).putLong(position).array());
        List<String> files = DataDirCopies.sideFiles(primary);
        assertTrue(files.contains("risk-configs.txt") && files.contains("consumers/audit.position"), files.toString());

        // each file before the records is killed half written and then right after its rename; then the batch
        // half a record in and right after one; then the position (sent after the reports it names) the same way
        SplittableRandom random = new SplittableRandom(System.nanoTime());
        List<String> crashes = new ArrayList<>();
        for (int i = 0; i < files.size() - 1; i++)
            crashes.addAll(List.of("replica-side-file-partial:1", "replica-side-file-replaced:1"));
        // at most 400 records each: the kept cycle holds about 3,000 records (750 orders, their verdicts and reports),
        // so the second is always reached; a count past what is left leaves the replica in step, never killed
        crashes.add("replica-record-partial:" + random.nextInt(1, 400));
        crashes.add("replica-record-written:" + random.nextInt(1, 400));
        // between the parts of a record too large for one message (the smallest term length, 64 KiB: 8 KiB a
        // message; a snapshot of the matching books here is more): its first part in, nothing of it written
        crashes.add("replica-part-received:1");
        crashes.addAll(List.of("replica-side-file-partial:1", "replica-side-file-replaced:1"));

        Path standby = dir.resolve("standby");
        Endpoint replicaAt = Endpoint.freeLoopback();
        String aeron = dir.resolve("aeron-r").toString();
        String[] replicaArgs = {"replica", "-d", standby.toString(), "--listen", replicaAt.toString(), "--name",
                "standby", "--aeron-dir", aeron};
        try (ReplicationSource source = new ReplicationSource(primary, List.of(replicaAt), Endpoint.freeLoopback(),
                new ReplicationSettings(dir.resolve("aeron-p").toString(), false, null, 1 << 16));
             ReplicationLoop p = new ReplicationLoop("primary", source::run)) {
            int n = 0;
            for (String point : crashes) {
                String name = "replica-" + ++n;
                List<String> jvm = ChildJvmOptions.quick("-D" + CrashPoints.PROPERTY + "=" + point);
                Process replica = ChildJvm.start(jvm, dir, name, replicaArgs);
                try {
                    assertTrue(replica.waitFor(CRASH_WAIT_SECONDS, TimeUnit.SECONDS),
                            point + " never reached:\n" + ChildJvm.log(dir, name));
                } finally {
                    replica.destroyForcibly();
                }
                assertEquals(ExitCodes.KILLED, replica.exitValue(), point + "\n" + ChildJvm.log(dir, name));
                assertTrue(ChildJvm.log(dir, name).contains("crash point " + point + " reached"),
                        ChildJvm.log(dir, name));
                p.check();
            }
            Process replica = ChildJvm.start(ChildJvmOptions.quick(
                    "-Dorg.slf4j.simpleLogger.log.dev.orderpipe.replication=info"), dir, "replica-last", replicaArgs);
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                // in step (it compared its last records with the primary's) and holding everything
                while (!ChildJvm.log(dir, "replica-last").contains("in step with primary")
                        || !DataDirCopies.caughtUp(primary, standby)) {
                    p.check();
                    assertTrue(replica.isAlive(), ChildJvm.log(dir, "replica-last"));
                    assertTrue(System.nanoTime() < deadline, "the replica never caught up: "
                            + DataDirCopies.describe(primary, standby) + "\n" + ChildJvm.log(dir, "replica-last"));
                    Thread.sleep(50);
                }
                replica.destroy(); // SIGTERM: stops cleanly, releasing the data directory
                assertTrue(replica.waitFor(30, TimeUnit.SECONDS), ChildJvm.log(dir, "replica-last"));
                assertEquals(0, replica.exitValue(), ChildJvm.log(dir, "replica-last"));
            } finally {
                replica.destroyForcibly();
            }
        }
        System.out.println("replica crashes: " + crashes);
        // the copy: every queue's records at the same indexes, every side file, and nothing a crash left behind
        assertEquals(DataDirCopies.queueNames(primary), DataDirCopies.queueNames(standby));
        for (String q : DataDirCopies.queueNames(primary))
            assertEquals(TestPipelines.rawRecords(primary.resolve(q)), TestPipelines.rawRecords(standby.resolve(q)),
                    "queue " + q);
        assertEquals(DataDirCopies.sideFiles(primary), DataDirCopies.sideFiles(standby));
        assertTrue(DataDirCopies.sameSideFiles(primary, standby), "the side files, byte for byte");
        try (Stream<Path> all = Files.walk(standby)) {
            assertEquals(List.of(), all.filter(f -> f.getFileName().toString().startsWith(".tmp-")).toList(),
                    "no half-written side file is left on the standby");
        }
        RetainedPrimary.verifyAndFailOver(retained, standby);
    }

    /**
     * Disk trouble on a stopped standby: an older cycle file of its {@code orders} copy is emptied (0 bytes, as a file
     * cut short by a full or failing disk, or a careless truncate). A crash can leave only a queue's newest file
     * half created, so this one is damage: the replica's start must refuse the copy with one line and exit 1. It
     * moved the file aside as half created, came in step (the primary compares only the last records) and acknowledged
     * every queue with no lag, its copy missing that cycle's orders with nothing but {@code verify} to say so.
     */
    @Test
    void aStandbyWhoseOlderCycleFileWasEmptiedIsRefusedNotResumed(@TempDir Path dir) throws Exception {
        Path orders = dir.resolve("orders.csv");
        assertEquals(0, Cli.run("generate", "-n", "3000", "--seed", "43", "--out", orders.toString()).exitCode);
        Path config = RetainedPrimary.retentionConfig(dir.resolve("seconds.yaml"));
        Path primary = dir.resolve("primary");
        RetainedPrimary.feedInThreeCycles(Files.readAllLines(orders), dir.resolve("feed.csv"), primary, config);
        Path standby = dir.resolve("standby");
        Endpoint replicaAt = Endpoint.freeLoopback();
        String[] replicaArgs = {"replica", "-d", standby.toString(), "--listen", replicaAt.toString(), "--name",
                "standby", "--aeron-dir", dir.resolve("aeron-r").toString()};
        List<String> info = ChildJvmOptions.quick("-Dorg.slf4j.simpleLogger.log.dev.orderpipe.replication=info");
        try (ReplicationSource source = new ReplicationSource(primary, List.of(replicaAt), Endpoint.freeLoopback(),
                new ReplicationSettings(dir.resolve("aeron-p").toString(), false, null, 1 << 20));
             ReplicationLoop p = new ReplicationLoop("primary", source::run)) {
            Process replica = ChildJvm.start(info, dir, "replica-copy", replicaArgs);
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (!DataDirCopies.lastIndexes(primary).equals(DataDirCopies.lastIndexes(standby))) {
                    p.check();
                    assertTrue(replica.isAlive() && System.nanoTime() < deadline, ChildJvm.log(dir, "replica-copy"));
                    Thread.sleep(50);
                }
                replica.destroy(); // SIGTERM: stops cleanly
                assertTrue(replica.waitFor(30, TimeUnit.SECONDS), ChildJvm.log(dir, "replica-copy"));
                assertEquals(0, replica.exitValue(), ChildJvm.log(dir, "replica-copy"));
            } finally {
                replica.destroyForcibly();
            }
            List<Path> cycles;
            try (Stream<Path> files = Files.list(standby.resolve("orders"))) {
                cycles = files.filter(f -> f.toString().endsWith(".cq4")).sorted().toList();
            }
            assertTrue(cycles.size() >= 2, "orders spans cycles: " + cycles);
            Path emptied = cycles.get(0);
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(emptied,
                    java.nio.file.StandardOpenOption.WRITE)) {
                ch.truncate(0);
            }

            replica = ChildJvm.start(info, dir, "replica-damaged", replicaArgs);
            try {
                if (!replica.waitFor(60, TimeUnit.SECONDS))
                    throw new AssertionError("the replica went on with " + emptied.getFileName() + " emptied, its"
                            + " copy missing that cycle's orders:\n" + ChildJvm.log(dir, "replica-damaged"));
            } finally {
                replica.destroyForcibly();
            }
            String log = ChildJvm.log(dir, "replica-damaged");
            assertEquals(ExitCodes.FAILURE, replica.exitValue(), log);
            String err = Files.readString(dir.resolve("replica-damaged.err")).strip();
            assertTrue(err.startsWith("orderpipe: ") && !err.contains("\n") && err.contains(emptied.getFileName()
                    .toString()), "one line naming the file:\n" + log);
            assertTrue(!log.contains("in step with primary"), log);
            assertTrue(Files.exists(emptied), "the emptied file is left where it was, for the operator");
        }
    }

    /**
     * A standby whose {@code orders} queue directory cannot be written (read-only permissions here; a read-only mount
     * of it, which root cannot write either, does the same: checked by hand with {@code mount -o remount,ro,bind}).
     * Chronicle falls back to a read-only queue with a stack trace, each append then throws inside Aeron's fragment
     * handler, which logs and drops it, and the replica ended after three "gaps" blaming the primary ("the primary's
     * queue skips records there"). It must end with one line naming the directory it cannot write, exit 1.
     * Skipped where permissions do not stop this user (root).
     */
    @Test
    void aStandbyQueueDirectoryThatCannotBeWrittenIsOneLineNamingIt(@TempDir Path dir) throws Exception {
        Path orders = dir.resolve("orders.csv");
        assertEquals(0, Cli.run("generate", "-n", "500", "--seed", "44", "--out", orders.toString()).exitCode);
        Path primary = dir.resolve("primary");
        Cli run = Cli.run("run", "-i", orders.toString(), "-d", primary.toString(), "--exit-when-done",
                "--status-every", "0");
        assertEquals(0, run.exitCode, run.toString());
        Path standby = dir.resolve("standby");
        Path readOnly = Files.createDirectories(standby.resolve("orders"));
        Files.setPosixFilePermissions(readOnly, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            org.junit.jupiter.api.Assumptions.assumeFalse(Files.isWritable(readOnly),
                    "permissions do not stop this user (root) from writing " + readOnly);
            Endpoint replicaAt = Endpoint.freeLoopback();
            try (ReplicationSource source = new ReplicationSource(primary, List.of(replicaAt),
                    Endpoint.freeLoopback(), new ReplicationSettings(dir.resolve("aeron-p").toString(), false, null,
                    1 << 20));
                 ReplicationLoop p = new ReplicationLoop("primary", source::run)) {
                Process replica = ChildJvm.start(dir, "replica-ro", "replica", "-d", standby.toString(), "--listen",
                        replicaAt.toString(), "--name", "standby", "--aeron-dir", dir.resolve("aeron-r").toString());
                try {
                    assertTrue(replica.waitFor(60, TimeUnit.SECONDS), ChildJvm.log(dir, "replica-ro"));
                } finally {
                    replica.destroyForcibly();
                }
                String log = ChildJvm.log(dir, "replica-ro");
                assertEquals(ExitCodes.FAILURE, replica.exitValue(), log);
                String err = Files.readString(dir.resolve("replica-ro.err")).strip();
                assertTrue(err.startsWith("orderpipe: ") && !err.contains("\n") && err.contains(readOnly.toString())
                        && err.contains("cannot be written"), "one line naming the directory:\n" + log);
            }
        } finally {
            Files.setPosixFilePermissions(readOnly, java.nio.file.attribute.PosixFilePermissions.fromString(
                    "rwxr-xr-x"));
        }
    }
}
