package dev.orderpipe.tools;

import dev.orderpipe.pipeline.ExitCodes;
import dev.orderpipe.pipeline.MisplacedRecords;
import dev.orderpipe.pipeline.TestPipelines;
import dev.orderpipe.pipeline.config.PipelineConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cycle file copied in from another run of the same roll cycle (another order file of as many orders): its records
 * are intact, counted and numbered as the ones they replace, and only what they carry over from the inputs they name
 * tells. {@code verify} and a restart each stop with one line naming both queues and indexes, and exit 1.
 */
final class ForeignCycleFileTest {
    private static final int PER_CYCLE = 500;

    @Test
    void aCheckedFileFromAnotherRunIsRefusedByVerifyAndARestart(@TempDir Path dir) throws Exception {
        Path a = laidOutRun(dir, "a", 11);
        Path b = laidOutRun(dir, "b", 12);
        List<Path> mine = MisplacedRecords.cycleFiles(a.resolve("checked"));
        List<Path> theirs = MisplacedRecords.cycleFiles(b.resolve("checked"));
        Path newest = theirs.get(theirs.size() - 1);
        assertEquals(mine.get(mine.size() - 1).getFileName(), newest.getFileName());
        Files.copy(newest, a.resolve("checked").resolve(newest.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        Path config = dir.resolve("secondly.yaml");
        try (InputStream in = PipelineConfig.class.getResourceAsStream(PipelineConfig.EMBEDDED_DEFAULT)) {
            String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Files.writeString(config, yaml.replace("rollCycle: FAST_DAILY", "rollCycle: TEST_SECONDLY"));
        }
        long first = MisplacedRecords.index(3, 0);
        Cli v = Cli.run("verify", a.toString(), "--config", config.toString());
        assertEquals(ExitCodes.FAILURE, v.exitCode, v.toString());
        // the copied records name the same orders as the ones they replace; the reports made from A's checked
        // records are the first whose input differs (riskNanos, the time risk checked it, differs between runs)
        assertTrue(v.out.contains("executions index 0x" + Long.toHexString(first) + " (cycle 1704189603, record 0)"
                + " names checked index 0x" + Long.toHexString(first) + " (cycle 1704189603, record 0), whose order"
                + " differs: riskNanos "), v.toString());
        Cli r = Cli.run("run", "--input", dir.resolve("a.csv").toString(), "--data", a.toString(), "--config",
                config.toString(), "--exit-when-done", "--status-every", "0");
        assertEquals(ExitCodes.FAILURE, r.exitCode, r.toString());
        String line = r.oneLineError();
        long last = MisplacedRecords.lastIndex(a.resolve("checked"));
        assertTrue(line.contains("checked index 0x" + Long.toHexString(last) + " (cycle 1704189603, record 499) names"
                + " orders index 0x" + Long.toHexString(last) + " (cycle 1704189603, record 499), whose order differs:"
                + " orderId "), line);
        assertTrue(line.endsWith("run 'orderpipe verify' on the data directory and restore it from a copy"), line);
    }

    /** A finished run of 2000 generated orders (seed {@code seed}) laid out over 4 cycle files per queue. */
    private static Path laidOutRun(Path dir, String name, int seed) throws Exception {
        Path orders = dir.resolve(name + ".csv");
        Cli g = Cli.run("generate", "-n", "2000", "--seed", Integer.toString(seed), "--out", orders.toString());
        assertEquals(0, g.exitCode, g.toString());
        Path run = dir.resolve(name + "-run");
        TestPipelines.runToEnd(TestPipelines.config(run, orders));
        return MisplacedRecords.layOut(run, dir.resolve(name), PER_CYCLE);
    }
}
