package dev.orderpipe.bench;

import dev.orderpipe.pipeline.OperatorError;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.infra.PlacementFixture;
import net.openhft.affinity.AffinityLock;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The floor's reader is pinned where the latency layout's group is: when that CPU is taken (another process runs the
 * latency layout), the bench stops with the group's one line, as the pipeline's variant does, not as an internal error.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FloorPlacementTest {

    @Test
    void aFloorWhoseCpuIsTakenFailsWithTheGroupsOneLine(@TempDir Path dir) throws Exception {
        int cpu = AffinityLock.BASE_AFFINITY.length() - 1;
        try (PlacementFixture.Waiting holder = PlacementFixture.Waiting.holding(cpu)) { // as another process's spinning group
            Assumptions.assumeTrue(holder.tid > 0, "CPU " + cpu + " could not be reserved");
            RuntimeException e = assertThrows(RuntimeException.class,
                    () -> SystemUnderTest.floor(dir.resolve("run"), PipelineConfig.loadDefault(), false, true, cpu));
            assertInstanceOf(OperatorError.class, e, "reported as an internal error: " + e);
            assertTrue(e.getMessage().contains("could not reserve CPU " + cpu), e.getMessage());
        }
    }
}
