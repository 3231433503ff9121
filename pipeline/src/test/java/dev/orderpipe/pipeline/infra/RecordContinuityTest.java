package dev.orderpipe.pipeline.infra;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.codes.ExecType;
import dev.orderpipe.pipeline.integrity.RecordKind;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules that put each record in its place ({@link RecordContinuity}), record by record, and how a
 * {@link QueueInput} applies them: from the start of a queue, from the record before where it starts, never backwards,
 * and for good once one broke.
 */
class RecordContinuityTest {
    private static final RollCycle RC = RollCycles.FAST_DAILY;

    private static OrderInfo report(long seq, long source, boolean last) {
        return new OrderInfo().execType(ExecType.NEW).seq(seq).sourceIndex(source)
                .flags(last ? OrderInfo.FLAG_LAST_FOR_INPUT : 0);
    }

    private static OrderInfo checked(long source) {
        return new OrderInfo().sourceIndex(source).riskNanos(1);
    }

    private static OrderInfo order(long writer, long writerSeq) {
        return new OrderInfo().writerId(writer).writerSeq(writerSeq);
    }

    /** Feeds the records and returns the problem of the first one refused, null when all are accepted. */
    private static String feed(RecordContinuity c, OrderInfo... records) {
        for (OrderInfo r : records)
            if (!c.accept(r))
                return c.problem(RC);
        assertNull(c.problem(RC));
        return null;
    }

    @Test
    void reportsAreNumberedOneByOneFromOneWithTheReportsOfEachInputTogether() {
        assertNull(feed(new RecordContinuity(RecordKind.REPORT).startOfQueue(), report(1, 10, false),
                report(2, 10, true), report(3, 11, true), report(4, 13, false), report(5, 13, false),
                report(6, 13, true)));
        assertEquals("the report has seq 2 where 1 comes first (seq must be 1, 2, 3...: reports were lost, repeated"
                + " or reordered)", feed(new RecordContinuity(RecordKind.REPORT).startOfQueue(), report(2, 10, true)));
        assertEquals("the report has seq 4 where 3 comes next (seq must be 1, 2, 3...: reports were lost, repeated"
                        + " or reordered)", feed(new RecordContinuity(RecordKind.REPORT).startOfQueue(),
                report(1, 10, true), report(2, 11, true), report(4, 12, true)));
        assertEquals("the reports of input index 0xa (cycle 0, record 10) end without one flagged last for the input,"
                        + " and this one (seq 2) names input index 0xb (cycle 0, record 11) (reports were lost or"
                        + " reordered)",
                feed(new RecordContinuity(RecordKind.REPORT).startOfQueue(), report(1, 10, false),
                        report(2, 11, true)));
        assertEquals("the report (seq 2) names input index 0xa (cycle 0, record 10), not after input index 0xa"
                        + " (cycle 0, record 10) whose last report came before (reports were repeated or reordered)",
                feed(new RecordContinuity(RecordKind.REPORT).startOfQueue(), report(1, 10, true), report(2, 10, true)));
        assertTrue(feed(new RecordContinuity(RecordKind.REPORT).startOfQueue(), report(1, 10, true),
                report(2, 9, true)).startsWith("the report (seq 2) names input index 0x9 "));
    }

    @Test
    void aReaderThatStartsInTheMiddleExpectsWhatFollowsTheRecordBefore() {
        RecordContinuity c = new RecordContinuity(RecordKind.REPORT).seed(report(41, 7, true));
        assertNull(feed(c, report(42, 8, true)));
        assertTrue(feed(new RecordContinuity(RecordKind.REPORT).seed(report(41, 7, true)), report(43, 8, true))
                .startsWith("the report has seq 43 where 42 comes next"));
        // not seeded and not at the start: the first report read sets the expectation
        assertNull(feed(new RecordContinuity(RecordKind.REPORT), report(900, 5, true), report(901, 6, true)));
    }

    @Test
    void eachCheckedRecordNamesALaterInput() {
        assertNull(feed(new RecordContinuity(RecordKind.CHECKED).startOfQueue(), checked(3), checked(4), checked(9)));
        assertEquals("the record names input index 0x4 (cycle 0, record 4), not after input index 0x4 (cycle 0,"
                        + " record 4) named by the record before (one record per input, in order: records were"
                        + " repeated or reordered)",
                feed(new RecordContinuity(RecordKind.CHECKED).startOfQueue(), checked(3), checked(4), checked(4)));
        assertTrue(feed(new RecordContinuity(RecordKind.CHECKED).startOfQueue(), checked(3), checked(2))
                .startsWith("the record names input index 0x2 "));
    }

    @Test
    void eachWriterNumbersItsOrdersTheFileIngressByLinesThatMaySkip() {
        assertNull(feed(new RecordContinuity(RecordKind.ORDER).startOfQueue(), order(0, 2), order(7, 41), order(0, 5),
                order(8, 0), order(7, 42), order(8, 1), order(0, 6), order(0, 0), order(0, 0), order(0, 9)));
        assertEquals("the record is line 5 of the order file, not after line 5 of the file ingress's record before"
                        + " (records were repeated or reordered)",
                feed(new RecordContinuity(RecordKind.ORDER).startOfQueue(), order(0, 2), order(0, 5), order(0, 5)));
        assertEquals("writer 7's record has writerSeq 44 where 43 comes next (a writer numbers its records one by"
                        + " one: records were lost, repeated or reordered)",
                feed(new RecordContinuity(RecordKind.ORDER).startOfQueue(), order(7, 42), order(0, 3), order(7, 44)));
        assertTrue(feed(new RecordContinuity(RecordKind.ORDER).startOfQueue(), order(7, 42), order(7, 42))
                .startsWith("writer 7's record has writerSeq 42 where 43 comes next"));
    }

