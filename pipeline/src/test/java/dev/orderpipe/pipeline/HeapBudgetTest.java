package dev.orderpipe.pipeline;

import dev.orderpipe.pipeline.book.MatchingEngine;
import dev.orderpipe.pipeline.config.ConfigException;
import dev.orderpipe.pipeline.config.PipelineConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeapBudgetTest {
    private static final long MB = 1 << 20;

    @Test
    void theDefaultFitsA256MbHeapAndNot128() {
        PipelineConfig config = PipelineConfig.loadDefault();
        HeapBudget.check(config, 256 * MB);
        ConfigException e = assertThrows(ConfigException.class, () -> HeapBudget.check(config, 128 * MB));
        // the (account, id) pairs risk remembers are the largest tables: 28 bytes per id of capacity
        assertEquals("risk.orderIdCapacity 4194304 needs about 112 MB of heap (all preallocated tables 185 MB), the JVM"
                + " has 128 MB (-Xmx) and the tables may use 3/4 of it: lower risk.orderIdCapacity or raise -Xmx",
                e.getMessage());
    }

    @Test
    void theMessageNamesTheKeyWithTheLargestTables() {
        PipelineConfig config = PipelineConfig.loadDefault();
        config.risk.orderIdCapacity = 1 << 28;
        ConfigException e = assertThrows(ConfigException.class, () -> HeapBudget.check(config, 1024 * MB));
        assertTrue(e.getMessage().startsWith("risk.orderIdCapacity 268435456 needs about 7.0 GB of heap (all preallocated"
                + " tables 7.1 GB), the JVM has 1.0 GB (-Xmx)"), e.getMessage());
        config.risk.orderIdCapacity = 1024;
        config.risk.maxOrdersPerSecond = 100;
        config.risk.accountCapacity = 1 << 24;
        e = assertThrows(ConfigException.class, () -> HeapBudget.check(config, 256 * MB));
        assertTrue(e.getMessage().startsWith("risk.accountCapacity 16777216 needs about"), e.getMessage());
        config.risk.accountCapacity = 1024;
        config.matching.maxPriceLevels = 1 << 20;
        config.matching.maxOpenOrders = 1 << 24;
        e = assertThrows(ConfigException.class, () -> HeapBudget.check(config, 1024 * MB));
        assertTrue(e.getMessage().startsWith("matching.maxOpenOrders 16777216 needs about"), e.getMessage());
        config.matching.maxOpenOrders = 1024;
        e = assertThrows(ConfigException.class, () -> HeapBudget.check(config, 128 * MB));
        assertTrue(e.getMessage().startsWith("matching.maxPriceLevels 1048576 needs about 192 MB"), e.getMessage());
    }

    @Test
    void matchingsSnapshotCopyMustFitTheDirectMemoryLimitWhenSnapshotsAreEnabled() {
        PipelineConfig config = PipelineConfig.loadDefault();
        // the default's copy: 38 bytes per maxOpenOrders slot (1,048,576), 16 per level and 4 per side slot: 39 MB
        assertEquals(41_156_608, MatchingEngine.snapshotCopyBytes(config.matching, config.risk.symbols.size()));
        HeapBudget.check(config, 256 * MB, 53 * MB);
        assertThrows(ConfigException.class, () -> HeapBudget.check(config, 256 * MB, 52 * MB));
        ConfigException e = assertThrows(ConfigException.class, () -> HeapBudget.check(config, 256 * MB, 32 * MB));
        assertEquals("matching.maxOpenOrders 1048576 needs about 39 MB of direct memory for matching's snapshot copy of"
                + " the books, the JVM allows 32 MB (-XX:MaxDirectMemorySize, by default -Xmx) and the copy may use 3/4"
                + " of it: lower matching.maxOpenOrders, raise -XX:MaxDirectMemorySize or set snapshots.enabled: false",
                e.getMessage());
        config.matching.maxOpenOrders = 1024;
        config.matching.maxPriceLevels = 1 << 20;
        e = assertThrows(ConfigException.class, () -> HeapBudget.check(config, 1024 * MB, 32 * MB));
        assertTrue(e.getMessage().startsWith("matching.maxPriceLevels 1048576 needs about"), e.getMessage());
        config.snapshots.enabled = false; // no copy is allocated
        HeapBudget.check(config, 1024 * MB, MB);
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void startRefusesCapacitiesTheHeapCannotHoldBeforeAllocatingOrOpeningAnything(@TempDir Path dir) {
        PipelineConfig config = TestPipelines.config(dir.resolve("data"), null);
        config.matching.maxOpenOrders = 1 << 26;
        long heap = Runtime.getRuntime().maxMemory();
        ConfigException e = assertThrows(ConfigException.class, () -> Pipeline.start(config));
        assertEquals("matching.maxOpenOrders 67108864 needs about 4.4 GB of heap (all preallocated tables 4.5 GB), the"
                + " JVM has " + HeapBudget.size(heap) + " (-Xmx) and the tables may use 3/4 of it: lower"
                + " matching.maxOpenOrders or raise -Xmx", e.getMessage());
        assertFalse(Files.exists(dir.resolve("data")), "refused before the data directory was touched");
    }
}
