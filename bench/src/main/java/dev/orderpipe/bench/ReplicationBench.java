package dev.orderpipe.bench;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Prices;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.api.OrderEntry;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.codes.Side;
import dev.orderpipe.pipeline.codes.TimeInForce;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.infra.CpuPlacement;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.metrics.ReplicationStatus;
import dev.orderpipe.replay.LatencyRecorder;
import dev.orderpipe.replay.Pacing;
import dev.orderpipe.replay.RecordSource;
import dev.orderpipe.replay.SendSchedule;
import dev.orderpipe.replication.Endpoint;
import dev.orderpipe.replication.Replica;
import dev.orderpipe.replication.ReplicationLoop;
import dev.orderpipe.replication.ReplicationSettings;
import dev.orderpipe.replication.ReplicationSource;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.IdleStrategy;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToLongFunction;

/**
 * The {@code replication} scenario: {@code orderpipe replicate} and {@code orderpipe replica} in this JVM (each with
 * its embedded media driver, over loopback UDP, so both hosts' work shares this machine's CPUs). First on an
 * {@code orders} queue the bench writes the workload's records to, after a burst that warms both sides up (not
 * reported):
 * <ul>
 *     <li>{@code async-lag} at 100,000 records/s: the latency replication adds, from each record's write on the
 *     primary (its {@code ingressNanos}) to the moment a reader of the replica's copy reads it;</li>
 *     <li>{@code throughput}, flat out: a burst of records written at once, until the replica's copy has the last;</li>
 *     <li>{@code acked-write}: an {@link OrderEntry} write with {@code replication.ackedReplicas: 1}, which returns
 *     once the replica acknowledged it, one write after another.</li>
 * </ul>
 * Then the real pipeline (the config's groups) at 100,000 orders/s, which writes about four records per order across
 * {@code orders}, {@code checked} and {@code executions}, once alone and once with every queue replicated beside it:
 * <ul>
 *     <li>{@code pipeline} and {@code pipeline+replication}: the pipeline's own end-to-end latency without and with
 *     replication sharing the host's CPUs (the driver parks between sends, as the bench's own writer does: a spinning
 *     driver would take one of two CPUs);</li>
 *     <li>{@code pipeline-lag}: from each report's write on the primary (its {@code matchNanos}) to the replica's
 *     acknowledgement of it, as {@code replicate} records it (a reader of the replica's copy would add its own
 *     opening of the copy, a second and more on a busy host, to the first reports' lag).</li>
 * </ul>
 */
final class ReplicationBench {
    static final String SECTION = "replication";
    static final double RATE = 100_000;
    private static final long WAIT_NANOS = 120_000_000_000L;
    /**
     * The start of the pipeline rows left out of them: the pipeline's code warms up, and the copy of a pipeline started
     * together with replicate and replica begins once the replica has said hello and been resumed, and then catches
     * up on what was written meanwhile, upstream queue first (executions last), which took a few seconds here. The
     * start's worst lag is given in the row's note.
     */
    private static final long PIPELINE_SKIP_NANOS = 4_000_000_000L;

    private ReplicationBench() {
    }

