package dev.orderpipe.tools;

import dev.orderpipe.pipeline.util.FileTrees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo workload, 2,000,000 orders through every stage, in a JVM whose garbage collector never collects (Epsilon)
 * and whose heap is 256 MB: the books and tables preallocated at start take most of it, so any per-order garbage
 * would exhaust the rest long before the end.
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
            Process p = ChildJvm.start(EPSILON, dir, "epsilon", "run", "-i", orders.toString(), "-d",
                    dir.resolve("data").toString(), "--exit-when-done", "--status-every", "0");
            boolean ended = p.waitFor(300, TimeUnit.SECONDS);
            p.destroyForcibly();
            assertTrue(ended, ChildJvm.log(dir, "epsilon"));
            String log = ChildJvm.log(dir, "epsilon");
            System.out.println(log);
            assertEquals(0, p.exitValue(), log);
            assertTrue(log.contains("Using Epsilon") || log.contains("Epsilon"), "ran under Epsilon:\n" + log);
            assertTrue(log.contains("orders accounted    2,000,000"), log);
            assertTrue(log.contains("TRADE") && log.contains("CANCELED") && log.contains("REPLACED") && log.contains("REJECTED"), log);
        } finally {
            FileTrees.delete(dir);
        }
    }
}
