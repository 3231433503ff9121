package dev.orderpipe.replay;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.infra.QueueOutput;

/**
 * Appends each order to the driven pipeline's {@code orders} queue through the stages' one write path
 * ({@link QueueOutput}: its disk guard stops the sender before the disk fills, as it stops the stages), ingressNanos
 * the write time.
 */
final class QueueSender implements OrderSender {
    private final QueueOutput output;

    QueueSender(QueueOutput output) {
        this.output = output;
    }

    @Override
    public void send(OrderInfo r, long seq) {
        output.write(r.ingressNanos(System.nanoTime()));
    }

    @Override
    public void close() {
        output.close();
    }
}
