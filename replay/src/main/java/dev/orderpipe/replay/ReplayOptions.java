package dev.orderpipe.replay;

import dev.orderpipe.pipeline.config.PipelineConfig;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What to replay and how: the settings of {@link Replayer#run(ReplayOptions)}. Fluent setters; checked when the
 * replay starts.
 *
 * <pre>{@code
 * ReplayOptions options = new ReplayOptions()
 *         .capture(Path.of("data/pipeline/orders"))         // an orders queue, or an order CSV file
 *         .config(PipelineConfig.load(Path.of("conf/pipeline.yaml")), "conf/pipeline.yaml")
 *         .outDir(Path.of("runs/2024-11-28"))
 *         .pacing(Pacing.speed(10))
 *         .warmup(10_000)
 *         .progress(System.err);
 * }</pre>
 */
public final class ReplayOptions {
    /** The interval log's default interval. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
    /** The shortest interval: the log's timestamps are in milliseconds and the watching thread polls every 20 ms. */
    public static final Duration MIN_INTERVAL = Duration.ofMillis(10);
    private Path capture;
    private PipelineConfig config;
    private String configOrigin = "";
    private Path outDir;
    private Pacing pacing = Pacing.recorded();
    private long warmup;
    private long limit;
    private String fromSession;
    private Path expectedExecutions;
    private boolean verify = true;
    private boolean viaFix;
    private PrintStream progress;
    private Boolean progressTerminal;
    private Duration progressInterval = Duration.ofSeconds(5);
    private Duration interval = DEFAULT_INTERVAL;
    private boolean overwrite;
    private boolean dropQueues;
    private Duration stallTimeout = Duration.ofSeconds(30);

    /**
     * The capture to re-drive: an {@code orders} queue directory written by the pipeline, a pipeline data directory
     * (its {@code orders} queue is used), or an order CSV file.
     */
    public ReplayOptions capture(Path capture) {
        this.capture = capture;
        return this;
    }

    /**
     * The pipeline configuration: its stage groups, risk and matching settings are used; its data directory, order
     * file and egress file are replaced so a replay never writes where production does.
     *
     * @param origin where it came from (a path, or "embedded default"), recorded in summary.yaml
     */
    public ReplayOptions config(PipelineConfig config, String origin) {
        this.config = config;
        this.configOrigin = origin == null ? "" : origin;
        return this;
    }

    /** The run directory: summary.yaml, the .hgrm files, latency.hlog, and the replay's queues under data/. */
    public ReplayOptions outDir(Path outDir) {
        this.outDir = outDir;
        return this;
    }

    public ReplayOptions pacing(Pacing pacing) {
        this.pacing = pacing;
        return this;
    }

    /** The first {@code orders} orders are sent but left out of the latency histograms. */
    public ReplayOptions warmup(long orders) {
        this.warmup = orders;
        return this;
    }

    /**
     * Replay only the first {@code orders} orders of the capture (0, the default, for all): a quick look at a long
     * capture. Verification then compares the reports the replay produced with the start of the expected ones.
     */
    public ReplayOptions limit(long orders) {
        this.limit = orders;
        return this;
    }

    /**
     * Re-drive one trading session of a multi-day queue capture (a session number from 1, or a trading date
     * YYYY-MM-DD; null, the default, for the whole capture): the fresh pipeline starts from risk's and matching's
     * snapshots taken at the previous session's close, is driven with the capture's inputs after that close up to
     * this session's close, and its executions are compared with the capture's reports of those inputs.
     */
    public ReplayOptions fromSession(String session) {
        this.fromSession = session;
        return this;
    }

    /**
     * What the replay must produce: an executions queue directory or an executions CSV file. When not set, the
     * capture's own {@code executions} queue (the sibling of a captured {@code orders} queue) is used if there is one.
     */
    public ReplayOptions expectedExecutions(Path expected) {
        this.expectedExecutions = expected;
        return this;
    }

    /**
     * Whether to drive the capture through a FIX gateway over loopback ({@code replay --via fix}, see
     * {@link FixRoute}) rather than appending it to the pipeline's orders queue (default false).
     */
    public ReplayOptions viaFix(boolean viaFix) {
        this.viaFix = viaFix;
        return this;
    }

    public boolean viaFix() {
        return viaFix;
    }

    /** Whether to compare with the expected executions at all (default true). */
    public ReplayOptions verify(boolean verify) {
        this.verify = verify;
        return this;
    }

    /** Where the live progress line goes (typically System.err); null for none. */
    public ReplayOptions progress(PrintStream out) {
        this.progress = out;
        return this;
    }

    /**
     * Whether the progress stream is a terminal (a {@code \r}-updated line) or not (a plain line every
     * {@link #progressInterval(Duration)}); by default a terminal when {@code System.console() != null}.
     */
    public ReplayOptions progressTerminal(boolean terminal) {
        this.progressTerminal = terminal;
        return this;
    }

    /** How often a plain progress line is printed when not on a terminal (default 5 s). */
    public ReplayOptions progressInterval(Duration interval) {
        this.progressInterval = interval;
        return this;
    }

    /**
     * Delete the replay's queues ({@code <outDir>/data}) once the run is written and its executions matched the
     * expected ones (they are kept when they differ, or when nothing was compared): a run directory of summaries,
     * histograms and report only.
     */
    public ReplayOptions dropQueues(boolean drop) {
        this.dropQueues = drop;
        return this;
    }

    public boolean dropQueues() {
        return dropQueues;
    }

    /** The length of the intervals of {@code latency.hlog} (default 1 s, at least {@link #MIN_INTERVAL}). */
    public ReplayOptions interval(Duration interval) {
        this.interval = interval;
        return this;
    }

    public Duration interval() {
        return interval;
    }

    /** Replace the queues of an earlier run in {@code <outDir>/data} instead of refusing to start. */
    public ReplayOptions overwrite(boolean overwrite) {
        this.overwrite = overwrite;
        return this;
    }

    /** Give up when orders are outstanding and none was accounted for this long (default 30 s). */
    public ReplayOptions stallTimeout(Duration timeout) {
        this.stallTimeout = timeout;
        return this;
    }

    public Path capture() {
        return capture;
    }

    public PipelineConfig config() {
        return config;
    }

    public String configOrigin() {
        return configOrigin;
    }

    public Path outDir() {
        return outDir;
    }

    public Pacing pacing() {
        return pacing;
    }

    public long warmup() {
        return warmup;
    }

    public long limit() {
        return limit;
    }

    /** The session to re-drive, null for the whole capture ({@link #fromSession(String)}). */
    public String fromSession() {
        return fromSession;
    }

    public Path expectedExecutions() {
        return expectedExecutions;
    }

    public boolean verify() {
        return verify;
    }

    public PrintStream progress() {
        return progress;
    }

    /** Whether progress is a terminal line: as set, or {@code System.console() != null}. */
    public boolean progressTerminal() {
        return progressTerminal != null ? progressTerminal : System.console() != null;
    }

    public Duration progressInterval() {
        return progressInterval;
    }

    public boolean overwrite() {
        return overwrite;
    }

    public Duration stallTimeout() {
        return stallTimeout;
    }
}
