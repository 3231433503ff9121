package dev.orderpipe.pipeline.session;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.infra.QueueInput;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.integrity.RecordKind;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static dev.orderpipe.pipeline.session.SessionCalendarTest.at;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The calendar's writer on a real {@code orders} queue with a fixed clock the test moves: the events it writes, in
 * order, with one writer's numbering, and nothing written twice across a restart.
 */
class SessionClockTest {
    private static final long WRITER = 1_000_000;

    @Test
    void writesEachBoundaryOnceAndCatchesUpAfterARestart(@TempDir Path dir) {
        AtomicLong now = new AtomicLong(at("2026-11-25T13:00:00Z")); // Wednesday 08:00 in New York: closed
        try (ChronicleQueue orders = Queues.open(dir.resolve("orders"), RollCycles.FAST_DAILY)) {
            try (SessionClock clock = clock(now, orders)) {
                clock.open(); // the first start, outside a session: a close of the implicit session
                assertEquals(List.of("SESSION_CLOSE "), events(orders));
                now.set(at("2026-11-25T14:00:00Z"));
                assertEquals(0, clock.poll());
                now.set(at("2026-11-25T14:30:00Z"));
                assertEquals(1, clock.poll());
                now.set(at("2026-11-25T18:00:00Z"));
                assertEquals(0, clock.poll());
                now.set(at("2026-11-25T21:00:00Z"));
                assertEquals(1, clock.poll());
                now.set(at("2026-11-26T15:00:00Z")); // Thanksgiving: nothing
                assertEquals(0, clock.poll());
                now.set(at("2026-11-27T14:31:00Z"));
                assertEquals(1, clock.poll());
                assertEquals(4, clock.written());
            }
            List<String> friday = List.of("SESSION_CLOSE ", "SESSION_OPEN 20261125", "SESSION_CLOSE 20261125",
                    "SESSION_OPEN 20261127");
            assertEquals(friday, events(orders));

            // a restart during Friday's session writes nothing; one after a weekend down closes Friday, opens Monday
            now.set(at("2026-11-27T15:00:00Z"));
            assertEquals(0, restart(now, orders));
            assertEquals(friday, events(orders));
            now.set(at("2026-11-30T15:00:00Z"));
            assertEquals(2, restart(now, orders));
            List<String> monday = new ArrayList<>(friday);
            monday.addAll(List.of("SESSION_CLOSE 20261127", "SESSION_OPEN 20261130"));
            assertEquals(monday, events(orders));
        }
    }

    private static SessionClock clock(AtomicLong now, ChronicleQueue orders) {
        return new SessionClock(SessionCalendarTest.newYork(), now::get, WRITER, "orders", orders);
    }

    /** A new clock's start at {@code now}: the events it writes to catch up. */
    private static long restart(AtomicLong now, ChronicleQueue orders) {
        try (SessionClock clock = clock(now, orders)) {
            clock.open();
            return clock.written();
        }
    }

    /** The session events on the queue as "ACTION DATE"; each must carry the writer and its next writerSeq. */
    private static List<String> events(ChronicleQueue orders) {
        List<String> events = new ArrayList<>();
        OrderInfo r = new OrderInfo();
        try (QueueInput in = new QueueInput("orders", orders, RecordKind.ORDER).open()) {
            while (in.read(r)) {
                assertEquals(WRITER, r.writerId());
                assertEquals(events.size() + 1, r.writerSeq());
                events.add(r.action() + " " + (r.tradingDate() == 0 ? "" : r.tradingDate()));
            }
        }
        return events;
    }
}
