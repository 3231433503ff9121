package dev.orderpipe.pipeline.infra;

import dev.orderpipe.pipeline.OperatorError;

/**
 * A restart that needs records retention removed ({@link HistoryStart}): a stage with no snapshot it can restore
 * would re-feed its whole input, whose start is gone. One line naming the cut and the fix, no stack trace.
 */
public final class HistoryCutException extends RuntimeException implements OperatorError {
    private static final long serialVersionUID = 1L;

    public HistoryCutException(String message) {
        super(message, null, false, false);
    }
}
