package dev.orderpipe.pipeline.stage;

import net.openhft.chronicle.queue.ExcerptAppender;

/**
 * When a writing stage asks Chronicle to msync what it wrote ({@code syncEveryRecords}): never (0, the default:
 * records reach the OS page cache on write and the disk when the kernel writes them back, or when Chronicle releases
 * a mapped chunk under {@code syncMode}), or after every N records, with the queue's {@code syncMode} (SYNC waits for
 * the disk, ASYNC schedules the write). One counter per stage; nothing allocated.
 */
public final class SyncPolicy {
    private final int everyRecords;
    private int sinceSync;

    public SyncPolicy(int everyRecords) {
        this.everyRecords = everyRecords;
    }

    /** Never syncs explicitly. */
    public static SyncPolicy none() {
        return new SyncPolicy(0);
    }

    /** Call after each record appended with {@code appender}. */
    public void afterWrite(ExcerptAppender appender) {
        if (everyRecords > 0 && ++sinceSync >= everyRecords) {
            sinceSync = 0;
            appender.sync();
        }
    }
}
