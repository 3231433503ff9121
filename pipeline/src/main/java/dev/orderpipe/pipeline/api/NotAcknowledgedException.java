package dev.orderpipe.pipeline.api;

import dev.orderpipe.pipeline.OperatorError;

/**
 * An order-entry write was not acknowledged by the replicas in time (acknowledged durability,
 * {@code replication.ackedReplicas}): the record is on the primary's queue and may still reach them, but the caller
 * must not report it durable. One line naming the record and what to check.
 */
public final class NotAcknowledgedException extends RuntimeException implements OperatorError {
    private static final long serialVersionUID = 1L;

    NotAcknowledgedException(String message) {
        super(message);
    }
}
