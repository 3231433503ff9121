package dev.orderpipe.pipeline.infra;

import dev.orderpipe.pipeline.OperatorError;
import net.openhft.chronicle.core.io.ClosedIllegalStateException;

/**
 * A queue holds a record that cannot be read as written (checksum, format, length, a broken header, a file cut
 * short): a user-facing, one-line failure naming the queue, where (the index, or the byte of a cycle file) and what
 * to do. Nothing after the damage is read as if it were data.
 *
 * <p>A {@linkplain #repairable() repairable} one is a file that may be what a crash leaves and the pipeline repairs
 * when it starts (a newest cycle file left half-created, a missing or half-created {@code metadata.cq4t}): a reader
 * cannot use it as it is, but restoring from a copy may not be needed; {@code orderpipe verify} tells which.
 */
public final class QueueDamagedException extends RuntimeException implements OperatorError {
    private static final long serialVersionUID = 1L;
    /** What the operator does about it. */
    static final String REMEDY = "run 'orderpipe verify' on the data directory and restore it from a copy";
    /** What the operator does about a file that may be a crash's leftover. */
    static final String REPAIR_REMEDY = "run 'orderpipe verify' on the data directory: it tells a crash's leftover,"
            + " which starting the pipeline ('orderpipe run') repairs, from damage to restore from a copy";

    private final String queue;
    private final long index;
    private final String where;
    private final String what;
    private final boolean repairable;

    /**
     * What a failure Chronicle raised while reading a queue's files says about them: a file cut short (Chronicle meets
     * it as a SIGBUS, which the JVM raises as an {@link InternalError}) or a damaged index or header (its tailer throws
     * an {@link IllegalStateException}, "Meta data not ready"). Both are damage to name in one line, not a bug to
     * trace; a queue closed under the reader is neither and is rethrown.
     */
    public static String whatChronicleMet(Throwable e) {
        if (e instanceof ClosedIllegalStateException)
            throw (ClosedIllegalStateException) e;
        return e instanceof InternalError ? "a queue file ends inside the data (cut short): " + e.getMessage()
                : "Chronicle cannot read the queue file's structure (an index or a header is damaged): "
                + e.getMessage();
    }

    /**
     * @param index the index of the first record that cannot be read, or -1 when the damage is not in a record
     * @param where the place as people read it: {@code index 0x... (cycle C, record N)} ({@link Queues#describeIndex}),
     *              with the byte of the cycle file when known
     * @param what  what is wrong there
     */
    public QueueDamagedException(String queue, long index, String where, String what) {
        this(queue, index, where, what, false);
    }

    private QueueDamagedException(String queue, long index, String where, String what, boolean repairable) {
        super("queue " + queue + " is damaged at " + where + ": " + what + "; " + (repairable ? REPAIR_REMEDY : REMEDY),
                null, false, false);
        this.queue = queue;
        this.index = index;
        this.where = where;
        this.what = what;
        this.repairable = repairable;
    }

    /**
     * A file that may be what a crash leaves and the pipeline repairs at start (see the class comment); {@code what}
     * says which and what the repair does.
     */
    public static QueueDamagedException repairable(String queue, String where, String what) {
        return new QueueDamagedException(queue, -1, where, what, true);
    }

    /** Whether starting the pipeline repairs this (when it is what a crash left, which verify tells). */
    public boolean repairable() {
        return repairable;
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
