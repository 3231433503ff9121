package dev.orderpipe.replay;

import dev.orderpipe.pipeline.OrderInfo;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The stage stamps of the first report of each order of a replay through a FIX gateway, by send sequence: written by
 * the {@link LatencyRecorder} on the pipeline's egress thread (first reports come in send order, so a count publishes
 * them), read by {@link FixRoute} to record each order once its client has decoded the answer. Preallocated for the
 * whole run: nothing is allocated per order.
 */
public final class FirstReportStamps {
    final long[] ingress;
    final long[] risk;
    final long[] match;
    final long[] read;
    private final AtomicLong published = new AtomicLong();

    FirstReportStamps(int count) {
        ingress = new long[count];
        risk = new long[count];
        match = new long[count];
        read = new long[count];
    }

    /** On the egress thread: the first report of order {@code seq}, read at {@code now}. */
    void publish(long seq, OrderInfo r, long now) {
        int i = (int) seq;
        if (i < 0 || i >= ingress.length)
            return; // not one the route sent (counted as accounted only)
        ingress[i] = r.ingressNanos();
        risk[i] = r.riskNanos();
        match[i] = r.matchNanos();
        read[i] = now;
        published.lazySet(seq + 1);
    }

    /** How many orders' stamps are readable (0..n-1). */
    long published() {
        return published.get();
    }
}
