package dev.orderpipe.pipeline.infra;

import dev.orderpipe.pipeline.DamagedRecordException;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.integrity.QueueVerifier;
import dev.orderpipe.pipeline.integrity.RecordKind;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.RollingChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The one way orderpipe reads {@link OrderInfo} records off a queue: stages, replay, export, dump, tail and the
 * execution feed all read through it. Each read is checked (length, format, CRC32C, in {@link OrderInfo}); a record
 * that fails stops the reader with a {@link QueueDamagedException} naming the queue and the index, never passed on
 * as data. It also tells "nothing to read yet" from "read to the end of the queue" ({@link #atEnd()}), which is what
 * a stage needs before it may call itself finished, and what {@link #readOrEnd} uses so that a reader that stops
 * (export, dump, replay, a feed) never stops short of the end without saying so. A file cut short, which Chronicle
 * meets as a SIGBUS (an {@link InternalError}), is named like any other damage; the tools check the files before they
 * read ({@link dev.orderpipe.pipeline.integrity.QueueVerifier}), so that is a last line of defence.
 *
 * <p>A forward reader also checks that each record is in its place ({@link RecordContinuity}: seq, the sourceIndex
 * chain, each writer's numbering): a record intact on its own but out of place (a cycle file lost or exchanged with
 * another, a record copied over another) stops it with a {@link QueueDamagedException} naming the queue, the index,
 * what was expected and what was found. A reader that starts in the middle ({@link #moveTo}, {@link #openAtEnd}) takes
 * its expectation from the record before its start. After a failure every read throws it again: nothing behind it
 * is read as data. Backward reads (a short look back from the end) are not checked.
 *
 * <p>A stage that reads the queue the stage before it on the same thread writes takes each record that stage has just
 * appended from their {@link Handoff} instead of reading it back ({@link #takeFrom}): the same record, with the same
 * index and the same order check, without the cost of a read. Its tailer then stays where it was, and is moved up
 * only when a record is not in the handoff (see there).
 *
 * <p>The tailer is created by {@link #open()} on the thread that reads. Allocation-free per read.
 */
public final class QueueInput implements AutoCloseable {
    private final String name;
    private final ChronicleQueue queue;
    private final RecordKind kind;
    private ExcerptTailer tailer;
    /** The order check of a forward reader, null for a backward one. */
    private RecordContinuity continuity;
    /** The damage that stopped this reader; every later read throws it again. */
    private QueueDamagedException failure;
    private long lastReadIndex = -1;
    /** The reader has read, or been positioned past, every record up to this index (for {@link #atEnd()}). */
    private long readThrough = -1;
    private long reading = -1;
    /** The record the queue's first one follows, null for a queue that starts afresh ({@link #startAfter}). */
    private OrderInfo startAfter;
    /** Where the writer before this reader on the same thread hands over what it appends, or null. */
    private Handoff handoff;
    /** The index the next record taken from the handoff must follow: the last read, -1 after a move. */
    private long expectAfter = -1;
    /** Records were taken from the handoff since the tailer last read: the tailer stands before them. */
    private boolean tailerBehind;
    /** The queue holds a record beyond what was read that the handoff did not have: read from the tailer next. */
    private boolean resync;

    /**
     * A reader of a queue whose kind it takes from the first record ({@link RecordKind#of}): for a tool
     * given a directory.
     *
     * @param name the queue's name for messages (orders, checked, executions, or a directory)
     */
    public QueueInput(String name, ChronicleQueue queue) {
        this(name, queue, null);
    }

    /**
     * @param name the queue's name for messages (orders, checked, executions, or a directory)
     * @param kind what the queue holds, which decides the order checks; null to take it from the first record
     */
    public QueueInput(String name, ChronicleQueue queue, RecordKind kind) {
        this.name = name;
        this.queue = queue;
        this.kind = kind;
    }

    /** Creates the tailer at the start of the queue, on the calling thread. */
    public QueueInput open() {
        HistoryStart history = history();
        try {
            tailer = queue.createTailer().toStart();
            // after retention: files a crash left before the history's start are not read (the next pass removes them)
            if (history != null && tailer.index() < history.firstIndex())
                tailer.moveToIndex(history.firstIndex());
        } catch (InternalError | IllegalStateException e) {
            throw cutShort(queue.firstIndex(), e);
        }
        continuity = new RecordContinuity(kind);
        if (startAfter != null)
            continuity.seed(startAfter);
        else
            continuity.startAt(history);
        moved();
        return this;
    }

    /**
     * Makes the reader take the records the writer of this queue on the same thread appends from {@code handoff}
     * rather than read them back ({@link Handoff}). Only for a reader on the thread of that writer.
     */
    public QueueInput takeFrom(Handoff handoff) {
        this.handoff = handoff;
        return this;
    }

    /** The tailer was placed anew: the next record taken from the handoff must follow what the tailer reads. */
    private void moved() {
        expectAfter = -1;
        tailerBehind = false;
        resync = false;
    }

    /**
     * Makes {@link #open()} check the queue's first record as the one after {@code before} rather than as a queue's
     * first: a queue that continues another's (a pipeline seeded with another directory's state, whose first report's
     * seq follows that directory's last). Call before {@link #open()}.
     */
    public QueueInput startAfter(OrderInfo before) {
        this.startAfter = before;
        return this;
    }

    /** Where the queue's history starts after retention ({@link HistoryStart}), null when it was never cut. */
    private HistoryStart history() {
        return HistoryStart.read(queue.file().toPath());
    }

    /** The first index of the queue's history when retention cut it ({@link HistoryStart}), else -1. */
    public long historyStart() {
        HistoryStart history = history();
        return history == null ? -1 : history.firstIndex();
    }

    /** Creates the tailer at the end of the queue reading backwards (the last record first), on the calling thread. */
    public QueueInput openBackward() {
        try {
            tailer = queue.createTailer().direction(TailerDirection.BACKWARD).toEnd();
        } catch (InternalError | IllegalStateException e) {
            throw cutShort(-1, e);
        }
        return this;
    }

    /**
     * Creates the tailer after the last record of the queue (the next read returns the next record appended), on the
     * calling thread: the records before count as read for {@link #atEnd()}.
     */
    public QueueInput openAtEnd() {
        continuity = new RecordContinuity(kind);
        OrderInfo last = new OrderInfo();
        long lastIndex = readLast(name, queue, last);
        try {
            tailer = queue.createTailer();
            if (lastIndex < 0) {
                tailer.toStart(); // nothing written yet: the next record is the queue's first
                continuity.startOfQueue();
                return this;
            }
            // after the record the expectation is taken from, whatever was appended since: no record is missed
            if (!tailer.moveToIndex(lastIndex) || !tailer.readBytes(last.reset()))
                throw damaged(lastIndex, "the queue's last record cannot be read again");
        } catch (InternalError | IllegalStateException e) {
            throw cutShort(lastIndex, e);
        }
        continuity.seed(last);
        readThrough = lastIndex;
        moved();
        expectAfter = lastIndex;
        return this;
    }

    /**
     * Reads the next record into {@code into}, every field of it overwritten (from the queue, or from the
     * {@link Handoff} when it holds the record).
     *
     * @return false when there is no next record (yet); {@code into} is then not to be used
     * @throws QueueDamagedException when the next record cannot be read as written
     */
    public boolean read(OrderInfo into) {
        if (failure != null)
            throw failure;
        if (handoff != null && !resync) {
            int found = handoff.take(expectAfter, into);
            if (found == Handoff.TAKEN)
                return taken(handoff.takenIndex(), into);
            if (found == Handoff.EMPTY && tailerBehind)
                return false; // the one writer appended nothing since
        }
        if (tailerBehind)
            catchUp();
        ExcerptTailer t = tailer;
        reading = t.index();
        boolean read;
        try {
            read = t.readBytes(into.reset());
        } catch (DamagedRecordException e) {
            throw fail(reading, e.getMessage());
        } catch (InternalError | IllegalStateException e) {
            throw fail(cutShort(reading, e));
        }
        if (!read) {
            reading = -1;
            return false;
        }
        long index = t.lastReadIndex();
        if (continuity != null && !continuity.accept(into)) {
            reading = index;
            throw fail(index, continuity.problem(queue.rollCycle()));
        }
        reading = -1;
        lastReadIndex = index;
        readThrough = index;
        expectAfter = index;
        return true;
    }

    /** {@code into} came from the handoff: the order check, as for a record read. */
    private boolean taken(long index, OrderInfo into) {
        if (continuity != null && !continuity.accept(into)) {
            reading = index;
            throw fail(index, continuity.problem(queue.rollCycle()));
        }
        lastReadIndex = index;
        readThrough = index;
        expectAfter = index;
        tailerBehind = true;
        return true;
    }

    /** Moves the tailer past the last record, which was taken from the handoff: the next read is the one after it. */
    private void catchUp() {
        long at = lastReadIndex;
        try {
            if (!tailer.moveToIndex(at))
                throw fail(at, "the record read last is not on the queue any more");
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent())
                    throw fail(at, "the record read last cannot be read again");
            }
        } catch (InternalError | IllegalStateException e) {
            throw fail(cutShort(at, e));
        }
        tailerBehind = false;
        resync = false;
    }

    private QueueDamagedException fail(long index, String what) {
        return fail(damaged(index, what));
    }

    private QueueDamagedException fail(QueueDamagedException e) {
        failure = e;
        return e;
    }

    /**
     * Reads the next record like {@link #read}, for a reader that must not stop short of the end (export, dump,
     * replay, a feed): false only when the reader has read the queue's last record. When nothing can be read although
     * the queue's last index lies beyond what was read (a record header zeroed, a file cut short, which Chronicle
     * takes for "nothing written yet"), it throws {@link QueueDamagedException} naming the first index it cannot read.
     * A record a live writer appends meanwhile is read, not taken for damage: Chronicle completes a record's header
     * before it moves the queue's last index, so a second read after seeing the last index must succeed. Not for the
     * hot path of a stage that polls (it asks for the last index whenever nothing is readable).
     */
    public boolean readOrEnd(OrderInfo into) {
        if (read(into))
            return true;
        long last = lastIndex();
        if (last < 0 || readThrough >= last)
            return false;
        resync = tailerBehind; // not in the handoff: from the queue
        if (read(into))
            return true;
        throw fail(tailer.index(), "no record can be read here although the queue's last index is "
                + Queues.describeIndex(queue, last) + ": a record header is damaged or a queue file was cut short");
    }

    private long lastIndex() {
        try {
            return queue.lastIndex();
        } catch (InternalError | IllegalStateException e) {
            throw cutShort(-1, e);
        }
    }

    /** The failure for what Chronicle met reading the files ({@link QueueDamagedException#whatChronicleMet}). */
    private QueueDamagedException cutShort(long index, Throwable e) {
        String what = QueueDamagedException.whatChronicleMet(e);
        if (index < 0)
            return new QueueDamagedException(name, -1, "its end", what);
        return damaged(index, what);
    }

    /** The failure for an unreadable record at {@code index}. */
    public QueueDamagedException damaged(long index, String what) {
        return new QueueDamagedException(name, index, "index " + Queues.describeIndex(queue, index), what);
    }

    /**
     * Whether the reader has read the last record on the queue (or the queue is empty). {@link #read} returning
     * false says only that no record is readable now; this says nothing more was written. Not for the hot path: it
     * asks the queue for its last index.
     */
    public boolean atEnd() {
        long last = lastIndex();
        if (last < 0 || readThrough >= last)
            return true;
        resync = tailerBehind; // a record beyond the last read that the handoff does not hold: the tailer reads it
        return false;
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

    /**
     * Positions the reader so that the next read returns the record at {@code index}; false if there is none. The
     * order check then expects what follows the record before {@code index} (read backwards once, checksum checked).
     * Chronicle gets there through its index, which it trusts: the entries it follows are checked first
     * ({@link QueueVerifier#checkIndexTo}, a read of the cycle file up to the record), so that an entry pointing at
     * another record (which the order check may not see: the record before would be read through the same entry) is
     * named rather than read as the record at {@code index}.
     *
     * @throws QueueDamagedException when the index leads elsewhere, or the record cannot be read
     */
    public boolean moveTo(long index) {
        QueueVerifier.checkIndexTo(name, queue.file().toPath(), queue.rollCycle(), index);
        return moveChecked(index);
    }

    /**
     * {@link #moveTo} for a reader that resumes at {@code index} and reads on to the end (a restored stage, egress at
     * a restart): Chronicle's index is checked from the record before {@code index} to the end of its cycle file
     * ({@link QueueVerifier#checkIndexToResume}), so the cost is the records the reader reads anyway, not the history
     * before them.
     *
     * @throws QueueDamagedException when the index leads elsewhere, or the record cannot be read
     */
    public boolean resumeAt(long index) {
        QueueVerifier.checkIndexToResume(name, queue.file().toPath(), queue.rollCycle(), index);
        return moveChecked(index);
    }

    private boolean moveChecked(long index) {
        boolean there;
        try {
            there = tailer.moveToIndex(index);
        } catch (InternalError | IllegalStateException e) {
            throw cutShort(index, e);
        }
        moved();
        if (there && continuity != null)
            seedBefore(index);
        return there;
    }

    /** Takes the order check's expectation from the record before {@code index}, or the queue's start if none. */
    private void seedBefore(long index) {
        OrderInfo before = new OrderInfo();
        try (QueueInput back = new QueueInput(name, queue)) {
            try {
                back.tailer = queue.createTailer().direction(TailerDirection.BACKWARD);
                if (!back.tailer.moveToIndex(index))
                    throw damaged(index, "the record cannot be read backwards");
            } catch (InternalError | IllegalStateException e) {
                throw cutShort(index, e);
            }
            // the record at index, then the one before it
            if (back.read(before) && back.read(before))
                continuity.seed(before);
            else
                continuity.startAt(history());
        }
    }

    /** Where the next read will be (the tailer's index). */
    public long position() {
        if (tailerBehind)
            catchUp();
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
