package dev.orderpipe.tools.bench;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.stage.ExecutionListener;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.threads.Pauser;
import org.HdrHistogram.Histogram;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The measurement of a run. For the pipeline and the allocating variant it is an {@link ExecutionListener} on their
 * egress stage (timed when the stage reads the report, on the stage's own thread, as the replay does); for the floor,
 * which has no stages, it is the hop's reading thread. For the first report of each bench order (writerSeq changes)
 * it records read time minus the order's intended send time: coordinated omission corrected, since a late
 * send or a stalled stage shows up instead of delaying the schedule. In a flat-out run (rate 0) there is no schedule;
 * the actual send time (ingressNanos) is used. The report flagged {@link OrderInfo#FLAG_LAST_OF_BATCH} accounts for
 * its order. The first {@code warmup} orders are accounted but not recorded. Nothing is allocated per report.
 */
final class HopRecorder implements Runnable, ExecutionListener {
    static final long HIGHEST_TRACKABLE = 3_600_000_000_000L;

    private final ChronicleQueue queue;
    private final int count;
    private final int warmup;
    private final double rate;
    private final long startNanos;
    private final Pauser pauser;
    private final OrderInfo report = new OrderInfo();
    final Histogram latency = new Histogram(HIGHEST_TRACKABLE, 3);
    private final AtomicLong accounted = new AtomicLong();
    private volatile boolean running = true;
    private volatile boolean done;
    private volatile Throwable failure;
    private long reports;
    private long accountedSoFar;
    private long lastSeq = -1;
    private long lastAccountedNanos;

    HopRecorder(ChronicleQueue queue, int count, int warmup, double rate, long startNanos, Pauser pauser) {
        this.queue = queue;
        this.count = count;
        this.warmup = warmup;
        this.rate = rate;
        this.startNanos = startNanos;
        this.pauser = pauser;
    }

    @Override
    public void run() {
        try (ExcerptTailer tailer = queue.createTailer().toStart()) {
            record(tailer);
        } catch (Throwable t) {
            failure = t;
        } finally {
            done = true;
        }
    }

    private void record(ExcerptTailer tailer) {
        final OrderInfo r = report;
        while (accountedSoFar < count && running) {
            if (!tailer.readBytes(r.reset())) {
                pauser.pause();
                continue;
            }
            long now = System.nanoTime();
            pauser.reset();
            handle(r, now);
        }
    }

    /** As a listener on an egress stage: the report was read at its egressNanos. */
    @Override
    public void onReport(OrderInfo r) {
        if (accountedSoFar < count)
            handle(r, r.egressNanos());
        if (accountedSoFar >= count)
            done = true;
    }

    private void handle(OrderInfo r, long now) {
        if (r.writerId() != HopDriver.WRITER_ID)
            return;
        reports++;
        long seq = r.writerSeq();
        if (seq != lastSeq) {
            lastSeq = seq;
            if (seq >= warmup) {
                long intended = rate > 0 ? HopDriver.intended(startNanos, rate, seq) : r.ingressNanos();
                latency.recordValue(Math.min(HIGHEST_TRACKABLE, Math.max(0, now - intended)));
            }
        }
        if (r.lastOfBatch()) {
            lastAccountedNanos = now;
            accounted.lazySet(++accountedSoFar);
        }
    }

    long accounted() {
        return accounted.get();
    }

    boolean isDone() {
        return done;
    }

    Throwable failure() {
        return failure;
    }

    void stop() {
        running = false;
        pauser.unpause();
    }

    /** Reports read (read after the thread ended). */
    long reports() {
        return reports;
    }

    long lastAccountedNanos() {
        return lastAccountedNanos;
    }
}
