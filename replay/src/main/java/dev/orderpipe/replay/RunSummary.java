package dev.orderpipe.replay;

import dev.orderpipe.pipeline.BadFileException;
import dev.orderpipe.pipeline.config.EffectiveGroup;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.util.AtomicFile;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.openhft.chronicle.wire.Marshallable;
import net.openhft.chronicle.wire.SelfDescribingMarshallable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a replay run wrote to {@code summary.yaml} and {@code summary.json}: counts, pacing, duration, the percentiles
 * of every histogram, the build and where it ran. Both are plain documents ({@link Documents}: no type tags, keys in
 * snake_case with their unit, such as {@code duration_s} and {@code p99_us}; the effective pipeline config under
 * {@code pipeline_config} with the config file's keys). The report and compare commands read it back with
 * {@link #load(Path)}, which also reads the Chronicle Wire summaries of earlier versions (tagged
 * {@code !dev.orderpipe.replay.RunSummary}, latencies in nanoseconds).
 *
 * <p>A run directory holds, beside it: one {@code <histogram name>.hgrm} per histogram (HdrHistogram's
 * {@code outputPercentileDistribution} format, scaled to microseconds) and {@code latency.hlog}, the interval log
 * ({@link IntervalLog}: end to end and each hop, nanoseconds).
 */
public final class RunSummary extends SelfDescribingMarshallable {
    /** File name in a run directory. */
    public static final String FILE = "summary.yaml";
    /** The same summary as JSON, beside it. */
    public static final String JSON_FILE = "summary.json";
    /** Interval log of end-to-end latency. */
    public static final String INTERVAL_LOG = "latency.hlog";
    /** Name of the end-to-end histogram. */
    public static final String END_TO_END = "end-to-end";

    // what ran
    public String capture = "";
    public String config = "";
    /** recorded, speed, rate or max. */
    public String pacing = "";
    /** Speed factor for pacing speed, orders/s for pacing rate, 0 otherwise. */
    public double pacingValue;
    /** True for --max: latency then measures a saturated pipeline, not a paced one. */
    public boolean throughputRun;
    public long warmup;
    // counts
    public long sent;
    public long accounted;
    public long reports;
    public long trades;
    public long rejected;
    public Map<String, Long> rejectsByReason = new LinkedHashMap<>();
    public Map<String, Long> reportsByType = new LinkedHashMap<>();
    // time
    public String startTime = "";
    @JsonProperty("duration_s")
    public double durationSeconds;
    @JsonProperty("throughput_per_s")
    public double throughputPerSecond;
    // latency (nanoseconds here, microseconds in the files)
    public List<HistogramSummary> histograms = new ArrayList<>();
    // verification against the capture
    /** matches, differs, or not-checked. */
    public String verification = "not-checked";
    public long differences;
    public String firstDifference = "";
    // where it ran
    public String javaVersion = "";
    public String jvm = "";
    public String jvmArguments = "";
    public String host = "";
    public String os = "";
    public int cpus;
    // added by the replay engine: more on the run, its pacing and its verification
    /** CPU model name (from /proc/cpuinfo where there is one). */
    public String cpuModel = "";
    /** Kind of capture: queue (an orders queue) or csv (an order file). */
    public String captureKind = "";
    /** The effective pipeline config of the replay (its dataDir, ingress.file and egress.csvFile replaced). */
    @JsonIgnore // written with the config file's own keys (see toTree)
    public PipelineConfig pipelineConfig;
    /**
     * The stage groups as they ran: stages, the pauser as built on that machine (with its back-off bound) and CPU;
     * empty in the summaries of runs made before they were recorded.
     */
    public List<EffectiveGroup> groups = new ArrayList<>();
    /** Orders the replay was limited to (the first N of the capture), 0 for all. */
    public long limit;
    /** Seconds the pacing schedule spans, first to last intended send (0 for max): compare with durationSeconds. */
    @JsonProperty("scheduled_s")
    public double scheduledSeconds;
    /** Longest captured gap kept by recorded or speed pacing, nanoseconds; 0 keeps every gap. */
    @JsonProperty("max_gap_ns")
    public long maxGapNanos;
    /** Captured gaps that went backwards (sent at once) or were shortened to maxGapNanos. */
    public long clampedGaps;
    /** What the replay was compared with: an executions queue or CSV; empty when not checked. */
    public String expected = "";
    /** Report positions compared. */
    public long verifiedReports;
    /** Bytes the sending thread allocated in its send loop (-1: unknown): a small constant, not per order. */
    public long driverAllocatedBytes = -1;
    /** Bytes the recording thread allocated in its read loop (-1: unknown): a small constant, not per order. */
    public long recorderAllocatedBytes = -1;
    /** Length of the intervals of the interval log, seconds (0 in summaries written before it could be chosen: 1 s). */
    @JsonProperty("interval_s")
    public double intervalSeconds;
    /** Whether the replay's queues (data/) were deleted once the executions were verified (replay --drop-queues). */
    public boolean queuesDropped;
    /** The orderpipe version that ran the replay (empty in summaries written before it was recorded). */
    public String orderpipeVersion = "";
    /** The git commit it was built from, {@code -dirty} appended for a modified work tree; empty when unknown. */
    public String orderpipeCommit = "";
    /** Garbage collections in the replay's JVM while the replay ran, and the time they took (-1: not recorded). */
    public long gcCount = -1;
    @JsonProperty("gc_time_ms")
    public long gcMillis = -1;
    /** The collectors of that JVM, such as "G1 Young Generation, G1 Old Generation". */
    public String gcCollectors = "";
    /** Execution reports written by another writer than the replay (0 unless something else fed its pipeline). */
    public long foreignReports;
    /**
     * How the orders reached the pipeline: {@code queue} (appended to its orders queue) or {@code fix} (sent through a
     * FIX gateway over loopback, replay --via fix: the gateway-in and gateway-out histograms); empty in summaries
     * written before it was recorded (queue).
     */
    public String via = "";
    /**
     * Through a FIX gateway: bytes the FIX client's receiving thread allocated from its first report to the last
     * (-1: unknown or not through a gateway); the sending side's are in driverAllocatedBytes.
     */
    public long fixClientAllocatedBytes = -1;

    /** The histogram summary of that name, or null. */
    public HistogramSummary histogram(String name) {
        for (HistogramSummary h : histograms)
            if (h.name.equals(name))
                return h;
        return null;
    }

    /** Writes {@code summary.yaml} and {@code summary.json} into {@code runDir}. */
    public void save(Path runDir) {
        JsonNode tree = toTree();
        write(runDir.resolve(FILE), Documents.yaml(tree));
        write(runDir.resolve(JSON_FILE), Documents.json(tree));
    }

    private static void write(Path file, String text) {
        try {
            AtomicFile.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** The summary as a document: the tree {@code summary.yaml} and {@code summary.json} are written from. */
    public ObjectNode toTree() {
        ObjectNode tree = Documents.DOCUMENT.valueToTree(this);
        tree.set("pipeline_config", pipelineConfig == null ? NullNode.getInstance()
                : Documents.AS_DECLARED.valueToTree(pipelineConfig));
        return tree;
    }

    /** The summary a document holds ({@link #toTree()}'s). */
    static RunSummary fromTree(JsonNode tree) throws IOException {
        RunSummary s = Documents.DOCUMENT.treeToValue(tree, RunSummary.class);
        JsonNode config = tree.get("pipeline_config");
        s.pipelineConfig = config == null || config.isNull() ? null
                : Documents.AS_DECLARED.treeToValue(config, PipelineConfig.class);
        return s;
    }

    /**
     * Reads {@code summary.yaml} from a run directory: a plain document, or the Chronicle Wire YAML of earlier
     * versions.
     *
     * @throws BadFileException with a one-line message when it is missing or not a summary
     */
    public static RunSummary load(Path runDir) {
        Path file = runDir.resolve(FILE);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new BadFileException(runDir + " is not a replay run directory: it has no " + FILE);
        } catch (IOException e) {
            throw new BadFileException("cannot read " + file + ": " + e.getMessage());
        }
        if (text.isBlank())
            throw new BadFileException(file + " is empty");
        if (text.stripLeading().startsWith("!"))
            return loadWire(file, text);
        try {
            JsonNode tree = Documents.readYaml(text);
            if (tree == null || !tree.isObject())
                throw new BadFileException(file + " is not a replay summary: it is not a mapping of keys to values");
            // every replay writes its histograms: a document without them is cut short or not a summary, and a
            // comparison of it would pass a CI gate on nothing
            if (!tree.path("histograms").isArray())
                throw new BadFileException(file + " is not a replay summary: it has no histograms list (cut short or"
                        + " edited?); replay the run again");
            return fromTree(tree);
        } catch (IOException | RuntimeException e) {
            if (e instanceof BadFileException)
                throw (BadFileException) e;
            throw new BadFileException(file + " is not a replay summary: " + e.getMessage());
        }
    }

    /** A summary written by an earlier version, in Chronicle Wire YAML. */
    private static RunSummary loadWire(Path file, String text) {
        try {
            RunSummary summary = Marshallable.fromString(RunSummary.class, text);
            if (summary == null)
                throw new BadFileException(file + " is empty");
            return summary;
        } catch (RuntimeException e) {
            if (e instanceof BadFileException)
                throw (BadFileException) e;
            throw new BadFileException(file + " is not a replay summary: " + e.getMessage());
        }
    }
}
