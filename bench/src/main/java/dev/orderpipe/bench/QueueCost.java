package dev.orderpipe.bench;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Pipeline;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.infra.DiskSpaceGuard;
import dev.orderpipe.pipeline.infra.Handoff;
import dev.orderpipe.pipeline.infra.QueueInput;
import dev.orderpipe.pipeline.infra.QueueOutput;
import dev.orderpipe.pipeline.infra.QueuePretoucher;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.stage.Stage;
import dev.orderpipe.pipeline.stage.SyncPolicy;
import net.openhft.chronicle.queue.ChronicleQueue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * The floor's cost of one record on one thread: records written through the stages' own write path
 * ({@link QueueOutput}), then read back through their read path ({@link QueueInput}) on the same thread, as the
 * pipeline's one thread writes and reads every record of every hop. Checksums on. From these and the records an order
 * costs, the bench puts a ceiling on the pipeline's throughput on this machine: the rate at which one thread could do
 * nothing but those writes and reads.
 *
 * <p>Measured two ways, in alternating rounds, because a write costs very different amounts in each and a layout runs
 * in one of them: on fresh pages (the writer takes the first-touch fault of every page, 4 KB for 22 records, as a
 * layout without {@code pretouch} does) and with a {@link QueuePretoucher} running ahead of the writer (as a layout
 * with {@code pretouch: true} does). The page faults the writing thread took are counted too, so the figure says
 * whether the pretoucher kept ahead.
 */
final class QueueCost {
    static final int ROUNDS = 5;

    /**
     * Medians over {@link #ROUNDS} rounds each, nanoseconds per record, and the writer's page faults per 1,000
     * records written (NaN where the platform does not tell).
     */
    record Cost(double freshWrite, double freshRead, double freshFaults, double touchedWrite, double touchedRead,
                double touchedFaults, double take) {
        /** The write cost a layout pays: with the pretoucher ahead when it pretouches, on fresh pages otherwise. */
        double write(boolean pretouch) {
            return pretouch ? touchedWrite : freshWrite;
        }

        double read(boolean pretouch) {
            return pretouch ? touchedRead : freshRead;
        }
    }

    static Cost measure(Path base, PipelineConfig config, int recordsPerRound) {
        if (recordsPerRound < 2)
            throw new IllegalArgumentException("a round times the writes after the first: at least 2 records, was "
                    + recordsPerRound);
        double[][] fresh = new double[4][ROUNDS];
        double[][] touched = new double[4][ROUNDS];
        round(base.resolve("queue-cost-warm"), config, recordsPerRound, false); // compiled before a round counts
        round(base.resolve("queue-cost-warm-touched"), config, recordsPerRound, true);
        for (int r = 0; r < ROUNDS; r++) {
            // alternated, so drift in the machine hits both alike
            double[] f = round(base.resolve("queue-cost-" + r), config, recordsPerRound, false);
            double[] t = round(base.resolve("queue-cost-touched-" + r), config, recordsPerRound, true);
            for (int k = 0; k < 4; k++) {
                fresh[k][r] = f[k];
                touched[k][r] = t[k];
            }
        }
        double[] takes = new double[2 * ROUNDS];
        System.arraycopy(fresh[3], 0, takes, 0, ROUNDS);
        System.arraycopy(touched[3], 0, takes, ROUNDS, ROUNDS);
        return new Cost(Bench.median(fresh[0]), Bench.median(fresh[1]), Bench.median(fresh[2]),
                Bench.median(touched[0]), Bench.median(touched[1]), Bench.median(touched[2]), Bench.median(takes));
    }

