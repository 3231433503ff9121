package dev.orderpipe.pipeline;

/**
 * A queue holds a record that cannot be read as written (checksum, format, length, a broken header): a user-facing,
 * one-line failure naming the queue, the index and what to do. Nothing after the damage is read as if it were data.
 */
public final class QueueDamagedException extends RuntimeException implements OperatorError {
    private static final long serialVersionUID = 1L;

    private final String queue;
    private final long index;

    /** @param where the index as people read it ({@link Queues#describeIndex}) */
    public QueueDamagedException(String queue, long index, String where, String what) {
        super("queue " + queue + " is damaged at index " + where + ": " + what
                + "; run 'orderpipe verify' on the data directory and restore it from a copy", null, false, false);
        this.queue = queue;
        this.index = index;
    }

    /** The queue's name (or directory). */
    public String queue() {
        return queue;
    }

    /** The index of the first record that could not be read. */
    public long index() {
        return index;
    }
}