    static void run(Workload w, Path base, PipelineConfig config, boolean quick, BenchReport report, PrintWriter log) {
        Path primary = base.resolve("replication-primary");
        Path standby = base.resolve("replication-standby");
        int lagOrders = quick ? Math.min(w.count(), 20_000) : Math.max(w.count(), 300_000);
        int burst = quick ? 20_000 : 500_000;
        int acked = quick ? 200 : 5_000;
        int warm = quick ? 2_000 : 200_000;
        log.printf("%-10s %-20s a burst of %,d to warm up, %,d records at %,.0f/s, a burst of %,d, %,d acknowledged"
                + " writes...%n", SECTION, "replicate/replica", warm, lagOrders, RATE, burst, acked);
        log.flush();
        Endpoint replicaAt = Endpoint.freeLoopback();
        Endpoint controlAt = Endpoint.freeLoopbackOtherThan(replicaAt);
        try (ChronicleQueue queue = Queues.open(primary.resolve("orders"), net.openhft.chronicle.queue.RollCycles.FAST_DAILY);
             ExcerptAppender appender = queue.createAppender()) {
            Writer writer = new Writer(appender, w);
            writer.write(1); // the queue exists with a record before replicate opens it
            try (ReplicationSource source = new ReplicationSource(primary, List.of(replicaAt), controlAt,
                    new ReplicationSettings(base.resolve("aeron-primary").toString(), false, null, 1 << 24));
                 Replica replica = new Replica(standby, replicaAt, "bench",
                         new ReplicationSettings(base.resolve("aeron-replica").toString(), false, null, 0));
                 ReplicationLoop p = new ReplicationLoop("replicate", source::run);
                 ReplicationLoop r = new ReplicationLoop("replica", replica::run)) {
                Copy copy = Copy.await(standby.resolve("orders"), p, r);
                try (copy) {
                    copy.readUntil(ordersUpTo(1), ORDER_WRITTEN, 0, new Histogram(3_600_000_000_000L, 3));
                    // the first records through replicate and replica run in the interpreter: a burst first, so
                    // the rows measure the copy as it runs all day (the pipeline rows have their warm-up run too)
                    AtomicReference<Long> warmed = new AtomicReference<>();
                    Thread warming = copy.reader(ordersUpTo(writer.written() + warm), ORDER_WRITTEN, 0,
                            new Histogram(3_600_000_000_000L, 3), warmed);
                    writer.write(warm);
                    join(warming, p, r);
                    report.add(lag(writer, copy, lagOrders, p, r));
                    report.add(throughput(writer, copy, burst, p, r));
                }
                report.add(ackedWrites(primary, acked));
                p.check();
                r.check();
            }
        }
        pipeline(w, base, config, quick, report, log);
    }

    /** When a record read from a copy was written on the primary: an order by its writer, a report by matching. */
    private static final ToLongFunction<OrderInfo> ORDER_WRITTEN = OrderInfo::ingressNanos;

    /** Reads a copy up to the bench writer's record {@code writerSeq}. */
    private static Until ordersUpTo(long writerSeq) {
        return (record, index) -> record.writerId() == 1 && record.writerSeq() >= writerSeq;
    }

