package dev.orderpipe.replay;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.stage.ExecutionCounts;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.threads.Pauser;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The measuring thread: tails the replay pipeline's {@code executions} queue and, for the first report of each input
 * (writerSeq changes), records its latencies in nanoseconds:
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
 * <p>Nothing is allocated per report: histograms of fixed range (values are clamped into it), one reused record,
 * primitive counters, and a Chronicle {@link Pauser} to idle.
 */
final class LatencyRecorder implements Runnable {
    /** Highest value the histograms track: one hour in nanoseconds; longer latencies are recorded as this. */
    static final long HIGHEST_TRACKABLE = 3_600_000_000_000L;
    /** Significant digits of every histogram. */
    static final int SIGNIFICANT_DIGITS = 3;

    private final ChronicleQueue executions;
    private final long[] offsets;
    private final long count;
    private final long warmup;
    private final boolean paced;
    private final long startNanos;
    private final Pauser pauser;
    private final OrderInfo report = new OrderInfo();
    private final ExecutionCounts counts = new ExecutionCounts();
    final Histogram endToEnd = histogram();
    final Histogram send = histogram();
    final Histogram risk = histogram();
    final Histogram matching = histogram();
    final Histogram egress = histogram();
    final Recorder intervals = new Recorder(HIGHEST_TRACKABLE, SIGNIFICANT_DIGITS);
    private final AtomicLong accounted = new AtomicLong();
    private volatile boolean running = true;
    private volatile boolean done;
    private volatile Throwable failure;
    private volatile long allocatedBytes = -1;
    private long lastSeq = -1;
    private long foreign;
    private long lastAccountedNanos;
    private long firstSendNanos;

    LatencyRecorder(ChronicleQueue executions, long[] offsets, long count, long warmup, boolean paced, long startNanos,
                    Pauser pauser) {
        this.executions = executions;
        this.offsets = offsets;
        this.count = count;
        this.warmup = warmup;
        this.paced = paced;
        this.startNanos = startNanos;
        this.pauser = pauser;
    }

    private static Histogram histogram() {
        return new Histogram(HIGHEST_TRACKABLE, SIGNIFICANT_DIGITS);
    }

    @Override
    public void run() {
        try (ExcerptTailer tailer = executions.createTailer().toStart()) {
            long allocatedBefore = ThreadAllocation.current();
            record(tailer);
            long allocatedAfter = ThreadAllocation.current();
            allocatedBytes = allocatedBefore < 0 ? -1 : allocatedAfter - allocatedBefore;
        } catch (Throwable t) {
            failure = t;
        } finally {
            done = true;
        }
    }

    private void record(ExcerptTailer tailer) {
        final OrderInfo r = report;
        final Pauser pauser = this.pauser;
        long accounted = 0;
        while (accounted < count && running) {
            if (!tailer.readBytes(r.reset())) {
                pauser.pause();
                continue;
            }
            long now = System.nanoTime();
            pauser.reset();
            counts.add(r);
            if (r.writerId() != Replayer.WRITER_ID) {
                foreign++;
                continue;
            }
            long seq = r.writerSeq();
            if (seq != lastSeq) {
                lastSeq = seq;
                onFirstReport(r, seq, now);
            }
            if (r.lastOfBatch()) {
                lastAccountedNanos = now;
                this.accounted.lazySet(++accounted);
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

    void stop() {
        running = false;
        pauser.unpause();
    }

    boolean isDone() {
        return done;
    }

    Throwable failure() {
        return failure;
    }

    // read after the thread ended

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

    long allocatedBytes() {
        return allocatedBytes;
    }
}
