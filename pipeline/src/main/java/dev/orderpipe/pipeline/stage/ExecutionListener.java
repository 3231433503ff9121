package dev.orderpipe.pipeline.stage;

import dev.orderpipe.pipeline.OrderInfo;

/**
 * Told of every execution report as the egress stage reads it off the executions queue, on the egress stage's
 * thread, with {@link OrderInfo#egressNanos()} set to the moment it was read. The record is reused for the next report:
 * copy what you keep. An implementation runs on the hot path: it must not block or allocate; if it throws, the
 * pipeline stops with that error, named as the egress stage's. The replay's latency recorder is one.
 */
@FunctionalInterface
public interface ExecutionListener {
    void onReport(OrderInfo report);
}
