package dev.orderpipe.replay;

import dev.orderpipe.pipeline.OrderInfo;

/**
 * The orders a {@link ReplayDriver} sends, in send order: a capture ({@code CaptureReader}) for a replay, an
 * in-memory workload for the bench. Opened and read on the sending thread (Chronicle tailers and bytes belong to the
 * thread that uses them), one instance per thread; {@link #next(OrderInfo)} allocates nothing.
 */
public interface RecordSource extends AutoCloseable {
    /** Reads the next record into {@code into}; false at the end. */
    boolean next(OrderInfo into);

    @Override
    void close();
}
