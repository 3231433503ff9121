package dev.orderpipe.tools;

import dev.orderpipe.pipeline.Pipeline;
import dev.orderpipe.pipeline.Prices;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.TestPipelines;
import dev.orderpipe.pipeline.api.OrderEntry;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.codes.Side;
import dev.orderpipe.pipeline.codes.TimeInForce;
import dev.orderpipe.pipeline.config.PipelineConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code stats} on a live pipeline whose queues roll every second: each stats reads the three queues' ends while the
 * writer goes on and rolls, and must never call what it finds damage.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StatsLiveRollTest {
    @Test
    void statsReadRepeatedlyWhileALivePipelineRollsOneSecondCyclesReportsNoDamage(@TempDir Path dir)
            throws Exception {
        Path data = dir.resolve("data");
        Path yaml = dir.resolve("secondly.yaml");
        String defaults = Files.readString(Path.of("../conf/pipeline.yaml")); // the embedded default's source
        assertTrue(defaults.contains("rollCycle: FAST_DAILY,"), "conf/pipeline.yaml's roll cycle");
        Files.writeString(yaml, defaults.replace("rollCycle: FAST_DAILY,", "rollCycle: TEST_SECONDLY,"));
        PipelineConfig config = PipelineConfig.load(yaml);
        config.dataDir = data.toString();
        config.minFreeDiskMb = 0;
        config.validate();
        long aapl = Symbols.encode("AAPL");
        long price = Prices.parse("189.25");
        AtomicReference<Throwable> writerFailed = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        int stats = 0;
        try (Pipeline pipeline = Pipeline.start(config)) {
            Thread writer = new Thread(() -> {
                try (OrderEntry entry = OrderEntry.open(config, 5)) {
                    for (long id = 1; !stop.get(); id++) {
                        entry.newOrder(id, 1 + id % 7, aapl, id % 2 == 0 ? Side.BUY : Side.SELL, OrderType.LIMIT,
                                TimeInForce.GTC, price, 100);
                        Thread.sleep(0, 300_000);
                    }
                } catch (Throwable t) {
                    writerFailed.set(t);
                }
            }, "writer");
            writer.start();
            long started = System.nanoTime();
            try {
                // at least 8 reads over at least 5 s (5 rolls), however slow a read is on a loaded machine
                while (stats < 8 || System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5)) {
                    Cli c = Cli.run("stats", "-c", yaml.toString(), data.toString());
                    assertEquals(0, c.exitCode, "stats number " + (stats + 1) + " on the live pipeline: " + c);
                    stats++;
                }
            } finally {
                stop.set(true);
                writer.join();
            }
            assertNull(writerFailed.get());
            assertNull(pipeline.failure());
        }
        try (Stream<Path> files = Files.list(data.resolve("orders"))) {
            long cycles = files.filter(f -> f.getFileName().toString().endsWith(".cq4")).count();
            assertTrue(cycles >= 5, "the queue rolled at least 4 times while stats read it: " + cycles + " files");
        }
        System.out.printf("stats read a live pipeline rolling every second %d times%n", stats);
    }
}
