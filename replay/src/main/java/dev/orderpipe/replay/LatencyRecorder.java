package dev.orderpipe.replay;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.stage.ExecutionCounts;
import dev.orderpipe.pipeline.stage.ExecutionListener;
import dev.orderpipe.pipeline.util.ThreadAllocation;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The latency recorder: an {@link ExecutionListener} on the replay pipeline's own egress stage, so the moment a report
 * is read off {@code executions} is the moment the pipeline's consumer reads it, with no measuring thread of its own
 * competing for the CPU. For the first report of each input (writerSeq changes) it records, in nanoseconds:
 * <ul>
 *     <li>{@code end-to-end}: read time minus intended send time (coordinated-omission corrected when paced; from the
 *     actual send time in a max run, where no schedule exists)</li>
 *     <li>{@code send}: ingressNanos minus intended, the sender's lateness against the schedule (0 in a max run)</li>
 *     <li>{@code risk}: riskNanos minus ingressNanos (the orders hop plus risk checks)</li>
 *     <li>{@code matching}: matchNanos minus riskNanos (the checked hop plus matching)</li>
 *     <li>{@code egress}: read time minus matchNanos (the executions hop)</li>
 * </ul>
 * A report flagged {@link OrderInfo#FLAG_LAST_OF_BATCH} accounts for its input. Orders below the warmup count are
 * accounted but not recorded. End to end also goes to an HdrHistogram {@link Recorder}, whose interval histograms the
 * run's control thread takes every second for {@code latency.hlog}.
 *
 * <p>Nothing is allocated per report (histograms of fixed range, values clamped into it; primitive counters); the
 * bytes the egress thread allocates between the first report and the last are measured and reported.
 */
final class LatencyRecorder implements ExecutionListener {
    /** Highest value the histograms track: one hour in nanoseconds; longer latencies are recorded as this. */
    static final long HIGHEST_TRACKABLE = 3_600_000_000_000L;
    /** Significant digits of every histogram. */
    static final int SIGNIFICANT_DIGITS = 3;

    private final long[] offsets;
    private final long count;
    private final long warmup;
    private final boolean paced;
    private final long startNanos;
    private final ExecutionCounts counts = new ExecutionCounts();
    final Histogram endToEnd = histogram();
    final Histogram send = histogram();
    final Histogram risk = histogram();
    final Histogram matching = histogram();
    final Histogram egress = histogram();
    final Recorder intervals = new Recorder(HIGHEST_TRACKABLE, SIGNIFICANT_DIGITS);
    private final AtomicLong accounted = new AtomicLong();
    private volatile boolean done;
    private volatile long allocatedBytes = -1;
    private long allocatedBefore = Long.MIN_VALUE;
    private long accountedSoFar;
    private long lastSeq = -1;
    private long foreign;
    private long lastAccountedNanos;
    private long firstSendNanos;

    LatencyRecorder(long[] offsets, long count, long warmup, boolean paced, long startNanos) {
        this.offsets = offsets;
        this.count = count;
        this.warmup = warmup;
        this.paced = paced;
        this.startNanos = startNanos;
    }

    private static Histogram histogram() {
        return new Histogram(HIGHEST_TRACKABLE, SIGNIFICANT_DIGITS);
    }

    @Override
    public void onReport(OrderInfo r) {
        if (done)
            return;
        if (allocatedBefore == Long.MIN_VALUE)
            allocatedBefore = ThreadAllocation.current();
        long now = r.egressNanos();
        counts.add(r);
        if (r.writerId() != Replayer.WRITER_ID) {
            foreign++;
            return;
        }
        long seq = r.writerSeq();
        if (seq != lastSeq) {
            lastSeq = seq;
            onFirstReport(r, seq, now);
        }
        if (r.lastOfBatch()) {
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
        long intended = paced ? startNanos + offsets[(int) seq] : r.ingressNanos();
        if (seq == 0)
            firstSendNanos = r.ingressNanos();
        if (seq < warmup)
            return;
        long e2e = clamp(now - intended);
        endToEnd.recordValue(e2e);
        intervals.recordValue(e2e);
        send.recordValue(clamp(r.ingressNanos() - intended));
        risk.recordValue(clamp(r.riskNanos() - r.ingressNanos()));
        matching.recordValue(clamp(r.matchNanos() - r.riskNanos()));
        egress.recordValue(clamp(now - r.matchNanos()));
    }

    private static long clamp(long v) {
        return v < 0 ? 0 : Math.min(v, HIGHEST_TRACKABLE);
    }

    /** Inputs accounted for so far. */
    long accounted() {
        return accounted.get();
    }

    /** Whether every input has been accounted for. */
    boolean isDone() {
        return done;
    }

    // read after the pipeline stopped

    ExecutionCounts counts() {
        return counts;
    }

    /** Reports from another writer than the replay (none unless something else writes the replay's orders). */
    long foreign() {
        return foreign;
    }

    /** When the last input was accounted for (System.nanoTime()). */
    long lastAccountedNanos() {
        return lastAccountedNanos;
    }

    /** When the first order was written (System.nanoTime()), 0 if none was read. */
    long firstSendNanos() {
        return firstSendNanos;
    }

    /** Bytes the egress thread allocated from the first report to the last, -1 if unknown or unfinished. */
    long allocatedBytes() {
        return allocatedBytes;
    }
}
