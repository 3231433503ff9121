package dev.orderpipe.pipeline.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PipelineConfigTest {

    static String defaultYaml() throws IOException {
        try (InputStream in = PipelineConfig.class.getResourceAsStream(PipelineConfig.EMBEDDED_DEFAULT)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String error(String yaml) {
        ConfigException e = assertThrows(ConfigException.class, () -> PipelineConfig.parse(yaml, "test.yaml"));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertTrue(e.getMessage().startsWith("test.yaml: "), e.getMessage());
        return e.getMessage();
    }

    @Test
    void theEmbeddedDefaultLoadsAndRunsOnTwoCores() {
        PipelineConfig config = PipelineConfig.loadDefault();
        assertEquals(1, config.groups.size());
        assertEquals(-1, config.groups.get(0).cpu);
        assertEquals(PipelineConfig.STAGES, config.groups.get(0).stages);
        assertEquals("orders", config.ingress.output);
        assertEquals(8, config.risk.symbols.size());
        assertEquals("AAPL", config.risk.symbols.get(0).symbol);
    }

    @Test
    void theConfFileIsTheEmbeddedDefault() throws IOException {
        Path conf = Path.of("..", "conf", "pipeline.yaml");
        assertEquals(Files.readString(conf), defaultYaml());
        assertEquals(PipelineConfig.loadDefault(), PipelineConfig.load(conf));
        assertEquals(PipelineConfig.loadDefault(), PipelineConfig.load(conf, PipelineConfig.loadDefault()));
    }

    @Test
    void configsShareNoSectionsSoAChangeToOneStaysInIt() {
        PipelineConfig a = PipelineConfig.loadDefault();
        PipelineConfig b = PipelineConfig.loadDefault();
        PipelineConfig copy = a.deepCopy();
        assertNotSame(a.risk, b.risk);
        assertNotSame(a.matching, copy.matching);
        assertNotSame(a.risk.symbols, copy.risk.symbols);
        copy.matching.maxOpenOrders = 5;
        b.risk.symbols.clear();
        assertEquals(1_048_576, a.matching.maxOpenOrders);
        assertEquals(8, a.risk.symbols.size());
        // a file that leaves a section out gets the config class's defaults, not those of the last config loaded
        String msg = error("!dev.orderpipe.pipeline.config.PipelineConfig { "
                + "groups: [ { name: g, stages: [ ingress, risk, matching, egress ] } ] }");
        assertTrue(msg.contains("risk.symbols is empty"), msg);
    }

    @Test
    void aFileReadOverABaseChangesOnlyTheKeysItGives(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("small.yaml");
        Files.writeString(file, "# two settings and a shorter list\n"
                + "!dev.orderpipe.pipeline.config.PipelineConfig {\n"
                + "  matching: { maxPriceLevels: 2 },\n"
                + "  risk: {\n"
                + "    maxOrdersPerSecond: 5,\n"
                + "    symbols: [ { symbol: AAPL, refPrice: \"190\" } ]\n"
                + "  }\n"
                + "}\n");
        PipelineConfig base = PipelineConfig.loadDefault();
        PipelineConfig config = PipelineConfig.load(file, base);

        assertSame(base, config);
        assertEquals(2, config.matching.maxPriceLevels);
        assertEquals(5, config.risk.maxOrdersPerSecond);
        // every other key keeps the embedded default's value, not the config class's
        PipelineConfig defaults = PipelineConfig.loadDefault();
        assertEquals(defaults.matching.maxOpenOrders, config.matching.maxOpenOrders);
        assertEquals("5000000", config.risk.defaultMaxNotional);
        assertEquals(defaults.risk.accounts, config.risk.accounts);
        assertEquals(defaults.groups, config.groups);
        assertEquals("data/pipeline", config.dataDir);
        // a list is replaced whole; its new elements start from the class's defaults
        assertEquals(1, config.risk.symbols.size());
        assertEquals("190", config.risk.symbols.get(0).refPrice);
        assertEquals(new SymbolConfig().maxOrderQty, config.risk.symbols.get(0).maxOrderQty);
        // the same file over the config classes' defaults: no groups, so it does not validate
        assertTrue(assertThrows(ConfigException.class, () -> PipelineConfig.load(file)).getMessage()
                .contains("groups is empty"));
    }

    @Test
    void aFileReadOverABaseIsCheckedAsAnyConfigFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("typo.yaml");
        Files.writeString(file, "!dev.orderpipe.pipeline.config.PipelineConfig { matching: { maxPriceLevel: 2 } }\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> PipelineConfig.load(file, PipelineConfig.loadDefault()));
        assertEquals(file + ": unknown key 'maxpricelevel' in matching (check the spelling against "
                + "conf/pipeline.yaml)", e.getMessage()); // Wire lower-cases keys

        Files.writeString(file, "!dev.orderpipe.pipeline.config.PipelineConfig { matching: { maxPriceLevels: 0 } }\n");
        e = assertThrows(ConfigException.class, () -> PipelineConfig.load(file, PipelineConfig.loadDefault()));
        assertEquals(file + ": matching.maxPriceLevels must be 1..1048576, was 0", e.getMessage());

        Files.writeString(file, "# nothing but a comment\n\n");
        e = assertThrows(ConfigException.class, () -> PipelineConfig.load(file, PipelineConfig.loadDefault()));
        assertEquals(file + ": empty config", e.getMessage());
    }

    @Test
    void unknownKeyIsNamed() throws IOException {
        String msg = error(defaultYaml().replace("minFreeDiskMb: 64", "minFreeDisk: 64"));
        assertTrue(msg.toLowerCase().contains("unknown key 'minfreedisk' in pipeline config"), msg); // Wire lower-cases keys
        msg = error(defaultYaml().replace("maxOpenOrders:", "maxOpenOrder:"));
        assertTrue(msg.toLowerCase().contains("unknown key 'maxopenorder' in matching"), msg);
    }

    @Test
    void unknownStageIsNamed() throws IOException {
        String msg = error(defaultYaml().replace("stages: [ ingress, risk, matching, egress ]", "stages: [ ingress, risk, matcher, egress ]"));
        assertTrue(msg.contains("unknown stage 'matcher'"), msg);
    }

    @Test
    void stageInNoGroupOrTwoGroups() throws IOException {
        String msg = error(defaultYaml().replace("stages: [ ingress, risk, matching, egress ]", "stages: [ ingress, risk, matching ]"));
        assertTrue(msg.contains("stage 'egress' is in no group"), msg);
        msg = error(defaultYaml().replace("{ name: pipeline, stages: [ ingress, risk, matching, egress ], cpu: -1, pauser: balanced }",
                "{ name: a, stages: [ ingress, risk, matching, egress ] }, { name: b, stages: [ risk ] }"));
        assertTrue(msg.contains("stage 'risk' is already in group 'a'"), msg);
    }

    @Test
    void cpuOutOfRangeIsRefused() throws IOException {
        String msg = error(defaultYaml().replace("cpu: -1", "cpu: 4096"));
        assertTrue(msg.contains("groups[0].cpu 4096 is not present"), msg);
        msg = error(defaultYaml().replace("cpu: -1", "cpu: -7"));
        assertTrue(msg.contains("groups[0].cpu -7"), msg);
    }

    @Test
    void oneQueueWrittenByTwoStagesIsRefused() throws IOException {
        String msg = error(defaultYaml().replace("output: checked", "output: orders"));
        assertTrue(msg.contains("queue 'orders' is written by two stages, ingress and risk"), msg);
    }

    @Test
    void badPauserAndRollCycle() throws IOException {
        assertTrue(error(defaultYaml().replace("pauser: balanced", "pauser: lazy")).contains("pauser 'lazy'"));
        assertTrue(error(defaultYaml().replace("rollCycle: FAST_DAILY", "rollCycle: MONTHLY")).contains("rollCycle 'MONTHLY'"));
    }

    @Test
    void badSyncSettings() throws IOException {
        assertTrue(error(defaultYaml().replace("syncMode: NONE", "syncMode: ALWAYS")).contains("syncMode 'ALWAYS'"));
        assertTrue(error(defaultYaml().replace("syncEveryRecords: 0", "syncEveryRecords: 10")).contains("needs syncMode ASYNC or SYNC"));
        assertTrue(error(defaultYaml().replace("syncEveryRecords: 0", "syncEveryRecords: -1")).contains("syncEveryRecords must be >= 0"));
    }

    @Test
    void badRiskSettings() throws IOException {
        assertTrue(error(defaultYaml().replace("symbol: AAPL", "symbol: aapl")).contains("risk.symbols[0].symbol"));
        assertTrue(error(defaultYaml().replace("\"189.25\"", "\"-3\"")).contains("risk.symbols[0].refPrice"));
        assertTrue(error(defaultYaml().replace("symbol: MSFT", "symbol: AAPL")).contains("configured twice"));
        assertTrue(error(defaultYaml().replace("priceBandPercent: 10.0", "priceBandPercent: 0")).contains("risk.priceBandPercent"));
    }

    @Test
    void malformedYamlIsOneLine() throws IOException {
        String msg = error(defaultYaml().replace("groups: [", "groups: [[[ {"));
        assertTrue(msg.contains("test.yaml"), msg);
        error("!dev.orderpipe.pipeline.config.PipelineConfig { dataDir: x, ingress: { maxLineLength: notanumber } }");
    }

    @Test
    void missingOrUnreadableFile(@TempDir Path dir) {
        ConfigException e = assertThrows(ConfigException.class, () -> PipelineConfig.load(dir.resolve("nope.yaml")));
        assertEquals("config file " + dir.resolve("nope.yaml") + " does not exist", e.getMessage());
        e = assertThrows(ConfigException.class, () -> PipelineConfig.load(dir));
        assertTrue(e.getMessage().startsWith("cannot read config file"), e.getMessage());
    }
}
