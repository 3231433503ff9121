package dev.orderpipe.pipeline;

import dev.orderpipe.pipeline.book.MatchingEngine;
import dev.orderpipe.pipeline.config.ConfigException;
import dev.orderpipe.pipeline.config.EffectiveGroup;
import dev.orderpipe.pipeline.config.GroupPauser;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.config.StageGroupConfig;
import dev.orderpipe.pipeline.config.SymbolConfig;
import dev.orderpipe.pipeline.csv.OrderFileReader;
import dev.orderpipe.pipeline.infra.CpuPlacement;
import dev.orderpipe.pipeline.infra.CrashPoints;
import dev.orderpipe.pipeline.infra.CycleFiles;
import dev.orderpipe.pipeline.infra.HistoryCutException;
import dev.orderpipe.pipeline.infra.HistoryStart;
import dev.orderpipe.pipeline.infra.DataDirLock;
import dev.orderpipe.pipeline.infra.DiskSpaceGuard;
import dev.orderpipe.pipeline.infra.Handoff;
import dev.orderpipe.pipeline.infra.QueueInput;
import dev.orderpipe.pipeline.infra.QueueOutput;
import dev.orderpipe.pipeline.infra.QueuePretoucher;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.integrity.QueueVerifier;
import dev.orderpipe.pipeline.integrity.RecordKind;
import dev.orderpipe.pipeline.metrics.MetricsFile;
import dev.orderpipe.pipeline.risk.RiskConfigHistory;
import dev.orderpipe.pipeline.retention.RetentionThread;
import dev.orderpipe.pipeline.risk.RiskEngine;
import dev.orderpipe.pipeline.session.SessionCalendar;
import dev.orderpipe.pipeline.snapshot.SnapshotSeed;
import dev.orderpipe.pipeline.snapshot.SnapshotStore;
import dev.orderpipe.pipeline.session.SessionClock;
import dev.orderpipe.pipeline.stage.EgressStage;
import dev.orderpipe.pipeline.stage.ExecutionCounts;
import dev.orderpipe.pipeline.stage.ExecutionListener;
import dev.orderpipe.pipeline.stage.IngressStage;
import dev.orderpipe.pipeline.stage.MatchingStage;
import dev.orderpipe.pipeline.stage.RiskStage;
import dev.orderpipe.pipeline.stage.Stage;
import dev.orderpipe.pipeline.stage.StageLink;
import dev.orderpipe.pipeline.stage.StageRunner;
import dev.orderpipe.pipeline.stage.SyncPolicy;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.impl.RollingChronicleQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline, wired in one place in data-flow order: order file -> ingress -> [orders] -> risk -> [checked] ->
 * matching -> [executions] -> egress. {@link #start(PipelineConfig)} opens the queues, builds the stages and starts one
 * {@link StageRunner} per configured group; {@link #close()} stops the runners (each stage finishes the message it is
 * on), closes the queues and releases CPU reservations.
 *
 * <p>A stage that throws stops every runner; {@link #awaitFinished(long, TimeUnit)} and {@link #failure()} report it
 * as a {@link PipelineFailedException} naming the stage and the input record.
 */
public final class Pipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    private final PipelineConfig config;
    private final Path dataDir;
    private final Map<String, ChronicleQueue> queues = new LinkedHashMap<>();
    private final List<StageRunner> runners = new ArrayList<>();
    private final IngressStage ingress;
    private final RiskStage risk;
    private final MatchingStage matching;
    private final EgressStage egress;
    private final Object lock = new Object();
    private final DataDirLock dirLock;
    private final DiskSpaceGuard diskGuard;
    /** Risk's records handed to matching on their thread, null when they run on different threads. */
    private Handoff checkedHandoff;
    /** Matching's reports handed to egress on their thread, null when they run on different threads. */
    private Handoff executionsHandoff;
    private QueuePretoucher pretoucher;
    /** Retention at each roll ({@code retention.enabled}), null when off. */
    private RetentionThread retention;
    /** The stages' live counters ({@code metrics.dat}). */
    private MetricsFile metrics;
    private volatile PipelineFailedException failure;
    private boolean closed;
    private final FailureReport failureReport;

    /** Who reports a stage's failure when it happens. */
    public enum FailureReport {
        /** The pipeline logs it (ERROR, with the stack trace of a bug) as well as keeping it for its owner. */
        LOG,
        /**
         * Only the owner, which asks {@link #failure()} (or gets it from {@link #awaitFinished}) and reports it
         * itself, as the command line does: so it is reported once.
         */
        CALLER
    }

    private Pipeline(PipelineConfig config, FailureReport failureReport, SnapshotSeed seed) {
        this.config = config;
        this.failureReport = failureReport;
        this.dataDir = config.dataPath().toAbsolutePath();
        Path input = config.ingress.file.isEmpty() ? null : Path.of(config.ingress.file);
        String problem = input == null ? null : OrderFileReader.whyNotReadable(input);
        if (problem != null)
            throw new ConfigException("ingress.file: order file " + input + " " + problem
                    + ": give an order file (CSV)");
        checkFreeSpace(dataDir, config.minFreeDiskMb);
        dirLock = DataDirLock.acquire(dataDir);
        diskGuard = new DiskSpaceGuard(dataDir, config.minFreeDiskMb);
        try {
            QueueVerifier.checkAtStart(config); // before Chronicle maps a file: a cut-short file is refused, not grown
            ChronicleQueue orders = queue(config.ingress.queue);
            ChronicleQueue checked = queue(config.risk.queue);
            ChronicleQueue executions = queue(config.matching.queue);
            QueueOutput ordersOut = output(config.ingress.queue, orders, CrashPoints.Point.ORDERS_WRITTEN);
            QueueOutput checkedOut = output(config.risk.queue, checked, CrashPoints.Point.CHECKED_WRITTEN);
            QueueOutput executionsOut = output(config.matching.queue, executions,
                    CrashPoints.Point.EXECUTIONS_WRITTEN);
            SessionClock sessions = config.session.calendar ? new SessionClock(SessionCalendar.of(config.session),
                    System::currentTimeMillis, config.session.writerId, config.ingress.queue, orders) : null;
            ingress = new IngressStage(ordersOut, input, config.ingress.follow, config.ingress.maxLineLength,
                    config.ingress.linesPerCall, sessions);
            QueueInput riskInput = new QueueInput(config.ingress.queue, orders, RecordKind.ORDER);
            risk = new RiskStage(riskInput, checkedOut, new RiskEngine(config.risk),
                    RiskConfigHistory.load(dataDir, config.risk),
                    snapshots("risk", RiskEngine.snapshotShape(config.risk)));
            List<String> symbols = SymbolConfig.names(config.risk.symbols); // one book per symbol risk accepts
            QueueInput matchingInput = new QueueInput(config.risk.queue, checked, RecordKind.CHECKED);
            matching = new MatchingStage(matchingInput, executionsOut,
                    sink -> new MatchingEngine(config.matching, symbols, sink),
                    snapshots("matching", MatchingEngine.snapshotShape(config.matching, symbols)));
            long executionsEnd = QueueInput.readLast(config.matching.queue, executions, new OrderInfo());
            Path csv = config.egress.csvFile.isEmpty() ? null : Path.of(config.egress.csvFile);
            QueueInput egressInput = new QueueInput(config.matching.queue, executions, RecordKind.REPORT);
            egress = new EgressStage(egressInput, csv, diskGuard, executionsEnd);
            if (seed != null && executionsEnd < 0) {
                // a fresh pipeline seeded with another directory's state: its reports go on from that one's
                risk.seed(seed);
                matching.seed(seed);
                egressInput.startAfter(seed.lastReport());
            }
            // the finish protocol: each stage finishes after the one that feeds it, ingress when its file ends
            StageLink ingressLink = StageLink.source(ingress, ingress::inputComplete);
            StageLink riskLink = StageLink.after(ingressLink, risk, riskInput);
            StageLink matchingLink = StageLink.after(riskLink, matching, matchingInput);
            StageLink egressLink = StageLink.after(matchingLink, egress, egressInput);
            metrics = MetricsFile.create(dataDir, PipelineConfig.STAGES);
            ingressLink.counters(metrics.stage("ingress").output(ordersOut));
            riskLink.counters(metrics.stage("risk").output(checkedOut));
            matchingLink.counters(metrics.stage("matching").output(executionsOut));
            egressLink.counters(metrics.stage("egress"));
            Map<String, StageLink> byName = Map.of("ingress", ingressLink, "risk", riskLink, "matching", matchingLink,
                    "egress", egressLink);
            for (int i = 0; i < config.groups.size(); i++) {
                StageGroupConfig g = config.groups.get(i);
                List<StageLink> stages = new ArrayList<>();
                for (String name : g.stages)
                    stages.add(byName.get(name));
                runners.add(new StageRunner(g.name, g.cpu, GroupPauser.of(g, "groups[" + i + "]").create(),
                        config.stallTimeoutMs, this::onStageFailure, stages).keepOff(CpuPlacement.pinned(config)));
            }
            // a stage reading the queue a stage of its own group writes takes the records from it, not from the queue
            for (StageGroupConfig g : config.groups) {
                if (g.stages.contains("risk") && g.stages.contains("matching"))
                    checkedHandoff = handOver(checkedOut, matchingInput, CHECKED_HANDOFF);
                if (g.stages.contains("matching") && g.stages.contains("egress"))
                    executionsHandoff = handOver(executionsOut, egressInput, EXECUTIONS_HANDOFF);
            }
        } catch (RuntimeException e) {
            queues.values().forEach(ChronicleQueue::close);
            if (metrics != null)
                metrics.close();
            diskGuard.close();
            dirLock.close();
            throw e;
        }
    }

    /**
     * Validates the config (every key, and capacities against this JVM's heap before anything is allocated), opens the
     * queues and starts every stage group.
     *
     * @throws ConfigException with one line naming the key when the config cannot run here
     */
    public static Pipeline start(PipelineConfig config) {
        return start(config, FailureReport.LOG);
    }

    /**
     * {@link #start(PipelineConfig)}, saying who reports a stage's failure: {@link FailureReport#CALLER} for an owner
     * that reports {@link #failure()} itself.
     */
    public static Pipeline start(PipelineConfig config, FailureReport failureReport) {
        return start(config, failureReport, null);
    }

    /**
     * {@link #start(PipelineConfig, FailureReport)} of a pipeline whose empty data directory starts from
     * {@code seed}'s state (risk's and matching's snapshots of another directory) instead of nothing: what
     * {@code replay --from-session} runs. A directory that holds reports already resumes as always, unseeded.
     */
    public static Pipeline start(PipelineConfig config, FailureReport failureReport, SnapshotSeed seed) {
        config.validate();
        HeapBudget.check(config, Runtime.getRuntime().maxMemory(), HeapBudget.maxDirectMemory());
        Pipeline pipeline = new Pipeline(config, failureReport, seed);
        if (config.pretouch)
            pipeline.pretoucher = new QueuePretoucher("pipeline", List.copyOf(pipeline.queues.values()),
                    QueuePretoucher.DEFAULT_INTERVAL_NANOS).keepOff(CpuPlacement.pinned(config)).start();
        pipeline.runners.forEach(StageRunner::start);
        if (config.retention.enabled)
            pipeline.retention = new RetentionThread(config, pipeline.queues::get).start();
        LOG.info("pipeline started: data {}, groups {}", pipeline.dataDir, pipeline.runners.size());
        for (int i = 0; i < config.groups.size(); i++) {
            StageGroupConfig g = config.groups.get(i);
            String key = "groups[" + i + "]";
            LOG.info("group {}", EffectiveGroup.of(g, key).describe());
            if (g.cpu < 0 && GroupPauser.of(g, key).spins())
                LOG.warn("group {} spins (pauser {}) on no reserved CPU: it takes a core from every other thread;"
                        + " give it a cpu, or a balanced pauser", g.name, g.pauser);
        }
        return pipeline;
    }

    /** Opens a queue, first repairing a file a crash left half-created ({@link CycleFiles}): before any reader. */
    private ChronicleQueue queue(String name) {
        ChronicleQueue q = CycleFiles.openRepaired(name, dataDir.resolve(name), config.rollCycle(), config.syncMode());
        HistoryStart history = HistoryStart.read(dataDir.resolve(name));
        if (history != null) {
            q.refreshDirectoryListing(); // a retention pass killed before it refreshed left Chronicle's lowest cycle
            if (q.lastIndex() < 0) { // a pass keeps the records after the cut: no crash of a pipeline leaves this
                String at = Queues.describeIndex(q, history.firstIndex());
                q.close();
                throw new HistoryCutException("queue " + name + " holds no record, yet its " + HistoryStart.FILE
                        + " says its history starts at index " + at + " (" + history.recordsBefore() + " records"
                        + " before it removed by retention): a copy that stopped before the queue's records came (a"
                        + " replica stopped as it started: run it again until it holds the primary's records) or a"
                        + " queue whose files were removed (put them back)");
            }
        }
        queues.put(name, q);
        return q;
    }

    /** A stage's snapshot queue, {@code snapshots/<stage>} ({@link SnapshotStore}). */
    private SnapshotStore snapshots(String stage, long shape) {
        String name = SnapshotStore.DIR + "/" + stage;
        ChronicleQueue q = CycleFiles.openRepaired(name, SnapshotStore.dir(dataDir, stage), config.rollCycle(),
                config.syncMode());
        queues.put(name, q);
        return new SnapshotStore(stage, q, config.snapshots, shape);
    }

    /**
     * Records the handoff from risk to matching holds: risk writes at most {@link Stage#MAX_RECORDS_PER_CALL} a call,
     * and matching, next in the group, takes them in its next call.
     */
    public static final int CHECKED_HANDOFF = 4 * Stage.MAX_RECORDS_PER_CALL;
    /** Reports the handoff from matching to egress holds: beyond it (a sweep, a session close) egress reads the queue. */
    static final int EXECUTIONS_HANDOFF = 1024;

    private static Handoff handOver(QueueOutput writer, QueueInput reader, int capacity) {
        Handoff handoff = new Handoff(capacity);
        writer.handTo(handoff);
        reader.takeFrom(handoff);
        return handoff;
    }

    /** The guard that stops the stages before the disk fills: for a writer of this process that must stop with them. */
    public DiskSpaceGuard diskGuard() {
        return diskGuard;
    }

    /**
     * The records matching and egress took from the stage before them on their thread ({@link Handoff}) rather than
     * read back from the queue, since the start: {checked records, reports}; 0 where the two run on different
     * threads. Counted by the stages' thread: from another thread, a count of a moment ago.
     */
    public long[] readsHandedOver() {
        return new long[]{checkedHandoff == null ? 0 : checkedHandoff.takenCount(),
                executionsHandoff == null ? 0 : executionsHandoff.takenCount()};
    }

    /** A stage's one output: the queue with the disk guard, the sync policy and its crash point. */
    private QueueOutput output(String name, ChronicleQueue queue, CrashPoints.Point writtenPoint) {
        return new QueueOutput(name, queue, diskGuard, new SyncPolicy(config.syncEveryRecords), writtenPoint);
    }

    /** Refuses to start when the data directory's filesystem has less free space than configured. */
    static void checkFreeSpace(Path dataDir, long minFreeMb) {
        try {
            Files.createDirectories(dataDir);
            long free = Files.getFileStore(dataDir).getUsableSpace();
            if (free < minFreeMb * 1024 * 1024)
                throw new ConfigException("data directory " + dataDir + " has " + (free >> 20) + " MB free, less than minFreeDiskMb "
                        + minFreeMb + ": free some space or lower minFreeDiskMb");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use data directory " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private void onStageFailure(Stage stage, long inputIndex, Throwable error) {
        PipelineFailedException f = new PipelineFailedException(stage == null ? null : stage.name(), inputIndex, error);
        synchronized (lock) {
            if (failure == null)
                failure = f;
            lock.notifyAll();
        }
        if (failureReport == FailureReport.LOG) {
            if (error instanceof OperatorError)
                LOG.error(f.getMessage());
            else
                LOG.error(f.getMessage(), error);
        }
        runners.forEach(StageRunner::stop);
    }

    /**
     * Waits until every stage group has opened its stages (tailers and appenders created, each stage's resume position
     * found), a stage fails, or the time is up: a measurement starts sending after it.
     *
     * @return true when started, false on time-out
     * @throws PipelineFailedException when a stage failed
     */
    public boolean awaitStarted(long timeout, TimeUnit unit) throws InterruptedException {
        boolean opened = StageRunner.awaitOpened(runners, timeout, unit);
        if (failure != null)
            throw failure;
        return opened;
    }

    /**
     * Waits until every stage has finished (the order file is read to its end and every record has reached egress),
     * a stage fails, or the time is up. A pipeline fed by other processes never finishes: use {@link #close()}.
     *
     * @return true when finished, false on time-out
     * @throws PipelineFailedException when a stage failed
     */
    public boolean awaitFinished(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (lock) {
            while (true) {
                if (failure != null)
                    throw failure;
                if (allFinished())
                    return true;
                long left = deadline - System.nanoTime();
                if (left <= 0)
                    return false;
                lock.wait(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 5));
            }
        }
    }

    private boolean allFinished() {
        for (StageRunner r : runners)
            if (!r.isFinished())
                return false;
        return true;
    }

    /** The failure that stopped the pipeline, or null. */
    public PipelineFailedException failure() {
        return failure;
    }

    /** Stops every runner, waits for them, closes the queues. Safe to call more than once. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed)
                return;
            closed = true;
        }
        runners.forEach(StageRunner::stop);
        for (StageRunner r : runners) {
            try {
                if (!r.join(10_000))
                    LOG.warn("group {} did not stop within 10 s", r.name());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (pretoucher != null)
            pretoucher.close();
        if (retention != null)
            retention.close(); // before the queues it refreshes are closed
        queues.values().forEach(ChronicleQueue::close);
        metrics.close();
        diskGuard.close();
        dirLock.close();
        LOG.info("pipeline stopped");
    }

    public PipelineConfig config() {
        return config;
    }

    /** Absolute data directory. */
    public Path dataDir() {
        return dataDir;
    }

    /** Directory of a queue by name. */
    public Path queuePath(String name) {
        return dataDir.resolve(name);
    }

    /**
     * Has the egress stage tell {@code listener} of every report it reads from now on, on its own thread (see
     * {@link ExecutionListener}): how the replay measures latency without a thread of its own.
     */
    public void executionListener(ExecutionListener listener) {
        egress.listener(listener);
    }

    /** Counts of the reports egress read in this run (exact once finished or closed). */
    public ExecutionCounts counts() {
        return egress.counts();
    }

    /** The whole data directory's count of orders in and of orders accounted for (see {@link #accounting()}). */
    public record Accounting(long ordersIn, long accounted) {
        /** Whether every order in is accounted for, exactly once. */
        public boolean balanced() {
            return ordersIn == accounted;
        }
    }

    /**
     * Counts, over the whole data directory (every run, not only this one), the records on the orders queue and the
     * orders accounted for on the executions queue (reports flagged last of their input), read through
     * {@link QueueInput}. Equal once a finished pipeline processed everything; call it after
     * {@link #awaitFinished}, before {@link #close()}. Reads every report: not for a hot loop.
     */
    public Accounting accounting() {
        // after retention: the orders and the inputs accounted before each queue's history start count too
        RollingChronicleQueue orders = (RollingChronicleQueue) queues.get(config.ingress.queue);
        HistoryStart ordersStart = HistoryStart.read(dataDir.resolve(config.ingress.queue));
        long ordersIn = ordersStart == null || orders.lastIndex() < 0 ? orders.entryCount()
                : ordersStart.recordsBefore() + orders.countExcerpts(ordersStart.firstIndex(), orders.lastIndex()) + 1;
        HistoryStart executionsStart = HistoryStart.read(dataDir.resolve(config.matching.queue));
        long accounted = executionsStart == null ? 0 : executionsStart.inputsBefore();
        OrderInfo report = new OrderInfo();
        ChronicleQueue executionsQueue = queues.get(config.matching.queue);
        try (QueueInput executions = new QueueInput(config.matching.queue, executionsQueue,
                RecordKind.REPORT).open()) {
            while (executions.read(report))
                if (report.lastForInput())
                    accounted++;
        }
        return new Accounting(ordersIn, accounted);
    }

    /** The runner threads, one per configured group, in config order. */
    public List<StageRunner> runners() {
        return List.copyOf(runners);
    }

    public IngressStage ingress() {
        return ingress;
    }

    public MatchingStage matching() {
        return matching;
    }

    public RiskStage risk() {
        return risk;
    }
}
