package dev.orderpipe.report;

import dev.orderpipe.pipeline.BadFileException;
import dev.orderpipe.replay.HistogramSummary;
import dev.orderpipe.replay.Replayer;
import dev.orderpipe.replay.RunSummary;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything a replay run directory holds, loaded and checked: {@code summary.yaml}, the {@code .hgrm} percentile
 * distributions and the {@code latency.hlog} interval log.
 */
public final class RunData {
    /**
     * Histograms a replay writes, in data-flow order (a replay through a FIX gateway adds the gateway's two hops last,
     * so the other histograms keep their colours); any other name in a summary follows them.
     */
    static final List<String> KNOWN_HISTOGRAMS = List.of(RunSummary.END_TO_END, "send", "risk", "matching", "egress",
            Replayer.GATEWAY_IN, Replayer.GATEWAY_OUT);

    private final Path dir;
    private final RunSummary summary;
    private final List<Distribution> distributions;
    private final Map<String, List<LatencyIntervals.Interval>> intervals;
    private final List<String> notes;

    private RunData(Path dir, RunSummary summary, List<Distribution> distributions,
                    Map<String, List<LatencyIntervals.Interval>> intervals, List<String> notes) {
        this.dir = dir;
        this.summary = summary;
        this.distributions = distributions;
        this.intervals = intervals;
        this.notes = notes;
    }

    /**
     * Loads a run directory.
     *
     * @throws BadFileException with a one-line message when it is missing, has no summary, or a file in it is
     *                          corrupt
     */
    public static RunData load(Path dir) {
        if (dir == null)
            throw new IllegalArgumentException("no run directory given");
        if (!Files.exists(dir))
            throw new BadFileException(dir + " does not exist: give the directory a replay run wrote");
        if (!Files.isDirectory(dir))
            throw new BadFileException(dir + " is not a directory: give the directory a replay run wrote");
        RunSummary summary;
        try {
            summary = RunSummary.load(dir);
        } catch (BadFileException e) {
            // Chronicle Wire's parse errors span lines; the user gets one
            throw new BadFileException(LatencyIntervals.oneLine(e));
        }
        List<String> notes = new ArrayList<>();
        List<Distribution> distributions = new ArrayList<>();
        for (String name : histogramNames(dir, summary)) {
            HistogramSummary hs = summary.histogram(name);
            Path file = dir.resolve(name + ".hgrm");
            String description = hs == null || hs.description == null ? "" : hs.description;
            if (Files.isRegularFile(file)) {
                distributions.add(Distribution.parseHgrm(name, description, file));
            } else if (hs != null) {
                distributions.add(Distribution.fromSummary(hs));
                notes.add("No " + file.getFileName() + ": the " + name
                        + " distribution is drawn from the percentiles in summary.yaml only.");
            }
        }
        Path hlog = dir.resolve(RunSummary.INTERVAL_LOG);
        Map<String, List<LatencyIntervals.Interval>> intervals = Map.of();
        if (Files.isRegularFile(hlog))
            intervals = LatencyIntervals.read(hlog);
        else
            notes.add("No " + RunSummary.INTERVAL_LOG + ": latency and throughput over time are not available.");
        return new RunData(dir, summary, List.copyOf(distributions), intervals, List.copyOf(notes));
    }

    private static Set<String> histogramNames(Path dir, RunSummary summary) {
        Set<String> listed = new LinkedHashSet<>();
        for (HistogramSummary h : summary.histograms)
            if (h != null && h.name != null && !h.name.isEmpty())
                listed.add(h.name);
        Set<String> names = new LinkedHashSet<>();
        for (String known : KNOWN_HISTOGRAMS)
            if (listed.contains(known) || Files.isRegularFile(dir.resolve(known + ".hgrm")))
                names.add(known);
        names.addAll(listed);
        return names;
    }

    /** The run directory. */
    public Path dir() {
        return dir;
    }

    /** A name for the run in titles and legends: its directory name. */
    public String label() {
        Path name = dir.toAbsolutePath().normalize().getFileName();
        return name == null ? dir.toString() : name.toString();
    }

    /** The run's summary.yaml. */
    public RunSummary summary() {
        return summary;
    }

    /** Every histogram, end-to-end first. */
    public List<Distribution> distributions() {
        return distributions;
    }

    /** The distribution of that name, or null. */
    public Distribution distribution(String name) {
        for (Distribution d : distributions)
            if (d.name().equals(name))
                return d;
        return null;
    }

    /** Every histogram but end-to-end, in data-flow order. */
    public List<Distribution> stages() {
        List<Distribution> out = new ArrayList<>();
        for (Distribution d : distributions)
            if (!d.name().equals(RunSummary.END_TO_END))
                out.add(d);
        return out;
    }

    /**
     * The latency at a percentile fraction (0.5, 0.9, 0.99, 0.999, 0.9999) or at 1 for the maximum, in microseconds.
     * The summary's values are exact (HdrHistogram's getValueAtPercentile); the .hgrm file only has the points its
     * iteration stepped on, so it is the fallback.
     */
    public double valueMicros(Distribution d, double percentile) {
        HistogramSummary h = summary.histogram(d.name());
        if (h == null || h.count == 0)
            return percentile >= 1 ? d.maxMicros() : d.valueAt(percentile);
        long ns;
        if (percentile >= 1)
            ns = h.max;
        else if (percentile >= 0.9999)
            ns = h.p9999;
        else if (percentile >= 0.999)
            ns = h.p999;
        else if (percentile >= 0.99)
            ns = h.p99;
        else if (percentile >= 0.9)
            ns = h.p90;
        else if (percentile >= 0.5)
            ns = h.p50;
        else
            return d.valueAt(percentile);
        return ns / 1e3;
    }

    /** Mean latency in microseconds: the summary's, else the .hgrm footer's. */
    public double meanMicros(Distribution d) {
        HistogramSummary h = summary.histogram(d.name());
        return h != null && h.count > 0 ? h.mean / 1e3 : d.meanMicros();
    }

    /** The end-to-end intervals of the interval log, empty when the run has none. */
    List<LatencyIntervals.Interval> intervals() {
        return intervals(RunSummary.END_TO_END);
    }

    /** The intervals of one histogram (end to end or a hop), empty when the log has none of it. */
    List<LatencyIntervals.Interval> intervals(String name) {
        return intervals.getOrDefault(name, List.of());
    }

    /** Things the reader should know about missing files. */
    public List<String> notes() {
        return notes;
    }
}
