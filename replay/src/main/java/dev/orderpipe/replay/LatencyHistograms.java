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
 *     <li>with {@link #viaFix()} (a replay through a FIX gateway, recorded by {@link FixRoute}) also
 *     {@code gateway-in}: ingressNanos minus the client's send stamp (FIX encoding, the loopback hop, the gateway's
 *     decoding and its write to {@code orders}), {@code gateway-out}: the client's decode time of the first
 *     ExecutionReport answering the order minus matchNanos (the gateway's read of {@code executions}, FIX encoding,
 *     the hop back, the client's decoding); end to end then ends at that decode, {@code send} ends at the client's
 *     send stamp, and {@code egress} (the pipeline's own reader) is a branch beside {@code gateway-out}</li>
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
    private final Histogram gatewayIn;
    private final Histogram gatewayOut;
    private final String[] names;
    /** By {@link #names()} index; null unless per hop. */
    private final SingleWriterRecorder[] intervals;
    /** The intended send time of the first measured order (System.nanoTime()), 0 until it is recorded. */
    private volatile long measuredFromNanos;

    /**
     * The histograms' names, as in {@code summary.yaml}, the {@code .hgrm} files and the interval log's tags (end to
     * end is untagged there, so that a tool reading the log's default histograms reads it).
     */
    public static final String[] NAMES = {RunSummary.END_TO_END, Replayer.SEND, Replayer.RISK, Replayer.MATCHING,
            Replayer.EGRESS};
    /** The names of a replay through a FIX gateway ({@link #viaFix()}), in data-flow order. */
    public static final String[] FIX_NAMES = {RunSummary.END_TO_END, Replayer.SEND, Replayer.GATEWAY_IN,
            Replayer.RISK, Replayer.MATCHING, Replayer.EGRESS, Replayer.GATEWAY_OUT};

    private LatencyHistograms(boolean perHop, boolean viaFix) {
        this(perHop, viaFix, perHop);
    }

    private LatencyHistograms(boolean perHop, boolean viaFix, boolean withSend) {
        send = withSend ? histogram() : null;
        risk = perHop ? histogram() : null;
        matching = perHop ? histogram() : null;
        egress = perHop ? histogram() : null;
        gatewayIn = viaFix ? histogram() : null;
        gatewayOut = viaFix ? histogram() : null;
        names = viaFix ? FIX_NAMES : NAMES;
        if (perHop) {
            intervals = new SingleWriterRecorder[names.length];
            for (int i = 0; i < intervals.length; i++)
                intervals[i] = new SingleWriterRecorder(HIGHEST_TRACKABLE, SIGNIFICANT_DIGITS);
        } else {
            intervals = null;
        }
    }

    /** End to end, each hop of the pipeline and the end-to-end intervals: a replay's. */
    public static LatencyHistograms perHop() {
        return new LatencyHistograms(true, false);
    }

    /** Per hop with {@code gateway-in} and {@code gateway-out}: a replay through a FIX gateway's. */
    public static LatencyHistograms viaFix() {
        return new LatencyHistograms(true, true);
    }

    /** End to end only: the bench's flat-out rows, whose floor has no stages to time. */
    public static LatencyHistograms endToEndOnly() {
        return new LatencyHistograms(false, false);
    }

    /**
     * End to end and {@code send} (how late the sender wrote each order), no intervals: the bench's paced rows, which
     * report how much of their tail is the sender's.
     */
    public static LatencyHistograms endToEndAndSend() {
        return new LatencyHistograms(false, false, true);
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
        long s = clamp(r.ingressNanos() - intended);
        if (intervals == null) {
            if (send != null)
                send.recordValue(s);
            return;
        }
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

    /**
     * Records an order sent through a FIX gateway (all times System.nanoTime()): due at {@code intended}, stamped by
     * the client at {@code sent}, written on orders at {@code ingress}, through risk at {@code risk} and matching at
     * {@code match}, its first report read by the pipeline's egress at {@code read} and its first ExecutionReport
     * decoded by the client at {@code decoded}.
     */
    void recordViaFix(long intended, long sent, long ingress, long risk, long match, long read, long decoded) {
        if (measuredFromNanos == 0)
            measuredFromNanos = intended;
        long e2e = clamp(decoded - intended);
        long s = clamp(sent - intended);
        long in = clamp(ingress - sent);
        long k = clamp(risk - ingress);
        long m = clamp(match - risk);
        long g = clamp(read - match);
        long out = clamp(decoded - match);
        endToEnd.recordValue(e2e);
        send.recordValue(s);
        gatewayIn.recordValue(in);
        this.risk.recordValue(k);
        matching.recordValue(m);
        egress.recordValue(g);
        gatewayOut.recordValue(out);
        intervals[0].recordValue(e2e);
        intervals[1].recordValue(s);
        intervals[2].recordValue(in);
        intervals[3].recordValue(k);
        intervals[4].recordValue(m);
        intervals[5].recordValue(g);
        intervals[6].recordValue(out);
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

    /** Null unless {@link #viaFix()}. */
    public Histogram gatewayIn() {
        return gatewayIn;
    }

    /** Null unless {@link #viaFix()}. */
    public Histogram gatewayOut() {
        return gatewayOut;
    }

    /** The histograms' names, by interval index: {@link #NAMES}, or {@link #FIX_NAMES} through a gateway. */
    public String[] names() {
        return names;
    }

    /** Whether these are a replay's through a FIX gateway ({@link #viaFix()}). */
    public boolean isViaFix() {
        return gatewayIn != null;
    }

    /**
     * The recorder of histogram {@code names()[i]} by interval (null unless {@link #perHop()}): take
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
