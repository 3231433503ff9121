package dev.orderpipe.bench;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.infra.DiskSpaceGuard;
import dev.orderpipe.pipeline.infra.QueueInput;
import dev.orderpipe.pipeline.infra.QueueOutput;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.stage.SyncPolicy;
import net.openhft.chronicle.queue.ChronicleQueue;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The floor's cost of one record on one thread: records written through the stages' own write path
 * ({@link QueueOutput}), then read back through their read path ({@link QueueInput}) on the same thread, as the
 * pipeline's one thread writes and reads every record of every hop. Checksums on. From these and the records an order
 * costs, the bench puts a ceiling on the pipeline's throughput on this machine: the rate at which one thread could do
 * nothing but those writes and reads.
 */
final class QueueCost {
    static final int ROUNDS = 5;

    /**
     * Median nanoseconds per record written and per record read, over {@link #ROUNDS} rounds, each in a new queue:
     * [write, read].
     */
    static double[] measure(Path base, PipelineConfig config, int recordsPerRound) {
        double[] writes = new double[ROUNDS];
        double[] reads = new double[ROUNDS];
        round(base.resolve("queue-cost-warm"), config, recordsPerRound); // compiled before a round counts
        for (int r = 0; r < ROUNDS; r++) {
            double[] one = round(base.resolve("queue-cost-" + r), config, recordsPerRound);
            writes[r] = one[0];
            reads[r] = one[1];
        }
        Arrays.sort(writes);
        Arrays.sort(reads);
        return new double[]{writes[ROUNDS / 2], reads[ROUNDS / 2]};
    }

    private static double[] round(Path dir, PipelineConfig config, int records) {
        OrderInfo out = new OrderInfo().orderId(1001).account(7).symbol(123456).price(1_892_500).quantity(300)
                .writerId(1);
        OrderInfo in = new OrderInfo();
        long sink = 0;
        long written;
        long read;
        try (ChronicleQueue queue = Queues.open(dir, config.rollCycle());
             DiskSpaceGuard guard = new DiskSpaceGuard(dir, 0);
             QueueOutput output = new QueueOutput("queue-cost", queue, guard, SyncPolicy.none(), null).open();
             QueueInput input = new QueueInput("queue-cost", queue).open()) {
            long start = System.nanoTime();
            for (int i = 0; i < records; i++)
                output.write(out.writerSeq(i + 1));
            written = System.nanoTime() - start;
            start = System.nanoTime();
            for (int i = 0; i < records; i++) {
                if (!input.read(in))
                    throw new IllegalStateException("a record written is not readable");
                sink += in.writerSeq();
            }
            read = System.nanoTime() - start;
        } finally {
            Bench.deleteTree(dir);
        }
        if (sink == 42)
            System.out.print(""); // keeps the read value live
        return new double[]{(double) written / records, (double) read / records};
    }

    private QueueCost() {
    }
}
