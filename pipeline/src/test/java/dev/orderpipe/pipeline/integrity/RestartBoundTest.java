package dev.orderpipe.pipeline.integrity;

import dev.orderpipe.pipeline.Pipeline;
import dev.orderpipe.pipeline.TestPipelines;
import dev.orderpipe.pipeline.config.PipelineConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The restart's reads of the cycle files as plain bytes (the start-up check, and the index checks of the readers a
 * restart places: risk's and matching's after their snapshots, egress's) do not grow with the history: counted in
 * records walked ({@link CycleFile#recordsWalked}), not timed, after two histories, one twice the other, each a
 * whole number of snapshot intervals plus the same tail, so that each restart re-feeds as many inputs.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class RestartBoundTest {
    private static final int SNAPSHOT_EVERY = 10_000;
    private static final int TAIL = 500;

    @Test
    void theRecordsARestartWalksDoNotGrowWithTheHistory(@TempDir Path dir) throws Exception {
        // both above the newest-file size from which the start-up check reads only a file's tail
        long small = walkedByRestart(dir.resolve("small"), 7 * SNAPSHOT_EVERY + TAIL);
        long large = walkedByRestart(dir.resolve("large"), 14 * SNAPSHOT_EVERY + TAIL);
        // each walk starts at an indexed record (every 64th with FAST_DAILY), and where a snapshot falls among the
        // reports of its input differs: some hundreds apart, where a walk of the history would be 280,000
        assertTrue(Math.abs(large - small) < 1_000, small + " records walked after the smaller history, " + large
                + " after the larger (70,000 more orders, 280,000 more records)");
        // the readers' walks: risk's of orders and checked, matching's of checked and executions (about 2 reports an
        // order), the probes of the snapshots' last outputs, egress's and the start-up check's tails
        assertTrue(small < 16 * TAIL, small + " records walked: the tail after the snapshots, not the history");
    }

    /** Records walked by the restart of a pipeline after a history of {@code orders} orders. */
    private static long walkedByRestart(Path dir, int orders) throws Exception {
        Files.createDirectories(dir);
        Path file = dir.resolve("orders.csv");
        StringBuilder sb = new StringBuilder();
        // pairs that trade in full: the books stay empty whatever the history
        for (int i = 1; i <= orders; i++)
            sb.append(i).append(",NEW,").append(i).append(",7,AAPL,").append(i % 2 == 0 ? "BUY" : "SELL")
                    .append(",LIMIT,GTC,189.25,100\n");
        Files.writeString(file, sb, StandardCharsets.UTF_8);
        PipelineConfig config = TestPipelines.config(dir.resolve("data"), file);
        config.snapshots.everyInputs = SNAPSHOT_EVERY;
        config.snapshots.everySeconds = 0;
        config.validate();
        TestPipelines.runToEnd(config);
        long before = CycleFile.recordsWalked();
        Pipeline restarted = TestPipelines.runToEnd(config);
        long walked = CycleFile.recordsWalked() - before;
        assertEquals(orders / SNAPSHOT_EVERY * SNAPSHOT_EVERY - 1, restarted.risk().restoredAt() & 0xFFFFFFFFL,
                "risk restored its last snapshot");
        assertTrue(restarted.matching().restoredAt() >= 0, "matching restored a snapshot");
        return walked;
    }
}