    /**
     * The pipeline rows: the config's pipeline at {@link #RATE} orders/s alone, then again with {@code replicate}
     * and {@code replica} on all its queues, each report's lag followed to the replica's acknowledgement.
     */
    private static void pipeline(Workload w, Path base, PipelineConfig config, boolean quick, BenchReport report,
                                 PrintWriter log) {
        int n = Math.min(w.count(), quick ? 20_000 : 1_000_000);
        long skip = quick ? 0 : PIPELINE_SKIP_NANOS;
        // the same start left out of every pipeline row: the orders sent in the first 4 s (a tenth in a quick run)
        int warmup = quick ? Math.min(n / 10, 10_000) : (int) (RATE * skip / 1e9);
        log.printf("%-10s %-20s %,d orders at %,.0f/s, alone and replicated...%n", SECTION, "pipeline", n, RATE);
        log.flush();
        SendSchedule schedule = SendSchedule.of(Pacing.rate(RATE), n);
        BitSet pinned = CpuPlacement.pinned(config); // the driver keeps off the CPUs the config pins groups to
        Path alone = base.resolve("replication-pipeline-alone");
        try (Bench.Scratch aloneDir = new Bench.Scratch(alone);
             SystemUnderTest sut = SystemUnderTest.pipeline(alone, config, false)) {
            report.add(pipelineRow("pipeline", Bench.drive(sut, w, schedule, warmup, alone, pinned, 0), n,
                    warmup, "the pipeline alone (the config's groups), for the row below"));
        }
        Path primary = base.resolve("replication-pipeline-primary");
        Path standby = base.resolve("replication-pipeline-standby");
        Endpoint replicaAt = Endpoint.freeLoopback();
        Endpoint controlAt = Endpoint.freeLoopbackOtherThan(replicaAt);
        try (Bench.Scratch primaryDir = new Bench.Scratch(primary);
             Bench.Scratch standbyDir = new Bench.Scratch(standby);
             SystemUnderTest sut = SystemUnderTest.pipeline(primary, config, false);
             ReplicationSource source = new ReplicationSource(primary, List.of(replicaAt), controlAt,
                     new ReplicationSettings(base.resolve("aeron-pipeline-primary").toString(), false, null, 1 << 24));
             Replica replica = new Replica(standby, replicaAt, "bench",
                     new ReplicationSettings(base.resolve("aeron-pipeline-replica").toString(), false, null, 0));
             ReplicationLoop p = new ReplicationLoop("replicate", source::run);
             ReplicationLoop r = new ReplicationLoop("replica", replica::run)) {
            // the primary's last report, known once every order is accounted for: the lag is followed up to it
            AtomicLong lastReport = new AtomicLong(Long.MAX_VALUE);
            Histogram lag = new Histogram(3_600_000_000_000L, 3);
            Histogram start = new Histogram(3_600_000_000_000L, 3);
            long primaryCpu = p.cpuNanos();
            long replicaCpu = r.cpuNanos();
            long recordFrom = System.nanoTime() + skip;
            Thread acks = readerThread(() -> ackLag(primary, config.rollCycle(), lastReport, recordFrom, lag,
                    start));
            LatencyRecorder recorder = Bench.drive(sut, w, schedule, warmup, primary, pinned, 0);
            try (ChronicleQueue executions = SingleChronicleQueueBuilder.binary(primary.resolve("executions"))
                    .readOnly(true).build()) {
                if (executions.lastIndex() < 0)
                    throw new IllegalStateException("the pipeline wrote no report");
                lastReport.set(executions.lastIndex());
            }
            join(acks, p, r);
            report.add(pipelineRow("pipeline+replication", recorder, n, warmup, "the pipeline while replicate and"
                    + " replica copy all its queues beside it"));
            BenchRow row = new BenchRow(SECTION, "pipeline-lag", BenchRow.Kind.LATENCY, RATE).percentiles(lag);
            row.count = n;
            row.achieved = recorder.accounted() * 1e9 / Math.max(1, recorder.lastAccountedNanos()
                    - recorder.startNanos());
            row.note = String.format(Locale.ROOT, "from a report's write on the primary to the replica's"
                    + " acknowledgement of it (replication.dat: what stats shows and an acknowledged write waits for),"
                    + " %,d records copied in all (%.2f per order)%s; CPU per record: replicate %.2f us, replica %.2f us",
                    source.recordsSent(), (double) source.recordsSent() / n,
                    skip > 0 ? String.format(Locale.ROOT, ", reports written in the first %.0f s not recorded (the"
                            + " start: the worst of them %,.0f us)", skip / 1e9, start.getMaxValue() / 1e3) : "",
                    (p.cpuNanos() - primaryCpu) / 1e3 / source.recordsSent(),
                    (r.cpuNanos() - replicaCpu) / 1e3 / source.recordsSent());
            report.add(row);
        }
    }