    @Test
    void writersBeyondTheTableAreNotFollowedTheFirstOnesStillAre() {
        RecordContinuity c = new RecordContinuity(RecordKind.ORDER).startOfQueue();
        for (int w = 1; w <= RecordContinuity.WRITERS + 1; w++)
            assertTrue(c.accept(order(w, 1)));
        assertTrue(c.accept(order(RecordContinuity.WRITERS + 1, 5)), "not followed: any number");
        assertFalse(c.accept(order(1, 3)), "followed: 2 comes next");
    }

    @Test
    void onceARecordIsRefusedEveryLaterOneIs() {
        RecordContinuity c = new RecordContinuity(RecordKind.CHECKED).startOfQueue();
        assertTrue(c.accept(checked(5)));
        assertFalse(c.accept(checked(5)));
        assertTrue(c.broken());
        assertFalse(c.accept(checked(6)), "the reader stops at the first record out of place");
    }

    @Test
    void aReaderNotToldTheKindTakesItFromTheFirstRecord() {
        assertSame(RecordKind.REPORT, RecordKind.of(report(1, 1, true)));
        assertSame(RecordKind.CHECKED, RecordKind.of(checked(1)));
        assertSame(RecordKind.ORDER, RecordKind.of(order(0, 2)));
        RecordContinuity c = new RecordContinuity(null).startOfQueue();
        assertFalse(c.accept(report(2, 1, true)), "a queue of reports starts at seq 1");
        assertSame(RecordKind.REPORT, c.kind());
    }

    /** A queue of one-second cycles written with a clock the test moves: one file per entry of {@code perCycle}. */
    private static List<Long> write(Path dir, int[] perCycle, long[] seqs) {
        SetTimeProvider clock = new SetTimeProvider(Instant.parse("2024-01-02T10:00:00Z"));
        List<Long> indices = new ArrayList<>();
        try (ChronicleQueue q = SingleChronicleQueueBuilder.binary(dir).rollCycle(TestRollCycles.TEST_SECONDLY)
                .timeProvider(clock).build(); ExcerptAppender a = q.createAppender()) {
            int n = 0;
            for (int count : perCycle) {
                for (int i = 0; i < count; i++, n++) {
                    a.writeBytes(report(seqs[n], 100 + seqs[n], true));
                    indices.add(a.lastIndexAppended());
                }
                clock.advanceMillis(1000);
            }
        }
        return indices;
    }

    @Test
    void aQueueInputMovedToAnIndexChecksItsFirstRecordAgainstTheOneBeforeInAnEarlierCycle(@TempDir Path dir) {
        // seq 1..6 over three files, then 8: the 7th report is missing at the start of the third file
        List<Long> at = write(dir, new int[]{3, 2, 2}, new long[]{1, 2, 3, 4, 5, 8, 9});
        try (ChronicleQueue q = Queues.openExisting(dir)) {
            OrderInfo r = new OrderInfo();
            try (QueueInput in = new QueueInput("executions", q, RecordKind.REPORT).open()) {
                assertTrue(in.moveTo(at.get(3)), "the first record of the second file");
                assertTrue(in.read(r));
                assertEquals(4, r.seq());
                assertTrue(in.read(r));
                QueueDamagedException e = assertThrows(QueueDamagedException.class, () -> in.read(r));
                assertEquals(at.get(5), e.index());
                assertTrue(e.getMessage().contains("the report has seq 8 where 6 comes next"), e.getMessage());
                assertSame(e, assertThrows(QueueDamagedException.class, () -> in.read(r)), "stopped for good");
                assertEquals(at.get(5), in.currentIndex(), "what a stage names");
            }
            try (QueueInput in = new QueueInput("executions", q, RecordKind.REPORT).open()) {
                assertTrue(in.moveTo(at.get(5)));
                QueueDamagedException e = assertThrows(QueueDamagedException.class, () -> in.read(r));
                assertTrue(e.getMessage().contains("the report has seq 8 where 6 comes next"), e.getMessage());
            }
            try (QueueInput in = new QueueInput("executions", q, RecordKind.REPORT).open()) {
                assertTrue(in.moveTo(at.get(0)), "the queue's first record: seq 1 comes first");
                assertTrue(in.read(r));
            }
            // backward reads look back from the end unchecked; readers that start at the end expect what follows
            assertEquals(at.get(6), QueueInput.readLast("executions", q, r));
            assertEquals(9, r.seq());
        }
    }

    @Test
    void aQueueInputOpenedAtTheEndChecksWhatIsAppendedAfterTheLastRecord(@TempDir Path dir) {
        write(dir, new int[]{2}, new long[]{1, 2});
        try (ChronicleQueue q = Queues.open(dir, TestRollCycles.TEST_SECONDLY);
             QueueInput in = new QueueInput("executions", q, RecordKind.REPORT).openAtEnd();
             ExcerptAppender a = q.createAppender()) {
            OrderInfo r = new OrderInfo();
            assertFalse(in.read(r));
            assertTrue(in.atEnd());
            a.writeBytes(report(3, 103, true));
            assertTrue(in.read(r));
            assertEquals(3, r.seq());
            a.writeBytes(report(3, 104, true));
            QueueDamagedException e = assertThrows(QueueDamagedException.class, () -> in.read(r));
            assertTrue(e.getMessage().startsWith("queue executions is damaged at index 0x"), e.getMessage());
            assertTrue(e.getMessage().contains("the report has seq 3 where 4 comes next"), e.getMessage());
            assertEquals(a.lastIndexAppended(), e.index());
        }
    }
}
