package dev.orderpipe.tools;

import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.integrity.QueueMetadata;
import dev.orderpipe.replication.Endpoint;
import dev.orderpipe.replication.Replica;
import dev.orderpipe.replication.ReplicationLoop;
import dev.orderpipe.replication.ReplicationSettings;
import dev.orderpipe.replication.ReplicationSource;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the replication tests compare between a primary's data directory and a replica's copy: every queue (the
 * pipeline's and each stage's snapshots, which a replica copies last) by its last index, and the side files a replica
 * receives, byte for byte. A test that waits on fewer queues stops the replica before the snapshots arrived.
 */
final class DataDirCopies {
    private DataDirCopies() {
    }

    /** The data directory's queues: its subdirectories and those of snapshots/ holding cycle files. */
    static List<String> queueNames(Path data) throws IOException {
        List<String> names = new ArrayList<>();
        for (Path base : List.of(data, data.resolve("snapshots"))) {
            if (!Files.isDirectory(base))
                continue;
            try (Stream<Path> dirs = Files.list(base)) {
                dirs.filter(Queues::isQueueDir).forEach(d -> names.add(data.relativize(d).toString()));
            }
        }
        names.sort(null);
        return names;
    }

    /** The side files of a data directory a replica receives, as paths relative to it. */
    static List<String> sideFiles(Path data) throws IOException {
        if (!Files.isDirectory(data))
            return List.of();
        try (Stream<Path> all = Files.walk(data)) {
            return all.filter(Files::isRegularFile).map(f -> data.relativize(f).toString())
                    .filter(f -> f.equals("risk-configs.txt") || f.endsWith("/retention.txt")
                            || f.startsWith("consumers/"))
                    .sorted().toList();
        }
    }

    static boolean sameSideFiles(Path primary, Path standby) throws IOException {
        List<String> files = sideFiles(primary);
        if (!files.equals(sideFiles(standby)))
            return false;
        for (String f : files)
            if (!Arrays.equals(Files.readAllBytes(primary.resolve(f)), Files.readAllBytes(standby.resolve(f))))
                return false;
        return true;
    }

    /** Each queue of {@code data} and its last index. */
    static Map<String, Long> lastIndexes(Path data) throws IOException {
        Map<String, Long> m = new TreeMap<>();
        for (String q : queueNames(data)) {
            Path d = data.resolve(q);
            try (ChronicleQueue queue = SingleChronicleQueueBuilder.binary(d).readOnly(true)
                    .rollCycle(QueueMetadata.read(q, d).rollCycle()).build()) {
                m.put(q, queue.lastIndex());
            }
        }
        return m;
    }

    /** Whether {@code standby} holds every queue of {@code primary} up to its last index, and its side files. */
    static boolean caughtUp(Path primary, Path standby) throws IOException {
        return lastIndexes(primary).equals(lastIndexes(standby)) && sameSideFiles(primary, standby);
    }

    /** What {@link #caughtUp} compared, for a failure's message. */
    static String describe(Path primary, Path standby) throws IOException {
        return "primary " + lastIndexes(primary) + ", replica " + lastIndexes(standby) + ", side files "
                + sideFiles(primary) + " and " + sideFiles(standby);
    }

    /**
     * Replicates {@code primary} to {@code standby} in this JVM (each side on a loop of its own) until the standby
     * holds every queue of the primary, the snapshots' too (a primary sends them last), and every side file; 60 s at
     * most.
     */
    static void replicateUntilCaughtUp(Path primary, Path standby, Endpoint replicaAt, ReplicationSettings primarySide,
                                       ReplicationSettings replicaSide) throws Exception {
        try (ReplicationSource source = new ReplicationSource(primary, List.of(replicaAt), Endpoint.freeLoopback(),
                primarySide);
             Replica replica = new Replica(standby, replicaAt, "standby", replicaSide);
             ReplicationLoop p = new ReplicationLoop("primary", source::run);
             ReplicationLoop r = new ReplicationLoop("replica", replica::run)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!caughtUp(primary, standby)) {
                p.check();
                r.check();
                assertTrue(System.nanoTime() < deadline, "the replica never caught up: " + describe(primary, standby));
                Thread.sleep(20);
            }
        }
    }
}
