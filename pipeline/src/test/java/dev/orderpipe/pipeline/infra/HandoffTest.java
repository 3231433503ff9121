package dev.orderpipe.pipeline.infra;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.codes.ExecType;
import dev.orderpipe.pipeline.integrity.RecordKind;
import dev.orderpipe.pipeline.stage.SyncPolicy;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reader that takes what the writer on its thread appends from their {@link Handoff} reads exactly what a reader of
 * the queue reads: every record, once, in the queue's order, with the queue's indexes, whatever the handoff missed
 * (it overflowed, another writer's record came between, the queue rolled to a new cycle, the reader was moved).
 */
class HandoffTest {
    private static final int WRITER = 7;
    private static final int OTHER_WRITER = 8;

    private static OrderInfo order(int writer, long writerSeq) {
        return new OrderInfo().orderId(writerSeq * 10 + writer).account(3).symbol(4).price(100).quantity(5)
                .writerId(writer).writerSeq(writerSeq);
    }

    private static QueueOutput output(ChronicleQueue queue, DiskSpaceGuard guard) {
        return new QueueOutput("orders", queue, guard, SyncPolicy.none(), null).open();
    }

    /** A queue in {@code dir}, a writer handing over what it appends and a reader taking it, on this thread. */
    private static final class Link implements AutoCloseable {
        final Handoff handoff;
        final ChronicleQueue queue;
        final DiskSpaceGuard guard;
        final QueueOutput out;
        final QueueInput in;

        Link(Path dir, int capacity) {
            this(dir, capacity, Queues.open(dir, RollCycles.FAST_DAILY), "orders", RecordKind.ORDER);
        }

        Link(Path dir, int capacity, ChronicleQueue queue, String name, RecordKind kind) {
            this.handoff = new Handoff(capacity);
            this.queue = queue;
            this.guard = new DiskSpaceGuard(dir, 0);
            this.out = new QueueOutput(name, queue, guard, SyncPolicy.none(), null).open().handTo(handoff);
            this.in = new QueueInput(name, queue, kind).open().takeFrom(handoff);
        }

        @Override
        public void close() {
            in.close();
            out.close();
            guard.close();
            queue.close();
        }
    }

    /** Every record of the queue as a plain reader reads it: {index, writerId, writerSeq}. */
    private static List<long[]> queueContent(ChronicleQueue queue) {
        List<long[]> all = new ArrayList<>();
        OrderInfo r = new OrderInfo();
        try (QueueInput in = new QueueInput("orders", queue, RecordKind.ORDER).open()) {
            while (in.readOrEnd(r))
                all.add(new long[]{in.lastReadIndex(), r.writerId(), r.writerSeq()});
        }
        return all;
    }

    /** Reads until nothing is readable, adding {index, writerId, writerSeq} of each record to {@code into}. */
    private static void drain(QueueInput in, List<long[]> into) {
        OrderInfo r = new OrderInfo();
        while (in.read(r)) {
            assertEquals(r.writerSeq() * 10 + r.writerId(), r.orderId(), "every field comes with the record");
            into.add(new long[]{in.lastReadIndex(), r.writerId(), r.writerSeq()});
        }
    }

    private static void assertSameRecords(List<long[]> expected, List<long[]> actual) {
        assertEquals(expected.size(), actual.size(), "records read");
        for (int i = 0; i < expected.size(); i++)
            assertEquals(List.of(expected.get(i)[0], expected.get(i)[1], expected.get(i)[2]),
                    List.of(actual.get(i)[0], actual.get(i)[1], actual.get(i)[2]), "record " + i);
    }

    @Test
    void theRecordsWrittenAreTakenFromTheHandoffWithTheQueuesIndexes(@TempDir Path dir) {
        List<long[]> read = new ArrayList<>();
        try (Link link = new Link(dir, 64)) {
            long seq = 0;
            for (int call = 0; call < 100; call++) {
                for (int i = 0; i < 1 + call % 40; i++)
                    link.out.write(order(WRITER, ++seq));
                drain(link.in, read);
            }
            assertSameRecords(queueContent(link.queue), read);
            // the first comes from the queue (the reader has no record before it yet), every other from the handoff
            assertEquals(seq - 1, link.handoff.takenCount());
            assertEquals(seq, link.handoff.putCount());
            assertTrue(link.in.atEnd());
        }
    }

    @Test
    void whatTheHandoffDroppedIsReadFromTheQueue(@TempDir Path dir) {
        List<long[]> read = new ArrayList<>();
        try (Link link = new Link(dir, 8)) {
            long seq = 0;
            link.out.write(order(WRITER, ++seq));
            drain(link.in, read);
            for (int call = 0; call < 50; call++) {
                for (int i = 0; i < 1 + call % 20; i++) // up to 20 a call: more than the handoff holds
                    link.out.write(order(WRITER, ++seq));
                drain(link.in, read);
            }
            assertSameRecords(queueContent(link.queue), read);
            long taken = link.handoff.takenCount();
            assertTrue(taken > 0 && taken < seq - 1, "some taken, the ones dropped read: " + taken + " of " + seq);
        }
    }

    @Test
    void aRecordOfAnotherWriterIsReadInItsPlace(@TempDir Path dir) {
        List<long[]> read = new ArrayList<>();
        try (Link link = new Link(dir, 64);
             QueueOutput other = output(link.queue, link.guard)) {
            long seq = 0;
            long otherSeq = 0;
            link.out.write(order(WRITER, ++seq));
            drain(link.in, read);
            for (int call = 0; call < 30; call++) {
                link.out.write(order(WRITER, ++seq));
                if (call % 3 == 0)
                    other.write(order(OTHER_WRITER, ++otherSeq)); // between two of the handed ones
                link.out.write(order(WRITER, ++seq));
                drain(link.in, read);
            }
            // the other writer's record last: nothing of the handoff's comes after it
            other.write(order(OTHER_WRITER, ++otherSeq));
            drain(link.in, read);
            assertFalse(link.in.atEnd(), "the reader has not read the other writer's last record");
            drain(link.in, read);
            assertTrue(link.in.atEnd());
            assertSameRecords(queueContent(link.queue), read);
            assertEquals(seq + otherSeq, read.size());
        }
    }

    @Test
    void aNewCycleIsReadFromTheQueue(@TempDir Path dir) {
        List<long[]> read = new ArrayList<>();
        SetTimeProvider clock = new SetTimeProvider(0);
        try (Link link = new Link(dir, 64, Queues.open(dir, TestRollCycles.TEST_SECONDLY, SyncMode.NONE, clock),
                "orders", RecordKind.ORDER)) {
            long seq = 0;
            for (int second = 0; second < 5; second++) {
                for (int i = 0; i < 10; i++)
                    link.out.write(order(WRITER, ++seq));
                drain(link.in, read);
                clock.advanceMillis(1_000);
            }
            List<long[]> content = queueContent(link.queue);
            assertSameRecords(content, read);
            assertEquals(5, content.stream().map(r -> r[0] >>> 32).distinct().count(), "five cycles");
            // in each cycle but the first, the first record comes from the queue
            assertEquals(seq - 5, link.handoff.takenCount());
        }
    }

    @Test
    void aReaderMovedBackReadsTheQueueFromThere(@TempDir Path dir) {
        try (Link link = new Link(dir, 64)) {
            for (int seq = 1; seq <= 20; seq++)
                link.out.write(order(WRITER, seq));
            List<long[]> all = new ArrayList<>();
            drain(link.in, all);
            for (int seq = 21; seq <= 25; seq++)
                link.out.write(order(WRITER, seq)); // in the handoff
            assertTrue(link.in.moveTo(all.get(9)[0])); // back to the 10th record
            List<long[]> again = new ArrayList<>();
            drain(link.in, again);
            assertSameRecords(queueContent(link.queue).subList(9, 25), again);
        }
    }

    @Test
    void aRecordTakenOutOfPlaceStopsTheReaderLikeOneRead(@TempDir Path dir) {
        try (Link link = new Link(dir, 64, Queues.open(dir, RollCycles.FAST_DAILY), "executions",
                RecordKind.REPORT)) {
            OrderInfo r = new OrderInfo();
            link.out.write(new OrderInfo().execType(ExecType.NEW).seq(1).sourceIndex(5)
                    .flags(OrderInfo.FLAG_LAST_FOR_INPUT));
            assertTrue(link.in.read(r));
            link.out.write(new OrderInfo().execType(ExecType.NEW).seq(3).sourceIndex(6)
                    .flags(OrderInfo.FLAG_LAST_FOR_INPUT));
            QueueDamagedException e = assertThrows(QueueDamagedException.class, () -> link.in.read(r));
            assertTrue(e.getMessage().contains("the report has seq 3 where 2 comes next"), e.getMessage());
            assertEquals(1, link.handoff.takenCount(), "the record out of place came from the handoff");
            assertThrows(QueueDamagedException.class, () -> link.in.read(r), "and stopped the reader for good");
        }
    }

    /** Taking a record allocates nothing: the handoff's records are reused. */
    @Test
    void takingARecordAllocatesNothing(@TempDir Path dir) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        try (Link link = new Link(dir, 256)) {
            OrderInfo w = order(WRITER, 0);
            OrderInfo r = new OrderInfo();
            long seq = 0;
            for (int round = 0; round < 2; round++) { // the first warms up
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int call = 0; call < 2_000; call++) {
                    for (int i = 0; i < 64; i++)
                        link.out.write(w.writerSeq(++seq).orderId(seq * 10 + WRITER));
                    for (int i = 0; i < 64; i++)
                        assertTrue(link.in.read(r));
                }
                long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                if (round == 1)
                    assertTrue(allocated < 64 * 1024, "128,000 records written and taken allocated " + allocated
                            + " bytes (Chronicle's new chunks aside, nothing)");
            }
            assertTrue(link.handoff.takenCount() > 255_000, "taken from the handoff: " + link.handoff.takenCount());
        }
    }
}
