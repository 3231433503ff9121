package dev.orderpipe.pipeline.session;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.api.OrderEntry;
import dev.orderpipe.pipeline.codes.Action;
import net.openhft.chronicle.queue.ChronicleQueue;

import java.util.function.LongSupplier;

/**
 * Writes the session events of a {@link SessionCalendar} into {@code orders} as the clock passes its boundaries,
 * through the order-entry write path ({@link OrderEntry}, one writer id of its own), so they land in sequence with
 * the orders and replay reproduces them. The ingress stage drives it, on its thread, between lines.
 *
 * <p>It brings the queue to the calendar's state, from its own last event (read back at its start, so a restart
 * writes nothing twice): a session the calendar says is open and its last event did not open is opened (after a
 * SESSION_CLOSE of an older session it left open, e.g. over a weekend the pipeline was down); outside a session, a
 * session it left open is closed, and at its very first start a SESSION_CLOSE without a date ends the implicit
 * session. Events of other writers ({@code orderpipe session}) are not its concern: risk accepts each event or
 * rejects it {@code SESSION_STATE}.
 *
 * <p>{@link #poll()} reads the clock and compares it with the next boundary: nothing allocated. Reaching a boundary
 * asks the calendar (java.time, allocating), once a session.
 */
public final class SessionClock implements AutoCloseable {
    private static final byte NONE = 0;
    private static final byte OPEN = 1;
    private static final byte CLOSED = 2;

    private final SessionCalendar calendar;
    private final LongSupplier clockMillis;
    private final long writerId;
    private final String queueName;
    private final ChronicleQueue orders;
    private OrderEntry entry;
    private byte state;
    private long date;
    private long nextChange = Long.MIN_VALUE;
    private long written;

    /**
     * @param clockMillis the time, epoch milliseconds ({@code System::currentTimeMillis}; a test's fixed clock)
     * @param writerId    the writer id its events carry
     */
    public SessionClock(SessionCalendar calendar, LongSupplier clockMillis, long writerId, String queueName,
                        ChronicleQueue orders) {
        this.calendar = calendar;
        this.clockMillis = clockMillis;
        this.writerId = writerId;
        this.queueName = queueName;
        this.orders = orders;
    }

    /** Opens its writer (on the calling thread, which then polls), reads its last event back and catches up. */
    public void open() {
        entry = OrderEntry.on(queueName, orders, writerId);
        OrderInfo last = entry.lastAppended();
        state = last.action() == Action.SESSION_OPEN ? OPEN : last.action() == Action.SESSION_CLOSE ? CLOSED : NONE;
        date = last.tradingDate();
        poll();
    }

    /** Writes the events due by now; returns how many (0 between boundaries). */
    public int poll() {
        long now = clockMillis.getAsLong();
        if (now < nextChange)
            return 0;
        int events = 0;
        long want = calendar.openSessionAt(now);
        if (want != 0) {
            if (state != OPEN || date != want) {
                if (state == OPEN) {
                    entry.closeSession(date);
                    events++;
                }
                entry.openSession(want);
                events++;
                state = OPEN;
                date = want;
            }
        } else if (state != CLOSED) {
            entry.closeSession(state == OPEN ? date : 0);
            events++;
            state = CLOSED;
        }
        nextChange = calendar.nextChange(now);
        written += events;
        return events;
    }

    /** Session events written by this instance. */
    public long written() {
        return written;
    }

    @Override
    public void close() {
        if (entry != null)
            entry.close();
    }
}
