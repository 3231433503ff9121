package dev.orderpipe.pipeline.retention;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.api.ExecutionFeed;
import dev.orderpipe.pipeline.book.MatchingEngine;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.config.SymbolConfig;
import dev.orderpipe.pipeline.csv.ExecutionCsv;
import dev.orderpipe.pipeline.infra.HistoryStart;
import dev.orderpipe.pipeline.infra.QueueInput;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.integrity.QueueCycles;
import dev.orderpipe.pipeline.integrity.QueueMetadata;
import dev.orderpipe.pipeline.integrity.RecordKind;
import dev.orderpipe.pipeline.metrics.ReplicationStatus;
import dev.orderpipe.pipeline.risk.RiskEngine;
import dev.orderpipe.pipeline.snapshot.SnapshotStore;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.RollCycle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * What retention may remove from a data directory now, and what holds the rest: per queue ({@code orders},
 * {@code checked}, {@code executions}, {@code snapshots/risk}, {@code snapshots/matching}) the lowest index each
 * reader of it still needs ({@link Hold}), and the cycle files wholly before the lowest of them, less each queue's
 * newest {@code retention.keepCycles} files.
 *
 * <p>Who needs what:
 * <ul>
 *     <li>risk's latest snapshot that a restart would restore (the same rule: of the config's shape, its last output
 *     record on {@code checked} with the time stamp it names, covering at most the input the last output names): its
 *     header on {@code snapshots/risk}, the input it covers on {@code orders} (a restart moves there) and its last
 *     output record on {@code checked} (the restart compares what it makes again after it). No such snapshot: the
 *     stage re-feeds its whole input, so nothing of its input or output may go;</li>
 *     <li>matching's likewise: {@code snapshots/matching}, {@code checked} and {@code executions};</li>
 *     <li>egress's executions CSV ({@code egress.csvFile}): the report of its last line (its catch-up walks back to
 *     it);</li>
 *     <li>each named consumer ({@code consumers/<name>.position}): its committed report, everything before its first
 *     commit;</li>
 *     <li>each replica ({@code replication.dat}): the index it acknowledged on each queue (the primary resends from
 *     there), everything when it acknowledged none;</li>
 *     <li>the FIX gateway, when it ran there ({@code gateway/}): all of {@code executions}, which it reads from the
 *     start at each start to rebuild its orders.</li>
 * </ul>
 * A stage's own position on its input is never before its snapshot's: the snapshot holds it. Computing a plan reads
 * the queues and writes nothing; it may run beside a live pipeline (what it holds only moves forward).
 */
public final class RetentionPlan {
    /** The FIX gateway's state in the data directory (module gateway). */
    static final String GATEWAY_DIR = "gateway";
    /** The queues retention looks after, in the order it treats them. */
    private final List<QueuePlan> queues;

    private RetentionPlan(List<QueuePlan> queues) {
        this.queues = queues;
    }

    /** A reader that needs a queue's records from {@code index} on; {@code index} -1: all of them. */
    public record Hold(String holder, long index) {
        /** Whether it holds the whole queue. */
        public boolean all() {
            return index < 0;
        }
    }

    /** One queue: its files, what holds them, and those that may go. */
    public static final class QueuePlan {
        private final String name;
        private final Path dir;
        private final QueueCycles cycles;
        private final List<Hold> holds;
        private final int byAge;
        private final int removable;
        private final Hold binding;
        /** Whether the queue holds execution reports (whose inputs the history start counts). */
        private final boolean reports;

        QueuePlan(String name, Path dir, QueueCycles cycles, List<Hold> holds, int keepCycles, boolean reports) {
            this.name = name;
            this.reports = reports;
            this.dir = dir;
            this.cycles = cycles;
            this.holds = List.copyOf(holds);
            RollCycle rc = cycles.rollCycle();
            Hold lowest = null;
            for (Hold h : holds)
                if (lowest == null || h.index() < lowest.index())
                    lowest = h; // -1 (all) is the lowest
            this.binding = lowest;
            List<QueueCycles.Cycle> files = cycles.cycles();
            this.byAge = Math.max(0, files.size() - keepCycles);
            int n = 0;
            if (lowest == null || !lowest.all()) {
                int needed = lowest == null ? Integer.MAX_VALUE : rc.toCycle(lowest.index());
                while (n < byAge && files.get(n).cycle() < needed)
                    n++;
            }
            this.removable = n;
        }

        public String name() {
            return name;
        }

        public Path dir() {
            return dir;
        }

        /** What needs the queue's records, each from its index on. */
        public List<Hold> holds() {
            return holds;
        }

        /**
         * The hold that stops the cut (the lowest), or null when none does (nothing reads the queue): then only
         * {@code keepCycles} keeps files.
         */
        public Hold binding() {
            return binding;
        }

