package dev.orderpipe.replay;

import dev.orderpipe.pipeline.ExitCodes;

/**
 * A replay could not run or finish for a reason the user can act on: a bad capture path, an output directory that
 * already holds a run, a pipeline that stopped accounting for orders. The message is one line that names the problem
 * and the fix; tools print it without a stack trace and exit with {@link #exitCode()}. Made by {@link #usage(String)}
 * or {@link #failure(String)}, so each says which it is.
 */
public final class ReplayException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    private ReplayException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    /** The replay was asked wrongly (a bad path or option, a capture it cannot use): exit {@link ExitCodes#USAGE}. */
    public static ReplayException usage(String message) {
        return new ReplayException(message, ExitCodes.USAGE);
    }

    /** The replay ran and could not finish (a stall, an interrupt): exit {@link ExitCodes#FAILURE}. */
    public static ReplayException failure(String message) {
        return new ReplayException(message, ExitCodes.FAILURE);
    }

    /** {@link ExitCodes#USAGE} or {@link ExitCodes#FAILURE}. */
    public int exitCode() {
        return exitCode;
    }
}
