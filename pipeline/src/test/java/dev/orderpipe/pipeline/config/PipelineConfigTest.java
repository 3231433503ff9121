package dev.orderpipe.pipeline.config;

import dev.orderpipe.pipeline.infra.CpuPlacement;
import net.openhft.affinity.Affinity;
import net.openhft.affinity.AffinityLock;
import net.openhft.chronicle.core.Jvm;
import net.openhft.chronicle.core.onoes.ExceptionKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
        assertEquals("orders", config.ingress.queue);
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
        assertEquals(file + ": unknown key 'maxPriceLevel' in matching (check the spelling against "
                + "conf/pipeline.yaml)", e.getMessage()); // Wire lower-cases keys

        Files.writeString(file, "!dev.orderpipe.pipeline.config.PipelineConfig { matching: { maxPriceLevels: 0 } }\n");
        e = assertThrows(ConfigException.class, () -> PipelineConfig.load(file, PipelineConfig.loadDefault()));
        assertEquals(file + ": matching.maxPriceLevels must be 1..1048576, was 0", e.getMessage());

        Files.writeString(file, "# nothing but a comment\n\n");
        e = assertThrows(ConfigException.class, () -> PipelineConfig.load(file, PipelineConfig.loadDefault()));
        assertEquals(file + ": empty config", e.getMessage());
    }

    @Test
    void theKeysOfTheFirstReleaseStillLoadAsTheirNewNames(@TempDir Path dir) throws IOException {
        Path old = dir.resolve("old.yaml");
        Files.writeString(old, "!dev.orderpipe.pipeline.config.PipelineConfig {\n"
                + "  ingress: { output: in, input: orders.csv, batchSize: 7 },\n"
                + "  risk: { input: in, output: ok },\n"
                + "  matching: { input: ok, output: out },\n"
                + "  egress: { input: out, output: out.csv }\n"
                + "}\n");
        Path current = dir.resolve("new.yaml");
        Files.writeString(current, "!dev.orderpipe.pipeline.config.PipelineConfig {\n"
                + "  ingress: { queue: in, file: orders.csv, linesPerCall: 7 },\n"
                + "  risk: { queue: ok },\n"
                + "  matching: { queue: out },\n"
                + "  egress: { csvFile: out.csv }\n"
                + "}\n");
        PipelineConfig fromOld = PipelineConfig.load(old, PipelineConfig.loadDefault());
        assertEquals(PipelineConfig.load(current, PipelineConfig.loadDefault()), fromOld);
        assertEquals("in", fromOld.ingress.queue);
        assertEquals("orders.csv", fromOld.ingress.file);
        assertEquals(7, fromOld.ingress.linesPerCall);
        assertEquals("out.csv", fromOld.egress.csvFile);
        // an old key is no way around the checks of its new name
        Files.writeString(old, "!dev.orderpipe.pipeline.config.PipelineConfig { ingress: { batchSize: 0 } }\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> PipelineConfig.load(old, PipelineConfig.loadDefault()));
        assertEquals(old + ": ingress.linesPerCall must be 1..65536, was 0", e.getMessage());
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
        msg = error(defaultYaml().replace("{ name: pipeline, stages: [ ingress, risk, matching, egress ], cpu: -1, pauser: balanced, maxPauseMicros: 1000 }",
                "{ name: a, stages: [ ingress, risk, matching, egress ] }, { name: b, stages: [ risk ] }"));
        assertTrue(msg.contains("stage 'risk' is already in group 'a'"), msg);
    }

    @Test
    void cpuOutOfRangeIsRefused() throws IOException {
        String msg = error(defaultYaml().replace("cpu: -1", "cpu: 4096"));
        assertTrue(msg.contains("groups[0].cpu 4096 is not present"), msg);
        msg = error(defaultYaml().replace("cpu: -1", "cpu: -7"));
        assertTrue(msg.contains("groups[0].cpu must be -1..65535 (-1 leaves the group unpinned), was -7"), msg);
    }

    @Test
    void aThreadKeptOffAPinnedCpuValidatesTheConfigThatPinsIt() {
        int cpus = Runtime.getRuntime().availableProcessors();
        assumeTrue(cpus >= 2, "needs a second CPU to pin");
        PipelineConfig config = PipelineConfig.loadDefault();
        config.groups.get(0).cpu = cpus - 1;
        BitSet before = CpuPlacement.keepOff(CpuPlacement.pinned(config), "test");
        try {
            // what Linux tells a thread about CPUs is its own affinity (availableProcessors, which the JVM may cache
            // for 20 ms in a container): a replay's or bench's watching thread, kept off the pinned CPU, sees one CPU
            // fewer; the config is still checked against the process's
            BitSet expected = (BitSet) AffinityLock.BASE_AFFINITY.clone();
            expected.clear(cpus - 1);
            assertEquals(expected, Affinity.getAffinity(), "this thread is kept off CPU " + (cpus - 1));
            config.validate();
            config.groups.get(0).cpu = cpus;
            ConfigException e = assertThrows(ConfigException.class, config::validate);
            assertEquals("groups[0].cpu " + cpus + " is not present: this machine has CPUs 0.." + (cpus - 1)
                    + " (-1 leaves the group unpinned)", e.getMessage());
        } finally {
            CpuPlacement.restore(before);
        }
    }

    @Test
    void oneQueueWrittenByTwoStagesIsRefused() throws IOException {
        String msg = error(defaultYaml().replace("queue: checked", "queue: orders"));
        assertTrue(msg.contains("queue 'orders' is written by two stages, ingress and risk"), msg);
    }

    @Test
    void aPathTheFileSystemCannotNameIsRefusedWithItsKey() {
        PipelineConfig config = PipelineConfig.loadDefault();
        config.egress.csvFile = "out\0.csv";
        ConfigException e = assertThrows(ConfigException.class, config::validate);
        assertEquals("egress.csvFile 'out\0.csv' is not a path: Nul character not allowed", e.getMessage());
        config.egress.csvFile = "";
        config.ingress.file = null;
        e = assertThrows(ConfigException.class, config::validate);
        assertEquals("ingress.file must be a path, or \"\" for none", e.getMessage());
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
        assertTrue(error(defaultYaml().replace("syncEveryRecords: 0", "syncEveryRecords: -1")).contains("syncEveryRecords must be 0..1000000000"));
    }

    @Test
    void badRiskSettings() throws IOException {
        assertTrue(error(defaultYaml().replace("symbol: AAPL", "symbol: aapl")).contains("risk.symbols[0].symbol"));
        assertTrue(error(defaultYaml().replace("\"189.25\"", "\"-3\"")).contains("risk.symbols[0].refPrice"));
        assertTrue(error(defaultYaml().replace("symbol: MSFT", "symbol: AAPL")).contains("configured twice"));
        assertTrue(error(defaultYaml().replace("priceBandPercent: 10.0", "priceBandPercent: 0")).contains("risk.priceBandPercent"));
    }

    /**
     * A key given twice in one section was accepted and the last value silently won (a risk limit typed twice, the
     * stricter first one ignored): now one line naming the key, its path and both lines, at any depth.
     */
    @Test
    void aKeyGivenTwiceIsOneLineNamingTheKeyAndItsLines() throws IOException {
        String yaml = defaultYaml();
        int disk = lineOf(yaml, "\n  minFreeDiskMb: 64,");
        assertEquals("test.yaml: duplicate key 'minFreeDiskMb' on line " + (disk + 1) + " (first on line " + disk
                + "): give each key once",
                error(yaml.replace("\n  minFreeDiskMb: 64,", "\n  minFreeDiskMb: 64,\n  minFreeDiskMb: 1024,")));
        int band = lineOf(yaml, "\n    priceBandPercent: 10.0,");
        assertEquals("test.yaml: duplicate key 'risk.priceBandPercent' on line " + (band + 2) + " (first on line "
                + band + "): give each key once", error(yaml.replace("\n    priceBandPercent: 10.0,",
                "\n    priceBandPercent: 10.0,\n    # later\n    priceBandPercent: 50.0,")));
        int aapl = lineOf(yaml, "{ symbol: AAPL, ");
        assertEquals("test.yaml: duplicate key 'risk.symbols[0].maxOrderQty' on line " + aapl + " (first on line "
                + aapl + "): give each key once",
                error(yaml.replace("maxOrderQty: 100000 }", "maxOrderQty: 100000, maxOrderQty: 5 }")));
        assertEquals("test.yaml: duplicate key 'dataDir' on line 2 (first on line 1): give each key once",
                error("!dev.orderpipe.pipeline.config.PipelineConfig { dataDir: a,\n dataDir: b }"));
        // a layout file read over a base may set a key the base set: only twice in one document is refused
        PipelineConfig over = PipelineConfig.parse("{ minFreeDiskMb: 7 }", "t", PipelineConfig.loadDefault());
        assertEquals(7, over.minFreeDiskMb);
    }

    /** The line (from 1) where {@code text} starts in {@code yaml}, past a leading line end. */
    private static int lineOf(String yaml, String text) {
        int at = yaml.indexOf(text);
        assertTrue(at >= 0, text);
        if (text.startsWith("\n"))
            at++;
        int line = 1;
        for (int i = 0; i < at; i++)
            if (yaml.charAt(i) == '\n')
                line++;
        return line;
    }

    @Test
    void malformedYamlIsOneLine() throws IOException {
        String msg = error(defaultYaml().replace("groups: [", "groups: [[[ {"));
        assertTrue(msg.contains("test.yaml"), msg);
        error("!dev.orderpipe.pipeline.config.PipelineConfig { dataDir: x, ingress: { maxLineLength: notanumber } }");
    }

    /** Every integer key: its setting in the default YAML, its path in messages and its range. */
    private static final List<String[]> INTEGER_KEYS = List.of(
            new String[]{"minFreeDiskMb: 64", "minFreeDiskMb", "0..1073741824"},
            new String[]{"syncEveryRecords: 0", "syncEveryRecords", "0..1000000000"},
            new String[]{"maxLineLength: 1024", "ingress.maxLineLength", "64..1048576"},
            new String[]{"linesPerCall: 64", "ingress.linesPerCall", "1..65536"},
            new String[]{"maxOrdersPerSecond: 0", "risk.maxOrdersPerSecond", "0..1000000000"},
            new String[]{"orderIdCapacity: 4194304", "risk.orderIdCapacity", "1..268435456"},
            new String[]{"accountCapacity: 65536", "risk.accountCapacity", "1..16777216"},
            new String[]{"maxOpenOrders: 1048576", "matching.maxOpenOrders", "1..67108864"},
            new String[]{"maxPriceLevels: 4096", "matching.maxPriceLevels", "1..1048576"},
            new String[]{"cpu: -1", "groups[0].cpu", "-1..65535"},
            new String[]{"maxPauseMicros: 1000", "groups[0].maxPauseMicros", "10..1000000"},
            new String[]{"maxOrderQty: 100000", "risk.symbols[0].maxOrderQty", "1..9223372036854775807"},
            new String[]{"account: 1", "risk.accounts[0].account", "1..9223372036854775807"},
            new String[]{"writerId: 1000000", "session.writerId", "1..9223372036854775807"});

    /** The default YAML with the first {@code setting} ("key: value") outside comments given another value. */
    private static String with(String setting, String value) throws IOException {
        String key = setting.substring(0, setting.indexOf(':'));
        String yaml = defaultYaml();
        Matcher m = Pattern.compile("(?m)^[^#\\n]*?(" + Pattern.quote(setting) + ")\\b").matcher(yaml);
        assertTrue(m.find(), setting);
        return yaml.substring(0, m.start(1)) + key + ": " + value + yaml.substring(m.end(1));
    }

    @Test
    void everyIntegerKeyOutsideItsRangeIsOneLineNamingTheKeyAndTheRange() throws IOException {
        Map<ExceptionKey, Integer> warnings = Jvm.recordExceptions(false); // warnings and errors, not debug
        try {
            for (String[] k : INTEGER_KEYS) {
                long min = Long.parseLong(k[2].substring(0, k[2].indexOf("..")));
                List<String> values = List.of("2147483648", "3000000000", "17592186044416", "-2147483649",
                        "99999999999999999999", "-99999999999999999999", Long.toString(min - 1));
                for (String v : values) {
                    if (v.equals("2147483648") || v.equals("3000000000") || v.equals("17592186044416"))
                        if (k[2].endsWith("..9223372036854775807"))
                            continue; // a valid 64-bit id or quantity
                    String msg = error(with(k[0], v));
                    assertEquals("test.yaml: " + k[1] + " must be " + k[2] + range(k[1]) + ", was " + v, msg);
                }
                for (String v : List.of("1.5", "abc", "1e9", "0x10", "12abc"))
                    assertEquals("test.yaml: " + k[1] + " must be an integer in " + k[2] + range(k[1]) + ", was '" + v
                            + "'", error(with(k[0], v)));
            }
            assertTrue(warnings.isEmpty(), "Chronicle warned instead of the config failing: " + warnings);
        } finally {
            Jvm.resetExceptionHandlers();
        }
    }

    /** The note of the keys whose special values mean something. */
    private static String range(String key) {
        switch (key) {
            case "minFreeDiskMb":
                return " (MB, 1 PB at most; 0 turns the guard off)";
            case "syncEveryRecords":
                return " (0: only when Chronicle releases a chunk)";
            case "risk.maxOrdersPerSecond":
                return " (0 disables it)";
            case "groups[0].cpu":
                return " (-1 leaves the group unpinned)";
            case "groups[0].maxPauseMicros":
                return " (longest sleep of a balanced or sleepy group, microseconds)";
            default:
                return "";
        }
    }

    @Test
    void integerKeysAcceptTheirWholeRangeAndDigitGroups() throws IOException {
        assertEquals(65_536, PipelineConfig.parse(with("linesPerCall: 64", "65536"), "t").ingress.linesPerCall);
        assertEquals(1 << 28, PipelineConfig.parse(with("orderIdCapacity: 4194304", "268_435_456"), "t").risk.orderIdCapacity);
        assertEquals(1L << 30, PipelineConfig.parse(with("minFreeDiskMb: 64", "1073741824"), "t").minFreeDiskMb);
        // the range allows any 64-bit quantity; validation bounds it by maxOpenOrders (see maxOrderQtyIsBounded...)
        assertEquals(Long.MAX_VALUE / 1_048_576, PipelineConfig.parse(with("maxOrderQty: 100000", "8796093022207"), "t")
                .risk.symbols.get(0).maxOrderQty);
    }

    @Test
    void aConfigChangedInCodeIsRangeCheckedByValidate() {
        PipelineConfig config = PipelineConfig.loadDefault();
        config.matching.maxOpenOrders = -5;
        ConfigException e = assertThrows(ConfigException.class, config::validate);
        assertEquals("matching.maxOpenOrders must be 1..67108864, was -5", e.getMessage());
        config = PipelineConfig.loadDefault();
        config.risk.symbols.get(2).maxOrderQty = 0;
        e = assertThrows(ConfigException.class, config::validate);
        assertEquals("risk.symbols[2].maxOrderQty must be 1..9223372036854775807, was 0", e.getMessage());
        config = PipelineConfig.loadDefault();
        config.minFreeDiskMb = 1L << 44; // 2^44 MB: in bytes it would overflow a long to 0 and turn the guard off
        e = assertThrows(ConfigException.class, config::validate);
        assertTrue(e.getMessage().startsWith("minFreeDiskMb must be 0..1073741824"), e.getMessage());
    }

    @Test
    void valuesOfTheWrongShapeAreRefused() throws IOException {
        assertEquals("test.yaml: ingress.follow must be true or false, was 'yes'", error(with("follow: false", "yes")));
        assertEquals("test.yaml: risk.priceBandPercent must be a decimal number, was 'NaN'",
                error(with("priceBandPercent: 10.0", "NaN")));
        assertEquals("test.yaml: matching.maxPriceLevels must be a single value, not a section { }",
                error(with("maxPriceLevels: 4096", "{ a: 1 }")));
        assertEquals("test.yaml: groups[0].stages must be a list in [ ], was 'ingress'",
                error(defaultYaml().replace("stages: [ ingress, risk, matching, egress ]", "stages: ingress")));
        assertEquals("test.yaml: risk.symbols[0] must be a section in { }, was 'AAPL'",
                error(defaultYaml().replace("symbols: [", "symbols: [ AAPL,")));
        assertEquals("test.yaml: unknown key 'MaxOpenOrders' in matching (keys are case-sensitive: maxOpenOrders)",
                error(defaultYaml().replace("maxOpenOrders:", "MaxOpenOrders:")));
        assertEquals(100.0, PipelineConfig.parse(with("priceBandPercent: 10.0", "1e2"), "t").risk.priceBandPercent);
    }

    @Test
    void aDeepCopyEqualsTheOriginal() {
        PipelineConfig config = PipelineConfig.loadDefault();
        config.risk.symbols.get(1).maxOrderQty = 5_000_000_000L;
        PipelineConfig copy = config.deepCopy();
        assertEquals(config, copy);
        assertEquals(5_000_000_000L, copy.risk.symbols.get(1).maxOrderQty);
    }

    @Test
    void missingOrUnreadableFile(@TempDir Path dir) {
        ConfigException e = assertThrows(ConfigException.class, () -> PipelineConfig.load(dir.resolve("nope.yaml")));
        assertEquals("config file " + dir.resolve("nope.yaml") + " does not exist", e.getMessage());
        e = assertThrows(ConfigException.class, () -> PipelineConfig.load(dir));
        assertTrue(e.getMessage().startsWith("cannot read config file"), e.getMessage());
    }

    /** Checks {@code change} applied to the embedded default is refused by validate() with exactly {@code message}. */
    private static void refused(String message, java.util.function.Consumer<PipelineConfig> change) {
        PipelineConfig config = PipelineConfig.loadDefault();
        change.accept(config);
        assertEquals(message, assertThrows(ConfigException.class, config::validate).getMessage());
    }

    @Test
    void maxOrderQtyIsBoundedSoThatABooksOpenQuantityFits64Bits() {
        refused("risk.symbols[0].maxOrderQty must be at most 8796093022207 (2^63-1 / matching.maxOpenOrders 1048576,"
                + " so a book's open quantity fits 64 bits), was 8796093022208",
                c -> c.risk.symbols.get(0).maxOrderQty = 8_796_093_022_208L);
        PipelineConfig config = PipelineConfig.loadDefault();
        config.matching.maxOpenOrders = 1;
        config.risk.symbols.get(0).maxOrderQty = Long.MAX_VALUE;
        config.validate();
        refused("risk.symbols[0].refPrice 900000000000000 plus risk.priceBandPercent 10.0 is beyond the largest price:"
                + " lower one of them", c -> c.risk.symbols.get(0).refPrice = "900000000000000");
    }

    @Test
    void tickSizeTablesAreValidatedInOneLine() {
        refused("risk.symbols[1].tickSizes[0].from must be 0: the first band covers every price below the next, was 1",
                c -> c.risk.symbols.get(1).tickSizes = List.of(TickSizeConfig.of("1", "0.01")));
        refused("risk.symbols[1].tickSizes[2].from 1.00 must be above the band before it: bands go up in price",
                c -> c.risk.symbols.get(1).tickSizes = List.of(TickSizeConfig.of("0", "0.01"),
                        TickSizeConfig.of("2", "0.05"), TickSizeConfig.of("1.00", "0.1")));
        refused("risk.symbols[1].tickSizes[0].tick: price '0' must be > 0",
                c -> c.risk.symbols.get(1).tickSizes = List.of(TickSizeConfig.of("0", "0")));
        refused("risk.symbols[1].tickSizes[0].tick is missing",
                c -> c.risk.symbols.get(1).tickSizes = List.of(TickSizeConfig.of("0", "")));
        refused("risk.symbols[1].tickSizes[1].from: price 'x' is not a decimal number",
                c -> c.risk.symbols.get(1).tickSizes = List.of(TickSizeConfig.of("0", "0.01"),
                        TickSizeConfig.of("x", "0.05")));
    }

    @Test
    void tradingRuleKeysAreValidatedInOneLine() {
        refused("risk.accounts[0].selfTradePrevention must be NONE, CANCEL_RESTING, CANCEL_INCOMING or CANCEL_BOTH,"
                + " was 'CANCEL_NEWEST'", c -> c.risk.accounts.get(0).selfTradePrevention = "CANCEL_NEWEST");
        refused("risk.marketProtectionPercent must be >= 0 and <= risk.priceBandPercent (10.0; 0 uses it), was 10.5",
                c -> c.risk.marketProtectionPercent = 10.5);
        refused("risk.marketProtectionPercent must be >= 0 and <= risk.priceBandPercent (10.0; 0 uses it), was -1.0",
                c -> c.risk.marketProtectionPercent = -1);
        refused("risk.rateWindowRolling needs risk.maxOrdersPerSecond > 0 (with 0 no account is rate limited)",
                c -> c.risk.rateWindowRolling = true);
        refused("risk.rateCountsCancels needs risk.maxOrdersPerSecond > 0 (with 0 no account is rate limited)",
                c -> c.risk.rateCountsCancels = true);
        refused("risk.rateWindowRolling keeps the last risk.maxOrdersPerSecond order times of each of"
                + " risk.accountCapacity accounts: 10000 x 65536 = 655360000, more than 268435456: lower one of them",
                c -> {
                    c.risk.rateWindowRolling = true;
                    c.risk.maxOrdersPerSecond = 10_000;
                });
        // an account listed for its self-trade prevention alone takes the default notional
        PipelineConfig config = PipelineConfig.loadDefault();
        AccountConfig a = new AccountConfig();
        a.account = 5;
        a.selfTradePrevention = "CANCEL_BOTH";
        config.risk.accounts.add(a);
        config.validate();
    }

    @Test
    void tradingRuleKeysAreReadFromYaml() {
        PipelineConfig config = PipelineConfig.parse("!dev.orderpipe.pipeline.config.PipelineConfig {\n"
                + "  risk: { marketProtectionPercent: 2.5, maxOrdersPerSecond: 5, rateWindowRolling: true,"
                + " rateCountsCancels: true,\n"
                + "    symbols: [ { symbol: ABC, refPrice: \"1.00\", maxOrderQty: 10,"
                + " tickSizes: [ { from: \"0\", tick: \"0.0001\" }, { from: \"1.00\", tick: \"0.01\" } ] } ],\n"
                + "    accounts: [ { account: 7, selfTradePrevention: CANCEL_RESTING } ] }\n"
                + "}\n", "t", PipelineConfig.loadDefault());
        assertEquals(2.5, config.risk.marketProtectionPercent);
        assertTrue(config.risk.rateWindowRolling);
        assertTrue(config.risk.rateCountsCancels);
        assertEquals("0.01", config.risk.symbols.get(0).tickSizes.get(1).tick);
        assertEquals(10_000, config.risk.symbols.get(0).tickSizes.get(1).fromPrice());
        assertEquals("CANCEL_RESTING", config.risk.accounts.get(0).selfTradePrevention);
        assertEquals("", config.risk.accounts.get(0).maxNotional);
        assertEquals("unknown key 'tick_size' in risk.symbols[0].tickSizes[0] (check the spelling against"
                        + " conf/pipeline.yaml)",
                assertThrows(ConfigException.class, () -> PipelineConfig.parse(
                        "!dev.orderpipe.pipeline.config.PipelineConfig { risk: { symbols: [ { symbol: ABC, refPrice:"
                                + " \"1\", tickSizes: [ { tick_size: \"0.01\" } ] } ] } }", "t",
                        PipelineConfig.loadDefault())).getMessage().substring(3));
    }
}
