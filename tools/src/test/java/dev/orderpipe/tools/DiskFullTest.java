package dev.orderpipe.tools;

import dev.orderpipe.pipeline.SmallTmpfs;
import dev.orderpipe.pipeline.TestPipelines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pipeline on a small, size-limited tmpfs: it must stop with a clear error naming the queue and the free space
 * before a memory-mapped write can hit SIGBUS, and leave everything written readable. Needs root to mount (CI is
 * root); elsewhere the test is skipped with a message.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DiskFullTest {

    @Test
    void stopsBeforeTheDiskFillsAndKeepsWhatItWroteReadable(@TempDir Path dir) throws Exception {
        try (SmallTmpfs fs = SmallTmpfs.mount(dir.resolve("small-fs"), 40)) {
            Path mount = fs.path();
            Path orders = dir.resolve("orders.csv");
            assertEquals(0, Cli.run("generate", "-n", "300000", "--out", orders.toString()).exitCode);
            Path config = dir.resolve("small.yaml");
            Files.writeString(config, Files.readString(Path.of("..", "conf", "pipeline.yaml"))
                    .replace("minFreeDiskMb: 64", "minFreeDiskMb: 8"));
            Path data = mount.resolve("data");

            Process p = ChildJvm.start(dir, "full", "run", "-c", config.toString(), "--input", orders.toString(),
                    "--data", data.toString(), "--exit-when-done");
            boolean ended = p.waitFor(120, TimeUnit.SECONDS);
            p.destroyForcibly();
            assertTrue(ended, ChildJvm.log(dir, "full"));
            String err = Files.readString(dir.resolve("full.err"));
            assertEquals(1, p.exitValue(), ChildJvm.log(dir, "full"));
            String last = err.strip().substring(err.strip().lastIndexOf('\n') + 1);
            assertTrue(last.matches("orderpipe: stage '\\w+' stopped at input .*: queue '\\w+' stopped before the disk "
                    + "filled: .* has \\d+ MB free, below minFreeDiskMb 8; .*"), last);
            assertTrue(!err.contains("InternalError") && !err.contains("SIGBUS"), err);

            // everything written before is readable, and every execution points at a checked record
            long ordersWritten = TestPipelines.readAll(data.resolve("orders")).size();
            long checked = TestPipelines.readAll(data.resolve("checked")).size();
            long executions = TestPipelines.readAll(data.resolve("executions")).size();
            assertTrue(ordersWritten > 10_000 && ordersWritten < 300_000, "stopped part way: " + ordersWritten);
            assertTrue(checked <= ordersWritten && executions > 0, checked + " " + executions);

            // a start with less than the minimum free is refused with one line
            Files.writeString(config, Files.readString(config).replace("minFreeDiskMb: 8", "minFreeDiskMb: 39"));
            Cli c = Cli.run("run", "-c", config.toString(), "--data", data.toString());
            assertEquals(1, c.exitCode, c.toString());
            assertTrue(c.oneLineError().contains("less than minFreeDiskMb 39"), c.err);
        }
    }
}
