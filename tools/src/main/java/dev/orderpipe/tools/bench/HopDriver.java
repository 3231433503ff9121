package dev.orderpipe.tools.bench;

import dev.orderpipe.pipeline.OrderInfo;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The sending thread of a run: appends the first {@code count} workload records to the input queue, each at its
 * intended time {@code start + seq / rate} (absolute, so a late send never moves the next), or flat out when the rate
 * is 0. Each record carries writerId {@link #WRITER_ID}, writerSeq = its send sequence and ingressNanos = the actual
 * write time. Waits park until the last {@link #SPIN_NANOS}, then spin. Nothing is allocated per record.
 */
final class HopDriver implements Runnable {
    /** Writer id of bench orders ("bench" in ASCII). */
    static final long WRITER_ID = 0x62656E6368L;
    static final long SPIN_NANOS = 200_000;

    private final ChronicleQueue queue;
    private final Workload workload;
    private final int count;
    private final double rate;
    private final long startNanos;
    private final int flags;
    private final OrderInfo record = new OrderInfo();
    private final AtomicLong sent = new AtomicLong();
    private volatile boolean running = true;
    private volatile Throwable failure;
    private volatile long firstSendNanos;

    /**
     * @param rate  orders per second, or 0 for as fast as possible
     * @param flags flags to set on every record (the floor marks each as the last of its batch)
     */
    HopDriver(ChronicleQueue queue, Workload workload, int count, double rate, long startNanos, int flags) {
        this.queue = queue;
        this.workload = workload;
        this.count = count;
        this.rate = rate;
        this.startNanos = startNanos;
        this.flags = flags;
    }

    /** The intended send time of {@code seq}. */
    static long intended(long startNanos, double rate, long seq) {
        return startNanos + Math.round(seq * 1e9 / rate);
    }

    @Override
    public void run() {
        try (ExcerptAppender appender = queue.createAppender()) {
            final OrderInfo r = record;
            final boolean paced = rate > 0;
            final Workload.Reader workload = this.workload.reader();
            awaitUntil(startNanos);
            firstSendNanos = System.nanoTime();
            for (int seq = 0; seq < count && running; seq++) {
                workload.read(seq, r);
                if (paced)
                    awaitUntil(intended(startNanos, rate, seq));
                r.writerId(WRITER_ID).writerSeq(seq).flags(flags).ingressNanos(System.nanoTime());
                appender.writeBytes(r);
                sent.lazySet(seq + 1L);
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    private void awaitUntil(long when) {
        long left;
        while ((left = when - System.nanoTime()) > 0 && running) {
            if (left > SPIN_NANOS + 20_000)
                LockSupport.parkNanos(left - SPIN_NANOS);
            else
                Thread.onSpinWait();
        }
    }

    long sent() {
        return sent.get();
    }

    long firstSendNanos() {
        return firstSendNanos;
    }

    Throwable failure() {
        return failure;
    }

    void stop() {
        running = false;
    }
}
