package dev.orderpipe.replay;

import dev.orderpipe.pipeline.OrderInfo;
import net.openhft.chronicle.queue.ExcerptAppender;

/** Appends each order to the driven pipeline's {@code orders} queue, ingressNanos the write time. */
final class QueueSender implements OrderSender {
    private final ExcerptAppender appender;

    QueueSender(ExcerptAppender appender) {
        this.appender = appender;
    }

    @Override
    public void send(OrderInfo r, long seq) {
        r.ingressNanos(System.nanoTime());
        appender.writeBytes(r);
    }

    @Override
    public void close() {
        appender.close();
    }
}
