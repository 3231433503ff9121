package dev.orderpipe.pipeline.infra;

import dev.orderpipe.pipeline.ExitCodes;
import java.util.Locale;

/**
 * Named crash points for deterministic crash tests: with the system property {@code orderpipe.crashAt=POINT:N} the
 * JVM halts ({@link Runtime#halt}, as abruptly as SIGKILL: no shutdown hooks, no flushing) the N-th time the code
 * passes {@code POINT}. A test starts a child pipeline with it, restarts it and compares with an uninterrupted run,
 * so each crash window is covered on every run rather than by chance.
 *
 * <p>The property is read once, when this class initialises. Unarmed, {@link #hit} is a compare of a static final
 * field with a constant: the JIT removes it, so the hot path pays nothing.
 */
public final class CrashPoints {
    /** The system property that arms a crash point: {@code POINT:N}, for example {@code executions-written:1000}. */
    public static final String PROPERTY = "orderpipe.crashAt";

    /** Where the code can be told to crash. The property names them in lower case with dashes. */
    public enum Point {
        /** Right after a record was appended to {@code orders} (between one record's write and the next). */
        ORDERS_WRITTEN,
        /** Right after a record was appended to {@code checked}. */
        CHECKED_WRITTEN,
        /** Right after a report was appended to {@code executions}. */
        EXECUTIONS_WRITTEN,
        /** After a report that is not the last of its input was appended: in the middle of one input's reports. */
        EXECUTIONS_MID_INPUT,
        /** In the middle of writing one line of the executions CSV (half of it is on disk). */
        EGRESS_CSV_LINE,
        /** While risk rebuilds its state from its input after a restart (once per input record re-fed). */
        RISK_REBUILD,
        /** While matching rebuilds its books from its input after a restart (once per input record re-fed). */
        MATCHING_REBUILD,
        /**
         * While a queue creates a new cycle file (first write to a queue, and at every roll): the file exists with a
         * not-complete first header word, before Chronicle completes its header. Counts creations across queues.
         */
        CYCLE_FILE_CREATED,
        /** After each chunk document of a snapshot was appended (risk's and matching's count together). */
        SNAPSHOT_CHUNK,
        /** After a snapshot's last chunk, before its trailer: the snapshot is written but for its checksum. */
        SNAPSHOT_BEFORE_TRAILER,
        /** Right after a snapshot's trailer was appended. */
        SNAPSHOT_WRITTEN,
        /** Retention: right after a queue's new history start was written, before any of its files goes. */
        RETENTION_RECORDED,
        /** Retention: right after a cycle file was deleted or moved, before Chronicle's directory listing is refreshed. */
        RETENTION_FILE_REMOVED,
        /** FIX gateway: right after a request's order was written to {@code orders}, before any report of it. */
        GATEWAY_ORDER_WRITTEN,
        /** FIX gateway: after each stored message sent again in answer to a ResendRequest (mid-resend). */
        GATEWAY_RESENT,
        /** FIX gateway: right after a trading session's end (SESSION_CLOSE or SESSION_OPEN) freed ClOrdIDs. */
        GATEWAY_SESSION_ENDED,
        /** FIX gateway: after an outbound message was numbered and stored, before it is written to the socket. */
        GATEWAY_STORED_NOT_SENT,
        /**
         * FIX gateway: right after the gateway's own answer to an inbound message (a Reject, BusinessMessageReject or
         * OrderCancelReject it decides itself) was stored and sent, before that inbound message is recorded handled.
         */
        GATEWAY_ANSWERED,
        /** Replica: in the middle of writing a record: half of its bytes are in the queue, its header not complete. */
        REPLICA_RECORD_PARTIAL,
        /** Replica: right after a record was written, before the batch it came in was acknowledged. */
        REPLICA_RECORD_WRITTEN,
        /**
         * Replica: a part of a record too large for one message taken, before its last part arrived (nothing of the
         * record written yet).
         */
        REPLICA_PART_RECEIVED,
        /** Replica: in the middle of writing a side file: half of its bytes are in the file beside the old one. */
        REPLICA_SIDE_FILE_PARTIAL,
        /** Replica: right after a side file was renamed over the old one, before it is read back. */
        REPLICA_SIDE_FILE_REPLACED;

        /** The name used in the property. */
        public String propertyName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private static final Point ARMED;
    private static final long AT;
    private static long hits;

    static {
        String spec = System.getProperty(PROPERTY, "").trim();
        Point armed = null;
        long at = 0;
        if (!spec.isEmpty()) {
            int colon = spec.lastIndexOf(':');
            try {
                String name = colon < 0 ? spec : spec.substring(0, colon);
                armed = Point.valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
                at = colon < 0 ? 1 : Long.parseLong(spec.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(PROPERTY + "=" + spec + ": expected POINT:N with POINT one of "
                        + java.util.Arrays.toString(Point.values()).toLowerCase(Locale.ROOT).replace('_', '-'));
            }
            if (at < 1)
                throw new IllegalArgumentException(PROPERTY + "=" + spec + ": N must be 1 or more");
        }
        ARMED = armed;
        AT = at;
    }

    private CrashPoints() {
    }

    /**
     * Halts the JVM if {@code point} is armed and this is its N-th pass. Each point is passed by one thread, except
     * {@link Point#CYCLE_FILE_CREATED} (every writing thread): its count is exact when the writers share a thread.
     */
    public static void hit(Point point) {
        if (point == ARMED && ++hits == AT) {
            System.err.println("orderpipe: crash point " + point.propertyName() + ":" + AT + " reached, halting");
            System.err.flush();
            Runtime.getRuntime().halt(ExitCodes.KILLED);
        }
    }

    /** Whether any crash point is armed (for code that must do extra work only then, never on the hot path). */
    public static boolean armed() {
        return ARMED != null;
    }

    /** Whether {@code point} is the armed one. */
    public static boolean armed(Point point) {
        return ARMED == point;
    }
}
