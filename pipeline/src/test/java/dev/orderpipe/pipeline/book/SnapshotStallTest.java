package dev.orderpipe.pipeline.book;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.codes.Action;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.codes.Side;
import dev.orderpipe.pipeline.codes.TimeInForce;
import dev.orderpipe.pipeline.config.MatchingConfig;
import dev.orderpipe.pipeline.config.SnapshotConfig;
import dev.orderpipe.pipeline.risk.RiskEngine;
import dev.orderpipe.pipeline.snapshot.SnapshotStore;
import dev.orderpipe.pipeline.snapshot.SnapshotWriter;
import dev.orderpipe.pipeline.util.ThreadAllocation;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A matching engine's snapshot: what it costs the stage thread for a large book (printed; the size is the system
 * property {@code orderpipe.snapshotStallOrders}, 100,000 resting orders by default, 1,000,000 for the figure the
 * README gives), that taking it allocates nothing, and that an engine restored from it makes exactly the reports the
 * original makes from then on.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SnapshotStallTest {
    private static final int ORDERS = Integer.getInteger("orderpipe.snapshotStallOrders", 100_000);
    private static final int LEVELS = 4_000;
    private static final long ALLOWANCE_BYTES = 64 * 1024;

    private static MatchingConfig config() {
        MatchingConfig config = new MatchingConfig();
        config.maxOpenOrders = Math.max(ORDERS + 50_000, 1 << 20);
        config.maxPriceLevels = 4_096;
        return config;
    }

    @Test
    void aLargeBookIsSnapshottedWithoutAllocatingAndRestoredExactly(@TempDir Path dir) {
        List<String> symbols = Arrays.asList(RandomOrders.SYMBOLS).subList(0, RandomOrders.SYMBOLS.length - 1);
        MatchingEngineAllocationTest.OverwritingSink sinkA = new MatchingEngineAllocationTest.OverwritingSink();
        MatchingEngine a = new MatchingEngine(config(), symbols, sinkA);
        OrderInfo in = new OrderInfo();
        long aapl = Symbols.encode("AAPL");
        // GTC bids resting on LEVELS price levels below the random orders' prices (a session close leaves them)
        for (int i = 1; i <= ORDERS; i++)
            a.onOrder(in.reset().action(Action.NEW).orderId(10_000_000L + i).account(1 + i % 50).symbol(aapl)
                    .side(Side.BUY).orderType(OrderType.LIMIT).timeInForce(TimeInForce.GTC)
                    .price(500_000L - 100L * (i % LEVELS)).quantity(100 + i % 7));
        RiskEngine rules = new RiskEngine(RandomOrders.riskConfig("none"));
        RandomOrders orders = new RandomOrders(77, 41);
        for (int i = 0; i < 20_000; i++)
            a.onOrder(stamped(rules, orders.next(in)));

        SnapshotConfig snapshots = new SnapshotConfig();
        long shape = MatchingEngine.snapshotShape(config(), symbols);
        try (ChronicleQueue q = SingleChronicleQueueBuilder.binary(dir.resolve("matching")).build();
             SnapshotStore store = new SnapshotStore("matching", q, snapshots, shape)) {
            store.open();
            take(store, a, 1); // the first, before the JIT compiled the loops (a live stage's first snapshot)
            long first = store.lastStallNanos();
            for (int i = 0; i < 3; i++)
                take(store, a, 1);
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            long cpuBefore = threads.getCurrentThreadCpuTime();
            long before = ThreadAllocation.current();
            take(store, a, 2);
            long allocated = ThreadAllocation.current() - before;
            long cpu = threads.getCurrentThreadCpuTime() - cpuBefore;
            long stall = store.lastStallNanos();
            SnapshotStore.Found found = store.latest(f -> true);
            System.out.printf("snapshot of a book of %,d resting orders (%,d bytes): %.1f ms on the stage thread"
                    + " (%.1f ms of its CPU; the first, before the JIT: %.1f ms), %,d bytes allocated%n", ORDERS,
                    found.payload, stall / 1e6, cpu / 1e6, first / 1e6, allocated);
            assertTrue(allocated < ALLOWANCE_BYTES, allocated + " bytes allocated taking a snapshot");
            assertEquals(2, found.coveredInput);

            MatchingEngineAllocationTest.OverwritingSink sinkB = new MatchingEngineAllocationTest.OverwritingSink();
            MatchingEngine b = new MatchingEngine(config(), symbols, sinkB);
            try (SnapshotStore.Payload payload = store.open(found)) {
                b.restore(payload.reader());
                assertTrue(payload.reader().atEnd());
            }
            take(store, b, 3);
            SnapshotStore.Found again = store.latest(f -> true);
            assertEquals(found.payload, again.payload, "the restored engine's snapshot");
            assertEquals(found.checksum, again.checksum, "the restored engine's snapshot is the same bytes");
        }
        // both engines, fed the same orders from here, make the same reports (a session close among them)
        MatchingEngineAllocationTest.OverwritingSink sinkB = new MatchingEngineAllocationTest.OverwritingSink();
        MatchingEngine b = restoredCopy(dir, a, symbols, sinkB);
        long reportsA = sinkA.reports;
        long checksumA = sinkA.checksum;
        sinkA.checksum = 0;
        for (int i = 0; i < 50_000; i++) {
            orders.next(in);
            if (i == 25_000)
                in.reset().action(Action.SESSION_CLOSE);
            stamped(rules, in);
            a.onOrder(in);
            b.onOrder(in);
        }
        assertTrue(sinkA.reports - reportsA > 50_000 && checksumA != 0);
        assertEquals(sinkA.reports - reportsA, sinkB.reports, "reports after the restore");
        assertEquals(sinkA.checksum, sinkB.checksum, "the same reports after the restore");
        assertEquals(a.trades(), b.trades());
    }

    private static MatchingEngine restoredCopy(Path dir, MatchingEngine a, List<String> symbols,
                                               MatchingEngineAllocationTest.OverwritingSink sink) {
        MatchingEngine b = new MatchingEngine(config(), symbols, sink);
        try (ChronicleQueue q = SingleChronicleQueueBuilder.binary(dir.resolve("copy")).build();
             SnapshotStore store = new SnapshotStore("matching", q, new SnapshotConfig(),
                     MatchingEngine.snapshotShape(config(), symbols))) {
            store.open();
            take(store, a, 1);
            try (SnapshotStore.Payload payload = store.open(store.latest(f -> true))) {
                b.restore(payload.reader());
            }
        }
        return b;
    }

    private static void take(SnapshotStore store, MatchingEngine engine, long covered) {
        SnapshotWriter w = store.begin(covered, -1, 0, engine.lastSessionDate(), (byte) 0);
        engine.save(w);
        store.finish();
    }

    private static OrderInfo stamped(RiskEngine rules, OrderInfo in) {
        if (!in.isRejected() && !in.action().isSession())
            rules.stampRules(in);
        return in;
    }
}
