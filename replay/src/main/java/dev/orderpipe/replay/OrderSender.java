package dev.orderpipe.replay;

import dev.orderpipe.pipeline.OrderInfo;

/**
 * Where a {@link ReplayDriver} sends each order at its intended time: the driven pipeline's {@code orders} queue
 * ({@link QueueSender}), or a FIX gateway in front of it ({@link FixRoute}). Made and used on the sending thread;
 * nothing may be allocated per order.
 */
public interface OrderSender extends AutoCloseable {
    /**
     * Sends order {@code seq} (0-based, in send order); the driver has set its writerId, writerSeq and flags.
     *
     * @throws RuntimeException when the order cannot be sent (the driver stops and reports it)
     */
    void send(OrderInfo r, long seq);

    /** Whether everything sent has been answered, so the sending thread may end (a queue: at once). */
    default boolean answered() {
        return true;
    }

    /** Periodic work of a quiet sender (a FIX session's heartbeat); allocation-free. */
    default void idle() {
    }

    @Override
    void close();
}
