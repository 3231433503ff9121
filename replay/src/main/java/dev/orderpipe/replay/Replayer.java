package dev.orderpipe.replay;

import dev.orderpipe.pipeline.BadFileException;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Pipeline;
import dev.orderpipe.pipeline.PipelineFailedException;
import dev.orderpipe.pipeline.config.ConfigException;
import dev.orderpipe.pipeline.config.EffectiveGroup;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.config.StageGroupConfig;
import dev.orderpipe.pipeline.infra.CpuPlacement;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.stage.ExecutionCounts;
import dev.orderpipe.pipeline.util.AtomicFile;
import dev.orderpipe.pipeline.util.FileTrees;
import net.openhft.chronicle.queue.ChronicleQueue;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Replays a capture through a fresh pipeline and measures it: the library behind {@code orderpipe replay}.
 *
 * <pre>{@code
 * ReplayResult result = Replayer.run(new ReplayOptions()
 *         .capture(Path.of("data/pipeline/orders"))
 *         .config(PipelineConfig.loadDefault(), "embedded default")
 *         .outDir(Path.of("runs/today"))
 *         .pacing(Pacing.rate(10_000))
 *         .progress(System.err));
 * SummaryTable.print(result.summary(), System.out);
 * System.out.println(result.verification());     // replay matches capture (... reports), or the first difference
 * System.exit(result.exitCode());                // ExitCodes.FAILURE when the executions differ from the capture's
 * }</pre>
 *
 * <p>A run:
 * <ol>
 *     <li>resolves the capture (an orders queue, a pipeline data directory, or an order CSV file) and reads it once to
 *     count its orders and fix every intended send time ({@link Pacing}) in a preallocated array;</li>
 *     <li>starts a pipeline in {@code <outDir>/data} with the given config's groups, risk and matching settings (its
 *     own data directory, order file and egress file are replaced: a replay never writes to the capture or to a
 *     production directory; it refuses an output directory that holds an earlier run unless told to overwrite);</li>
 *     <li>runs a sending thread ({@link ReplayDriver}) that appends every captured order to the pipeline's
 *     {@code orders} queue on schedule, and a {@link LatencyRecorder} on the pipeline's egress stage that times the
 *     reports read off {@code executions}; both allocate nothing per order. The calling thread writes the interval
 *     log ({@link IntervalLog}) and the progress line, and watches for a failed pipeline or a stall ({@link RunWatch});</li>
 *     <li>once every order is accounted for, stops the pipeline and writes {@code summary.yaml}, one
 *     {@code <name>.hgrm} per histogram and {@code latency.hlog} into the output directory;</li>
 *     <li>compares the executions with the capture's (its sibling {@code executions} queue, or the expected
 *     executions given), see {@link Verification}.</li>
 * </ol>
 *
 * <p>Threads: the sender, the pipeline's group threads and the calling thread. The sender parks through long gaps and
 * spins only the last 200 µs before each send, so a quiet capture leaves the CPU to the pipeline while sends still
 * land within microseconds of their schedule. The latency recorder runs on the pipeline's egress thread, as its
 * {@link dev.orderpipe.pipeline.stage.ExecutionListener}: a report is timed when the pipeline's own consumer reads it.
 * The calling thread wakes every 20 ms at most.
 *
 * <p>User mistakes end in a one-line {@link ReplayException} (or {@link ConfigException}); a pipeline stage that
 * fails ends the replay with its {@link PipelineFailedException}.
 */
public final class Replayer {
    /** Writer id of the orders a replay sends ("replay" in ASCII). */
    public static final long WRITER_ID = 0x7265706C6179L;
    /** Sub-directory of the output directory that holds the replay pipeline's queues. */
    public static final String DATA_DIR = "data";
    /** Histogram names, also the .hgrm file names. */
    public static final String SEND = "send";
    public static final String RISK = "risk";
    public static final String MATCHING = "matching";
    public static final String EGRESS = "egress";
    /** How the orders reached the pipeline, in summary.yaml's {@code via}: its orders queue, or a FIX gateway. */
    public static final String VIA_QUEUE = "queue";
    public static final String VIA_FIX = "fix";
    /** Through a FIX gateway (replay --via fix): the client's send stamp to the order on orders. */
    public static final String GATEWAY_IN = "gateway-in";
    /** Through a FIX gateway: the report's matchNanos to the client's decoding of its ExecutionReport. */
    public static final String GATEWAY_OUT = "gateway-out";

