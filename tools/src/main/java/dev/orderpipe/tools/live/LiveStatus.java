package dev.orderpipe.tools.live;

import dev.orderpipe.pipeline.api.ExecutionFeed;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.metrics.MetricsReader;
import dev.orderpipe.pipeline.metrics.ReplicationStatus;
import dev.orderpipe.pipeline.metrics.MetricsSnapshot;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a data directory's pipeline is doing now, from any process: its stages' live counters (the shared-memory
 * {@code metrics.dat}, {@link MetricsReader}) joined with its queues (size, last index) and named consumers (their
 * positions), and the disk. Rates and idle ratios are over the time since the previous {@link #sample()} (since the
 * pipeline started for the first). Behind {@code orderpipe stats} and {@code stats --watch}, and the Prometheus
 * endpoint of {@code run --metrics-port}. Thread-safe (samples are taken one at a time).
 */
public final class LiveStatus implements AutoCloseable {
    private final PipelineConfig config;
    private final Path dataDir;
    private final Map<String, SingleChronicleQueue> queues = new LinkedHashMap<>();
    private MetricsReader metrics;
    private ReplicationStatus.Reader replication;
    private MetricsSnapshot previous;

    /** @param config the pipeline's config, its dataDir the directory to watch */
    public LiveStatus(PipelineConfig config) {
        this.config = config;
        this.dataDir = config.dataPath();
    }

    /** What the pipeline is doing now. */
    public synchronized Status sample() {
        MetricsSnapshot now = readMetrics();
        List<StageStatus> stages = new ArrayList<>();
        boolean sinceStart = previous == null;
        double rateSeconds = 0;
        if (now != null) {
            // a first sample's rates are means since the pipeline started (until it stopped, when it has)
            long from = sinceStart ? now.startMillis() : previous.readMillis();
            long to = sinceStart && now.stoppedMillis() > 0 ? now.stoppedMillis() : now.readMillis();
            rateSeconds = Math.max(1e-3, (to - from) / 1e3);
            stages.add(stage(now, rateSeconds, "ingress", config.ingress.file.isEmpty() ? "" : config.ingress.file,
                    null, config.ingress.queue));
            stages.add(stage(now, rateSeconds, "risk", config.ingress.queue, queue(config.ingress.queue),
                    config.risk.queue));
            stages.add(stage(now, rateSeconds, "matching", config.risk.queue, queue(config.risk.queue),
                    config.matching.queue));
            stages.add(stage(now, rateSeconds, "egress", config.matching.queue, queue(config.matching.queue),
                    config.egress.csvFile));
        }
        List<QueueStatus> queueRows = new ArrayList<>();
        for (String name : List.of(config.ingress.queue, config.risk.queue, config.matching.queue)) {
            SingleChronicleQueue q = queue(name);
            if (q == null)
                continue;
            long first = q.firstIndex();
            long last = q.lastIndex();
            boolean empty = first == Long.MAX_VALUE || last < 0;
            queueRows.add(new QueueStatus(name, q.entryCount(), empty ? -1 : first, empty ? -1 : last));
        }
        Status status = new Status(System.currentTimeMillis(), now != null, now == null ? -1 : now.pid(),
                now != null && now.running(), diskFree(), rateSeconds, sinceStart, stages, queueRows, consumers(),
                replicas());
        if (now != null)
            previous = now;
        return status;
    }

