package dev.orderpipe.replication;

import dev.orderpipe.pipeline.OperatorError;

/**
 * Replication stopped for a reason the operator must act on: the replica's copy diverges from the primary's, a record
 * arrived damaged, or an address or directory is wrong. One line naming what, where and what to do; no stack trace.
 */
public final class ReplicationException extends RuntimeException implements OperatorError {
    private static final long serialVersionUID = 1L;

    public ReplicationException(String message) {
        super(message);
    }
}
