package dev.orderpipe.pipeline.retention;

import dev.orderpipe.pipeline.config.PipelineConfig;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.RollCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Function;

/**
 * Retention inside {@code run} ({@code retention.enabled}): a daemon thread of its own, off the stages' threads, that
 * looks once a second whether the queues' cycle has rolled and then makes a {@link Retention} pass (the stages pay
 * nothing per message). A pass that fails is logged at WARN and tried again at the next roll: retention never stops
 * the pipeline; one that finds the lock held (an {@code orderpipe retain} running) is left to that one.
 */
public final class RetentionThread implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionThread.class);
    private static final long CHECK_MILLIS = 1_000;

    private final PipelineConfig config;
    private final Function<String, ChronicleQueue> queues;
    private final Thread thread;
    private volatile boolean stopped;
    private volatile long passes;
    private volatile long failedPasses;

    /** @param queues the pipeline's open queues by name (their directory listing is refreshed after a pass) */
    public RetentionThread(PipelineConfig config, Function<String, ChronicleQueue> queues) {
        this.config = config;
        this.queues = queues;
        this.thread = new Thread(this::loop, "orderpipe-retention");
        thread.setDaemon(true);
    }

    public RetentionThread start() {
        thread.start();
        return this;
    }

    private void loop() {
        RollCycle rc = config.rollCycle();
        int cycle = rc.current(System::currentTimeMillis, 0);
        while (!stopped) {
            try {
                Thread.sleep(CHECK_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            int now = rc.current(System::currentTimeMillis, 0);
            if (now == cycle || stopped)
                continue;
            cycle = now;
            pass();
        }
    }

    /** One pass, now. */
    void pass() {
        try {
            Retention.run(config, false, queues);
        } catch (RetentionBusyException e) {
            LOG.info("{}", e.getMessage());
        } catch (RuntimeException e) {
            if (stopped) { // close() interrupted it: its reads end in ClosedByInterruptException, like a kill
                LOG.info("retention pass cut short by the pipeline's stop (a pass at the next roll after a start"
                        + " goes on): {}", e.toString());
            } else {
                failedPasses++;
                LOG.warn("retention pass failed (tried again at the next roll): {}", e.toString());
            }
        }
        passes++;
    }

    /** Passes that failed while the pipeline ran, not cut short by its stop (for tests). */
    long failedPasses() {
        return failedPasses;
    }

    /** Passes made (for tests). */
    public long passes() {
        return passes;
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
