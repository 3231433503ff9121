package dev.orderpipe.replay;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.stage.ExecutionCounts;
import dev.orderpipe.pipeline.stage.ExecutionListener;
import dev.orderpipe.pipeline.util.ThreadAllocation;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The latency recorder: an {@link ExecutionListener} that runs on the driven pipeline's egress thread, so the moment a
 * report is read off {@code executions} is the moment the pipeline's consumer reads it (the bench's floor, which has no
 * egress stage, calls it from the hop's reading thread). For the first report of each order a {@link ReplayDriver} sent
 * (writerId {@link Replayer#WRITER_ID}; writerSeq changes) it records into its {@link LatencyHistograms}, from the
 * intended send time the {@link SendSchedule} gives (the actual send time, ingressNanos, when the schedule is not
 * paced). A report flagged {@link OrderInfo#FLAG_LAST_FOR_INPUT} accounts for its order. Orders below the warmup count
 * are accounted but not recorded.
 *
 * <p>Through a FIX gateway ({@link #viaGateway}) the orders are the gateway's (its writerId; writerSeq 1 for the
 * first request it wrote, which is the client's send 0): the recorder then hands the stage stamps of each order's
 * first report and its read time to the {@link FirstReportStamps}, and {@link FixRoute} records the order once its
 * client has decoded the answer, so that end to end ends where the client reads it.
 *
 * <p>Nothing is allocated per report (primitive counters, histograms of fixed range); the bytes the calling thread
 * allocates between the first report and the last are measured and reported.
 */
public final class LatencyRecorder implements ExecutionListener {
    private final SendSchedule schedule;
    private final long count;
    private final long warmup;
    private final boolean paced;
    private final long startNanos;
    private final LatencyHistograms histograms;
    private long writerId = Replayer.WRITER_ID;
    private long seqBase;
    private FirstReportStamps stamps;
    private final ExecutionCounts counts = new ExecutionCounts();
    private final AtomicLong accounted = new AtomicLong();
    private volatile boolean done;
    private volatile long allocatedBytes = -1;
    private long allocatedBefore = Long.MIN_VALUE;
    private long accountedSoFar;
    private long lastSeq = -1;
    private long foreign;
    private long lastAccountedNanos;
    private long firstSendNanos;

    /**
     * @param schedule   the driver's schedule: how many orders, and when each is due
     * @param warmup     orders accounted but not recorded
     * @param startNanos the start of the schedule (System.nanoTime()), as given to the driver
     */
    public LatencyRecorder(SendSchedule schedule, long warmup, long startNanos, LatencyHistograms histograms) {
        this.schedule = schedule;
        this.count = schedule.count();
        this.warmup = warmup;
        this.paced = schedule.isPaced();
        this.startNanos = startNanos;
        this.histograms = histograms;
    }

    /**
     * Times the orders of a FIX gateway with writer id {@code gatewayWriterId}: the first report of each goes to
     * {@code stamps}, not to the histograms. Call before the first report.
     */
    public LatencyRecorder viaGateway(long gatewayWriterId, FirstReportStamps stamps) {
        this.writerId = gatewayWriterId;
        this.seqBase = 1;
        this.stamps = stamps;
        return this;
    }

    @Override
    public void onReport(OrderInfo r) {
        if (done)
            return;
        if (allocatedBefore == Long.MIN_VALUE)
            allocatedBefore = ThreadAllocation.current();
        long now = r.egressNanos();
        counts.add(r);
        if (r.writerId() != writerId) {
            foreign++;
            return;
        }
        long seq = r.writerSeq() - seqBase;
        if (seq != lastSeq) {
            lastSeq = seq;
            onFirstReport(r, seq, now);
        }
        if (r.lastForInput()) {
            lastAccountedNanos = now;
            accounted.lazySet(++accountedSoFar);
            if (accountedSoFar >= count) {
                long after = ThreadAllocation.current();
                allocatedBytes = allocatedBefore < 0 ? -1 : after - allocatedBefore;
                done = true;
            }
        }
    }

    private void onFirstReport(OrderInfo r, long seq, long now) {
        long intended = paced ? startNanos + schedule.offset(seq) : r.ingressNanos();
        if (seq == 0)
            firstSendNanos = r.ingressNanos();
        if (stamps != null) {
            stamps.publish(seq, r, now);
            return;
        }
        if (seq < warmup)
            return;
        histograms.record(r, intended, now);
    }

    /** Orders accounted for so far. */
    public long accounted() {
        return accounted.get();
    }

    /** Whether every order has been accounted for. */
    public boolean isDone() {
        return done;
    }

    /** The start of the schedule (System.nanoTime()). */
    public long startNanos() {
        return startNanos;
    }

    /** What it records into. */
    public LatencyHistograms histograms() {
        return histograms;
    }

    // read after the pipeline stopped

    /** Every report read, by type and reject reason (foreign ones too). */
    public ExecutionCounts counts() {
        return counts;
    }

    /** Reports from another writer than the driver (none unless something else writes the driven queue). */
    public long foreign() {
        return foreign;
    }

    /** When the last order was accounted for (System.nanoTime()). */
    public long lastAccountedNanos() {
        return lastAccountedNanos;
    }

    /** When the first order was written (System.nanoTime()), 0 if none was read. */
    public long firstSendNanos() {
        return firstSendNanos;
    }

    /** Bytes the reading thread allocated from the first report to the last, -1 if unknown or unfinished. */
    public long allocatedBytes() {
        return allocatedBytes;
    }
}
