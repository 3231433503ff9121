package dev.orderpipe.bench;

import dev.orderpipe.pipeline.OrderInfo;
import net.openhft.chronicle.bytes.Bytes;

import java.util.Arrays;

/**
 * What the record checksum costs the CPU, without queues or threads: the time to encode one {@link OrderInfo} into
 * bytes and decode it back, with the CRC32C and without ({@link OrderInfo#withoutChecksum()}), on one thread. A hop
 * through a queue does this once (written once, read once); the cross-thread floor rows are too noisy on a shared
 * 2-core machine to show a difference of tens of nanoseconds, this is not. Rounds alternate between the two so that
 * drift in the machine hits both alike, and the median round is reported.
 */
final class CodecCost {
    static final int ROUNDS = 21;

    /** Median nanoseconds per record written and read back: [with checksum, without]. */
    static double[] measure(int recordsPerRound) {
        OrderInfo withSrc = sample(new OrderInfo()), withDst = new OrderInfo();
        OrderInfo noSrc = sample(new OrderInfo().withoutChecksum()), noDst = new OrderInfo().withoutChecksum();
        Bytes<?> bytes = Bytes.allocateElasticDirect(256);
        try {
            // warm-up: both paths compiled before any round counts
            for (int i = 0; i < 5; i++) {
                round(bytes, withSrc, withDst, recordsPerRound);
                round(bytes, noSrc, noDst, recordsPerRound);
            }
            double[] with = new double[ROUNDS], without = new double[ROUNDS];
            for (int r = 0; r < ROUNDS; r++) {
                with[r] = round(bytes, withSrc, withDst, recordsPerRound);
                without[r] = round(bytes, noSrc, noDst, recordsPerRound);
            }
            Arrays.sort(with);
            Arrays.sort(without);
            return new double[]{with[ROUNDS / 2], without[ROUNDS / 2]};
        } finally {
            bytes.releaseLast();
        }
    }

    private static double round(Bytes<?> bytes, OrderInfo src, OrderInfo dst, int records) {
        long sink = 0;
        long start = System.nanoTime();
        for (int i = 0; i < records; i++) {
            bytes.clear();
            src.seq(i).writeMarshallable(bytes);
            dst.readMarshallable(bytes);
            sink += dst.seq();
        }
        long elapsed = System.nanoTime() - start;
        if (sink == 42)
            System.out.print(""); // keeps the decoded value live
        return (double) elapsed / records;
    }

    private static OrderInfo sample(OrderInfo r) {
        return r.orderId(1001).account(7).symbol(123456).price(1_892_500).quantity(300).writerId(1).writerSeq(1);
    }

    private CodecCost() {
    }
}
