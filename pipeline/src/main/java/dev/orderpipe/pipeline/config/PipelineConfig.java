package dev.orderpipe.pipeline.config;

import dev.orderpipe.pipeline.Prices;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.book.SelfTradePrevention;
import dev.orderpipe.pipeline.risk.PriceBands;
import dev.orderpipe.pipeline.session.SessionCalendar;
import net.openhft.affinity.AffinityLock;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.rollcycles.LargeRollCycles;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The whole pipeline's configuration, loaded from Chronicle Wire YAML ({@code conf/pipeline.yaml}) and validated once
 * by {@link #validate()}: every problem is a {@link ConfigException} with one line naming the key.
 */
public final class PipelineConfig extends StrictConfig {
    /** Most entries of risk's rolling rate ring (accountCapacity x maxOrdersPerSecond): 2 GB of heap. */
    static final long MAX_RATE_RING = 1L << 28;
    /** Stage names, in data-flow order. */
    public static final List<String> STAGES = List.of("ingress", "risk", "matching", "egress");
    /** Classpath location of the embedded default (a copy of conf/pipeline.yaml made by the build). */
    public static final String EMBEDDED_DEFAULT = "/dev/orderpipe/pipeline/conf/pipeline.yaml";

    /** Where the queues live: a relative path is resolved against the current directory. */
    public String dataDir = "data";
    /** Chronicle roll cycle name, e.g. FAST_HOURLY, FAST_DAILY, LARGE_DAILY (TEST_SECONDLY rolls every second). */
    public String rollCycle = "FAST_DAILY";
    /** Refuse to start with less free space than this in the data directory's filesystem. */
    @Range(min = 0, max = 1L << 30, note = "MB, 1 PB at most; 0 turns the guard off")
    public long minFreeDiskMb = 64;
    /**
     * Chronicle's msync mode for the queues: NONE (the OS writes pages back when it likes), ASYNC or SYNC (msync when a
     * mapped chunk is released and at each explicit sync; SYNC waits for the device).
     */
    public String syncMode = "NONE";
    /** With ASYNC or SYNC: each writing stage also syncs after this many records (0: only on chunk release). */
    @Range(min = 0, max = 1_000_000_000, note = "0: only when Chronicle releases a chunk")
    public int syncEveryRecords = 0;
    /**
     * Keep the memory ahead of each output queue's write position mapped and touched from a background thread
     * ({@link dev.orderpipe.pipeline.infra.QueuePretoucher}), so stages never pay for a new chunk or a first-touch fault.
     */
    public boolean pretouch = false;
    /**
     * How long a stage may have input waiting (records beyond its reader) without making progress before the pipeline
     * stops with an error instead of idling forever; a WARN line names the stage at half of it.
     */
    @Range(min = 100, max = 86_400_000, note = "how long a stage may have input waiting without progress")
    public long stallTimeoutMs = 10_000;
    public IngressConfig ingress = new IngressConfig();
    public RiskConfig risk = new RiskConfig();
    public MatchingConfig matching = new MatchingConfig();
    public EgressConfig egress = new EgressConfig();
    public SessionConfig session = new SessionConfig();
    public SnapshotConfig snapshots = new SnapshotConfig();
    public ReplicationConfig replication = new ReplicationConfig();
    public RetentionConfig retention = new RetentionConfig();
    public List<StageGroupConfig> groups = new ArrayList<>();

    /** Loads and validates a config file; the keys it leaves out take the defaults of the config classes. */
    public static PipelineConfig load(Path file) {
        return load(file, new PipelineConfig());
    }

    /**
     * Loads a config file over {@code base} and validates the result: each key the file gives replaces base's value
     * (a list, such as {@code risk.symbols}, is replaced whole) and every other keeps base's, so
     * {@code load(file, loadDefault())} reads a file that says only how it differs from the embedded default.
     * {@code base} is filled in place and returned.
     */
    public static PipelineConfig load(Path file, PipelineConfig base) {
        return parse(readFile(file, "config file"), file.toString(), base);
    }

    /** Loads the embedded default (conf/pipeline.yaml as built into the jar). */
    public static PipelineConfig loadDefault() {
        return parse(embedded(EMBEDDED_DEFAULT), "embedded default");
    }

    /** The text of a file of conf/ built into the jar ({@link #EMBEDDED_DEFAULT}, a layout's). */
    static String embedded(String resource) {
        try (InputStream in = PipelineConfig.class.getResourceAsStream(resource)) {
            if (in == null)
                throw new IllegalStateException("embedded config " + resource + " missing from the build");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read embedded config " + resource, e);
        }
    }

    /** Parses and validates YAML text; {@code origin} names it in messages. */
    public static PipelineConfig parse(String yaml, String origin) {
        return parse(yaml, origin, new PipelineConfig());
    }

    /** Parses YAML text over {@code base} (see {@link #load(Path, PipelineConfig)}) and validates the result. */
    static PipelineConfig parse(String yaml, String origin, PipelineConfig base) {
        read(yaml, origin, base, PipelineConfig.class);
        try {
            return base.validate();
        } catch (ConfigException e) {
            throw new ConfigException(origin + ": " + e.getMessage());
        }
    }

    /**
     * The CPUs a group may name in {@code cpu}: 0 to this less one. The machine's CPUs, not only those the process may
     * run on: under {@code taskset} or a cpuset the JVM counts fewer processors, and its own affinity ends below the
     * CPUs a pinned group takes.
     */
    public static int cpusPresent() {
        return Math.max(Math.max(Runtime.getRuntime().availableProcessors(), AffinityLock.BASE_AFFINITY.length()),
                AffinityLock.cpuLayout().cpus());
    }

    /** Checks every setting and cross-field constraint; throws on the first problem. */
    public PipelineConfig validate() {
        if (dataDir == null || dataDir.isBlank())
            throw new ConfigException("dataDir must name a directory");
        rollCycle();
        syncMode();
        require(ingress, "ingress");
        require(risk, "risk");
        require(matching, "matching");
        require(egress, "egress");
        require(session, "session");
        require(snapshots, "snapshots");
        require(replication, "replication");
        require(retention, "retention");
        checkRanges("");
        if (syncEveryRecords > 0 && syncMode() == SyncMode.NONE)
            throw new ConfigException("syncEveryRecords " + syncEveryRecords + " needs syncMode ASYNC or SYNC (with NONE nothing is synced)");
        validateQueues();
        path(dataDir, "dataDir");
        path(ingress.file, "ingress.file");
        path(egress.csvFile, "egress.csvFile");
        path(retention.archiveDir, "retention.archiveDir");
        validateArchive();
        validateRisk();
        SessionCalendar.of(session);
        validateGroups();
        return this;
    }

    /** A path as written (empty for none): one the file system cannot name is refused here, naming its key. */
    private static void path(String text, String key) {
        if (text == null)
            throw new ConfigException(key + " must be a path, or \"\" for none");
        try {
            Path.of(text);
        } catch (InvalidPathException e) {
            throw new ConfigException(key + " '" + text + "' is not a path: " + e.getReason());
        }
    }

    /** An archive inside the data directory would be taken for queues (and be removed with them): refused. */
    private void validateArchive() {
        if (retention.archiveDir.isEmpty())
            return;
        Path archive = Path.of(retention.archiveDir).toAbsolutePath().normalize();
        if (archive.startsWith(dataPath().toAbsolutePath().normalize()))
            throw new ConfigException("retention.archiveDir " + retention.archiveDir + " is inside dataDir "
                    + dataDir + ": give a directory outside the data directory");
    }

    private static void require(Object section, String key) {
        if (section == null)
            throw new ConfigException(key + " section is empty");
    }

    /** The queues each writing stage names; each stage reads the queue of the stage before it. */
    private void validateQueues() {
        queueName(ingress.queue, "ingress.queue");
        queueName(risk.queue, "risk.queue");
        queueName(matching.queue, "matching.queue");
        Map<String, String> writers = new HashMap<>();
        writeOnce(writers, ingress.queue, "ingress");
        writeOnce(writers, risk.queue, "risk");
        writeOnce(writers, matching.queue, "matching");
    }

    private static void writeOnce(Map<String, String> writers, String queue, String stage) {
        String other = writers.putIfAbsent(queue, stage);
        if (other != null)
            throw new ConfigException("queue '" + queue + "' is written by two stages, " + other + " and " + stage
                    + ": give each its own queue");
    }

    private static void queueName(String name, String key) {
        if (name == null || !name.matches("[A-Za-z0-9_-]{1,64}"))
            throw new ConfigException(key + " must be a queue name of 1 to 64 of A-Z a-z 0-9 _ -, was '" + name + "'");
    }

    private void validateRisk() {
        if (!(risk.priceBandPercent > 0) || risk.priceBandPercent > 1000)
            throw new ConfigException("risk.priceBandPercent must be > 0 and <= 1000, was " + risk.priceBandPercent);
        if (!(risk.marketProtectionPercent >= 0) || risk.marketProtectionPercent > risk.priceBandPercent)
            throw new ConfigException("risk.marketProtectionPercent must be >= 0 and <= risk.priceBandPercent ("
                    + risk.priceBandPercent + "; 0 uses it), was " + risk.marketProtectionPercent);
        if (risk.maxOrdersPerSecond == 0 && (risk.rateWindowRolling || risk.rateCountsCancels))
            throw new ConfigException("risk." + (risk.rateWindowRolling ? "rateWindowRolling" : "rateCountsCancels")
                    + " needs risk.maxOrdersPerSecond > 0 (with 0 no account is rate limited)");
        long ring = (long) risk.accountCapacity * risk.maxOrdersPerSecond;
        if (risk.rateWindowRolling && ring > MAX_RATE_RING)
            throw new ConfigException("risk.rateWindowRolling keeps the last risk.maxOrdersPerSecond order times of"
                    + " each of risk.accountCapacity accounts: " + risk.maxOrdersPerSecond + " x "
                    + risk.accountCapacity
                    + " = " + ring + ", more than " + MAX_RATE_RING + ": lower one of them");
        decimal(risk.defaultMaxNotional, "risk.defaultMaxNotional");
        double marketPercent = PriceBands.marketPercent(risk.priceBandPercent, risk.marketProtectionPercent);
        if (risk.symbols == null || risk.symbols.isEmpty())
            throw new ConfigException("risk.symbols is empty: configure at least one tradable symbol");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < risk.symbols.size(); i++) {
            SymbolConfig s = risk.symbols.get(i);
            String key = "risk.symbols[" + i + "]";
            if (s == null)
                throw new ConfigException(key + " is empty");
            try {
                Symbols.encode(s.symbol);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key + ".symbol: " + e.getMessage());
            }
            if (!seen.add(s.symbol))
                throw new ConfigException(key + ".symbol '" + s.symbol + "' is configured twice");
            long ref = decimal(s.refPrice, key + ".refPrice");
            try {
                PriceBands.high(ref, Math.max(risk.priceBandPercent, marketPercent));
            } catch (ArithmeticException e) {
                throw new ConfigException(key + ".refPrice " + s.refPrice + " plus risk.priceBandPercent "
                        + risk.priceBandPercent + " is beyond the largest price: lower one of them");
            }
            // an order's quantity bounded so that the open quantity of a whole book (level totals) fits 64 bits
            long maxQty = Long.MAX_VALUE / matching.maxOpenOrders;
            if (s.maxOrderQty > maxQty)
                throw new ConfigException(key + ".maxOrderQty must be at most " + maxQty + " (2^63-1 / matching"
                        + ".maxOpenOrders " + matching.maxOpenOrders + ", so a book's open quantity fits 64 bits), was "
                        + s.maxOrderQty);
            validateTicks(s, key);
        }
        Set<Long> accounts = new HashSet<>();
        for (int i = 0; i < risk.accounts.size(); i++) {
            AccountConfig a = risk.accounts.get(i);
            String key = "risk.accounts[" + i + "]";
            if (a == null)
                throw new ConfigException(key + " is empty");
            if (!accounts.add(a.account))
                throw new ConfigException(key + ".account " + a.account + " is configured twice");
            if (a.maxNotional == null)
                throw new ConfigException(key + ".maxNotional must be a decimal, or \"\" for risk.defaultMaxNotional");
            if (!a.maxNotional.isBlank())
                decimal(a.maxNotional, key + ".maxNotional");
            if (SelfTradePrevention.named(a.selfTradePrevention) == null)
                throw new ConfigException(key + ".selfTradePrevention must be NONE, CANCEL_RESTING, CANCEL_INCOMING or"
                        + " CANCEL_BOTH, was '" + a.selfTradePrevention + "'");
        }
    }

    /** A symbol's tick table: bands from 0 up, in ascending order, each tick a price. */
    private static void validateTicks(SymbolConfig s, String symbolKey) {
        if (s.tickSizes == null)
            throw new ConfigException(symbolKey + ".tickSizes must be a list, [ ] for none");
        long previous = -1;
        for (int i = 0; i < s.tickSizes.size(); i++) {
            TickSizeConfig band = s.tickSizes.get(i);
            String key = symbolKey + ".tickSizes[" + i + "]";
            if (band == null)
                throw new ConfigException(key + " is empty");
            if (band.from == null || band.from.isBlank())
                throw new ConfigException(key + ".from is missing");
            long from;
            try {
                from = band.fromPrice();
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key + ".from: " + e.getMessage());
            }
            if (i == 0 && from != 0)
                throw new ConfigException(key + ".from must be 0: the first band covers every price below the next,"
                        + " was " + band.from);
            if (from <= previous)
                throw new ConfigException(key + ".from " + band.from + " must be above the band before it: bands go"
                        + " up in price");
            previous = from;
            decimal(band.tick, key + ".tick");
        }
    }

    private static long decimal(String text, String key) {
        if (text == null || text.isBlank())
            throw new ConfigException(key + " is missing");
        try {
            return Prices.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + ": " + e.getMessage());
        }
    }

    private void validateGroups() {
        if (groups == null || groups.isEmpty())
            throw new ConfigException("groups is empty: put the stages " + STAGES + " in one or more groups");
        // the process's CPUs, not the calling thread's (what availableProcessors counts on Linux): a replay or bench
        // thread kept off a pinned CPU (CpuPlacement) validates the config of the pipeline it starts
        int cpus = cpusPresent();
        Map<String, String> placed = new HashMap<>();
        Set<Integer> cpusUsed = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < groups.size(); i++) {
            StageGroupConfig g = groups.get(i);
            String key = "groups[" + i + "]";
            if (g == null)
                throw new ConfigException(key + " is empty");
            if (g.name == null || !g.name.matches("[A-Za-z0-9_-]{1,32}"))
                throw new ConfigException(key + ".name must be 1 to 32 of A-Z a-z 0-9 _ -, was '" + g.name + "'");
            if (!names.add(g.name))
                throw new ConfigException(key + ".name '" + g.name + "' is used by two groups");
            if (g.stages == null || g.stages.isEmpty())
                throw new ConfigException(key + ".stages is empty");
            for (String stage : g.stages) {
                if (!STAGES.contains(stage))
                    throw new ConfigException(key + ".stages: unknown stage '" + stage + "' (known: " + String.join(", ", STAGES) + ")");
                String other = placed.putIfAbsent(stage, g.name);
                if (other != null)
                    throw new ConfigException(key + ".stages: stage '" + stage + "' is already in group '" + other + "'");
            }
            if (g.cpu >= cpus)
                throw new ConfigException(key + ".cpu " + g.cpu + " is not present: this machine has CPUs 0.." + (cpus - 1) + " (-1 leaves the group unpinned)");
            if (g.cpu >= 0 && !cpusUsed.add(g.cpu))
                throw new ConfigException(key + ".cpu " + g.cpu + " is reserved by another group");
            GroupPauser.of(g, key);
        }
        for (String stage : STAGES) {
            if (!placed.containsKey(stage))
                throw new ConfigException("stage '" + stage + "' is in no group: add it to one of groups[].stages");
        }
    }

    /** The configured roll cycle. */
    public RollCycle rollCycle() {
        RollCycle rc = rollCycleNamed(rollCycle);
        if (rc != null)
            return rc;
        throw new ConfigException("rollCycle '" + rollCycle + "' is not a Chronicle roll cycle (e.g. FAST_HOURLY, FAST_DAILY, LARGE_DAILY)");
    }

    /**
     * The Chronicle roll cycle of that name (its enum constant's name, as {@link #rollCycleName} gives it), from any
     * of Chronicle's roll cycle enums; null when none has it.
     */
    public static RollCycle rollCycleNamed(String name) {
        if (name == null)
            return null;
        for (RollCycles rc : RollCycles.values())
            if (rc.name().equals(name))
                return rc;
        for (LargeRollCycles rc : LargeRollCycles.values())
            if (rc.name().equals(name))
                return rc;
        for (TestRollCycles rc : TestRollCycles.values()) // TEST_SECONDLY: a roll every second, for crash tests
            if (rc.name().equals(name))
                return rc;
        return null;
    }

    /** The name {@link #rollCycleNamed} finds {@code rollCycle} by: Chronicle's roll cycles are enum constants. */
    public static String rollCycleName(RollCycle rollCycle) {
        return ((Enum<?>) rollCycle).name();
    }

    /** The configured Chronicle sync mode. */
    public SyncMode syncMode() {
        try {
            return SyncMode.valueOf(syncMode);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ConfigException("syncMode '" + syncMode + "' is not one of NONE, ASYNC, SYNC");
        }
    }

    /** The data directory as a path. */
    public Path dataPath() {
        return Path.of(dataDir);
    }
}
