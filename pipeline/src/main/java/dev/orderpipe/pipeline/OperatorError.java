package dev.orderpipe.pipeline;

/**
 * Marks an exception that stops orderpipe for a reason the operator must act on (a damaged queue, a full disk, a
 * rewritten input file), not a bug: its message is one complete line naming what, where and what to do, and it is
 * reported without a stack trace.
 */
public interface OperatorError {
}
