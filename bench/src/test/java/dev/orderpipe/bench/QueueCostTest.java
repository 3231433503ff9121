package dev.orderpipe.bench;

import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.metrics.MetricsSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Where the bench says an order's time goes: the queue cost it measures (on fresh pages and with the pretoucher
 * ahead, with the writer's page faults) and the split of each stage's busy time into its queue work at that cost and
 * its own work.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class QueueCostTest {

    /** Busy time per order less the records the stage read and wrote at the given cost, stage by stage. */
    @Test
    void eachStagesOwnWorkIsItsBusyTimeLessItsRecordsAtTheQueueCost() {
        int orders = 1_000;
        BenchRow max = new BenchRow("pipeline", "pipeline:latency", BenchRow.Kind.THROUGHPUT, 0);
        max.count = orders;
        max.reports = 2_190;
        max.achieved = 500_000; // 2,000 ns per order
        max.stages = new MetricsSnapshot(1, 0, 0, 0, List.of(
                stage("ingress", 0, 0),
                stage("risk", orders, 600L * orders),
                stage("matching", orders, 1_000L * orders),
                stage("egress", 2_190, 250L * orders)));

        String line = Bench.stageCosts("pipeline:latency", max, 200, 80, 30);

        // risk: an order read and a checked record written; matching: a checked record read and 2.19 reports
        // written; egress: 2.19 reports read
        assertTrue(line.contains(" risk 600 (600 per record; own 320),"), line);
        assertTrue(line.contains(" matching 1000 (1000 per record; own 482),"), line);
        assertTrue(line.contains(" egress 250 (114 per report; own 75),"), line);
        assertFalse(line.contains("ingress"), "a stage that read nothing is left out: " + line);
        assertTrue(line.contains("together 1850 of the 2000 ns per order"), line);
        assertTrue(line.contains("checked 1 written and 1 read (0.00 of it taken from the handoff), executions 2.19"
                + " written and 2.19 read (0.00 of them taken from the handoff)"), line);

        String unmeasured = Bench.stageCosts("pipeline:latency", max, Double.NaN, Double.NaN, Double.NaN);
        assertTrue(unmeasured.contains(" risk 600 (600 per record),") && !unmeasured.contains("own"), unmeasured);

        // matching took every checked record from risk, egress every report from matching: at the take's cost
        max.handedOver = new long[]{orders, 2_190};
        String handed = Bench.stageCosts("pipeline:latency", max, 200, 80, 30);
        assertTrue(handed.contains(" risk 600 (600 per record; own 320),"), handed);
        assertTrue(handed.contains(" matching 1000 (1000 per record; own 532),"), handed);
        assertTrue(handed.contains(" egress 250 (114 per report; own 184),"), handed);
        assertTrue(handed.contains("checked 1 written and 1 read (1.00 of it taken from the handoff), executions 2.19"
                + " written and 2.19 read (2.19 of them taken from the handoff)"), handed);
    }

    /** The fault count the bench prints moves when this thread touches pages it never touched. */
    @Test
    void theWritersPageFaultsAreCounted(@TempDir Path dir) throws IOException {
        assumeTrue(Files.isReadable(Path.of("/proc/thread-self/stat")), "Linux only");
        int pages = 64;
        try (RandomAccessFile file = new RandomAccessFile(dir.resolve("pages").toFile(), "rw")) {
            file.setLength(pages * 4096L);
            MappedByteBuffer map = file.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, pages * 4096L);
            long before = QueueCost.pageFaultsOfThisThread();
            for (int p = 0; p < pages; p++)
                map.put(p * 4096, (byte) 1);
            long after = QueueCost.pageFaultsOfThisThread();
            assertTrue(before >= 0, "read from /proc/thread-self/stat");
            assertTrue(after > before, "touching " + pages + " new pages took no fault: " + before + " -> " + after);
        }
    }

    /**
     * Both ways measured: every figure a positive time; where the platform counts the writer's page faults, the writer
     * on fresh pages takes them and the writer behind the pretoucher takes far fewer (else "with the pretoucher ahead"
     * would be a second measurement on fresh pages); where it does not, both are NaN (the bench says "not counted").
     */
    @Test
    void theCostIsMeasuredOnFreshPagesAndWithThePretoucherAhead(@TempDir Path dir) {
        QueueCost.Cost cost = QueueCost.measure(dir, PipelineConfig.loadDefault(), 5_000);
        for (double ns : new double[]{cost.freshWrite(), cost.freshRead(), cost.touchedWrite(), cost.touchedRead(),
                cost.take()})
            assertTrue(ns > 0 && Double.isFinite(ns), cost.toString());
        if (QueueCost.pageFaultsOfThisThread() < 0) {
            assertTrue(Double.isNaN(cost.freshFaults()) && Double.isNaN(cost.touchedFaults()), cost.toString());
        } else {
            assertTrue(cost.freshFaults() > 0, "a writer filling new pages takes faults: " + cost);
            assertTrue(cost.touchedFaults() >= 0 && cost.touchedFaults() < cost.freshFaults() / 4,
                    "the pretoucher kept ahead of the writer: " + cost);
        }
        assertEquals(cost.touchedWrite(), cost.write(true));
        assertEquals(cost.freshWrite(), cost.write(false));
        assertEquals(cost.touchedRead(), cost.read(true));
        try (var left = Files.list(dir)) {
            assertEquals(0, left.count(), "every round's queue deleted");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static MetricsSnapshot.Stage stage(String name, long in, long busyNanos) {
        return new MetricsSnapshot.Stage(name, in, in, 1, 0, in - 1, 0, 0, busyNanos);
    }
}
