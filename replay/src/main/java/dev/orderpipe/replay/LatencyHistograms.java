package dev.orderpipe.replay;

import dev.orderpipe.pipeline.OrderInfo;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What a {@link LatencyRecorder} records into, in nanoseconds, for each measured order:
 * <ul>
 *     <li>{@code end-to-end}: read time minus intended send time (coordinated-omission corrected when paced; from the
 *     actual send time in a max run, where no schedule exists)</li>
 *     <li>with {@link #perHop()} also {@code send}: ingressNanos minus intended, the sender's lateness against the
 *     schedule (0 in a max run); {@code risk}: riskNanos minus ingressNanos (the orders hop plus risk checks);
 *     {@code matching}: matchNanos minus riskNanos (the checked hop plus matching); {@code egress}: read time minus
 *     matchNanos (the executions hop); and end to end again in an HdrHistogram {@link Recorder}, whose interval
 *     histograms a replay takes every second for {@code latency.hlog}</li>
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
    private final Recorder intervals;

    private LatencyHistograms(boolean perHop) {
        send = perHop ? histogram() : null;
        risk = perHop ? histogram() : null;
        matching = perHop ? histogram() : null;
        egress = perHop ? histogram() : null;
        intervals = perHop ? new Recorder(HIGHEST_TRACKABLE, SIGNIFICANT_DIGITS) : null;
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
        long e2e = clamp(now - intended);
        endToEnd.recordValue(e2e);
        if (intervals == null)
            return;
        intervals.recordValue(e2e);
        send.recordValue(clamp(r.ingressNanos() - intended));
        risk.recordValue(clamp(r.riskNanos() - r.ingressNanos()));
        matching.recordValue(clamp(r.matchNanos() - r.riskNanos()));
        egress.recordValue(clamp(now - r.matchNanos()));
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

    /** End to end by interval (null unless {@link #perHop()}): take {@link Recorder#getIntervalHistogram} from one thread. */
    public Recorder intervals() {
        return intervals;
    }
}
