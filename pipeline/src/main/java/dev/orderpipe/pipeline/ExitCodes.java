package dev.orderpipe.pipeline;

import dev.orderpipe.pipeline.infra.CrashPoints;

/**
 * The exit codes of orderpipe's commands, in one place: the command line returns them, and the libraries that decide
 * one (a replay whose executions differ, a comparison worse than allowed, a halt at a crash point) name them here.
 */
public final class ExitCodes {
    /** The command did what it was asked. */
    public static final int OK = 0;
    /**
     * The command ran and failed: a run that stopped, a file or queue that cannot be used, a replay whose executions
     * differ from the capture's, a comparison worse than allowed.
     */
    public static final int FAILURE = 1;
    /** The command was asked wrongly: a bad flag or argument. */
    public static final int USAGE = 2;
    /**
     * {@code orderpipe verify}: no record is damaged, but a queue is as a crash left it (a newest cycle file or a
     * {@code metadata.cq4t} half-created) or lacks its {@code metadata.cq4t}: starting the pipeline repairs that, and
     * the other tools refuse the queue until then.
     */
    public static final int NEEDS_REPAIR = 3;
    /** A halt at an armed crash point ({@link CrashPoints}): what a shell reports for a process killed by SIGKILL. */
    public static final int KILLED = 137;

    private ExitCodes() {
    }
}
