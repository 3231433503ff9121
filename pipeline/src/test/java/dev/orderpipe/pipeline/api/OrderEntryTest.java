package dev.orderpipe.pipeline.api;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Prices;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.TestPipelines;
import dev.orderpipe.pipeline.codes.Action;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.codes.Side;
import dev.orderpipe.pipeline.codes.TimeInForce;
import dev.orderpipe.pipeline.util.ThreadAllocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OrderEntryTest {
    private static final long AAPL = Symbols.encode("AAPL");

    @Test
    void appendsIdentifiedRecordsAndContinuesItsSequenceAfterReopen(@TempDir Path dir) {
        try (OrderEntry entry = OrderEntry.open(dir, 42)) {
            entry.newOrder(1, 7, AAPL, Side.BUY, OrderType.LIMIT, TimeInForce.GTC, Prices.parse("189.25"), 300);
            entry.replace(1, 7, AAPL, Side.BUY, Prices.parse("189.30"), 200);
        }
        try (OrderEntry entry = OrderEntry.open(dir, 42)) {
            assertEquals(2, entry.writerSeq());
            entry.cancel(1, 7);
        }
        List<OrderInfo> records = TestPipelines.readAll(dir.resolve("orders"));
        assertEquals(3, records.size());
        assertEquals(List.of(Action.NEW, Action.REPLACE, Action.CANCEL), records.stream().map(OrderInfo::action).toList());
        assertEquals(List.of(1L, 2L, 3L), records.stream().map(OrderInfo::writerSeq).toList());
        for (OrderInfo r : records) {
            assertEquals(42, r.writerId());
            assertTrue(r.eventTime() > 1_600_000_000_000_000_000L, "wall-clock event time");
            assertTrue(r.ingressNanos() != 0);
        }
        assertEquals(1_892_500, records.get(0).price());
        assertEquals(200, records.get(1).quantity());
        assertEquals(7, records.get(2).account(), "a CANCEL names its account: ids are per account");
    }

    @Test
    void aDayOrderIsWrittenAndReplacedWithItsTimeInForce(@TempDir Path dir) {
        try (OrderEntry entry = OrderEntry.open(dir, 5)) {
            entry.newOrder(1, 7, AAPL, Side.BUY, OrderType.LIMIT, TimeInForce.DAY, Prices.parse("189.25"), 300);
            entry.replace(1, 7, AAPL, Side.BUY, TimeInForce.DAY, Prices.parse("189.30"), 200);
            entry.replace(1, 7, AAPL, Side.BUY, Prices.parse("189.35"), 100);
        }
        List<OrderInfo> records = TestPipelines.readAll(dir.resolve("orders"));
        assertEquals(List.of(TimeInForce.DAY, TimeInForce.DAY, TimeInForce.GTC),
                records.stream().map(OrderInfo::timeInForce).toList(), "the short replace is for GTC orders");
    }

    @Test
    void programmingErrorsThrowClearly(@TempDir Path dir) {
        assertThrows(IllegalArgumentException.class, () -> OrderEntry.open(dir, 0));
        try (OrderEntry entry = OrderEntry.open(dir, 1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> entry.newOrder(0, 7, AAPL, Side.BUY, OrderType.LIMIT, TimeInForce.GTC, 1, 1));
            assertEquals("orderId must be > 0, was 0", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> entry.newOrder(1, 0, AAPL, Side.BUY, OrderType.LIMIT, TimeInForce.GTC, 1, 1));
            assertThrows(IllegalArgumentException.class, () -> entry.newOrder(1, 7, 0, Side.BUY, OrderType.LIMIT, TimeInForce.GTC, 1, 1));
            assertThrows(IllegalArgumentException.class, () -> entry.newOrder(1, 7, AAPL, Side.NONE, OrderType.LIMIT, TimeInForce.GTC, 1, 1));
            assertThrows(IllegalArgumentException.class, () -> entry.newOrder(1, 7, AAPL, Side.BUY, OrderType.LIMIT, TimeInForce.GTC, 0, 1));
            assertThrows(IllegalArgumentException.class, () -> entry.newOrder(1, 7, AAPL, Side.BUY, OrderType.MARKET, TimeInForce.IOC, 5, 1));
            assertThrows(IllegalArgumentException.class, () -> entry.newOrder(1, 7, AAPL, Side.BUY, OrderType.LIMIT, TimeInForce.GTC, 1, 0));
            assertThrows(IllegalArgumentException.class, () -> entry.cancel(-3, 7));
            e = assertThrows(IllegalArgumentException.class, () -> entry.cancel(3, 0));
            assertEquals("account must be > 0, was 0", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> entry.replace(1, 7, AAPL, Side.BUY, 1, 0));
            e = assertThrows(IllegalArgumentException.class,
                    () -> entry.replace(1, 7, AAPL, Side.BUY, TimeInForce.IOC, 1, 1));
            assertEquals("the tif of a replaced order is GTC or DAY, was IOC", e.getMessage());
            assertEquals(0, entry.writerSeq(), "nothing written by a refused call");
        }
    }

    @Test
    void appendingAllocatesNothingPerOrder(@TempDir Path dir) {
        try (OrderEntry entry = OrderEntry.open(dir, 3)) {
            for (int i = 1; i <= 20_000; i++)
                entry.newOrder(i, 7, AAPL, Side.BUY, OrderType.LIMIT, TimeInForce.GTC, 1_000_000 + i, 100);
            long before = ThreadAllocation.current();
            int n = 200_000;
            for (int i = 1; i <= n; i++) {
                entry.newOrder(100_000 + i, 7, AAPL, Side.SELL, OrderType.LIMIT, TimeInForce.GTC, 1_000_000 + i, 100);
                entry.cancel(100_000 + i, 7);
            }
            long allocated = ThreadAllocation.current() - before;
            System.out.printf("OrderEntry: %d bytes over %d calls (%.4f bytes/call)%n", allocated, 2 * n, allocated / (2.0 * n));
            assertTrue(allocated < 64 * 1024, "allocation per call must be 0, allowance 64 KiB per run: " + allocated);
        }
    }
}
