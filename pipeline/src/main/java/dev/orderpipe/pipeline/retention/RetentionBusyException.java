package dev.orderpipe.pipeline.retention;

import dev.orderpipe.pipeline.OperatorError;

/** Another retention pass holds the data directory's {@value Retention#LOCK_FILE}: one line, no stack trace. */
public final class RetentionBusyException extends RuntimeException implements OperatorError {
    private static final long serialVersionUID = 1L;

    RetentionBusyException(String message) {
        super(message, null, false, false);
    }
}
