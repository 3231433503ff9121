package dev.orderpipe.pipeline;

import dev.orderpipe.pipeline.config.Layouts;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.infra.CpuPlacement;
import dev.orderpipe.pipeline.infra.PlacementFixture;
import net.openhft.affinity.Affinity;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two pipelines on the latency layout in one JVM: the second cannot reserve the CPU the first spins on, fails with one
 * line, and neither its start nor its failure gives the first's moved threads their CPUs back; the first's stop does.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TwoLatencyPipelinesTest {

    @Test
    void aSecondLatencyPipelineFailsAndLeavesTheFirstsPlacementAlone(@TempDir Path dir) throws Exception {
        BitSet all = PlacementFixture.assumePlaceable();
        PipelineConfig first = Layouts.apply(TestPipelines.config(dir.resolve("a"), null), Layouts.LATENCY);
        PipelineConfig second = Layouts.apply(TestPipelines.config(dir.resolve("b"), null), Layouts.LATENCY);
        int cpu = CpuPlacement.pinned(first).nextSetBit(0);
        BitSet rest = (BitSet) all.clone();
        rest.clear(cpu);
        try (PlacementFixture.Waiting b = PlacementFixture.Waiting.bystander("bystander")) {
            int tid = b.tid;
            try (Pipeline a = Pipeline.start(first, Pipeline.FailureReport.CALLER)) {
                try {
                    a.awaitStarted(30, TimeUnit.SECONDS);
                } catch (PipelineFailedException e) {
                    Assumptions.abort("CPU " + cpu + " is taken (another process): " + e.getMessage());
                }
                assertEquals(rest, CpuPlacement.allowedCpus(tid), "moved off CPU " + cpu);
                try (Pipeline p = Pipeline.start(second, Pipeline.FailureReport.CALLER)) {
                    PipelineFailedException e = assertThrows(PipelineFailedException.class,
                            () -> p.awaitStarted(30, TimeUnit.SECONDS));
                    assertTrue(e.isOperatorError() && e.getMessage().contains("could not reserve CPU " + cpu),
                            e.getMessage());
                }
                assertEquals(rest, CpuPlacement.allowedCpus(tid), "still off CPU " + cpu + " while the first spins");
                assertEquals(null, a.failure());
            }
            assertEquals(all, CpuPlacement.allowedCpus(tid), "given back when the first stopped");
        } finally {
            Affinity.setAffinity(all);
        }
    }
}
