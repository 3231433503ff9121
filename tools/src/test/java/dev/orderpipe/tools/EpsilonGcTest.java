package dev.orderpipe.tools;

import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.snapshot.SnapshotStore;
import dev.orderpipe.pipeline.util.FileTrees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo workload, 2,000,000 orders through every stage, in a JVM whose garbage collector never collects (Epsilon)
 * and whose heap is 256 MB: the books and tables preallocated at start take most of it, so any per-order garbage
 * would exhaust the rest long before the end. Risk and matching take a snapshot every 250,000 inputs meanwhile.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class EpsilonGcTest {
    private static final List<String> EPSILON = List.of("-XX:+UnlockExperimentalVMOptions", "-XX:+UseEpsilonGC",
            "-Xms256m", "-Xmx256m", "-Xlog:gc:stderr");

    @Test
    void twoMillionOrdersRunUnderEpsilonInA256MbHeap() throws Exception {
        Path base = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
        Path dir = Files.createTempDirectory(base, "op-epsilon");
        try {
            Path orders = dir.resolve("orders.csv");
            assertEquals(0, Cli.run("generate", "-n", "2000000", "--malformed-pct", "0.1", "--out", orders.toString()).exitCode);
            // a snapshot of risk and of matching every 250,000 inputs: eight each, on the stage thread
            Path config = dir.resolve("snapshots.yaml");
            String yaml;
            try (InputStream in = PipelineConfig.class.getResourceAsStream(PipelineConfig.EMBEDDED_DEFAULT)) {
                yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertTrue(yaml.contains("everyInputs: 1000000"));
            Files.writeString(config, yaml.replace("everyInputs: 1000000", "everyInputs: 250000"));
            Process p = ChildJvm.start(EPSILON, dir, "epsilon", "run", "-i", orders.toString(), "-d",
                    dir.resolve("data").toString(), "--config", config.toString(), "--exit-when-done",
                    "--status-every", "0");
            boolean ended = p.waitFor(300, TimeUnit.SECONDS);
            p.destroyForcibly();
            assertTrue(ended, ChildJvm.log(dir, "epsilon"));
            String log = ChildJvm.log(dir, "epsilon");
            System.out.println(log);
            assertEquals(0, p.exitValue(), log);
            assertTrue(log.contains("Using Epsilon") || log.contains("Epsilon"), "ran under Epsilon:\n" + log);
            assertTrue(log.contains("orders accounted    2,000,000"), log);
            try (Stream<Path> files = Files.list(SnapshotStore.dir(dir.resolve("data"), "matching"))) {
                assertTrue(files.anyMatch(f -> f.toString().endsWith(".cq4")), "matching wrote snapshots");
            }
            assertTrue(log.contains("TRADE") && log.contains("CANCELED") && log.contains("REPLACED") && log.contains("REJECTED"), log);
        } finally {
            FileTrees.delete(dir);
        }
    }
}
