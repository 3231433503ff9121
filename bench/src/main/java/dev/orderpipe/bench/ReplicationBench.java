package dev.orderpipe.bench;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Prices;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.api.OrderEntry;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.codes.Side;
import dev.orderpipe.pipeline.codes.TimeInForce;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.replay.RecordSource;
import dev.orderpipe.replication.Endpoint;
import dev.orderpipe.replication.Replica;
import dev.orderpipe.replication.ReplicationLoop;
import dev.orderpipe.replication.ReplicationSettings;
import dev.orderpipe.replication.ReplicationSource;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.IdleStrategy;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The {@code replication} scenario: {@code orderpipe replicate} and {@code orderpipe replica} in this JVM (each with
 * its embedded media driver, over loopback UDP, so both hosts' work shares this machine's CPUs) on an {@code orders}
 * queue the bench writes the workload's records to. Three rows:
 * <ul>
 *     <li>{@code async-lag} at 100,000 orders/s: the latency replication adds, from each record's write on the
 *     primary (its {@code ingressNanos}) to the moment a reader of the replica's copy reads it;</li>
 *     <li>{@code throughput}, flat out: a burst of records written at once, until the replica's copy has the last;</li>
 *     <li>{@code acked-write}: an {@link OrderEntry} write with {@code replication.ackedReplicas: 1}, which returns
 *     once the replica acknowledged it, one write after another.</li>
 * </ul>
 */
final class ReplicationBench {
    static final String SECTION = "replication";
    static final double RATE = 100_000;
    private static final long WAIT_NANOS = 120_000_000_000L;

    private ReplicationBench() {
    }

    static void run(Workload w, Path base, boolean quick, BenchReport report, PrintWriter log) {
        Path primary = base.resolve("replication-primary");
        Path standby = base.resolve("replication-standby");
        int lagOrders = quick ? Math.min(w.count(), 20_000) : Math.max(w.count(), 300_000);
        int burst = quick ? 20_000 : 500_000;
        int acked = quick ? 200 : 5_000;
        log.printf("%-10s %-20s %,d orders at %,.0f/s, a burst of %,d, %,d acknowledged writes...%n", SECTION,
                "replicate/replica", lagOrders, RATE, burst, acked);
        log.flush();
        Endpoint replicaAt = Endpoint.freeLoopback();
        Endpoint controlAt = Endpoint.freeLoopback();
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
                Copy copy = Copy.await(standby.resolve("orders"), 1, p, r);
                try (copy) {
                    report.add(lag(writer, copy, lagOrders, p, r));
                    report.add(throughput(writer, copy, burst, p, r));
                }
                report.add(ackedWrites(primary, acked));
                p.check();
                r.check();
            }
        }
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
        Thread reader = copy.reader(writer.written() + n, h, done);
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
        Thread reader = copy.reader(writer.written() + n, new Histogram(3_600_000_000_000L, 3), done);
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
        if (reader.isAlive())
            throw new IllegalStateException("the replica's copy did not catch up in " + WAIT_NANOS / 1_000_000_000
                    + " s");
    }

    /** A reader of the replica's copy. */
    private static final class Copy implements AutoCloseable {
        private final ChronicleQueue queue;
        private final OrderInfo record = new OrderInfo();
        /** Where the next read starts: -1 for the start; handed from one reading thread to the next. */
        private volatile long position = -1;

        private Copy(ChronicleQueue queue) {
            this.queue = queue;
        }

        /** Waits until the copy holds {@code records} records. */
        static Copy await(Path dir, long records, ReplicationLoop p, ReplicationLoop r) {
            long end = System.nanoTime() + WAIT_NANOS;
            while (!Queues.isQueueDir(dir)) {
                p.check();
                r.check();
                if (System.nanoTime() > end)
                    throw new IllegalStateException("the replica made no copy of the orders queue in time");
                Thread.onSpinWait();
            }
            Copy c = new Copy(SingleChronicleQueueBuilder.binary(dir).readOnly(true).build());
            Histogram none = new Histogram(3_600_000_000_000L, 3);
            c.readUntil(records, none);
            return c;
        }

        /** Starts a thread that reads until {@code target} ({@link #readUntil}) and sets {@code done} to when. */
        Thread reader(long target, Histogram ages, AtomicReference<Long> done) {
            Thread t = new Thread(() -> done.set(readUntil(target, ages)), "replica-reader");
            t.start();
            return t;
        }

        /**
         * Reads until the record with writerSeq {@code target}, recording each one's age since its write; returns
         * the time it was read. Runs on its own thread (a tailer, created here, belongs to it).
         */
        long readUntil(long target, Histogram ages) {
            ExcerptTailer t = queue.createTailer();
            if (position >= 0)
                t.moveToIndex(position);
            long end = System.nanoTime() + WAIT_NANOS;
            // waits as the replication loops do: a spinning reader would take one of this host's two CPUs from them
            IdleStrategy idle = ReplicationLoop.idleStrategy();
            while (System.nanoTime() < end) {
                if (!t.readBytes(record.reset())) {
                    idle.idle();
                    continue;
                }
                idle.reset();
                long now = System.nanoTime();
                ages.recordValue(Math.max(0, now - record.ingressNanos()));
                if (record.writerId() == 1 && record.writerSeq() >= target) {
                    position = t.index();
                    t.close();
                    return now;
                }
            }
            t.close();
            return end;
        }

        @Override
        public void close() {
            queue.close();
        }
    }
}
