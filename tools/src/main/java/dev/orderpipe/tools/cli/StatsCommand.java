package dev.orderpipe.tools.cli;

import dev.orderpipe.pipeline.ExitCodes;
import dev.orderpipe.pipeline.metrics.MetricsFile;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.infra.QueueDamagedException;
import dev.orderpipe.pipeline.infra.QueueInput;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.integrity.QueueVerifier;
import dev.orderpipe.pipeline.integrity.RecordKind;
import dev.orderpipe.pipeline.retention.RetentionPlan;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orderpipe.replay.Documents;
import dev.orderpipe.tools.live.LiveStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import sun.misc.Signal;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code orderpipe stats}: what is in a data directory, how far each stage and each named consumer is behind, and,
 * while a pipeline runs there, its live counters; {@code --watch} keeps showing them from another process, as
 * AeronStat does for Aeron ({@link LiveStatus}).
 */
@Command(name = "stats", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Per queue: records, first and last index, roll files and size on disk, after the quick check "
                + "of the queues' files and that none lost records that another names.",
                "Per stage: how many input records it has not yet turned into output (from the sourceIndex of its "
                + "last output; egress from the live counters); per named consumer (tail --name, ExecutionFeed): "
                + "its position and the reports after it.",
                "While a pipeline runs there: each stage's records in and out, rate, lag (records and time), idle "
                + "ratio and errors, and the disk's free space; --watch refreshes them every --interval.",
                "On a primary ('orderpipe replicate' ran there): per replica and queue, the index it acknowledged and "
                + "how far behind it is, in records and microseconds.",
                "The files are described in docs/formats.md."})
