package dev.orderpipe.tools.cli;

import dev.orderpipe.pipeline.ExitCodes;

/**
 * A mistake of the user's (bad file, bad argument): printed as one line, no stack trace, and the command exits with
 * {@link #exitCode()}. Made by {@link #usage(String)} or {@link #failure(String)}, so each says which it is.
 */
public final class UserException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    private UserException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    /** The command was asked wrongly (a bad flag or argument): exit {@link ExitCodes#USAGE}. */
    public static UserException usage(String message) {
        return new UserException(message, ExitCodes.USAGE);
    }

    /** What the command was given cannot be used (a file, a queue, an index): exit {@link ExitCodes#FAILURE}. */
    public static UserException failure(String message) {
        return new UserException(message, ExitCodes.FAILURE);
    }

    /** {@link ExitCodes#USAGE} or {@link ExitCodes#FAILURE}. */
    public int exitCode() {
        return exitCode;
    }
}
