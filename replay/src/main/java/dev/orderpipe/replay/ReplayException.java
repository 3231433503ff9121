package dev.orderpipe.replay;

/**
 * A replay could not run or finish for a reason the user can act on: a bad capture path, an output directory that
 * already holds a run, a pipeline that stopped accounting for orders. The message is one line that names the problem
 * and the fix; tools print it without a stack trace and exit with {@link #exitCode()}.
 */
public final class ReplayException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** Exit status for a usage error (bad path, bad option). */
    public static final int USAGE = 2;
    /** Exit status for a run that failed. */
    public static final int FAILURE = 1;

    private final int exitCode;

    /** A usage error (exit status 2). */
    public ReplayException(String message) {
        this(message, USAGE);
    }

    public ReplayException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    /** 2 for a usage error, 1 for a run that failed. */
    public int exitCode() {
        return exitCode;
    }
}
