package dev.orderpipe.replay;

import dev.orderpipe.pipeline.OrderInfo;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * What a {@link LatencyRecorder} records into, in nanoseconds, for each measured order:
 * <ul>
 *     <li>{@code end-to-end}: read time minus intended send time (coordinated-omission corrected when paced; from the
 *     actual send time in a max run, where no schedule exists)</li>
 *     <li>with {@link #perHop()} also {@code send}: ingressNanos minus intended, the sender's lateness against the
 *     schedule (0 in a max run); {@code risk}: riskNanos minus ingressNanos (the orders hop plus risk checks);
 *     {@code matching}: matchNanos minus riskNanos (the checked hop plus matching); {@code egress}: read time minus
 *     matchNanos (the executions hop); and each of the five again in an HdrHistogram {@link SingleWriterRecorder}
 *     (one writer: the recording thread), whose interval histograms a replay takes every interval for
 *     {@code latency.hlog}, end to end untagged and each hop tagged with its name</li>
 * </ul>
 * Histograms of fixed range, values clamped into it: recording allocates nothing.
 */
public final class LatencyHistograms {
    /** Highest value the histograms track: one hour in nanoseconds; longer latencies are recorded as this. */
    public static final long HIGHEST_TRACKABLE = 3_600_000_000_000L;
    /** Significant digits of every histogram. */
    public static final int SIGNIFICANT_DIGITS = 3;

    private final Histogram endToEnd = histogram();
    private final Histogram send;
    private final Histogram risk;
    private final Histogram matching;
    private final Histogram egress;
    /** By {@link #NAMES} index: end to end, send, risk, matching, egress; null unless per hop. */
    private final SingleWriterRecorder[] intervals;
    /** The intended send time of the first measured order (System.nanoTime()), 0 until it is recorded. */
    private volatile long measuredFromNanos;

    /**
     * The histograms' names, as in {@code summary.yaml}, the {@code .hgrm} files and the interval log's tags (end to
     * end is untagged there, so that a tool reading the log's default histograms reads it).
     */
    public static final String[] NAMES = {RunSummary.END_TO_END, Replayer.SEND, Replayer.RISK, Replayer.MATCHING,
            Replayer.EGRESS};

    private LatencyHistograms(boolean perHop) {
        send = perHop ? histogram() : null;
        risk = perHop ? histogram() : null;
        matching = perHop ? histogram() : null;
        egress = perHop ? histogram() : null;
        if (perHop) {
            intervals = new SingleWriterRecorder[NAMES.length];
            for (int i = 0; i < intervals.length; i++)
                intervals[i] = new SingleWriterRecorder(HIGHEST_TRACKABLE, SIGNIFICANT_DIGITS);
        } else {
            intervals = null;
        }
    }

    /** End to end, each hop of the pipeline and the end-to-end intervals: a replay's. */
    public static LatencyHistograms perHop() {
        return new LatencyHistograms(true);
    }

    /** End to end only: the bench's, whose floor has no stages to time (and which records no more than it reports). */
    public static LatencyHistograms endToEndOnly() {
        return new LatencyHistograms(false);
    }

    private static Histogram histogram() {
        return new Histogram(HIGHEST_TRACKABLE, SIGNIFICANT_DIGITS);
    }

    /** Records the first report of an order, read at {@code now}, that was due at {@code intended}. */
    void record(OrderInfo r, long intended, long now) {
        if (measuredFromNanos == 0)
            measuredFromNanos = intended; // before its samples: a reader that sees them sees this
        long e2e = clamp(now - intended);
        endToEnd.recordValue(e2e);
        if (intervals == null)
            return;
        long s = clamp(r.ingressNanos() - intended);
        long k = clamp(r.riskNanos() - r.ingressNanos());
        long m = clamp(r.matchNanos() - r.riskNanos());
        long g = clamp(now - r.matchNanos());
        send.recordValue(s);
        risk.recordValue(k);
        matching.recordValue(m);
        egress.recordValue(g);
        intervals[0].recordValue(e2e);
        intervals[1].recordValue(s);
        intervals[2].recordValue(k);
        intervals[3].recordValue(m);
        intervals[4].recordValue(g);
    }

    private static long clamp(long v) {
        return v < 0 ? 0 : Math.min(v, HIGHEST_TRACKABLE);
    }

    public Histogram endToEnd() {
        return endToEnd;
    }

    /** The per-hop histograms: null unless {@link #perHop()}. */
    public Histogram send() {
        return send;
    }

    public Histogram risk() {
        return risk;
    }

    public Histogram matching() {
        return matching;
    }

    public Histogram egress() {
        return egress;
    }

    /**
     * The recorder of histogram {@code NAMES[i]} by interval (null unless {@link #perHop()}): take
     * {@link SingleWriterRecorder#getIntervalHistogram} from one thread.
     */
    SingleWriterRecorder intervals(int i) {
        return intervals[i];
    }

    /** Whether the histograms have interval recorders ({@link #perHop()}). */
    boolean hasIntervals() {
        return intervals != null;
    }

    /** The intended send time (System.nanoTime()) of the first measured order, 0 while none was recorded. */
    long measuredFromNanos() {
        return measuredFromNanos;
    }
}