    private Replayer() {
    }

    /**
     * Runs a replay to its end.
     *
     * @return the summary, verification and exit status
     * @throws ReplayException         for a user mistake (bad capture, output directory in use) or a stalled pipeline
     * @throws ConfigException         for a config the replay cannot use
     * @throws PipelineFailedException when a pipeline stage failed
     */
    public static ReplayResult run(ReplayOptions options) {
        if (options.outDir() == null)
            throw ReplayException.usage("no output directory given");
        if (options.pacing() == null)
            throw ReplayException.usage("no pacing given: recorded, speed:N, rate:N or max");
        if (options.warmup() < 0)
            throw ReplayException.usage("warmup must be >= 0, was " + options.warmup());
        if (options.interval().compareTo(ReplayOptions.MIN_INTERVAL) < 0)
            throw ReplayException.usage("the interval of the latency log must be at least "
                    + ReplayOptions.MIN_INTERVAL.toMillis() + " ms, was " + options.interval().toMillis() + " ms");
        if (options.limit() < 0)
            throw ReplayException.usage("limit must be >= 0 (0 for the whole capture), was " + options.limit());
        Path capture = CaptureReader.resolve(options.capture()).toAbsolutePath().normalize();
        Path outDir = options.outDir().toAbsolutePath().normalize();
        Path dataDir = outDir.resolve(DATA_DIR);
        PipelineConfig source = options.config() != null ? options.config() : PipelineConfig.loadDefault();
        String origin = options.config() != null ? options.configOrigin() : "embedded default";
        Path expected = expectedExecutions(options, capture);
        // before the replay runs, not after: expected executions that cannot be compared would waste the whole run
        if (expected != null && expected.equals(options.expectedExecutions()))
            Verification.requireExpected(expected);
        else if (expected != null)
            requireIntact(expected);
        refuseInside(capture, dataDir, "capture");
        if (expected != null)
            refuseInside(expected.toAbsolutePath().normalize(), dataDir, "expected executions");
        PipelineConfig config = replayConfig(source, dataDir);
        SessionRange session = session(options, capture, config);

        int lineLength = config.ingress.maxLineLength;
        CaptureSchedule schedule = CaptureSchedule.read(() -> CaptureReader.open(capture, lineLength, session),
                options.pacing(), options.limit());
        if (schedule.count == 0)
            throw ReplayException.usage("capture " + capture + " holds no orders");
        if (options.warmup() >= schedule.count)
            throw ReplayException.usage("warmup " + options.warmup() + " leaves no order to measure: the capture holds "
                    + schedule.count + " orders");
        FixRoute route = null;
        if (options.viaFix()) {
            if (expected == null)
                throw ReplayException.usage("replay --via fix verifies the pipeline's executions against the capture's"
                        + " and found none: " + (options.verify() ? "give --expected FILE|QUEUE (an executions CSV or"
                        + " queue) or a capture with its executions queue beside it" : "drop --no-verify"));
            int maxLineLength = config.ingress.maxLineLength;
            route = FixRoute.plan(() -> CaptureReader.open(capture, maxLineLength), schedule.count)
                    .minFreeDiskMb(config.minFreeDiskMb);
        }
        prepareOutDir(outDir, dataDir, options.overwrite());

        RunSummary summary = new RunSummary();
        summary.startTime = Instant.now().toString();
        Run run = new Run(options, config, capture, schedule, outDir, route, session);
        long[] gcBefore = RunEnvironment.gcTotals();
        run.execute();
        RunEnvironment.gcSince(summary, gcBefore);

        fill(summary, run, options, origin, config, capture, schedule);
        writeHistograms(outDir, run.recorder.histograms());
        Verification verification = null;
        if (expected != null) {
            verification = session != null
                    ? Verification.compareSession(expected, dataDir.resolve(config.matching.queue), session.afterSeq,
                            session.throughSeq, session.seed == null ? null : session.seed.lastReport())
                    : route == null
                    ? Verification.compare(expected, dataDir.resolve(config.matching.queue), schedule.limited)
                    : Verification.compare(expected, dataDir.resolve(config.matching.queue), schedule.limited,
                            route.captureIds());
            summary.verification = verification.matches() ? Verification.MATCHES : Verification.DIFFERS;
            summary.differences = verification.differences();
            summary.firstDifference = verification.matches() ? "" : verification.describe();
            summary.expected = expected.toString();
            summary.verifiedReports = verification.compared();
        }
        if (options.dropQueues() && verification != null && verification.matches()) {
            // verified: the queues have served; the summary says they were dropped
            summary.queuesDropped = true;
            summary.save(outDir);
            try {
                FileTrees.delete(dataDir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete the replay's queues in " + dataDir + ": "
                        + e.getMessage(), e);
            }
        } else {
            summary.save(outDir);
        }
        return new ReplayResult(summary, verification, outDir);
    }

