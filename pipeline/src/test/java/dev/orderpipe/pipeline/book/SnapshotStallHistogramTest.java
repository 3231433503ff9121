package dev.orderpipe.pipeline.book;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.codes.Action;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.codes.RejectReason;
import dev.orderpipe.pipeline.codes.Side;
import dev.orderpipe.pipeline.codes.TimeInForce;
import dev.orderpipe.pipeline.config.MatchingConfig;
import dev.orderpipe.pipeline.config.RiskConfig;
import dev.orderpipe.pipeline.config.SnapshotConfig;
import dev.orderpipe.pipeline.risk.RiskEngine;
import dev.orderpipe.pipeline.snapshot.SnapshotSteps;
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
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How long a snapshot holds up risk's and matching's stage thread, per snapshot, at given table sizes: for each size a
 * risk engine holding that many (account, id) pairs in a table of four times the capacity, and a matching engine
 * holding that many resting orders, each snapshotted {@link #SNAPSHOTS} times into a real snapshot queue; the stall of
 * each (what {@link SnapshotStore#lastStallNanos} says: its longest pause as the stage experiences it, the capture at
 * the snapshot point or one step written between inputs: risk's puts and copy of its rate windows, matching's copy of
 * its books) is printed as a histogram of power-of-two buckets with its median and maximum. It also checks that each payload is exactly the
 * bytes the format gives for that state and that the snapshots after the first few allocate nothing.
 *
 * <p>The sizes are the system property {@code orderpipe.snapshotStallSizes} (comma-separated), tiny by default so
 * that the suite does not measure at size: e.g. {@code -Dorderpipe.snapshotStallSizes=100000,1000000} for the
 * figures (on a quiet machine).
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class SnapshotStallHistogramTest {
    private static final String SIZES = System.getProperty("orderpipe.snapshotStallSizes", "1000,20000");
    private static final int SNAPSHOTS = 20;
    /** Snapshots before the measured ones: the JIT compiles the loops, Chronicle maps its first pages. */
    private static final int WARM_UP = 4;
    private static final long ALLOWANCE_BYTES = 64 * 1024;
    private static final int LEVELS = 1_000;

    @Test
    void stallPerSnapshotAtEachSize(@TempDir Path dir) {
        for (String s : SIZES.split(",")) {
            int size = Integer.parseInt(s.trim());
            measureRisk(dir.resolve("risk-" + size), size);
            measureMatching(dir.resolve("matching-" + size), size);
        }
    }

    private static void measureRisk(Path dir, int ids) {
        RiskConfig config = RandomOrders.riskConfig("none");
        config.maxOrdersPerSecond = 0; // no rate windows: the payload is the session and the ids
        config.orderIdCapacity = 4 * ids;
        RiskEngine risk = new RiskEngine(config);
        OrderInfo in = new OrderInfo();
        long aapl = Symbols.encode("AAPL");
        for (int i = 1; i <= ids; i++) {
            // an id is taken by a NEW that passes the MALFORMED check, whatever a later check says
            RejectReason r = risk.check(in.reset().action(Action.NEW).orderId(i).account(1 + i % 50).symbol(aapl)
                    .side(Side.BUY).orderType(OrderType.LIMIT).timeInForce(TimeInForce.GTC).price(1_000_000L)
                    .quantity(1));
            assertTrue(r != RejectReason.DUPLICATE_ORDER_ID && r != RejectReason.ORDER_ID_TABLE_FULL, r::toString);
        }
        assertEquals(ids, risk.orderIdsSeen());
        long payload = 1 + 8 + 4 + 16L * ids + 4;
        risk.prepareSnapshots();
        measure(dir, "risk", RiskEngine.snapshotShape(config), risk::beginSave, payload,
                String.format("risk, %,d ids (capacity %,d)", ids, config.orderIdCapacity));
    }

    private static void measureMatching(Path dir, int orders) {
        MatchingConfig config = new MatchingConfig();
        config.maxOpenOrders = orders + 1_000;
        config.maxPriceLevels = LEVELS;
        List<String> symbols = Arrays.asList(RandomOrders.SYMBOLS).subList(0, RandomOrders.SYMBOLS.length - 1);
        MatchingEngine matching = new MatchingEngine(config, symbols, new MatchingEngineAllocationTest.OverwritingSink());
        OrderInfo in = new OrderInfo();
        long aapl = Symbols.encode("AAPL");
        for (int i = 1; i <= orders; i++)
            matching.onOrder(in.reset().action(Action.NEW).orderId(i).account(1 + i % 50).symbol(aapl).side(Side.BUY)
                    .orderType(OrderType.LIMIT).timeInForce(TimeInForce.GTC).price(1_000_000L - 100L * (i % LEVELS))
                    .quantity(100));
        assertEquals(orders, matching.books().openOrders());
        int books = symbols.size();
        int levels = Math.min(orders, LEVELS);
        // trades, per book; session byte and dates; per side its level count; per level price and count; per order
        // its 42 bytes; the finished carried-over orders' count
        long payload = 8 + 8L * books + 1 + 8 + 8 + 4L * 2 * books + 12L * levels + 42L * orders + 4;
        matching.prepareSnapshots();
        measure(dir, "matching", MatchingEngine.snapshotShape(config, symbols), matching::beginSave, payload,
                String.format("matching, %,d resting orders on %,d levels", orders, levels));
    }

    /**
     * Takes one snapshot covering input {@code covered} into a store as the risk and matching stages do: the engine's
     * puts and capture at the snapshot point ({@code beginSave}), then a step at a time, as after each input or idle
     * turn (none come here), each a pause of its own.
     */
    private static int take(SnapshotStore store, Function<SnapshotWriter, SnapshotSteps> beginSave, long covered) {
        store.stepwise(beginSave.apply(store.begin(covered, -1, 0, 0, (byte) 0)));
        int steps = 0;
        while (store.writeOn())
            steps++;
        assertFalse(store.underWay());
        return steps;
    }

    private static void measure(Path dir, String stage, long shape, Function<SnapshotWriter, SnapshotSteps> beginSave,
                                long payload, String what) {
        long[] stalls = new long[SNAPSHOTS];
        long[] spans = new long[SNAPSHOTS];
        int[] steps = new int[SNAPSHOTS];
        long allocated;
        try (ChronicleQueue q = SingleChronicleQueueBuilder.binary(dir).build();
             SnapshotStore store = new SnapshotStore(stage, q, new SnapshotConfig(), shape)) {
            store.open();
            for (int i = 0; i < WARM_UP; i++)
                take(store, beginSave, i);
            long before = ThreadAllocation.current();
            for (int i = 0; i < SNAPSHOTS; i++) {
                steps[i] = take(store, beginSave, WARM_UP + i);
                stalls[i] = store.lastStallNanos();
                spans[i] = store.lastSpanNanos();
            }
            allocated = ThreadAllocation.current() - before;
            SnapshotStore.Found latest = store.latest(f -> true);
            assertEquals(WARM_UP + SNAPSHOTS - 1, latest.coveredInput);
            assertEquals(payload, latest.payload, what + ": payload bytes");
        }
        System.out.println(histogram(what, payload, stalls));
        // a step puts at most STEP_BYTES and an item more: a larger payload is written in several, each a pause
        int fewest = Arrays.stream(steps).min().orElseThrow();
        assertTrue(fewest >= payload / (SnapshotStore.STEP_BYTES + 64), what + ": " + fewest + " steps");
        Arrays.sort(spans);
        System.out.printf("snapshot span (header to trailer), %s: median %.3f ms, max %.3f ms%n", what,
                spans[SNAPSHOTS / 2] / 1e6, spans[SNAPSHOTS - 1] / 1e6);
        assertTrue(allocated < ALLOWANCE_BYTES, what + ": " + allocated + " bytes allocated by " + SNAPSHOTS
                + " snapshots");
    }

    /**
     * E.g. {@code snapshot stall, risk, 1,000 ids (capacity 4,000): 20 snapshots of 16,017 bytes, median 0.925 ms, max
     * 21.378 ms; <= 512 us: 1 <= 1,024 us: 11 ...}: how many stalls fell in each power-of-two bucket.
     */
    static String histogram(String what, long payload, long[] stalls) {
        long[] sorted = stalls.clone();
        Arrays.sort(sorted);
        StringBuilder sb = new StringBuilder(String.format("snapshot stall, %s: %d snapshots of %,d bytes, median"
                + " %.3f ms, max %.3f ms;", what, stalls.length, payload, sorted[sorted.length / 2] / 1e6,
                sorted[sorted.length - 1] / 1e6));
        long bound = 1_000; // 1 us, doubling
        int i = 0;
        while (i < sorted.length) {
            int n = 0;
            while (i < sorted.length && sorted[i] <= bound) {
                n++;
                i++;
            }
            if (n > 0)
                sb.append(String.format(" <= %,d us: %d", bound / 1_000, n));
            bound *= 2;
        }
        return sb.toString();
    }
}
