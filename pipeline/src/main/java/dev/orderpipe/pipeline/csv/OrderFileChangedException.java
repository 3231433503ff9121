package dev.orderpipe.pipeline.csv;

import dev.orderpipe.pipeline.OperatorError;

/**
 * The order file is no longer the file being read or already ingested: a followed file truncated, rewritten, removed
 * or replaced, or a resumed file that ends before the line already ingested. A user-facing, one-line failure naming
 * the file, the byte offset and what to do; nothing of the changed file is decoded as if it continued the old one.
 */
public final class OrderFileChangedException extends RuntimeException implements OperatorError {
    private static final long serialVersionUID = 1L;

    OrderFileChangedException(String message) {
        super(message, null, false, false);
    }
}
