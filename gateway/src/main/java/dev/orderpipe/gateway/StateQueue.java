package dev.orderpipe.gateway;

import dev.orderpipe.pipeline.infra.DiskSpaceGuard;
import dev.orderpipe.pipeline.infra.Queues;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;

/**
 * A Chronicle queue of the gateway's own state ({@link OutboundStore}, {@link RequestJournal}), written and read
 * back by the gateway's thread, with an appender and one tailer. Each append first checks the disk: below the floor
 * ({@link #floorBytes}) the gateway stops rather than write into pages the disk cannot back (a SIGBUS there left a
 * damaged message in its store, which broke the session's resends for good).
 */
abstract class StateQueue implements AutoCloseable {
    private final ChronicleQueue queue;
    private final DiskSpaceGuard guard;
    final ExcerptAppender appender;
    final ExcerptTailer tailer;

    StateQueue(java.nio.file.Path dir, RollCycle rollCycle, DiskSpaceGuard guard) {
        this.guard = guard;
        queue = Queues.open(dir, rollCycle);
        appender = queue.createAppender();
        tailer = queue.createTailer();
    }

    /** The free space below which the gateway writes nothing of its own: a quarter of the guard's minimum. */
    static long floorBytes(DiskSpaceGuard guard) {
        return guard.minFreeBytes() / 4;
    }

    /** Throws, writing nothing, when the disk is below the floor. Allocation-free unless it throws. */
    final void requireRoom() {
        if (guard.freeBytes() < floorBytes(guard))
            throw new DiskSpaceGuard.DiskFullException("gateway stopped before the disk filled: its files have "
                    + (guard.freeBytes() >> 20) + " MB free, below a quarter of minFreeDiskMb "
                    + (guard.minFreeBytes() >> 20) + "; everything it stored is whole: free space and start it again");
    }

    @Override
    public void close() {
        tailer.close();
        appender.close();
        queue.close();
    }
}
