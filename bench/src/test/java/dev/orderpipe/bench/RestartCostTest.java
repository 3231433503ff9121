package dev.orderpipe.bench;

import dev.orderpipe.pipeline.config.PipelineConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The restart row at a tiny size (not a measurement): a history over three trading days, then a timed restart. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RestartCostTest {
    @Test
    void aRestartAfterAHistoryProcessesTheNewOrdersAndCleansUp(@TempDir Path dir) throws Exception {
        PipelineConfig config = PipelineConfig.loadDefault();
        config.minFreeDiskMb = 0;
        StringWriter log = new StringWriter();
        double seconds = RestartCost.measure(dir, config, 5_500, 2_000, new PrintWriter(log, true));
        assertTrue(seconds > 0 && seconds < 60, seconds + " s");
        assertTrue(log.toString().contains("writing a history of 5,500 orders"), log.toString());
        assertTrue(log.toString().contains("the restart restored snapshots of risk and matching"), log.toString());
        try (var left = Files.list(dir)) {
            assertFalse(left.findAny().isPresent(), "the data directory is deleted after");
        }
    }
}
