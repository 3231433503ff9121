package dev.orderpipe.pipeline.stage;

import dev.orderpipe.pipeline.infra.QueueInput;
import dev.orderpipe.pipeline.metrics.MetricsFile;
import dev.orderpipe.pipeline.metrics.StageCounters;

import java.util.function.BooleanSupplier;

/**
 * What the pipeline's wiring tells a {@link StageRunner} about one stage, so that the finish protocol lives in the
 * runner and not in the stage: when no input will ever arrive again (the upstream stage finished, or an order file was
 * read to its end), and which queue the stage reads (to say how far behind a stalled stage is).
 *
 * <p>A stage is finished once its upstream is finished, its {@link Stage#doWork()} then returned 0 and it is
 * {@link Stage#atEndOfInput() at the end of its input}. The flag is set by the stage's runner and read by the runners
 * of the stages downstream.
 */
public final class StageLink {
    private static final BooleanSupplier NEVER = () -> false;

    final Stage stage;
    private final BooleanSupplier upstreamFinished;
    private final QueueInput input;
    private volatile boolean finished;
    /** The stage's live counters, written by its runner's thread (detached unless the pipeline gave some). */
    StageCounters counters = MetricsFile.detached();
    // stall tracking, on the runner's thread only
    long seenIndex = Long.MIN_VALUE;
    long stuckSince;
    boolean warned;

    private StageLink(Stage stage, BooleanSupplier upstreamFinished, QueueInput input) {
        this.stage = stage;
        this.upstreamFinished = upstreamFinished;
        this.input = input;
    }

    /** A stage fed by the stage of {@code upstream}, reading {@code input} (or null when it reads no queue). */
    public static StageLink after(StageLink upstream, Stage stage, QueueInput input) {
        return new StageLink(stage, upstream::isFinished, input);
    }

    /** A stage at the start of the pipeline, finished once {@code inputComplete} says no input will ever arrive. */
    public static StageLink source(Stage stage, BooleanSupplier inputComplete) {
        return new StageLink(stage, inputComplete, null);
    }

    /** A stage fed by other processes: it never finishes. {@code input} may be null. */
    public static StageLink fedFromOutside(Stage stage, QueueInput input) {
        return new StageLink(stage, NEVER, input);
    }

    public Stage stage() {
        return stage;
    }

    /** Where the runner keeps this stage's live counters (a {@link MetricsFile}'s); before the runner starts. */
    public StageLink counters(StageCounters counters) {
        this.counters = counters;
        return this;
    }

    /** Whether the stage has finished: nothing more will ever arrive, and everything that did was processed. */
    public boolean isFinished() {
        return finished;
    }

    boolean upstreamFinished() {
        return upstreamFinished.getAsBoolean();
    }

    void markFinished() {
        finished = true;
    }

    /** What a stalled stage is waiting for, for the WARN line and the failure (not on the hot path). */
    String describeStall(long stuckMillis) {
        String waiting = input == null ? "its input holds more than it read"
                : "its input queue '" + input.name() + "' holds " + String.format("%,d", input.backlog())
                + " records beyond its reader (" + input.describePosition() + ")";
        return "stage '" + stage.name() + "' has made no progress for " + String.format("%,d", stuckMillis)
                + " ms although " + waiting;
    }
}