    /**
     * The session {@code --from-session} names ({@link SessionRange}), null without it; refused in one line for an
     * order-file capture (no sessions' snapshots), and beside --limit or --via fix.
     */
    private static SessionRange session(ReplayOptions options, Path capture, PipelineConfig config) {
        String selector = options.fromSession();
        if (selector == null)
            return null;
        if (!Files.isDirectory(capture))
            throw ReplayException.usage("replay --from-session " + selector + ": capture " + capture + " is an order"
                    + " file, which has no snapshots to start a session from: give the data directory the pipeline"
                    + " wrote (or its orders queue)");
        if (options.limit() > 0)
            throw ReplayException.usage("replay --from-session " + selector + ": --limit cannot be combined with it"
                    + " (a session is replayed whole)");
        if (options.viaFix())
            throw ReplayException.usage("replay --from-session " + selector + ": --via fix cannot be combined with"
                    + " it; replay the session through the orders queue");
        return SessionRange.find(capture, selector, config);
    }

    /** The explicit expected executions, else the capture's sibling executions queue when it has one, else null. */
    private static Path expectedExecutions(ReplayOptions options, Path capture) {
        if (!options.verify())
            return null;
        Path expected = options.expectedExecutions();
        if (expected != null)
            return expected; // checked by Verification.requireExpected
        if (!Files.isDirectory(capture) || capture.getParent() == null)
            return null;
        Path sibling = capture.getParent().resolve("executions");
        return Queues.isQueueDir(sibling) ? sibling : null;
    }

    /** The quick check of the capture's own executions queue: one line when it is damaged or not a queue. */
    private static void requireIntact(Path expected) {
        try {
            Queues.requireQueueDir(expected);
        } catch (BadFileException e) {
            throw ReplayException.usage("expected executions " + e.getMessage());
        }
    }

    private static void refuseInside(Path path, Path dataDir, String what) {
        if (path.startsWith(dataDir))
            throw ReplayException.usage("the " + what + " " + path + " is inside the replay's data directory " + dataDir
                    + ": choose another output directory");
    }

    /**
     * The given config with a data directory of its own, no order file and no egress file: a pipeline that only a
     * {@link ReplayDriver} feeds (the replay's, the bench's).
     */
    public static PipelineConfig replayConfig(PipelineConfig source, Path dataDir) {
        PipelineConfig config = source.deepCopy();
        config.dataDir = dataDir.toString();
        config.ingress.file = "";
        config.ingress.follow = false;
        config.egress.csvFile = "";
        return config.validate();
    }


    /** Refuses an output directory holding an earlier run unless overwriting, in which case that run is removed. */
    private static void prepareOutDir(Path outDir, Path dataDir, boolean overwrite) {
        boolean hasQueues = holdsQueues(dataDir);
        // any file of a run's: a summary.json or log left alone would be read as this run's should it fail
        String summary = Stream.of(RunSummary.FILE, RunSummary.JSON_FILE, RunSummary.INTERVAL_LOG)
                .filter(f -> Files.exists(outDir.resolve(f))).findFirst().orElse(null);
        if ((hasQueues || summary != null) && !overwrite)
            throw ReplayException.usage("output directory " + outDir + " already holds a replay ("
                    + (hasQueues ? "queues in " + dataDir : summary) + "): choose another or pass --overwrite to "
                    + "replace it");
        try {
            FileTrees.delete(dataDir);
            Files.deleteIfExists(outDir.resolve(RunSummary.FILE));
            Files.deleteIfExists(outDir.resolve(RunSummary.JSON_FILE));
            Files.deleteIfExists(outDir.resolve(RunSummary.INTERVAL_LOG));
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw ReplayException.usage("cannot prepare output directory " + outDir + ": " + e.getMessage());
        }
    }