        /** Whether {@code keepCycles}, not a hold, keeps the oldest file kept. */
        public boolean keptByAge() {
            List<QueueCycles.Cycle> files = cycles.cycles();
            return removable == byAge && removable < files.size() && (binding == null || (!binding.all()
                    && files.get(removable).cycle() < cycles.rollCycle().toCycle(binding.index())));
        }

        /** The files of the history now, oldest first. */
        public List<QueueCycles.Cycle> files() {
            return cycles.cycles();
        }

        /** The files that may go now, oldest first. */
        public List<QueueCycles.Cycle> removable() {
            return cycles.cycles().subList(0, removable);
        }

        /** Files an interrupted pass left before the history's start: they go first. */
        public List<Path> leftovers() {
            return cycles.beforeHistory();
        }

        public long removableBytes() {
            long sum = 0;
            for (QueueCycles.Cycle c : removable())
                sum += c.bytes();
            return sum;
        }

        /** Where the history starts now, null when nothing was ever removed. */
        public HistoryStart history() {
            return cycles.history();
        }

        /**
         * Where the history starts once the removable files are gone (the first kept file's first record). On
         * {@code executions} the removed files are read to count the inputs they account for (once, at the pass).
         */
        public HistoryStart newHistory() {
            if (removable == 0)
                return cycles.history();
            HistoryStart now = cycles.history();
            long before = now == null ? 0 : now.recordsBefore();
            long inputs = now == null ? 0 : now.inputsBefore();
            for (int i = 0; i < removable; i++) {
                QueueCycles.Cycle c = cycles.cycles().get(i);
                before += c.records();
                inputs += reports ? cycles.inputsEnded(i) : c.records();
            }
            return new HistoryStart(cycles.rollCycle().toIndex(cycles.cycles().get(removable).cycle(), 0), before,
                    inputs);
        }

        /** The first index kept once the removable files are gone; -1 with no files. */
        public long firstKeptIndex() {
            List<QueueCycles.Cycle> files = cycles.cycles();
            return removable == 0 ? firstIndex() : cycles.rollCycle().toIndex(files.get(removable).cycle(), 0);
        }

        /** The first index of the history now: the first record of the oldest file kept; -1 with no files. */
        public long firstIndex() {
            List<QueueCycles.Cycle> files = cycles.cycles();
            return files.isEmpty() ? -1 : cycles.rollCycle().toIndex(files.get(0).cycle(), 0);
        }

        public RollCycle rollCycle() {
            return cycles.rollCycle();
        }
    }

    /** The queues' plans, in order. */
    public List<QueuePlan> queues() {
        return queues;
    }

    /** Whether anything may go (or an interrupted pass left files to finish). */
    public boolean anything() {
        for (QueuePlan q : queues)
            if (!q.removable().isEmpty() || !q.leftovers().isEmpty())
                return true;
        return false;
    }

    /** Works out what may go in {@code config}'s data directory now. */
    public static RetentionPlan compute(PipelineConfig config) {
        Path data = config.dataPath();
        String orders = config.ingress.queue;
        String checked = config.risk.queue;
        String executions = config.matching.queue;
        String riskSnaps = SnapshotStore.DIR + "/risk";
        String matchingSnaps = SnapshotStore.DIR + "/matching";
        List<String> names = List.of(orders, checked, executions, riskSnaps, matchingSnaps);
        Map<String, List<Hold>> holds = new LinkedHashMap<>();
        for (String n : names)
            holds.put(n, new ArrayList<>());

        try (ChronicleQueue checkedQ = open(data.resolve(checked));
             ChronicleQueue executionsQ = open(data.resolve(executions))) {
            SnapshotStore.Found risk = latest(config, "risk", RiskEngine.snapshotShape(config.risk), checked,
                    checkedQ, RecordKind.CHECKED, OrderInfo::riskNanos);
            List<String> symbols = SymbolConfig.names(config.risk.symbols);
            SnapshotStore.Found matching = latest(config, "matching",
                    MatchingEngine.snapshotShape(config.matching, symbols), executions, executionsQ, RecordKind.REPORT,
                    OrderInfo::matchNanos);
            stageHolds(holds, "risk", risk, riskSnaps, orders, checked);
            stageHolds(holds, "matching", matching, matchingSnaps, checked, executions);
            egressHold(config, holds.get(executions), executions, executionsQ);
        }
        for (Map.Entry<String, Long> c : ExecutionFeed.positions(data).entrySet())
            holds.get(executions).add(new Hold("consumer " + c.getKey(), c.getValue() <= 0 ? -1 : c.getValue()));
        replicaHolds(data, holds);
        // the FIX gateway rebuilds its orders from the whole executions queue at each start (README, FIX gateway)
        if (Files.isDirectory(data.resolve(GATEWAY_DIR)))
            holds.get(executions).add(new Hold("the FIX gateway (" + data.resolve(GATEWAY_DIR) + ": it rebuilds its"
                    + " orders from the whole executions queue at start)", -1));

        List<QueuePlan> plans = new ArrayList<>();
        for (String n : names) {
            Path dir = data.resolve(n);
            if (!Queues.isQueueDir(dir))
                continue;
            plans.add(new QueuePlan(n, dir, QueueCycles.list(n, dir, config.rollCycle()), holds.get(n),
                    config.retention.keepCycles, n.equals(executions)));
        }
        return new RetentionPlan(List.copyOf(plans));
    }

