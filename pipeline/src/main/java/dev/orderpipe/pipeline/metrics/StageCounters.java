package dev.orderpipe.pipeline.metrics;

import dev.orderpipe.pipeline.infra.QueueOutput;

import java.nio.ByteBuffer;

/**
 * One stage's counters in a {@link MetricsFile}, written by its runner's thread after every {@code doWork()} call:
 * plain stores into the shared memory (no allocation, no fence, no lock), so they cost nothing per message beyond
 * them. Readers in other threads or processes see them within moments.
 */
public final class StageCounters {
    private final ByteBuffer buffer;
    private final int slot;
    private QueueOutput output;
    private long in;
    private long polls;
    private long idlePolls;
    private long errors;
    private long busyNanos;

    StageCounters(ByteBuffer buffer, int slot) {
        this.buffer = buffer;
        this.slot = slot;
    }

    /** The stage's output queue, whose records written this process counts as records out (none for egress). */
    public StageCounters output(QueueOutput output) {
        this.output = output;
        return this;
    }

    /** Once the stage has opened (resumed where its output says, caught up): where its input stands. */
    public void opened(long inputIndex) {
        buffer.putLong(slot + MetricsFile.INPUT_INDEX, inputIndex);
    }

    /**
     * After a {@code doWork()} call that did {@code done > 0} (records or lines read), the last at
     * {@code inputIndex}, in {@code nanos}: called by the runner's thread only.
     */
    public void worked(int done, long inputIndex, long nanos) {
        buffer.putLong(slot + MetricsFile.POLLS, ++polls);
        in += done;
        buffer.putLong(slot + MetricsFile.IN, in);
        busyNanos += nanos;
        buffer.putLong(slot + MetricsFile.BUSY_NANOS, busyNanos);
        buffer.putLong(slot + MetricsFile.INPUT_INDEX, inputIndex);
        if (output != null)
            buffer.putLong(slot + MetricsFile.OUT, output.written());
    }

    /** After a {@code doWork()} call that found nothing to do: called by the runner's thread only. */
    public void idle() {
        buffer.putLong(slot + MetricsFile.POLLS, ++polls);
        buffer.putLong(slot + MetricsFile.IDLE_POLLS, ++idlePolls);
        buffer.putLong(slot + MetricsFile.IDLE_AT, System.currentTimeMillis());
    }

    /** The stage failed (it stops the pipeline). */
    public void error() {
        buffer.putLong(slot + MetricsFile.ERRORS, ++errors);
    }
}
