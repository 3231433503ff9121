package dev.orderpipe.replay;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.infra.CpuPlacement;
import dev.orderpipe.pipeline.infra.DiskSpaceGuard;
import dev.orderpipe.pipeline.infra.QueueOutput;
import dev.orderpipe.pipeline.stage.SyncPolicy;
import dev.orderpipe.pipeline.util.ThreadAllocation;
import net.openhft.chronicle.queue.ChronicleQueue;

import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The sending thread: reads the orders from a {@link RecordSource} (a capture, read again; the bench's workload) and
 * hands each to its {@link OrderSender} at its intended time: appended to the driven pipeline's input queue
 * ({@link QueueSender}), or sent as FIX to a gateway in front of it ({@link FixRoute}). A FIX sender is answered
 * asynchronously: the thread ends once it has every answer ({@link OrderSender#answered()}). Each record keeps its source's fields
 * (sourceLine too, so {@code BAD_LINE:N} reasons match the capture) with writerId {@link Replayer#WRITER_ID},
 * writerSeq the send sequence 0..N-1, the flags given (0 for a pipeline, whose matching stage marks the last report
 * of each order) and, on the queue, ingressNanos the actual write time.
 *
 * <p>Waiting: the intended time of each send is absolute ({@code startNanos + }{@link SendSchedule#offset(long)}), so
 * a late send never moves the next. Gaps longer than {@link #SPIN_NANOS} park the thread until {@code SPIN_NANOS}
 * before the send (so recorded pacing of a quiet capture leaves the CPU to the pipeline), then it spins with
 * {@link Thread#onSpinWait()}; on a 2-core machine that is the cheapest wait that still hits the schedule within tens
 * of microseconds.
 *
 * <p>Nothing is allocated per record: one reused {@link OrderInfo}, the source, the sender.
 */
public final class ReplayDriver implements AutoCloseable {
    /** Gaps above this are parked through, the last part of every wait is spun. */
    public static final long SPIN_NANOS = 200_000;
    /**
     * How far ahead of now a run's schedule starts: the driver thread starts and the queue's first write is set up
     * before the first order is due.
     */
    public static final long START_LEAD_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final Supplier<? extends RecordSource> source;
    private final Supplier<? extends OrderSender> sender;
    private final SendSchedule schedule;
    private final long count;
    private final boolean paced;
    private final long startNanos;
    private final int flags;
    private final OrderInfo record = new OrderInfo();
    private final AtomicLong sent = new AtomicLong();
    private volatile boolean running = true;
    private volatile long allocatedBytes = -1;
    private volatile Throwable failure;
    private volatile boolean done;
    private Thread thread;
    private BitSet keepOff = new BitSet();
    private long spinNanos = SPIN_NANOS;

    /**
     * @param source     opens the orders on the sending thread
     * @param orders     the queue to append to (its own instance: the appender is created on the sending thread)
     * @param diskGuard  the driven pipeline's: the sender stops before the disk fills, as its stages do
     * @param startNanos the start of the schedule (System.nanoTime()), as given to the recorder
     * @param flags      flags set on every record sent
     */
    public ReplayDriver(Supplier<? extends RecordSource> source, ChronicleQueue orders, DiskSpaceGuard diskGuard,
                        SendSchedule schedule, long startNanos, int flags) {
        this(source, () -> new QueueSender(new QueueOutput("orders", orders, diskGuard, SyncPolicy.none(), null)
                .open()), schedule, startNanos, flags);
    }

    /**
     * @param source     opens the orders on the sending thread
     * @param sender     opens the sender on the sending thread
     * @param startNanos the start of the schedule (System.nanoTime()), as given to the recorder
     * @param flags      flags set on every record sent
     */
    public ReplayDriver(Supplier<? extends RecordSource> source, Supplier<? extends OrderSender> sender,
                        SendSchedule schedule, long startNanos, int flags) {
        this.source = source;
        this.sender = sender;
        this.schedule = schedule;
        this.count = schedule.count();
        this.paced = schedule.isPaced();
        this.startNanos = startNanos;
        this.flags = flags;
    }

    /**
     * For the bench only ({@link OrderInfo#withoutChecksum()}): the records are written with 0 in place of their
     * checksum, to measure what the checksum costs. Call before {@link #start(String)}.
     */
    public ReplayDriver withoutChecksum() {
        record.withoutChecksum();
        return this;
    }

    /**
     * Keeps the sending thread off these CPUs (those the pipeline's groups are pinned to, where a busy pauser spins).
     * Call before {@link #start(String)}.
     */
    public ReplayDriver keepOff(BitSet cpus) {
        keepOff = (BitSet) cpus.clone();
        return this;
    }

    /**
     * Spins only the last {@code nanos} of each wait ({@link #SPIN_NANOS} by default); 0 parks through every wait, so
     * each wake-up sends every order due by then at once: a driver that leaves the CPUs to what it drives (on a
     * 2-core host a spinning driver takes one of them from 10,000 orders/s on), at the price of sends late by a
     * park's overshoot (50 us and more on Linux), which the latency, counted from each intended time, includes.
     * Call before {@link #start}. Returns this.
     */
    public ReplayDriver spinNanos(long nanos) {
        if (nanos < 0)
            throw new IllegalArgumentException("spin time must be >= 0, was " + nanos);
        spinNanos = nanos;
        return this;
    }

    /** Starts the sending thread. */
    public void start(String threadName) {
        thread = new Thread(this::run, threadName);
        thread.start();
    }

    private void run() {
        CpuPlacement.keepOff(keepOff, "replay driver");
        // the source, tailer and appender are created on this thread: Chronicle binds them to the thread that uses them
        try (RecordSource records = source.get();
             OrderSender out = sender.get()) {
            long allocatedBefore = ThreadAllocation.current();
            send(records, out);
            while (running && !out.answered()) { // a FIX gateway's answers still to come
                out.idle();
                LockSupport.parkNanos(SPIN_NANOS);
            }
            long allocatedAfter = ThreadAllocation.current();
            allocatedBytes = allocatedBefore < 0 ? -1 : allocatedAfter - allocatedBefore;
        } catch (Throwable t) {
            failure = t;
        } finally {
            done = true;
        }
    }

    private void send(RecordSource records, OrderSender out) {
        final OrderInfo r = record;
        final SendSchedule schedule = this.schedule;
        final long start = startNanos;
        for (long seq = 0; seq < count && running; seq++) {
            if (!records.next(r))
                throw new IllegalStateException("capture ended after " + seq + " of " + count + " records");
            if (paced)
                awaitUntil(start + schedule.offset(seq), out);
            r.writerId(Replayer.WRITER_ID).writerSeq(seq).flags(flags);
            out.send(r, seq);
            sent.lazySet(seq + 1);
        }
    }

    private void awaitUntil(long when, OrderSender out) {
        long left;
        long spin = spinNanos;
        long parkAbove = spin == 0 ? 0 : spin + 20_000;
        while ((left = when - System.nanoTime()) > 0) {
            if (left > parkAbove) {
                out.idle();
                // a FIX session sends its heartbeats from here: wake at least once a second
                LockSupport.parkNanos(Math.min(left - spin, 1_000_000_000L));
                if (!running)
                    return;
            } else {
                Thread.onSpinWait();
            }
        }
    }

    /** Orders written so far. */
    public long sent() {
        return sent.get();
    }

    /** Whether the sending thread has ended. */
    public boolean isDone() {
        return done;
    }

    /** What stopped the driver, or null. */
    public Throwable failure() {
        return failure;
    }

    /** Bytes the sending thread allocated while sending (after the appender was created), -1 if unknown or unfinished. */
    public long allocatedBytes() {
        return allocatedBytes;
    }

    /** Stops sending and waits (10 s at most) for the thread to end; it may be parked through a long captured gap. */
    @Override
    public void close() {
        running = false;
        Thread t = thread;
        if (t == null)
            return;
        LockSupport.unpark(t);
        try {
            t.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
