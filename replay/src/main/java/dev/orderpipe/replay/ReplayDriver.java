package dev.orderpipe.replay;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.util.ThreadAllocation;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The sending thread: reads the capture again and appends each record to the replay pipeline's {@code orders} queue
 * at its intended time. Each record keeps its captured fields (sourceLine too, so {@code BAD_LINE:N} reasons match the
 * capture) with writerId {@link Replayer#WRITER_ID}, writerSeq the send sequence 0..N-1 and ingressNanos the actual
 * write time.
 *
 * <p>Waiting: the intended time of each send is absolute ({@code startNanos + offset}), so a late send never moves the
 * next. Gaps longer than {@link #SPIN_NANOS} park the thread until {@code SPIN_NANOS} before the send (so recorded
 * pacing of a quiet capture leaves the CPU to the pipeline), then it spins with {@link Thread#onSpinWait()}; on a
 * 2-core machine that is the cheapest wait that still hits the schedule within tens of microseconds.
 *
 * <p>Nothing is allocated per record: one reused {@link OrderInfo}, a preallocated offset array, the appender.
 */
final class ReplayDriver implements Runnable {
    /** Gaps above this are parked through, the last part of every wait is spun. */
    static final long SPIN_NANOS = 200_000;

    private final Path capturePath;
    private final int maxLineLength;
    private final ChronicleQueue orders;
    private final long[] offsets;
    private final long count;
    private final boolean paced;
    private final long startNanos;
    private final OrderInfo record = new OrderInfo();
    private final AtomicLong sent = new AtomicLong();
    private volatile boolean running = true;
    private volatile long allocatedBytes = -1;
    private volatile Throwable failure;
    private volatile boolean done;

    ReplayDriver(Path capturePath, int maxLineLength, ChronicleQueue orders, long[] offsets, long count, boolean paced,
                 long startNanos) {
        this.capturePath = capturePath;
        this.maxLineLength = maxLineLength;
        this.orders = orders;
        this.offsets = offsets;
        this.count = count;
        this.paced = paced;
        this.startNanos = startNanos;
    }

    @Override
    public void run() {
        // the tailer and appender are created on this thread: Chronicle binds them to the thread that uses them
        try (CaptureReader capture = CaptureReader.open(capturePath, maxLineLength);
             ExcerptAppender appender = orders.createAppender()) {
            long allocatedBefore = ThreadAllocation.current();
            send(capture, appender);
            long allocatedAfter = ThreadAllocation.current();
            allocatedBytes = allocatedBefore < 0 ? -1 : allocatedAfter - allocatedBefore;
        } catch (Throwable t) {
            failure = t;
        } finally {
            done = true;
        }
    }

    private void send(CaptureReader capture, ExcerptAppender appender) {
        final OrderInfo r = record;
        final long[] offsets = this.offsets;
        final long start = startNanos;
        for (long seq = 0; seq < count && running; seq++) {
            if (!capture.next(r))
                throw new IllegalStateException("capture ended after " + seq + " of " + count + " records");
            if (paced)
                awaitUntil(start + offsets[(int) seq]);
            r.writerId(Replayer.WRITER_ID).writerSeq(seq).flags(0).ingressNanos(System.nanoTime());
            appender.writeBytes(r);
            sent.lazySet(seq + 1);
        }
    }

    private void awaitUntil(long when) {
        long left;
        while ((left = when - System.nanoTime()) > 0) {
            if (left > SPIN_NANOS + 20_000) {
                LockSupport.parkNanos(left - SPIN_NANOS);
                if (!running)
                    return;
            } else {
                Thread.onSpinWait();
            }
        }
    }

    /** Orders written so far. */
    long sent() {
        return sent.get();
    }

    void stop() {
        running = false;
    }

    boolean isDone() {
        return done;
    }

    /** What stopped the driver, or null. */
    Throwable failure() {
        return failure;
    }

    /** Bytes this thread allocated while sending (after the appender was created), -1 if unknown or unfinished. */
    long allocatedBytes() {
        return allocatedBytes;
    }
}
