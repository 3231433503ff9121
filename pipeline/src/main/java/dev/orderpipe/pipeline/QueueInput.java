package dev.orderpipe.pipeline;

import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.RollingChronicleQueue;

/**
 * The one way orderpipe reads {@link OrderInfo} records off a queue: stages, replay, export, dump, tail and the
 * execution feed all read through it. Each read is checked (length, format, CRC32C, in {@link OrderInfo}); a record
 * that fails stops the reader with a {@link QueueDamagedException} naming the queue and the index, never passed on
 * as data. It also tells "nothing to read yet" from "read to the end of the queue" ({@link #atEnd()}), which is what
 * a stage needs before it may call itself finished.
 *
 * <p>The tailer is created by {@link #open()} on the thread that reads. Allocation-free per read.
 */
public final class QueueInput implements AutoCloseable {
    private final String name;
    private final ChronicleQueue queue;
    private ExcerptTailer tailer;
    private long lastReadIndex = -1;
    private long reading = -1;

    /** @param name the queue's name for messages (orders, checked, executions, or a directory) */
    public QueueInput(String name, ChronicleQueue queue) {
        this.name = name;
        this.queue = queue;
    }

    /** Creates the tailer at the start of the queue, on the calling thread. */
    public QueueInput open() {
        tailer = queue.createTailer().toStart();
        return this;
    }

    /** Creates the tailer at the end of the queue reading backwards (the last record first), on the calling thread. */
    public QueueInput openBackward() {
        tailer = queue.createTailer().direction(TailerDirection.BACKWARD).toEnd();
        return this;
    }

    /**
     * Reads the next record into {@code into} (reset first).
     *
     * @return false when there is no next record (yet)
     * @throws QueueDamagedException when the next record cannot be read as written
     */
    public boolean read(OrderInfo into) {
        ExcerptTailer t = tailer;
        reading = t.index();
        boolean read;
        try {
            read = t.readBytes(into.reset());
        } catch (DamagedRecordException e) {
            throw damaged(reading, e.getMessage());
        } catch (InternalError e) {
            // Chronicle maps a file cut short (truncated) as a SIGBUS, which the JVM raises as an InternalError
            throw damaged(reading, "the queue file ends inside a record (truncated): " + e.getMessage());
        }
        reading = -1;
        if (read)
            lastReadIndex = t.lastReadIndex();
        return read;
    }

    /** The failure for an unreadable record at {@code index}. */
    public QueueDamagedException damaged(long index, String what) {
        return new QueueDamagedException(name, index, Queues.describeIndex(queue, index), what);
    }

    /**
     * Whether the reader has read the last record on the queue (or the queue is empty). {@link #read} returning
     * false says only that no record is readable now; this says nothing more was written. Not for the hot path: it
     * asks the queue for its last index.
     */
    public boolean atEnd() {
        long last = queue.lastIndex();
        return last < 0 || lastReadIndex >= last;
    }

    /**
     * How many records the queue holds beyond the last one read (all of them before the first read). Not for the hot
     * path: it asks the queue for its last index and counts.
     */
    public long backlog() {
        long last = queue.lastIndex();
        if (last < 0 || lastReadIndex >= last)
            return 0;
        if (lastReadIndex >= 0)
            return ((RollingChronicleQueue) queue).countExcerpts(lastReadIndex, last);
        return ((RollingChronicleQueue) queue).countExcerpts(queue.firstIndex(), last) + 1;
    }

    /** The reader's position and the queue's end as people read them, for messages. */
    public String describePosition() {
        return "last read " + Queues.describeIndex(queue, lastReadIndex) + ", the queue's last "
                + Queues.describeIndex(queue, queue.lastIndex());
    }

    /** Index of the last record read, -1 before the first. */
    public long lastReadIndex() {
        return lastReadIndex;
    }

    /**
     * The index being read when a read failed, else the last read one: what an error message should name.
     */
    public long currentIndex() {
        return reading >= 0 ? reading : lastReadIndex;
    }

    /** Positions the reader so that the next read returns the record at {@code index}; false if there is none. */
    public boolean moveTo(long index) {
        return tailer.moveToIndex(index);
    }

    /** Where the next read will be (the tailer's index). */
    public long position() {
        return tailer.index();
    }

    /** The queue read. */
    public ChronicleQueue queue() {
        return queue;
    }

    public String name() {
        return name;
    }

    /**
     * Reads the last record of the queue into {@code into}, checked like any other read.
     *
     * @return its index, or -1 when the queue is empty
     */
    public static long readLast(String name, ChronicleQueue queue, OrderInfo into) {
        try (QueueInput back = new QueueInput(name, queue).openBackward()) {
            return back.read(into) ? back.lastReadIndex() : -1;
        }
    }

    @Override
    public void close() {
        if (tailer != null)
            tailer.close();
    }
}
