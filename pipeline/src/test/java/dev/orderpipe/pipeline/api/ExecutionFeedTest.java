package dev.orderpipe.pipeline.api;

import dev.orderpipe.pipeline.BadFileException;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.codes.ExecType;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.util.ThreadAllocation;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExecutionFeedTest {

    private static void writeReports(Path dataDir, long fromSeq, long toSeq) {
        try (ChronicleQueue q = Queues.open(dataDir.resolve("executions"), RollCycles.FAST_DAILY);
             ExcerptAppender a = q.createAppender()) {
            OrderInfo r = new OrderInfo();
            for (long s = fromSeq; s <= toSeq; s++)
                a.writeBytes(r.reset().seq(s).orderId(s).execType(ExecType.NEW));
        }
    }

    private static List<Long> read(ExecutionFeed feed, int max) {
        List<Long> seqs = new ArrayList<>();
        OrderInfo r = new OrderInfo();
        while (seqs.size() < max && feed.next(r))
            seqs.add(r.seq());
        return seqs;
    }

    @Test
    void aNamedFeedContinuesAfterItsLastCommittedReport(@TempDir Path dir) {
        writeReports(dir, 1, 10);
        try (ExecutionFeed feed = ExecutionFeed.open(dir, "drop-copy", ExecutionFeed.Start.BEGINNING)) {
            assertEquals(List.of(1L, 2L, 3L, 4L), read(feed, 4));
            feed.commit();
        }
        try (ExecutionFeed feed = ExecutionFeed.open(dir, "drop-copy", ExecutionFeed.Start.BEGINNING)) {
            assertEquals(List.of(5L, 6L, 7L), read(feed, 3));
            // report 7 is read but not committed: a crash now re-delivers it
        }
        try (ExecutionFeed feed = ExecutionFeed.open(dir, "drop-copy", ExecutionFeed.Start.BEGINNING)) {
            assertEquals(List.of(7L, 8L, 9L, 10L), read(feed, 100));
            writeReports(dir, 11, 12);
            assertEquals(List.of(11L, 12L), read(feed, 100), "reports appended later are picked up");
        }
        try (ExecutionFeed other = ExecutionFeed.open(dir, "dashboard", ExecutionFeed.Start.BEGINNING)) {
            assertEquals(12, read(other, 100).size(), "names are independent");
        }
    }

    @Test
    void startFromEndAndAnonymousFeeds(@TempDir Path dir) {
        writeReports(dir, 1, 5);
        try (ExecutionFeed feed = ExecutionFeed.open(dir, "late", ExecutionFeed.Start.END)) {
            assertEquals(List.of(), read(feed, 10));
            writeReports(dir, 6, 7);
            assertEquals(List.of(6L, 7L), read(feed, 10));
        }
        try (ExecutionFeed feed = ExecutionFeed.open(dir, null, ExecutionFeed.Start.BEGINNING)) {
            assertEquals(7, read(feed, 100).size());
        }
    }

    @Test
    void oneLiveConsumerPerNameAndClearErrors(@TempDir Path dir) {
        writeReports(dir, 1, 1);
        try (ExecutionFeed feed = ExecutionFeed.open(dir, "x", ExecutionFeed.Start.BEGINNING)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> ExecutionFeed.open(dir, "x", ExecutionFeed.Start.BEGINNING));
            assertEquals("execution feed 'x' is already open in another consumer", e.getMessage());
            assertTrue(feed.next(new OrderInfo()));
        }
        assertThrows(IllegalArgumentException.class, () -> ExecutionFeed.open(dir, "bad name!", ExecutionFeed.Start.BEGINNING));
        assertEquals("data directory " + dir.resolve("nope") + " does not exist", assertThrows(BadFileException.class,
                () -> ExecutionFeed.open(dir.resolve("nope"), "x", ExecutionFeed.Start.BEGINNING)).getMessage());
    }

    /**
     * Reads in rounds of 50,000 after a warm-up: a round in steady state allocates nothing per report (what it
     * allocates is Chronicle mapping a chunk now and then). The smallest round is asserted, not the first: on a loaded
     * machine the JIT may compile the read path late, and interpreted code allocates what compiled code does not. An
     * allocation per report would show in every round (16 bytes a report is 800,000 bytes a round).
     */
    @Test
    void readingAllocatesNothingPerReport(@TempDir Path dir) {
        int rounds = 6;
        int perRound = 50_000;
        writeReports(dir, 1, perRound * (rounds + 1));
        try (ExecutionFeed feed = ExecutionFeed.open(dir, "alloc", ExecutionFeed.Start.BEGINNING)) {
            OrderInfo r = new OrderInfo();
            for (int i = 0; i < perRound; i++)
                assertTrue(feed.next(r));
            long[] allocated = new long[rounds];
            for (int round = 0; round < rounds; round++) {
                long before = ThreadAllocation.current();
                for (int i = 0; i < perRound; i++) {
                    assertTrue(feed.next(r));
                    feed.commit();
                }
                allocated[round] = ThreadAllocation.current() - before;
            }
            assertFalse(feed.next(r), "every report read");
            long least = Arrays.stream(allocated).min().orElseThrow();
            System.out.printf("ExecutionFeed: bytes per round of %d reports %s%n", perRound, Arrays.toString(allocated));
            assertFalse(least > 16 * 1024, "allocation per report must be 0, allowance 16 KiB per round of " + perRound
                    + ": " + Arrays.toString(allocated));
        }
    }
}
