package dev.orderpipe.pipeline.infra;

import dev.orderpipe.pipeline.OperatorError;

/**
 * A queue holds a record that cannot be read as written (checksum, format, length, a broken header, a file cut
 * short): a user-facing, one-line failure naming the queue, where (the index, or the byte of a cycle file) and what
 * to do. Nothing after the damage is read as if it were data.
 */
public final class QueueDamagedException extends RuntimeException implements OperatorError {
    private static final long serialVersionUID = 1L;
    /** What the operator does about it. */
    static final String REMEDY = "run 'orderpipe verify' on the data directory and restore it from a copy";

    private final String queue;
    private final long index;
    private final String where;
    private final String what;

    /**
     * @param index the index of the first record that cannot be read, or -1 when the damage is not in a record
     * @param where the place as people read it: {@code index 0x... (cycle C, record N)} ({@link Queues#describeIndex}),
     *              with the byte of the cycle file when known
     * @param what  what is wrong there
     */
    public QueueDamagedException(String queue, long index, String where, String what) {
        super("queue " + queue + " is damaged at " + where + ": " + what + "; " + REMEDY, null, false, false);
        this.queue = queue;
        this.index = index;
        this.where = where;
        this.what = what;
    }

    /** The queue's name (or directory). */
    public String queue() {
        return queue;
    }

    /** The index of the first record that could not be read, -1 when the damage is outside the records. */
    public long index() {
        return index;
    }

    /** Where the damage is (index and/or byte of a file), without the queue. */
    public String where() {
        return where;
    }

    /** What is wrong there. */
    public String what() {
        return what;
    }
}