    /** A queue of the data directory opened for reading, null when it does not exist. */
    private static ChronicleQueue open(Path dir) {
        if (!Queues.isQueueDir(dir))
            return null;
        return Queues.open(dir, QueueMetadata.read(dir.toString(), dir).rollCycle());
    }

    /** What a stage's latest restorable snapshot holds, or, with none, its whole input and output. */
    private static void stageHolds(Map<String, List<Hold>> holds, String stage, SnapshotStore.Found s,
                                   String snapshots, String input, String output) {
        if (s == null) {
            String why = stage + " (no snapshot it would restore: it re-feeds its whole input)";
            holds.get(input).add(new Hold(why, -1));
            holds.get(output).add(new Hold(why, -1));
            holds.get(snapshots).add(new Hold(why, -1));
            return;
        }
        String what = "snapshot " + snapshots + " 0x" + Long.toHexString(s.index);
        holds.get(snapshots).add(new Hold(what + " (the latest " + stage + " restores)", s.index));
        holds.get(input).add(new Hold(what + " (" + stage + " resumes after the input it covers)", s.coveredInput));
        holds.get(output).add(new Hold(what + " (" + stage + " compares its output after it)", s.outputLast));
    }

    /**
     * The latest snapshot a restart of {@code stage} would restore now (QueueInputStage.restoreSnapshot's rule), or
     * null: of the config's shape, its last output record still there with its time stamp, and covering at most the
     * input the output's last record names.
     */
    private static SnapshotStore.Found latest(PipelineConfig config, String stage, long shape, String outputName,
                                              ChronicleQueue output, RecordKind kind,
                                              ToLongFunction<OrderInfo> stamp) {
        Path dir = SnapshotStore.dir(config.dataPath(), stage);
        if (output == null || !Queues.isQueueDir(dir))
            return null;
        OrderInfo last = new OrderInfo();
        long outputLast = QueueInput.readLast(outputName, output, last);
        if (outputLast < 0)
            return null;
        long resume = last.sourceIndex();
        OrderInfo scratch = new OrderInfo();
        try (ChronicleQueue q = open(dir);
             SnapshotStore store = new SnapshotStore(stage, q, config.snapshots, shape);
             QueueInput probe = new QueueInput(outputName, output, kind).open()) {
            return store.latest(f -> f.outputLast >= 0 && f.outputLast <= outputLast && f.coveredInput <= resume
                    && probe.moveTo(f.outputLast) && probe.read(scratch)
                    && stamp.applyAsLong(scratch) == f.outputStamp);
        }
    }

    /** Egress's executions CSV needs the report of its last line on: its catch-up walks back to it. */
    private static void egressHold(PipelineConfig config, List<Hold> holds, String executions, ChronicleQueue q) {
        if (config.egress.csvFile.isEmpty() || q == null)
            return;
        Path csv = Path.of(config.egress.csvFile);
        if (!Files.exists(csv))
            return; // a CSV started afresh is filled from the first report kept
        long done = ExecutionCsv.lastSeq(csv);
        if (done <= 0) {
            holds.add(new Hold("egress " + csv + " (empty: filled from the first report)", -1));
            return;
        }
        OrderInfo r = new OrderInfo();
        try (QueueInput back = new QueueInput(executions, q).openBackward()) {
            long at = -1;
            while (back.read(r)) {
                at = back.lastReadIndex();
                if (r.seq() <= done)
                    break;
            }
            holds.add(new Hold("egress " + csv + " (its last line, seq " + done + ")", at));
        }
    }

    /** Each replica needs each queue from the index it acknowledged (the primary sends that record again). */
    private static void replicaHolds(Path data, Map<String, List<Hold>> holds) {
        try (ReplicationStatus.Reader reader = ReplicationStatus.Reader.open(data)) {
            ReplicationStatus.Snapshot s = reader == null ? null : reader.read();
            if (s == null)
                return;
            for (ReplicationStatus.Entry e : s.entries()) {
                List<Hold> h = holds.get(e.queue());
                if (h != null)
                    h.add(new Hold("replica " + e.replica(), e.ackedIndex() < 0 ? -1 : e.ackedIndex()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + data.resolve(ReplicationStatus.FILE) + ": "
                    + e.getMessage(), e);
        }
    }
}
