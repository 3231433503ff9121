package dev.orderpipe.pipeline.risk;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Prices;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.codes.Action;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.codes.RejectReason;
import dev.orderpipe.pipeline.codes.Side;
import dev.orderpipe.pipeline.codes.TimeInForce;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.config.RiskConfig;
import dev.orderpipe.pipeline.config.SnapshotConfig;
import dev.orderpipe.pipeline.snapshot.SnapshotStore;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Risk's snapshot written a step at a time ({@link SnapshotStore#stepwise}) while the engine goes on checking orders
 * between the steps: its payload is byte for byte the one written at once of the state at its point (rolling rate
 * windows included), an engine restored from it decides as the original did, and a session event is refused until
 * it is finished (the stage finishes it first).
 */
class RiskSnapshotTest {
    private static final long AAPL = Symbols.encode("AAPL");
    private static final int IDS = 10_000;
    private static final int ACCOUNTS = 4;
    private static final int RATE = 5;

    private final OrderInfo order = new OrderInfo();

    private static RiskConfig config() {
        RiskConfig config = PipelineConfig.loadDefault().risk;
        config.maxOrdersPerSecond = RATE;
        config.rateWindowRolling = true;
        config.accountCapacity = 64;
        config.orderIdCapacity = 4 * IDS;
        return config;
    }

    /** NEW orders {@code from..to}: on 4 accounts, 30 ms apart: 8 a second an account, beyond the rate (RATE_LIMIT). */
    private int feed(RiskEngine risk, long from, long to, RiskEngine... same) {
        int limited = 0;
        for (long i = from; i <= to; i++) {
            order.reset().action(Action.NEW).orderId(i).account(1 + i % ACCOUNTS).symbol(AAPL).side(Side.BUY)
                    .orderType(OrderType.LIMIT).timeInForce(TimeInForce.GTC).price(Prices.parse("189.25"))
                    .quantity(1).eventTime(i * 30_000_000L);
            RejectReason r = risk.check(order);
            for (RiskEngine other : same)
                assertEquals(r, other.check(order), "order " + i);
            if (r == RejectReason.RATE_LIMIT)
                limited++;
        }
        return limited;
    }

    /** A store of snapshots due every {@code everyInputs} inputs, opened. */
    private static SnapshotStore store(ChronicleQueue q, RiskConfig config, long everyInputs) {
        SnapshotConfig snapshots = new SnapshotConfig();
        snapshots.chunkBytes = 4096; // a step is one chunk: many steps
        snapshots.everyInputs = everyInputs;
        snapshots.everySeconds = 0;
        SnapshotStore store = new SnapshotStore("risk", q, snapshots, RiskEngine.snapshotShape(config));
        store.open();
        return store;
    }

    /** Begins a snapshot of {@code risk} covering input {@code covered}, to be written a step at a time. */
    private static void begin(SnapshotStore store, RiskEngine risk, long covered) {
        store.stepwise(risk.beginSave(store.begin(covered, -1, 0, 0, (byte) 0)));
        assertTrue(store.underWay());
    }

    @Test
    void aSnapshotWrittenBetweenOrdersIsTheStateAtItsPoint(@TempDir Path dir) {
        RiskConfig config = config();
        RiskEngine stepped = new RiskEngine(config);
        RiskEngine still = new RiskEngine(config);
        stepped.prepareSnapshots();
        feed(stepped, 1, IDS, still);
        try (ChronicleQueue q = SingleChronicleQueueBuilder.binary(dir).build();
             SnapshotStore store = store(q, config, 0)) {
            begin(store, stepped, 1);
            int steps = 0;
            long next = IDS + 1;
            while (store.underWay()) { // new ids and moving rate windows between the steps
                feed(stepped, next, next + 9);
                next += 10;
                store.writeOn();
                steps++;
            }
            assertTrue(steps > 30, steps + " steps");
            assertEquals(0, store.finishedAtOnce());
            still.save(store.begin(2, -1, 0, 0, (byte) 0));
            store.finish();

            SnapshotStore.Found atItsPoint = store.latest(f -> f.coveredInput == 1);
            SnapshotStore.Found atOnce = store.latest(f -> f.coveredInput == 2);
            // session, date, ids, rate windows: account, window, count, ring position, ring
            assertEquals(1 + 8 + 4 + 16L * IDS + 4 + ACCOUNTS * (8 + 8 + 4 + 4 + 8L * RATE), atOnce.payload);
            assertEquals(atOnce.payload, atItsPoint.payload);
            assertEquals(atOnce.checksum, atItsPoint.checksum, "the same bytes");

            RiskEngine restored = new RiskEngine(config);
            try (SnapshotStore.Payload payload = store.open(atItsPoint)) {
                restored.restore(payload.reader());
                assertTrue(payload.reader().atEnd());
            }
            assertEquals(IDS, restored.orderIdsSeen());
            // the same verdicts from here on: the rate windows as they were (RATE_LIMITs among them), and the ids
            // added after the snapshot point are new to the restored engine as to the one stopped there
            assertTrue(feed(still, IDS + 1, IDS + 2_000, restored) > 100, "RATE_LIMITs among them");
            feed(still, 1, 10, restored); // duplicates to both
        }
    }

    @Test
    void aSessionEventWaitsForTheSnapshotUnderWay(@TempDir Path dir) {
        RiskConfig config = config();
        RiskEngine risk = new RiskEngine(config);
        RiskEngine still = new RiskEngine(config);
        risk.prepareSnapshots();
        feed(risk, 1, IDS, still);
        try (ChronicleQueue q = SingleChronicleQueueBuilder.binary(dir).build();
             SnapshotStore store = store(q, config, 0)) {
            begin(store, risk, 1);
            store.writeOn();
            OrderInfo close = new OrderInfo().action(Action.SESSION_CLOSE);
            assertThrows(IllegalStateException.class, () -> risk.check(close));
            assertEquals(IDS, risk.orderIdsSeen(), "refused before any change");
            store.finishUnderWay();
            assertEquals(1, store.finishedAtOnce());
            assertEquals(RejectReason.NONE, risk.check(close));
            assertEquals(0, risk.orderIdsSeen());

            still.save(store.begin(2, -1, 0, 0, (byte) 0));
            store.finish();
            assertEquals(store.latest(f -> f.coveredInput == 2).checksum,
                    store.latest(f -> f.coveredInput == 1).checksum, "the session's ids, as at the point");
        }
    }

    @Test
    void theNextSnapshotIsDueCountingFromThisOnesPoint(@TempDir Path dir) {
        RiskConfig config = config();
        RiskEngine risk = new RiskEngine(config);
        feed(risk, 1, IDS);
        try (ChronicleQueue q = SingleChronicleQueueBuilder.binary(dir).build();
             SnapshotStore store = store(q, config, 3)) {
            assertFalse(store.due(false, System.nanoTime()));
            assertFalse(store.due(false, System.nanoTime()));
            assertTrue(store.due(false, System.nanoTime()), "the third input");
            begin(store, risk, 2);
            for (int input = 3; input <= 5; input++) {
                store.writeOn();
                assertTrue(store.underWay(), "still being written after input " + input);
                assertEquals(input == 5, store.due(false, System.nanoTime()), "input " + input);
            }
            assertEquals(0, store.finishedAtOnce());
        }
    }
}