    /**
     * Follows the replica's acknowledgements of the primary's {@code executions} as {@code replicate} writes them to
     * {@code replication.dat} (what {@code stats} reads and an acknowledged write waits for), reading the primary's
     * reports as they are acknowledged: each one's age then, from its write by matching, goes into {@code lag} when it
     * was written from {@code recordFrom} on, into {@code start} before. Returns once the report at
     * {@code lastReport} is acknowledged.
     */
    private static void ackLag(Path primary, net.openhft.chronicle.queue.RollCycle rollCycle, AtomicLong lastReport,
                               long recordFrom, Histogram lag, Histogram start) {
        Path dir = primary.resolve("executions");
        long end = System.nanoTime() + WAIT_NANOS;
        while (!Queues.isQueueDir(dir)) {
            if (System.nanoTime() > end)
                throw new IllegalStateException("the pipeline wrote no report in time");
            LockSupport.parkNanos(100_000);
        }
        byte[] name = "executions".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        OrderInfo record = new OrderInfo();
        IdleStrategy idle = ReplicationLoop.idleStrategy();
        // opened as the pipeline opens it: a read-only open beside a live writer took a second and more here, which
        // the first reports' lag then counted
        try (ChronicleQueue queue = Queues.open(dir, rollCycle);
             ExcerptTailer t = queue.createTailer();
             ReplicationStatus.Reader status = ReplicationStatus.Reader.open(primary)) {
            if (status == null)
                throw new IllegalStateException("replicate wrote no " + ReplicationStatus.FILE);
            long last = -1;
            while (System.nanoTime() < end) {
                long acked = status.ackedIndex(name, 1, 10_000);
                boolean any = false;
                while (true) {
                    long index;
                    try (DocumentContext dc = t.readingDocument()) {
                        if (!dc.isPresent())
                            break;
                        index = dc.index();
                        if (index > acked) {
                            dc.rollbackOnClose(); // read again once acknowledged
                            break;
                        }
                        record.reset().readMarshallable(dc.wire().bytes());
                    }
                    any = true;
                    last = index;
                    long now = System.nanoTime();
                    (record.matchNanos() - recordFrom >= 0 ? lag : start)
                            .recordValue(Math.max(0, now - record.matchNanos()));
                }
                if (last >= 0 && last >= lastReport.get())
                    return;
                if (any)
                    idle.reset();
                else
                    idle.idle();
            }
            throw new IllegalStateException("the replica did not acknowledge the primary's last report in "
                    + WAIT_NANOS / 1_000_000_000 + " s (acknowledged up to " + Long.toHexString(last) + ")");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + ReplicationStatus.FILE, e);
        }
    }

    private static BenchRow pipelineRow(String variant, LatencyRecorder recorder, int n, int warmup, String note) {
        BenchRow row = new BenchRow(SECTION, variant, BenchRow.Kind.LATENCY, RATE)
                .percentiles(recorder.histograms().endToEnd());
        row.count = n;
        row.achieved = recorder.accounted() * 1e9 / Math.max(1, recorder.lastAccountedNanos()
                - recorder.startNanos());
        row.reports = recorder.counts().reports();
        row.note = note + String.format(Locale.ROOT, "; the driver parks between sends and sends every order due"
                + " when it wakes (a spinning driver would take one of two CPUs); %,d reports; first %,d orders not"
                + " recorded",
                row.reports, warmup);
        return row;
    }

    /** The primary's writer: the workload's records, in a loop, each stamped with its write time. */
    private static final class Writer {
        private final ExcerptAppender appender;
        private final Workload workload;
        private final OrderInfo record = new OrderInfo();
        private RecordSource source;
        private long seq;

        Writer(ExcerptAppender appender, Workload workload) {
            this.appender = appender;
            this.workload = workload;
            this.source = workload.source();
        }

        void write(int n) {
            for (int i = 0; i < n; i++)
                writeOne();
        }

        void writeOne() {
            if (!source.next(record)) {
                source = workload.source();
                source.next(record);
            }
            // one writer of its own, numbered without a gap, as the orders queue's readers check
            record.writerId(1).writerSeq(++seq).sourceLine(0).ingressNanos(System.nanoTime());
            appender.writeBytes(record);
        }

        long written() {
            return seq;
        }
    }

    private static BenchRow lag(Writer writer, Copy copy, int n, ReplicationLoop p, ReplicationLoop r) {
        Histogram h = new Histogram(3_600_000_000_000L, 3);
        AtomicReference<Long> done = new AtomicReference<>();
        Thread reader = copy.reader(ordersUpTo(writer.written() + n), ORDER_WRITTEN, 0, h, done);
        long primaryCpu = p.cpuNanos();
        long replicaCpu = r.cpuNanos();
        long start = System.nanoTime();
        long interval = (long) (1e9 / RATE);
        // the writer sleeps until its next record is due and then writes every record due by then (5 or 6 after a
        // park's 60 us): spinning for each one's time would keep one of this host's two CPUs busy, which the primary
        // and the replica then lack (each record is stamped when it is written, so its lag counts from then)
        int written = 0;
        while (written < n) {
            long now = System.nanoTime();
            long due = Math.min(n, (now - start) / interval + 1);
            if (written >= due) {
                LockSupport.parkNanos(start + written * interval - now);
                continue;
            }
            for (; written < due; written++)
                writer.writeOne();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        join(reader, p, r);
        BenchRow row = new BenchRow(SECTION, "async-lag", BenchRow.Kind.LATENCY, RATE).percentiles(h);
        row.achieved = n / seconds;
        row.note = String.format(Locale.ROOT, "from the write on the primary to a read of the replica's copy; loopback"
                + " UDP, both sides on this machine; CPU per record: replicate %.2f us, replica %.2f us",
                (p.cpuNanos() - primaryCpu) / 1e3 / n, (r.cpuNanos() - replicaCpu) / 1e3 / n);
        return row;
    }

    private static BenchRow throughput(Writer writer, Copy copy, int n, ReplicationLoop p, ReplicationLoop r) {
        AtomicReference<Long> done = new AtomicReference<>();
        Thread reader = copy.reader(ordersUpTo(writer.written() + n), ORDER_WRITTEN, 0,
                new Histogram(3_600_000_000_000L, 3), done);
        long primaryCpu = p.cpuNanos();
        long replicaCpu = r.cpuNanos();
        long start = System.nanoTime();
        writer.write(n);
        double writeSeconds = (System.nanoTime() - start) / 1e9;
        join(reader, p, r);
        double seconds = (done.get() - start) / 1e9;
        BenchRow row = new BenchRow(SECTION, "throughput", BenchRow.Kind.THROUGHPUT, 0);
        row.count = n;
        row.achieved = n / seconds;
        // the CPU each loop's thread used per record: what the copy costs whatever else shares the host's CPUs
        row.note = String.format(Locale.ROOT, "a burst written at once (the primary wrote it at %,.0f/s), until the"
                + " replica's copy had the last; CPU per record: replicate %.2f us, replica %.2f us",
                n / Math.max(1e-9, writeSeconds), (p.cpuNanos() - primaryCpu) / 1e3 / n,
                (r.cpuNanos() - replicaCpu) / 1e3 / n);
        return row;
    }

    private static BenchRow ackedWrites(Path primary, int n) {
        PipelineConfig config = PipelineConfig.loadDefault();
        config.dataDir = primary.toString();
        config.minFreeDiskMb = 0;
        config.replication.ackedReplicas = 1;
        config.replication.ackTimeoutMs = 10_000;
        config.validate();
        Histogram h = new Histogram(3_600_000_000_000L, 3);
        long aapl = Symbols.encode("AAPL");
        long price = Prices.parse("189.25");
        long start;
        try (OrderEntry entry = OrderEntry.open(config, 2)) {
            start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                entry.newOrder(1 + i, 1, aapl, Side.BUY, OrderType.LIMIT, TimeInForce.GTC, price, 100);
                h.recordValue(System.nanoTime() - t0);
            }
        }
        BenchRow row = new BenchRow(SECTION, "acked-write", BenchRow.Kind.LATENCY, 0).percentiles(h);
        row.achieved = n * 1e9 / (System.nanoTime() - start);
        row.note = "OrderEntry write with replication.ackedReplicas 1: returns once the replica acknowledged it, one"
                + " write after another";
        return row;
    }

    private static void join(Thread reader, ReplicationLoop p, ReplicationLoop r) {
        try {
            reader.join(WAIT_NANOS / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        p.check();
        r.check();
        Throwable failed = READER_FAILURE.get();
        if (failed != null)
            throw new IllegalStateException("the reader of the replica's copy failed: " + failed, failed);
        if (reader.isAlive())
            throw new IllegalStateException("the replica's copy did not catch up in " + WAIT_NANOS / 1_000_000_000
                    + " s");
    }

    /** What stopped the last reader thread that failed ({@link #join} throws it). */
    private static final AtomicReference<Throwable> READER_FAILURE = new AtomicReference<>();

    /** Starts {@code body} on a thread of its own that reads a copy; a failure is kept for {@link #join}. */
    private static Thread readerThread(Runnable body) {
        READER_FAILURE.set(null);
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                READER_FAILURE.set(e);
            }
        }, "replica-reader");
        t.start();
        return t;
    }

    /** Where a reader of a copy stops: at the first record for which it is true. */
    private interface Until {
        boolean reached(OrderInfo record, long index);
    }

    /** A reader of the replica's copy of one queue. */
    private static final class Copy implements AutoCloseable {
        private final ChronicleQueue queue;
        private final OrderInfo record = new OrderInfo();
        /** Where the next read starts: -1 for the start; handed from one reading thread to the next. */
        private volatile long position = -1;

        private Copy(ChronicleQueue queue) {
            this.queue = queue;
        }

        /** Waits until the replica made its copy of the queue in {@code dir}, and opens it. */
        static Copy await(Path dir, ReplicationLoop p, ReplicationLoop r) {
            long end = System.nanoTime() + WAIT_NANOS;
            while (!Queues.isQueueDir(dir)) {
                p.check();
                r.check();
                if (System.nanoTime() > end)
                    throw new IllegalStateException("the replica made no copy of " + dir.getFileName() + " in time");
                LockSupport.parkNanos(100_000);
            }
            return new Copy(SingleChronicleQueueBuilder.binary(dir).readOnly(true).build());
        }

        /** Starts a thread that reads until {@code until} ({@link #readUntil}) and sets {@code done} to when. */
        Thread reader(Until until, ToLongFunction<OrderInfo> written, long recordFrom, Histogram ages,
                      AtomicReference<Long> done) {
            return readerThread(() -> done.set(readUntil(until, written, recordFrom, ages)));
        }

        /**
         * Reads until the first record {@code until} is true of, recording each one's age since it was
         * {@code written} on the primary (those read from {@code recordFrom} on); returns the time it was read. Runs on
         * its own thread (a tailer, created here, belongs to it).
         */
        long readUntil(Until until, ToLongFunction<OrderInfo> written, long recordFrom, Histogram ages) {
            ExcerptTailer t = queue.createTailer();
            try {
                if (position >= 0)
                    t.moveToIndex(position);
                long end = System.nanoTime() + WAIT_NANOS;
                // waits as the replication loops do: a spinning reader would take one of this host's two CPUs
                IdleStrategy idle = ReplicationLoop.idleStrategy();
                long lastRead = -1;
                while (System.nanoTime() < end) {
                    long index = -1;
                    try (DocumentContext dc = t.readingDocument()) {
                        if (dc.isPresent()) {
                            index = dc.index();
                            record.reset().readMarshallable(dc.wire().bytes());
                        }
                    }
                    long now = System.nanoTime();
                    if (index < 0) {
                        // a target known only after its record was read (the pipeline's last report) is seen here
                        if (lastRead >= 0 && until.reached(record, lastRead)) {
                            position = t.index();
                            return now;
                        }
                        idle.idle();
                        continue;
                    }
                    idle.reset();
                    lastRead = index;
                    if (now - recordFrom >= 0)
                        ages.recordValue(Math.max(0, now - written.applyAsLong(record)));
                    if (until.reached(record, index)) {
                        position = t.index();
                        return now;
                    }
                }
                throw new IllegalStateException("the replica's copy of " + queue.file().getName() + " did not reach"
                        + " the record awaited in " + WAIT_NANOS / 1_000_000_000 + " s (the last read: "
                        + Long.toHexString(lastRead) + ")");
            } finally {
                t.close();
            }
        }

        @Override
        public void close() {
            queue.close();
        }
    }
}
