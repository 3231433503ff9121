package dev.orderpipe.gateway;

import dev.orderpipe.pipeline.infra.Queues;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;

/**
 * A Chronicle queue of the gateway's own state ({@link OutboundStore}, {@link RequestJournal}), written and read
 * back by the gateway's thread, with an appender and one tailer.
 */
abstract class StateQueue implements AutoCloseable {
    private final ChronicleQueue queue;
    final ExcerptAppender appender;
    final ExcerptTailer tailer;

    StateQueue(java.nio.file.Path dir, RollCycle rollCycle) {
        queue = Queues.open(dir, rollCycle);
        appender = queue.createAppender();
        tailer = queue.createTailer();
    }

    @Override
    public void close() {
        tailer.close();
        appender.close();
        queue.close();
    }
}
