package dev.orderpipe.pipeline.infra;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.stage.SyncPolicy;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;

/**
 * The one way a stage writes {@link OrderInfo} records to its output queue: check the disk guard, append (the record
 * writes its own CRC32C), sync as configured, count, and pass the queue's crash point. Every writing stage gets one,
 * so integrity lives in one place. Allocation-free per write.
 *
 * <p>The appender is created by {@link #open()} on the thread that writes.
 */
public final class QueueOutput implements AutoCloseable {
    private final String name;
    private final ChronicleQueue queue;
    private final DiskSpaceGuard diskGuard;
    private final SyncPolicy syncPolicy;
    private final CrashPoints.Point writtenPoint;
    private ExcerptAppender appender;
    /** Where each record written is handed to the reader of this queue on the same thread, or null. */
    private Handoff handoff;
    private long written;
    /** The index of the last record on the queue when {@link #readLast} was asked, -1 for none. */
    private long lastAtOpen = -1;

    /**
     * @param name         the queue's name, for messages
     * @param diskGuard    stops writing before the disk fills
     * @param syncPolicy   when to msync
     * @param writtenPoint the crash point passed after each write, or null
     */
    public QueueOutput(String name, ChronicleQueue queue, DiskSpaceGuard diskGuard, SyncPolicy syncPolicy,
                       CrashPoints.Point writtenPoint) {
        this.name = name;
        this.queue = queue;
        this.diskGuard = diskGuard;
        this.syncPolicy = syncPolicy;
        this.writtenPoint = writtenPoint;
    }

    /** Creates the appender, on the calling thread. */
    public QueueOutput open() {
        appender = queue.createAppender();
        return this;
    }

    /** Appends {@code record}; throws {@link DiskSpaceGuard.DiskFullException} instead when the disk is nearly full. */
    public void write(OrderInfo record) {
        if (diskGuard.isLow())
            throw diskGuard.stop(name);
        appender.writeBytes(record);
        syncPolicy.afterWrite(appender);
        written++;
        if (handoff != null)
            handoff.put(appender.lastIndexAppended(), record);
        if (writtenPoint != null)
            CrashPoints.hit(writtenPoint);
    }

    /**
     * Hands every record written from now on to the reader of this queue that runs on the writer's thread
     * ({@link QueueInput#takeFrom}), after it is on the queue.
     */
    public QueueOutput handTo(Handoff handoff) {
        this.handoff = handoff;
        return this;
    }

    /**
     * Reads the last record on this output into {@code into} (where a restarted stage resumes), checked.
     *
     * @return its index, or -1 when the queue is empty
     */
    public long readLast(OrderInfo into) {
        lastAtOpen = QueueInput.readLast(name, queue, into);
        return lastAtOpen;
    }

    /**
     * The index of the last record on this output: the last this instance wrote, else the one {@link #readLast}
     * found; -1 for none. Allocation-free.
     */
    public long lastIndex() {
        return written > 0 ? appender.lastIndexAppended() : lastAtOpen;
    }

    /** A reader of this output, for a stage that must look back at what it wrote (not yet opened). */
    public QueueInput reader() {
        return new QueueInput(name, queue);
    }

    /** Records written by this instance. */
    public long written() {
        return written;
    }

    public String name() {
        return name;
    }

    @Override
    public void close() {
        if (appender != null)
            appender.close();
    }
}
