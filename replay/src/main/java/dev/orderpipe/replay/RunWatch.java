package dev.orderpipe.replay;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Watches a run from the calling thread while a {@link ReplayDriver} sends and a {@link LatencyRecorder} accounts,
 * until every order is accounted for. It ends the run early when the driven system fails (its failure is thrown as
 * it is), when the sending thread fails, or when the run stalls: orders were sent and none was accounted for in the
 * stall timeout (a quiet stretch of a recorded schedule, with nothing outstanding, is no stall). Between checks it
 * sleeps 20 ms at most, less when its {@link Tick} (the replay's interval log and progress line) asks to run sooner.
 */
public final class RunWatch {
    /** Longest sleep between checks. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    /** Work done on the watching thread at every check. */
    @FunctionalInterface
    public interface Tick {
        /**
         * @return when (System.nanoTime()) the tick next wants to run; the watch may call it earlier
         */
        long onTick(long now, long sent, long accounted);
    }

    private final String what;
    private final ReplayDriver driver;
    private final LatencyRecorder recorder;
    private final Supplier<? extends RuntimeException> systemFailure;
    private final long stallNanos;
    private final Path queues;

    /**
     * @param what          the run, as messages name it ("replay")
     * @param systemFailure what stopped the driven system, or null while it runs
     * @param queues        where the driven system's queues are, for the stall message
     */
    public RunWatch(String what, ReplayDriver driver, LatencyRecorder recorder,
                    Supplier<? extends RuntimeException> systemFailure, Duration stallTimeout, Path queues) {
        this.what = what;
        this.driver = driver;
        this.recorder = recorder;
        this.systemFailure = systemFailure;
        this.stallNanos = stallTimeout.toNanos();
        this.queues = queues;
    }

    /**
     * Returns once the recorder has accounted for every order.
     *
     * @param tick run at every check, or null
     * @throws ReplayException on a stall or an interrupt; the system's failure as it is; an IllegalStateException
     *                         wrapping the sending thread's failure (a {@link ReplayException} from it as it is)
     */
    public void awaitDone(Tick tick) {
        long lastAccounted = -1;
        long lastChange = System.nanoTime();
        while (!recorder.isDone()) {
            failIfBroken();
            long now = System.nanoTime();
            long sent = driver.sent();
            long accounted = recorder.accounted();
            long next = tick == null ? Long.MAX_VALUE : tick.onTick(now, sent, accounted);
            if (accounted != lastAccounted) {
                lastAccounted = accounted;
                lastChange = now;
            } else if (sent > accounted && now - lastChange > stallNanos) {
                throw ReplayException.failure(String.format(Locale.ROOT,
                        "%s stalled: %,d of %,d sent orders accounted for and none in %d s; the pipeline's queues"
                                + " are in %s", what, accounted, sent, TimeUnit.NANOSECONDS.toSeconds(stallNanos),
                        queues));
            }
            long sleep = Math.min(POLL_NANOS, Math.max(0, next - now));
            if (sleep > 0)
                sleepNanos(sleep);
        }
        failIfBroken();
    }

    private void failIfBroken() {
        RuntimeException failed = systemFailure.get();
        if (failed != null)
            throw failed;
        Throwable t = driver.failure();
        if (t == null)
            return;
        if (t instanceof ReplayException)
            throw (ReplayException) t;
        throw new IllegalStateException(what + " sending thread failed: " + t, t);
    }

    private void sleepNanos(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ReplayException.failure(what + " interrupted");
        }
    }
}