    private MetricsSnapshot readMetrics() {
        try {
            if (metrics == null)
                metrics = MetricsReader.open(dataDir);
            if (metrics == null)
                return null;
            MetricsSnapshot s = metrics.read();
            if (s != null && previous != null && s.startMillis() != previous.startMillis())
                previous = null; // the pipeline restarted: its counters started again
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the metrics of " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private StageStatus stage(MetricsSnapshot now, double seconds, String name, String input,
                              SingleChronicleQueue inputQueue, String output) {
        MetricsSnapshot.Stage s = now.stage(name);
        if (s == null)
            return new StageStatus(name, input, output, 0, -1, 0, -1, 0, 0, 0, 0, Double.NaN);
        MetricsSnapshot.Stage before = previous == null ? null : previous.stage(name);
        long inBefore = before == null ? 0 : before.recordsIn();
        long pollsBefore = before == null ? 0 : before.polls();
        long idleBefore = before == null ? 0 : before.idlePolls();
        double rate = (s.recordsIn() - inBefore) / seconds;
        long polls = s.polls() - pollsBefore;
        double idleRatio = polls <= 0 ? 1.0 : (double) (s.idlePolls() - idleBefore) / polls;
        long records = s.recordsIn() - inBefore;
        double nanosPerRecord = records <= 0 ? Double.NaN
                : (double) (s.busyNanos() - (before == null ? 0 : before.busyNanos())) / records;
        long lag = inputQueue == null ? -1 : behind(inputQueue, s.inputIndex());
        double lagSeconds = 0;
        if (lag > 0) // how long since it last had nothing to read: how old its backlog may be
            lagSeconds = (now.readMillis() - (s.idleAtMillis() > 0 ? s.idleAtMillis() : now.startMillis())) / 1e3;
        return new StageStatus(name, input, output, s.recordsIn(), s.recordsOut(), rate, lag, Math.max(0, lagSeconds),
                idleRatio, s.errors(), s.busyNanos(), nanosPerRecord);
    }

    /** Records of {@code q} after {@code index} (all of them when -1); -1 when that cannot be told. */
    static long behind(SingleChronicleQueue q, long index) {
        try {
            long last = q.lastIndex();
            if (last < 0)
                return 0;
            if (index < 0)
                return q.entryCount();
            if (index >= last)
                return 0;
            // countExcerpts counts [index, last): as many as (index, last]
            return q.countExcerpts(index, last);
        } catch (IllegalStateException | InternalError e) {
            return -1; // the index names a cycle no longer there
        }
    }

    private SingleChronicleQueue queue(String name) {
        SingleChronicleQueue q = queues.get(name);
        if (q == null) {
            Path dir = dataDir.resolve(name);
            if (!Queues.isQueueDir(dir))
                return null;
            q = (SingleChronicleQueue) Queues.openExisting(dir);
            queues.put(name, q);
        }
        return q;
    }

    private List<ConsumerStatus> consumers() {
        List<ConsumerStatus> out = new ArrayList<>();
        Map<String, Long> positions = ExecutionFeed.positions(dataDir);
        if (positions.isEmpty())
            return out;
        SingleChronicleQueue executions = queue(config.matching.queue);
        positions.forEach((name, position) -> out.add(new ConsumerStatus(name, position,
                executions == null ? -1 : behind(executions, position <= 0 ? -1 : position))));
        return out;
    }

    /** Where each replica is on each queue, as {@code orderpipe replicate} last wrote it; empty when it never ran here. */
    private List<ReplicaStatus> replicas() {
        List<ReplicaStatus> out = new ArrayList<>();
        try {
            if (replication == null)
                replication = ReplicationStatus.Reader.open(dataDir);
            ReplicationStatus.Snapshot s = replication == null ? null : replication.read();
            if (s == null)
                return out;
            for (ReplicationStatus.Entry e : s.entries())
                out.add(new ReplicaStatus(e.replica(), e.queue(), e.ackedIndex(), e.lastIndex(), e.recordsBehind(),
                        e.microsBehind(s.readMicros()), s.live()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the replication status of " + dataDir + ": " + e.getMessage(),
                    e);
        }
        return out;
    }

    private long diskFree() {
        try {
            return Files.getFileStore(dataDir).getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public synchronized void close() {
        queues.values().forEach(ChronicleQueue::close);
        queues.clear();
        try {
            if (metrics != null)
                metrics.close();
            if (replication != null)
                replication.close();
        } catch (IOException e) {
            // a read-only mapping: nothing to lose
        }
    }

    /**
     * One line for a status report: each stage's records in and rate since the previous sample, and for a stage that
     * reads a queue how many records it is behind (and since when, when it is): {@code ingress 235,007 in 23,500/s;
     * risk 235,000 in 23,490/s lag 7 (0.002 s); ...}.
     */
    public static String describe(Status s) {
        if (s.stages().isEmpty())
            return "no live counters in the data directory";
        StringBuilder sb = new StringBuilder();
        for (StageStatus st : s.stages()) {
            if (sb.length() > 0)
                sb.append("; ");
            sb.append(String.format(Locale.ROOT, "%s %,d in %,.0f/s", st.name(), st.recordsIn(),
                    st.ratePerSecond()));
            if (st.lagRecords() >= 0)
                sb.append(String.format(Locale.ROOT, " lag %,d", st.lagRecords()));
            if (st.lagRecords() > 0)
                sb.append(String.format(Locale.ROOT, " (%.3f s)", st.lagSeconds()));
            if (st.errors() > 0)
                sb.append(" FAILED");
        }
        return sb.toString();
    }

    /**
     * The pipeline now.
     *
     * @param metricsPresent whether the directory has live counters (a pipeline of this version ran there)
     * @param pid            the process that writes them, -1 without
     * @param running        whether that process is still alive
     * @param diskFreeBytes  usable bytes on the data directory's file system, -1 when unknown
     * @param rateSeconds    the time the stages' rates, idle ratios and ns per record are over (0 without counters)
     * @param ratesSinceStart whether that time is since the pipeline started (until it stopped, when it has): the
     *                       first sample, or the first after a restart, gives means over the whole run, not a rate now
     */
    public record Status(long readMillis, boolean metricsPresent, long pid, boolean running, long diskFreeBytes,
                         double rateSeconds, boolean ratesSinceStart, List<StageStatus> stages,
                         List<QueueStatus> queues, List<ConsumerStatus> consumers, List<ReplicaStatus> replicas) {
    }

    /**
     * One stage, since the previous sample where a field says "rate": {@code busyNanos} is the time its thread spent
     * in calls that found work since the pipeline started, {@code busyNanosPerRecord} that time per input record
     * since the previous sample (NaN without records in between): what one record costs the stage.
     *
     * @param input        what it reads: a queue, or the order file for ingress (empty without one)
     * @param output       what it writes: a queue, or the executions CSV for egress (empty without one)
     * @param recordsOut   records it wrote to its output queue since its pipeline started, -1 for egress
     * @param lagRecords   records on its input queue it has not read, -1 when unknown (ingress: a file)
     * @param lagSeconds   with a backlog, the time since it last had nothing to read, else 0
     * @param idleRatio    the share of its polls that found nothing to read, since the previous sample
     * @param errors       its failures (one stops the pipeline)
     */
    public record StageStatus(String name, String input, String output, long recordsIn, long recordsOut,
                              double ratePerSecond, long lagRecords, double lagSeconds, double idleRatio,
                              long errors, long busyNanos, double busyNanosPerRecord) {
    }

    /** One queue: records, first and last index (-1 when empty). */
    public record QueueStatus(String name, long entries, long firstIndex, long lastIndex) {
    }

    /**
     * One replica on one queue, as the primary's {@code orderpipe replicate} sees it.
     *
     * @param ackedIndex     the last index it acknowledged, -1 for none
     * @param lastIndex      the primary's last index when it was written
     * @param recordsBehind  the primary's records after the acknowledged one
     * @param microsBehind   with records behind, microseconds since it last had all of them; else 0
     * @param live           whether {@code replicate} is running (a stopped one's figures are its last)
     */
    public record ReplicaStatus(String replica, String queue, long ackedIndex, long lastIndex, long recordsBehind,
                                long microsBehind, boolean live) {
    }

    /** One named execution feed: its committed position (0: none yet) and the reports after it. */
    public record ConsumerStatus(String name, long position, long lagRecords) {
    }
}
