package dev.orderpipe.pipeline.infra;

import dev.orderpipe.pipeline.OrderInfo;

/**
 * The records a stage has just appended to its output queue, handed to the next stage on the same thread so that it
 * need not read them back from the queue: a {@link QueueOutput} puts each record after Chronicle has appended it, with
 * its index, and the {@link QueueInput} of the stage that reads that queue takes it from here instead of from its
 * tailer when it is the very record its tailer would read next. Both stages must run on one thread (one stage group):
 * it is not thread-safe.
 *
 * <p>What the reader gets is what it would have read: a record is put only once it is on the queue, and taken only
 * when its index is the one right after the reader's last ({@link #take}); anything else (the ring overflowed, the
 * queue rolled to a new cycle, a record written by another writer came between) sends the reader to its tailer,
 * which reads the queue from where it stands. The checks of a read from the file (length, format, CRC32C) guard
 * against damage on the way through the file, which a record taken here never made; the order check
 * ({@link RecordContinuity}) is applied to it like to any other.
 *
 * <p>A fixed ring of reused records: nothing is allocated after construction. When the writer gets more than
 * its capacity of records ahead of the reader the oldest are dropped, and the reader reads those from the queue.
 */
public final class Handoff {
    private final OrderInfo[] records;
    private final long[] indexes;
    private final int mask;
    /** The next put goes to {@code head & mask}; the next take looks at {@code tail & mask}. */
    private long head;
    private long tail;
    private long taken;

    /** @param capacity records held at most, rounded up to a power of two */
    public Handoff(int capacity) {
        int size = Integer.highestOneBit(Math.max(2, capacity) - 1) << 1;
        records = new OrderInfo[size];
        indexes = new long[size];
        for (int i = 0; i < size; i++)
            records[i] = new OrderInfo();
        mask = size - 1;
    }

    /** After {@code record} was appended at {@code index}: keeps a copy (the oldest goes when the ring is full). */
    void put(long index, OrderInfo record) {
        int i = (int) (head & mask);
        records[i].copyFrom(record);
        indexes[i] = index;
        head++;
        if (head - tail > records.length)
            tail = head - records.length;
    }

    /** What {@link #take} found. */
    static final int TAKEN = 1, EMPTY = 0, ELSEWHERE = -1;

    /**
     * Copies into {@code into} the record appended right after {@code after}, when it is the oldest held: records at
     * or before {@code after} (read from the queue meanwhile) are dropped first.
     *
     * @param after the index of the reader's last record, -1 when it has none or has been moved
     * @return {@link #TAKEN}; {@link #EMPTY} when nothing is held; {@link #ELSEWHERE} when the next record is not
     *     here (the reader reads it from the queue)
     */
    int take(long after, OrderInfo into) {
        while (tail < head) {
            int i = (int) (tail & mask);
            long index = indexes[i];
            if (after >= 0 && index <= after) {
                tail++; // read from the queue already
                continue;
            }
            // the next record of the same cycle: Chronicle numbers a cycle's records one by one
            if (after < 0 || index != after + 1)
                return ELSEWHERE;
            into.copyFrom(records[i]);
            tail++;
            taken++;
            return TAKEN;
        }
        return EMPTY;
    }

    /** The index of the record the last {@link #take} returned. */
    long takenIndex() {
        return indexes[(int) ((tail - 1) & mask)];
    }

    /** Records put since construction. */
    public long putCount() {
        return head;
    }

    /** Records taken since construction: the reads that did not go through the queue. */
    public long takenCount() {
        return taken;
    }
}