    /**
     * [ns per write, ns per read, the writer's page faults per 1,000 writes, ns per record taken from a
     * {@link Handoff}]. The last: records written in runs of {@link Stage#MAX_RECORDS_PER_CALL}, each run then taken
     * by a reader of the same queue on the same thread, as risk hands its records to matching; only the takes are
     * timed.
     */
    private static double[] round(Path dir, PipelineConfig config, int records, boolean pretouch) {
        OrderInfo out = new OrderInfo().orderId(1001).account(7).symbol(123456).price(1_892_500).quantity(300)
                .writerId(1);
        OrderInfo in = new OrderInfo();
        long sink = 0;
        long written;
        long read;
        long faults;
        long taken;
        try (Bench.Scratch roundDir = new Bench.Scratch(dir); // deleted after the queue is closed
             ChronicleQueue queue = Queues.open(dir, config.rollCycle());
             DiskSpaceGuard guard = new DiskSpaceGuard(dir, 0);
             QueueOutput output = new QueueOutput("queue-cost", queue, guard, SyncPolicy.none(), null).open();
             QueueInput input = new QueueInput("queue-cost", queue).open()) {
            output.write(out.writerSeq(1)); // the cycle's file exists: the pretoucher touches only files that do
            // closed before the queue (declared after it), as the pipeline closes its pretoucher
            try (QueuePretoucher pretoucher = pretouch ? new QueuePretoucher("queue-cost", List.of(queue),
                    QueuePretoucher.DEFAULT_INTERVAL_NANOS).start() : null) {
                if (pretoucher != null)
                    awaitAhead(pretoucher, QueuePretoucher.MIN_HEADROOM);
                long faultsBefore = pageFaultsOfThisThread();
                long start = System.nanoTime();
                for (int i = 1; i < records; i++)
                    output.write(out.writerSeq(i + 1));
                written = System.nanoTime() - start;
                long faultsAfter = pageFaultsOfThisThread();
                faults = faultsBefore < 0 || faultsAfter < 0 ? -1 : faultsAfter - faultsBefore;
            }
            long start = System.nanoTime();
            for (int i = 0; i < records; i++) {
                if (!input.read(in))
                    throw new IllegalStateException("a record written is not readable");
                sink += in.writerSeq();
            }
            read = System.nanoTime() - start;
            taken = handedOver(queue, guard, out, in, records);
        }
        if (sink == 42)
            System.out.print(""); // keeps the read value live
        int timed = records - 1;
        return new double[]{(double) written / timed, (double) read / records,
                faults < 0 ? Double.NaN : 1000.0 * faults / timed, (double) taken / records};
    }

    /** ns spent taking {@code records} more records from a handoff, written after the ones already on the queue. */
    private static long handedOver(ChronicleQueue queue, DiskSpaceGuard guard, OrderInfo out, OrderInfo in,
                                   int records) {
        Handoff handoff = new Handoff(Pipeline.CHECKED_HANDOFF);
        long taken = 0;
        long seq = out.writerSeq();
        try (QueueOutput output = new QueueOutput("queue-cost", queue, guard, SyncPolicy.none(), null).open()
                .handTo(handoff);
             QueueInput input = new QueueInput("queue-cost", queue).openAtEnd().takeFrom(handoff)) {
            for (int done = 0; done < records; done += Stage.MAX_RECORDS_PER_CALL) {
                int run = Math.min(Stage.MAX_RECORDS_PER_CALL, records - done);
                for (int i = 0; i < run; i++)
                    output.write(out.writerSeq(++seq));
                long start = System.nanoTime();
                for (int i = 0; i < run; i++)
                    if (!input.read(in) || in.writerSeq() != seq - run + 1 + i)
                        throw new IllegalStateException("a record handed over is not the one written");
                taken += System.nanoTime() - start;
            }
            if (handoff.takenCount() != records)
                throw new IllegalStateException("the reader read " + (records - handoff.takenCount())
                        + " records from the queue, not from the handoff");
        }
        return taken;
    }

    /** Waits (1 s at most) until the pretoucher has touched {@code bytes} ahead of the writer. */
    private static void awaitAhead(QueuePretoucher pretoucher, long bytes) {
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (pretoucher.pagesTouched() * 4096 < bytes && System.nanoTime() < deadline)
            Thread.onSpinWait();
    }

    /**
     * The minor page faults the calling thread has taken so far ({@code /proc/thread-self/stat}, Linux), or -1 where
     * it cannot be read.
     */
    static long pageFaultsOfThisThread() {
        try {
            String stat = Files.readString(Paths.get("/proc/thread-self/stat"));
            // the fields after the command name (which may hold spaces) in brackets; minflt is the 10th field
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[7]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private QueueCost() {
    }
}
