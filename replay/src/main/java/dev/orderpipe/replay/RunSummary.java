package dev.orderpipe.replay;

import dev.orderpipe.pipeline.BadFileException;
import dev.orderpipe.pipeline.config.EffectiveGroup;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.util.AtomicFile;
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
 * What a replay run wrote to {@code summary.yaml} (Chronicle Wire YAML): counts, pacing, duration, the percentiles of
 * every histogram and where it ran. The report and compare commands read it back with {@link #load(Path)}.
 *
 * <p>A run directory holds, beside it: one {@code <histogram name>.hgrm} per histogram (HdrHistogram's
 * {@code outputPercentileDistribution} format, scaled to microseconds) and {@code latency.hlog}, the end-to-end
 * interval log (1 s intervals, nanoseconds).
 */
public final class RunSummary extends SelfDescribingMarshallable {
    /** File name in a run directory. */
    public static final String FILE = "summary.yaml";
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
    public double durationSeconds;
    public double throughputPerSecond;
    // latency, nanoseconds
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
    public PipelineConfig pipelineConfig;
    /**
     * The stage groups as they ran: stages, the pauser as built on that machine (with its back-off bound) and CPU;
     * empty in the summaries of runs made before they were recorded.
     */
    public List<EffectiveGroup> groups = new ArrayList<>();
    /** Orders the replay was limited to (the first N of the capture), 0 for all. */
    public long limit;
    /** Seconds the pacing schedule spans, first to last intended send (0 for max): compare with durationSeconds. */
    public double scheduledSeconds;
    /** Longest captured gap kept by recorded or speed pacing, nanoseconds; 0 keeps every gap. */
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
    /** Execution reports written by another writer than the replay (0 unless something else fed its pipeline). */
    public long foreignReports;

    /** The histogram summary of that name, or null. */
    public HistogramSummary histogram(String name) {
        for (HistogramSummary h : histograms)
            if (h.name.equals(name))
                return h;
        return null;
    }

    /** Writes {@code summary.yaml} into {@code runDir}. */
    public void save(Path runDir) {
        try {
            AtomicFile.writeString(runDir.resolve(FILE), toString() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + runDir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads {@code summary.yaml} from a run directory.
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
        try {
            RunSummary summary = Marshallable.fromString(RunSummary.class, text);
            if (summary == null)
                throw new BadFileException(file + " is empty");
            return summary;
        } catch (RuntimeException e) {
            throw new BadFileException(file + " is not a replay summary: " + e.getMessage());
        }
    }
}
