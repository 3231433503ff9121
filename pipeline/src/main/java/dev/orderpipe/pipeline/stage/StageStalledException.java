package dev.orderpipe.pipeline.stage;

import dev.orderpipe.pipeline.OperatorError;

/**
 * A stage has input waiting and has made no progress for {@code stallTimeoutMs}: the pipeline cannot make progress,
 * and stops with this one-line reason instead of idling forever.
 */
public final class StageStalledException extends RuntimeException implements OperatorError {
    private static final long serialVersionUID = 1L;

    StageStalledException(String message) {
        super(message, null, false, false);
    }
}