    private static boolean holdsQueues(Path dataDir) {
        if (!Files.isDirectory(dataDir))
            return false;
        try (Stream<Path> files = Files.walk(dataDir, 2)) {
            return files.anyMatch(p -> p.getFileName().toString().endsWith(Queues.QUEUE_FILE_SUFFIX));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void fill(RunSummary s, Run run, ReplayOptions options, String origin, PipelineConfig config,
                             Path capture, CaptureSchedule schedule) {
        LatencyRecorder recorder = run.recorder;
        LatencyHistograms h = recorder.histograms();
        Pacing pacing = options.pacing();
        s.capture = capture.toString();
        s.captureKind = schedule.kind;
        s.config = origin;
        s.pipelineConfig = config;
        s.groups = EffectiveGroup.of(config);
        s.pacing = pacing.mode().id();
        s.pacingValue = pacing.mode() == Pacing.Mode.SPEED || pacing.mode() == Pacing.Mode.RATE ? pacing.value() : 0;
        s.throughputRun = !pacing.isPaced();
        s.maxGapNanos = pacing.maxGapNanos();
        s.clampedGaps = schedule.clampedGaps;
        s.scheduledSeconds = pacing.isPaced() ? schedule.send.offset(schedule.count - 1) / 1e9 : 0;
        s.warmup = options.warmup();
        s.intervalSeconds = options.interval().toNanos() / 1e9;
        s.limit = options.limit();
        s.sent = run.driver.sent();
        s.accounted = recorder.accounted();
        ExecutionCounts counts = recorder.counts();
        s.reports = counts.reports();
        s.trades = counts.trades();
        s.rejected = counts.rejected();
        s.rejectsByReason = counts.rejectsByReason();
        s.reportsByType = counts.reportsByType();
        s.foreignReports = recorder.foreign();
        long first = pacing.isPaced() ? run.startNanos
                : run.route != null ? run.route.firstSendNanos() : recorder.firstSendNanos();
        long duration = Math.max(1, recorder.lastAccountedNanos() - first);
        s.durationSeconds = duration / 1e9;
        s.throughputPerSecond = s.accounted * 1e9 / duration;
        s.via = run.route != null ? VIA_FIX : VIA_QUEUE;
        if (run.route != null) {
            s.histograms.add(HistogramSummary.of(RunSummary.END_TO_END, pacing.isPaced()
                    ? "intended send time to the FIX client's decoding of the first ExecutionReport (coordinated"
                    + " omission corrected)"
                    : "the FIX client's send to its decoding of the first ExecutionReport (throughput run: no"
                    + " schedule)", h.endToEnd()));
            s.histograms.add(HistogramSummary.of(SEND, pacing.isPaced()
                    ? "intended send time to the FIX client's send (sender lateness)"
                    : "sender lateness: always 0 in a throughput run (no schedule to be late against)", h.send()));
            s.histograms.add(HistogramSummary.of(GATEWAY_IN, "FIX client's send to the order on orders (FIX encode,"
                    + " loopback TCP, gateway decode and write)", h.gatewayIn()));
        } else {
            s.histograms.add(HistogramSummary.of(RunSummary.END_TO_END, pacing.isPaced()
                    ? "intended send time to execution read (coordinated omission corrected)"
                    : "actual send time to execution read (throughput run: no schedule)", h.endToEnd()));
            s.histograms.add(HistogramSummary.of(SEND, pacing.isPaced()
                    ? "intended send time to write on orders (sender lateness)"
                    : "sender lateness: always 0 in a throughput run (no schedule to be late against)", h.send()));
        }
        s.histograms.add(HistogramSummary.of(RISK, "orders queue hop and risk checks (riskNanos - ingressNanos)",
                h.risk()));
        s.histograms.add(HistogramSummary.of(MATCHING, "checked queue hop and matching (matchNanos - riskNanos)",
                h.matching()));
        s.histograms.add(HistogramSummary.of(EGRESS, "executions queue hop to the reader (read time - matchNanos)",
                h.egress()));
        if (run.route != null)
            s.histograms.add(HistogramSummary.of(GATEWAY_OUT, "report on executions (matchNanos) to the FIX client's"
                    + " decoding of its ExecutionReport (gateway read and encode, loopback TCP, client decode)",
                    h.gatewayOut()));
        s.driverAllocatedBytes = run.driver.allocatedBytes();
        s.recorderAllocatedBytes = recorder.allocatedBytes();
        if (run.route != null)
            s.fixClientAllocatedBytes = run.route.clientAllocatedBytes();
        RunEnvironment.describe(s);
    }

    private static void writeHistograms(Path outDir, LatencyHistograms h) {
        writeHgrm(outDir, RunSummary.END_TO_END, h.endToEnd());
        writeHgrm(outDir, SEND, h.send());
        writeHgrm(outDir, RISK, h.risk());
        writeHgrm(outDir, MATCHING, h.matching());
        writeHgrm(outDir, EGRESS, h.egress());
        if (h.isViaFix()) {
            writeHgrm(outDir, GATEWAY_IN, h.gatewayIn());
            writeHgrm(outDir, GATEWAY_OUT, h.gatewayOut());
        }
    }

    /** HdrHistogram's percentile distribution, values in microseconds, as its plotter reads it. */
    private static void writeHgrm(Path outDir, String name, Histogram h) {
        Path file = outDir.resolve(name + ".hgrm");
        try (AtomicFile out = AtomicFile.create(file)) {
            try (OutputStream os = Files.newOutputStream(out.temp());
                 PrintStream ps = new PrintStream(os, false, StandardCharsets.UTF_8)) {
                h.outputPercentileDistribution(ps, 1000.0);
            }
            out.commit();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** The counting pass over the capture: how many orders, and the intended offset of each. */
    static final class CaptureSchedule {
        final long count;
        final SendSchedule send;
        final long clampedGaps;
        final String kind;
        /** Whether the limit cut the capture short. */
        final boolean limited;

        private CaptureSchedule(SendSchedule send, long clampedGaps, String kind, boolean limited) {
            this.count = send.count();
            this.send = send;
            this.clampedGaps = clampedGaps;
            this.kind = kind;
            this.limited = limited;
        }

        static CaptureSchedule read(Supplier<CaptureReader> capture, Pacing pacing, long limit) {
            Pacing.Schedule schedule = pacing.schedule();
            long[] offsets = new long[1 << 16];
            long n = 0;
            OrderInfo r = new OrderInfo();
            String kind;
            boolean limited = false;
            try (CaptureReader reader = capture.get()) {
                kind = reader.kind();
                while (reader.next(r)) {
                    if (limit > 0 && n == limit) {
                        limited = true;
                        break;
                    }
                    if (n == offsets.length) {
                        if (n >= Integer.MAX_VALUE - 16)
                            throw ReplayException.usage("the capture holds more than " + n
                                    + " orders: replay a part of it");
                        offsets = Arrays.copyOf(offsets, (int) Math.min(Integer.MAX_VALUE - 16L, n * 2));
                    }
                    offsets[(int) n] = schedule.offset(n, r.eventTime());
                    n++;
                }
            }
            return new CaptureSchedule(SendSchedule.fixed(pacing, n, offsets), schedule.clampedGaps(), kind, limited);
        }
    }

    /** One execution: pipeline, threads, interval log, progress; always cleaned up. */
    private static final class Run implements RunWatch.Tick {
        private final ReplayOptions options;
        private final PipelineConfig config;
        private final Path capture;
        private final CaptureSchedule schedule;
        private final Path outDir;
        private final FixRoute route;
        private final SessionRange session;
        private long startNanos;
        private ReplayDriver driver;
        private LatencyRecorder recorder;
        private IntervalLog log;
        private long intervalNanos;
        private long nextInterval;
        private ProgressReporter progress;

        Run(ReplayOptions options, PipelineConfig config, Path capture, CaptureSchedule schedule, Path outDir,
            FixRoute route, SessionRange session) {
            this.route = route;
            this.session = session;
            this.options = options;
            this.config = config;
            this.capture = capture;
            this.schedule = schedule;
            this.outDir = outDir;
        }

        void execute() {
            // this thread watches the run: it stays off the CPUs the groups spin on, like the driver
            BitSet affinityBefore = CpuPlacement.keepOff(CpuPlacement.pinned(config), "replay");
            try {
                executeOff();
            } finally {
                CpuPlacement.restore(affinityBefore);
            }
        }

        private void executeOff() {
            Pipeline pipeline = Pipeline.start(config, Pipeline.FailureReport.CALLER, // thrown to the caller
                    session == null ? null : session.seed);
            ChronicleQueue orders = null;
            try {
                Path data = config.dataPath();
                orders = Queues.open(data.resolve(config.ingress.queue), config.rollCycle());
                if (route != null) {
                    route.startGateway(data); // its thread, like this one, off the pinned CPUs
                    route.connect(); // logged on before the schedule starts
                }
                long startMillis = System.currentTimeMillis();
                startNanos = System.nanoTime() + ReplayDriver.START_LEAD_NANOS;
                startMillis += TimeUnit.NANOSECONDS.toMillis(ReplayDriver.START_LEAD_NANOS);
                int maxLineLength = config.ingress.maxLineLength;
                if (route == null) {
                    recorder = new LatencyRecorder(schedule.send, options.warmup(), startNanos,
                            LatencyHistograms.perHop());
                    driver = new ReplayDriver(() -> CaptureReader.open(capture, maxLineLength, session), orders,
                            pipeline.diskGuard(), schedule.send, startNanos, 0);
                } else {
                    recorder = new LatencyRecorder(schedule.send, options.warmup(), startNanos,
                            LatencyHistograms.viaFix()).viaGateway(route.writerId(), route.stamps());
                    driver = new ReplayDriver(() -> CaptureReader.open(capture, maxLineLength), route::sender,
                            schedule.send, startNanos, 0);
                }
                driver.keepOff(CpuPlacement.pinned(config));
                intervalNanos = options.interval().toNanos();
                log = IntervalLog.open(outDir.resolve(RunSummary.INTERVAL_LOG), recorder.histograms(), startNanos,
                        startMillis, "orderpipe replay of " + capture + ", pacing " + options.pacing()
                                + ": latency in nanoseconds, " + options.interval().toMillis() + " ms intervals;"
                                + " end-to-end untagged, each hop tagged (" + String.join(", ",
                                Arrays.copyOfRange(recorder.histograms().names(), 1,
                                        recorder.histograms().names().length)) + ")");
                pipeline.executionListener(recorder); // measured on the pipeline's own egress thread
                driver.start("orderpipe-replay-driver");
                control(pipeline);
            } finally {
                if (driver != null)
                    driver.close();
                if (route != null)
                    route.close();
                if (log != null)
                    log.close();
                pipeline.close();
                if (orders != null)
                    orders.close();
            }
            if (pipeline.failure() != null)
                throw pipeline.failure();
        }

        /** Runs on the caller's thread until every order is accounted for, the pipeline fails, or it stalls. */
        private void control(Pipeline pipeline) {
            long total = schedule.count;
            long scheduleEnd = options.pacing().isPaced() ? startNanos + schedule.send.offset(total - 1) : 0;
            progress = new ProgressReporter(options.progress(), options.progressTerminal(),
                    options.progressInterval().toNanos(), total, startNanos, scheduleEnd);
            nextInterval = startNanos + intervalNanos;
            new RunWatch("replay", driver, recorder, pipeline::failure, options.stallTimeout(), config.dataPath())
                    .awaitDone(this);
            if (route != null)
                awaitAnswers();
            log.cut(System.nanoTime());
            progress.finish(System.nanoTime(), driver.sent(), recorder.accounted());
        }

        /**
         * Through a gateway, once the pipeline accounted for every order: until the clients have decoded every
         * answer and each order is recorded (the gateway refusing a request, or no answer for the stall timeout, fails
         * the run).
         */
        private void awaitAnswers() {
            long last = -1;
            long lastChange = System.nanoTime();
            while (true) {
                long now = System.nanoTime();
                onTick(now, driver.sent(), recorder.accounted());
                long recorded = route.recorded();
                if (recorded >= schedule.count)
                    return;
                if (recorded != last) {
                    last = recorded;
                    lastChange = now;
                } else if (now - lastChange > options.stallTimeout().toNanos()) {
                    throw ReplayException.failure("replay stalled: the FIX clients decoded the answers of "
                            + route.answers() + " of " + schedule.count + " orders and none more in "
                            + options.stallTimeout().toSeconds() + " s; the queues are in " + config.dataPath());
                }
                try {
                    TimeUnit.MILLISECONDS.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw ReplayException.failure("replay interrupted");
                }
            }
        }

        /** Every check of the watch: the interval log every interval, the progress line. */
        @Override
        public long onTick(long now, long sent, long accounted) {
            if (route != null) {
                String refused = route.refusal();
                if (refused != null)
                    throw ReplayException.failure(refused);
                // the samples of an interval go in before it is cut
                route.record(recorder.histograms(), schedule.send, startNanos, options.warmup(), driver.sent());
            }
            if (now >= nextInterval) {
                log.cut(now);
                do {
                    nextInterval += intervalNanos; // a late tick (a pause) starts the grid again, no burst of cuts
                } while (nextInterval <= now);
            }
            progress.update(now, sent, accounted);
            return nextInterval;
        }
    }
}
