package dev.orderpipe.pipeline;

/**
 * A file or directory the user named (on the command line or in the config) cannot be used for what it was given
 * for: it does not exist, is the wrong kind (a file where a directory belongs, a directory that is not a Chronicle
 * queue), is not what it should hold (a run directory without its summary, a corrupt histogram file) or cannot be
 * written. A user's mistake, not a bug: the message is one line naming the path, what is wrong and, where it is not
 * obvious, what to give instead; tools print it without a stack trace.
 *
 * <p>Library code throws {@link IllegalArgumentException} only for arguments a program got wrong; this type is what
 * a wrong path given by a person becomes.
 */
public final class BadFileException extends RuntimeException implements OperatorError {
    private static final long serialVersionUID = 1L;

    public BadFileException(String message) {
        super(message);
    }
}
