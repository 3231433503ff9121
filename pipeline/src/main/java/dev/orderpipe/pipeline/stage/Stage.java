package dev.orderpipe.pipeline.stage;

/**
 * One step of the pipeline, run by a {@link StageRunner} thread together with the other stages of its group.
 * The same idea as Agrona's {@code Agent}: {@link #doWork()} does a bounded amount of work and says how much.
 *
 * <p>Lifecycle, all on the runner's thread: {@link #open()} once, {@link #doWork()} until stopped, {@link #close()}.
 * Queue appenders and tailers are created in {@code open()} so they belong to the thread that uses them. When a stage
 * is finished is the runner's business ({@link StageLink}): it asks the stage only for {@link #atEndOfInput()}.
 */
public interface Stage {
    /** Most input records a queue stage processes per {@link #doWork()} call, so stages sharing a thread keep pace. */
    int MAX_RECORDS_PER_CALL = 64;

    /** Name in config, logs and errors: ingress, risk, matching, egress. */
    String name();

    /** Creates thread-bound resources (tailers, appenders) and finds where to resume. */
    void open();

    /**
     * Does a bounded amount of work.
     *
     * @return how much was done; 0 means idle, which lets the runner's pauser back off
     */
    int doWork();

    /**
     * The position of the input record being (or last) processed, for error messages and for telling progress from
     * a stall; -1 if none yet.
     */
    long inputIndex();

    /**
     * Whether the stage has consumed everything its input holds now (a queue read to its last index, an order file
     * read to its current end). Asked only when the stage is idle, never per message. A stage that found nothing to
     * read but is not at the end of its input is stuck, not finished.
     */
    boolean atEndOfInput();

    /** Releases thread-bound resources. */
    void close();
}