public final class StatsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;
    @Parameters(index = "0", paramLabel = "DATA_DIR", description = "The pipeline's data directory.")
    Path dataDir;
    @Option(names = "--json", description = "Print JSON instead of tables (with --watch, one JSON object per line "
            + "and refresh).")
    boolean json;
    @Option(names = {"-w", "--watch"}, description = "Show the live counters of the pipeline running there, "
            + "refreshed every --interval, until Ctrl-C.")
    boolean watch;
    @Option(names = "--interval", defaultValue = "1s", paramLabel = "DURATION",
            description = "Refresh interval of --watch (" + Durations.FORM + "; default ${DEFAULT-VALUE}, at least "
                    + "50ms).")
    String interval;
    @Option(names = {"-n", "--count"}, paramLabel = "N", description = "With --watch, stop after N refreshes.")
    Long count;

    /** Shorter refreshes would show little but the cost of reading the counters. */
    private static final Duration MIN_INTERVAL = Duration.ofMillis(50);
    private volatile boolean stopped;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        for (String option : new String[]{"--count", "--interval"})
            if (!watch && spec.commandLine().getParseResult().hasMatchedOption(option))
                throw UserException.usage(option + " goes with --watch (without it stats prints once)");
        Duration every = Durations.parse("--interval", interval);
        if (every.compareTo(MIN_INTERVAL) < 0)
            throw UserException.usage("--interval must be at least 50ms, was " + interval);
        if (count != null && count < 1)
            throw UserException.usage("--count must be 1 or more, was " + count);
        PipelineConfig cfg = config.loadFor(dataDir);
        if (watch)
            return watch(out, cfg, every.toMillis());
        // the pipeline's queues together: each one's files, and that none lost records the others name
        QueueVerifier.checkDataDir(cfg);
        Set<String> verified = Set.of(cfg.ingress.queue, cfg.risk.queue, cfg.matching.queue);
        Map<String, SingleChronicleQueue> queues = new LinkedHashMap<>();
        try (Stream<Path> list = Files.list(dataDir)) {
            for (Path p : list.sorted().toList()) {
                String name = p.getFileName().toString();
                if (Queues.isQueueDir(p))
                    queues.put(name, (SingleChronicleQueue) (verified.contains(name) ? QueueArgs.openVerified(p)
                            : QueueArgs.openExisting(p, RecordKind.ofQueue(cfg, name))));
            }
        } catch (RuntimeException e) {
            queues.values().forEach(ChronicleQueue::close); // a damaged queue: close those already open
            throw e;
        }
        if (queues.isEmpty())
            throw UserException.failure(dataDir + " holds no Chronicle queues (is it the pipeline's dataDir?)");
        try (LiveStatus live = new LiveStatus(cfg)) {
            ObjectNode doc = JsonNodeFactory.instance.objectNode();
            doc.put("data_dir", dataDir.toString());
            ArrayNode queueRows = doc.putArray("queues");
            for (Map.Entry<String, SingleChronicleQueue> e : queues.entrySet()) {
                SingleChronicleQueue q = e.getValue();
                long first, last, entries;
                try {
                    first = q.firstIndex();
                    last = q.lastIndex();
                    entries = q.entryCount();
                } catch (InternalError | IllegalStateException x) {
                    // Chronicle's index of a cycle file is damaged (the record check reads the records, not it)
                    throw new QueueDamagedException(e.getKey(), -1, "its index",
                            QueueDamagedException.whatChronicleMet(x));
                }
                boolean empty = first == Long.MAX_VALUE || last < 0;
                long[] files = files(dataDir.resolve(e.getKey()));
                ObjectNode row = queueRows.addObject();
                row.put("name", e.getKey());
                row.put("records", entries);
                row.put("first_index", empty ? -1 : first);
                row.put("last_index", empty ? -1 : last);
                row.put("files", files[0]);
                row.put("file_bytes", files[1]);
            }
            LiveStatus.Status status = live.sample();
            ArrayNode stageRows = doc.putArray("stages");
            stageRows.add(behind("risk", queues.get(cfg.ingress.queue), cfg.ingress.queue,
                    queues.get(cfg.risk.queue), cfg.risk.queue));
            stageRows.add(behind("matching", queues.get(cfg.risk.queue), cfg.risk.queue,
                    queues.get(cfg.matching.queue), cfg.matching.queue));
            LiveStatus.StageStatus egress = status.stages().stream().filter(t -> t.name().equals("egress"))
                    .findFirst().orElse(null);
            ObjectNode egressRow = stageRows.addObject();
            egressRow.put("stage", "egress");
            egressRow.put("input", cfg.matching.queue);
            egressRow.put("output", cfg.egress.csvFile.isEmpty() ? "(counts)" : cfg.egress.csvFile);
            // egress keeps no position on disk: its lag is known while its pipeline runs, from the live counters
            egressRow.put("behind", egress == null || !status.running() ? -1 : egress.lagRecords());
            ArrayNode consumerRows = doc.putArray("consumers");
            for (LiveStatus.ConsumerStatus c : status.consumers()) {
                ObjectNode row = consumerRows.addObject();
                row.put("name", c.name());
                row.put("position", "0x" + Long.toHexString(c.position()));
                row.put("behind", c.lagRecords());
            }
            doc.set("live", liveJson(status));
            RetentionPlan retention = RetentionPlan.compute(cfg);
            RetainCommand.json(doc.putArray("retention"), retention);
            if (json)
                out.print(Documents.json(doc));
            else
                printTables(out, doc, status, retention);
            out.flush();
        } finally {
            queues.values().forEach(ChronicleQueue::close);
        }
        return ExitCodes.OK;
    }

    private static void printTables(PrintWriter out, ObjectNode doc, LiveStatus.Status status,
                                    RetentionPlan retention) {
        out.printf("%-12s %12s %20s %20s %6s %12s%n", "queue", "records", "first index", "last index", "files",
                "file bytes");
        for (var q : doc.get("queues")) {
            long first = q.get("first_index").asLong();
            long last = q.get("last_index").asLong();
            out.printf("%-12s %,12d %20s %20s %6d %,12d%n", q.get("name").asText(), q.get("records").asLong(),
                    first < 0 ? "-" : "0x" + Long.toHexString(first), last < 0 ? "-" : "0x" + Long.toHexString(last),
                    q.get("files").asLong(), q.get("file_bytes").asLong());
        }
        out.println();
        out.printf("%-10s %-12s %-12s %14s%n", "stage", "input", "output", "behind");
        for (var st : doc.get("stages")) {
            long behind = st.get("behind").asLong();
            out.printf("%-10s %-12s %-12s %14s%n", st.get("stage").asText(), st.get("input").asText(),
                    st.get("output").asText(), behind >= 0 ? String.format("%,d", behind)
                            : st.has("note") ? st.get("note").asText() : "(not running)");
        }
        if (!doc.get("consumers").isEmpty()) {
            out.println();
            out.printf("%-24s %20s %14s%n", "consumer", "position", "behind");
            for (var c : doc.get("consumers"))
                out.printf("%-24s %20s %14s%n", c.get("name").asText(), c.get("position").asText(),
                        String.format("%,d", c.get("behind").asLong()));
        }
        if (!status.replicas().isEmpty()) {
            out.println();
            printReplicas(out, status);
        }
        out.println();
        RetainCommand.print(out, retention, "may go");
        if (status.running()) {
            out.println();
            printLive(out, status);
        }
    }

    /** Each replica on each queue: what it acknowledged and how far behind the primary it is. */
    static void printReplicas(PrintWriter out, LiveStatus.Status s) {
        boolean live = s.replicas().stream().anyMatch(LiveStatus.ReplicaStatus::live);
        out.println("replication (orderpipe replicate " + (live ? "running" : "not running: its last figures") + ")");
        out.printf("%-20s %-12s %20s %20s %14s %14s%n", "replica", "queue", "acked index", "primary last",
                "behind", "behind us");
        for (LiveStatus.ReplicaStatus r : s.replicas())
            out.printf(Locale.ROOT, "%-20s %-12s %20s %20s %,14d %,14d%n", r.replica(), r.queue(),
                    r.ackedIndex() < 0 ? "-" : "0x" + Long.toHexString(r.ackedIndex()),
                    r.lastIndex() < 0 ? "-" : "0x" + Long.toHexString(r.lastIndex()), r.recordsBehind(),
                    r.microsBehind());
    }

    /** The live counters as a table: what {@code --watch} shows each refresh. */
    static void printLive(PrintWriter out, LiveStatus.Status s) {
        if (s.metricsPresent())
            out.printf("pipeline pid %d %s; disk free %,d MB%n", s.pid(), s.running() ? "running" : "not running",
                    s.diskFreeBytes() < 0 ? -1 : s.diskFreeBytes() >> 20);
        else
            out.printf("no live counters in %s now (a pipeline starting rewrites it; damaged or cut short otherwise);"
                    + " disk free %,d MB%n", MetricsFile.FILE, s.diskFreeBytes() < 0 ? -1 : s.diskFreeBytes() >> 20);
        if (!s.stages().isEmpty())
            out.printf(Locale.ROOT, s.ratesSinceStart()
                    ? "mean/s, idle %% and ns/record: means since the pipeline started (over %.1f s), not rates now%n"
                    : "rate/s, idle %% and ns/record: over the last %.1f s%n", s.rateSeconds());
        out.printf("%-10s %14s %14s %12s %12s %10s %7s %9s %7s%n", "stage", "records in", "records out",
                s.ratesSinceStart() ? "mean/s" : "rate/s", "lag", "lag s", "idle %", "ns/record", "errors");
        for (LiveStatus.StageStatus st : s.stages()) {
            out.printf(Locale.ROOT, "%-10s %,14d %14s %,12.0f %12s %10.3f %7.1f %9s %7d%n", st.name(), st.recordsIn(),
                    st.recordsOut() < 0 ? "-" : String.format("%,d", st.recordsOut()), st.ratePerSecond(),
                    st.lagRecords() < 0 ? "-" : String.format("%,d", st.lagRecords()), st.lagSeconds(),
                    st.idleRatio() * 100, Double.isNaN(st.busyNanosPerRecord()) ? "-"
                            : String.format(Locale.ROOT, "%,.0f", st.busyNanosPerRecord()), st.errors());
        }
        for (LiveStatus.QueueStatus q : s.queues())
            out.printf("queue %-12s %,14d records, last index %s%n", q.name(), q.entries(),
                    q.lastIndex() < 0 ? "-" : "0x" + Long.toHexString(q.lastIndex()));
        for (LiveStatus.ConsumerStatus c : s.consumers())
            out.printf("consumer %-20s %,14d behind%n", c.name(), c.lagRecords());
        if (!s.replicas().isEmpty())
            printReplicas(out, s);
    }

    private int watch(PrintWriter out, PipelineConfig cfg, long intervalMillis) throws InterruptedException {
        Signal.handle(new Signal("INT"), s -> stopped = true);
        Signal.handle(new Signal("TERM"), s -> stopped = true);
        boolean terminal = System.console() != null && !json;
        long frames = 0;
        try (LiveStatus live = new LiveStatus(cfg)) {
            while (!stopped && (count == null || frames < count)) {
                if (frames > 0)
                    Thread.sleep(intervalMillis);
                LiveStatus.Status s = live.sample();
                if (!s.metricsPresent() && frames == 0)
                    throw UserException.failure(noCounters());
                // later, a pipeline restarting rewrites the file: say so and keep watching
                if (json) {
                    out.print(Documents.jsonLine(liveJson(s)));
                } else {
                    if (terminal)
                        out.print("\033[H\033[2J"); // home and clear: a view that stays in place
                    else if (frames > 0)
                        out.println();
                    out.println("orderpipe stats " + dataDir + "  " + Instant.ofEpochMilli(s.readMillis()));
                    printLive(out, s);
                }
                out.flush();
                frames++;
            }
        }
        return ExitCodes.OK;
    }

    private String noCounters() {
        Path file = dataDir.resolve(MetricsFile.FILE);
        if (Files.exists(file))
            return file + " holds no live counters (damaged, cut short, or of another version): starting the pipeline"
                    + " (orderpipe run --data " + dataDir + ") rewrites it";
        return dataDir + " has no live counters (" + MetricsFile.FILE + "): no pipeline of this version ran there;"
                + " start one with orderpipe run --data " + dataDir;
    }

    /** The live counters as a document (rates since the previous sample, or means since the start for the first). */
    static ObjectNode liveJson(LiveStatus.Status s) {
        ObjectNode live = JsonNodeFactory.instance.objectNode();
        live.put("read_at_ms", s.readMillis());
        live.put("metrics", s.metricsPresent());
        live.put("pid", s.pid());
        live.put("running", s.running());
        live.put("disk_free_bytes", s.diskFreeBytes());
        // what rate_per_s, idle_ratio and busy_ns_per_record are over: the first sample's are means since the start
        live.put("rates_over_s", s.rateSeconds());
        live.put("rates_since", s.ratesSinceStart() ? "pipeline_start" : "previous_sample");
        ArrayNode stages = live.putArray("stages");
        for (LiveStatus.StageStatus st : s.stages()) {
            ObjectNode o = stages.addObject();
            o.put("stage", st.name());
            o.put("input", st.input());
            o.put("output", st.output());
            o.put("records_in", st.recordsIn());
            o.put("records_out", st.recordsOut());
            o.put("rate_per_s", st.ratePerSecond());
            o.put("lag_records", st.lagRecords());
            o.put("lag_s", st.lagSeconds());
            o.put("idle_ratio", st.idleRatio());
            o.put("busy_ns", st.busyNanos());
            if (Double.isNaN(st.busyNanosPerRecord()))
                o.putNull("busy_ns_per_record");
            else
                o.put("busy_ns_per_record", st.busyNanosPerRecord());
            o.put("errors", st.errors());
        }
        ArrayNode queues = live.putArray("queues");
        for (LiveStatus.QueueStatus q : s.queues()) {
            ObjectNode o = queues.addObject();
            o.put("name", q.name());
            o.put("records", q.entries());
            o.put("last_index", q.lastIndex());
        }
        ArrayNode consumers = live.putArray("consumers");
        for (LiveStatus.ConsumerStatus c : s.consumers()) {
            ObjectNode o = consumers.addObject();
            o.put("name", c.name());
            o.put("position", c.position());
            o.put("lag_records", c.lagRecords());
        }
        ArrayNode replicas = live.putArray("replicas");
        for (LiveStatus.ReplicaStatus r : s.replicas()) {
            ObjectNode o = replicas.addObject();
            o.put("replica", r.replica());
            o.put("queue", r.queue());
            o.put("acked_index", r.ackedIndex());
            o.put("primary_last_index", r.lastIndex());
            o.put("records_behind", r.recordsBehind());
            o.put("micros_behind", r.microsBehind());
            o.put("replicating", r.live());
        }
        return live;
    }

    /** How many input records a stage has not turned into output, from the sourceIndex of its last output. */
    private static ObjectNode behind(String stage, SingleChronicleQueue in, String inName,
                                     SingleChronicleQueue output, String outName) {
        ObjectNode row = JsonNodeFactory.instance.objectNode();
        row.put("stage", stage);
        row.put("input", inName);
        row.put("output", outName);
        if (in == null) {
            row.put("behind", -1);
            row.put("note", "(no input queue)");
            return row;
        }
        row.put("behind", lag(in, inName, output, outName));
        return row;
    }

    private static long lag(SingleChronicleQueue in, String inName, SingleChronicleQueue output, String outName) {
        long inCount = in.entryCount();
        OrderInfo last = new OrderInfo();
        if (output == null || QueueInput.readLast(outName, output, last) < 0)
            return inCount;
        long done = last.sourceIndex();
        long lastIn = in.lastIndex();
        if (done < in.firstIndex() || done > lastIn)
            throw notOnInput(inName, outName, in, done);
        // countExcerpts counts [done, lastIn): as many as there are in (done, lastIn], the records not yet done
        try {
            return lastIn == done ? 0 : in.countExcerpts(done, lastIn);
        } catch (IllegalStateException e) {
            throw notOnInput(inName, outName, in, done); // Chronicle finds no cycle file for the record named
        }
    }

    /** The last record on {@code outName} names an input record that {@code in} does not hold: records were lost. */
    private static QueueDamagedException notOnInput(String inName, String outName, SingleChronicleQueue in,
                                                    long source) {
        long first = in.firstIndex();
        String holds = first == Long.MAX_VALUE || in.lastIndex() < 0 ? "holds no records" : "holds "
                + Queues.describeIndex(in, first) + " to " + Queues.describeIndex(in, in.lastIndex());
        return new QueueDamagedException(inName, source, "index " + Queues.describeIndex(in, source), "the record is"
                + " missing (" + inName + " " + holds + ") but the last record on " + outName + " was made from it:"
                + " records were lost (a cycle file cut short, emptied or removed)");
    }

    private static long[] files(Path dir) {
        long[] r = new long[2];
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : (Iterable<Path>) list::iterator) {
                if (p.getFileName().toString().endsWith(Queues.QUEUE_FILE_SUFFIX)) {
                    r[0]++;
                    r[1] += Files.size(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return r;
    }

}
