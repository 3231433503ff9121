package dev.orderpipe.pipeline.book;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.codes.Action;
import dev.orderpipe.pipeline.config.MatchingConfig;
import dev.orderpipe.pipeline.risk.RiskEngine;
import dev.orderpipe.pipeline.util.ThreadAllocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hot path allocates nothing: after warm-up, random events (every kind the engine handles, BOOK_FULL included)
 * go through the engine into an overwriting sink, and the thread's allocated-bytes counter must not move beyond a
 * small fixed allowance (for the counter itself and the odd JIT deoptimisation), whatever the number of events.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MatchingEngineAllocationTest {
    private static final int WARM_UP = 200_000;
    private static final int MEASURED = 300_000;
    private static final long ALLOWANCE_BYTES = 4_096;

    /**
     * Claims and publishes into one reused record, like the stage, and keeps a checksum of the reports' fields so
     * nothing is elided (and two engines' reports can be compared).
     */
    static final class OverwritingSink implements ReportSink {
        private final OrderInfo record = new OrderInfo();
        long reports;
        long checksum;

        @Override
        public OrderInfo claim() {
            return record.reset();
        }

        @Override
        public void publish() {
            reports++;
            checksum = checksum * 31 + record.leavesQty() + record.execType().ordinal() + record.orderId() * 7
                    + record.lastQty() * 13 + record.price() * 17 + record.cumQty() * 19;
        }
    }

    /** An engine with books of 20,000 orders and 64 levels a side for {@code symbols}. */
    private static MatchingEngine engine(List<String> symbols, OverwritingSink sink) {
        MatchingConfig config = new MatchingConfig();
        config.maxOpenOrders = 20_000;
        config.maxPriceLevels = 64;
        return new MatchingEngine(config, symbols, sink);
    }

    @Test
    void noAllocationPerMessage() {
        OverwritingSink sink = new OverwritingSink();
        // 4 symbols where 3 are tradable: unknown symbols take the reject path too
        MatchingEngine engine = engine(Arrays.asList(RandomOrders.SYMBOLS).subList(0, RandomOrders.SYMBOLS.length - 1),
                sink);
        // the rules risk stamps into the orders (market protection, self-trade prevention), on their paths too
        RiskEngine rules = new RiskEngine(RandomOrders.riskConfig("none"));
        RandomOrders orders = new RandomOrders(424242, 41);
        OrderInfo in = new OrderInfo();

        for (int i = 0; i < WARM_UP; i++)
            engine.onOrder(stamped(rules, orders.next(in)));
        ThreadAllocation.current(); // the first call may set things up
        long reportsBefore = sink.reports;
        long before = ThreadAllocation.current();
        for (int i = 0; i < MEASURED; i++)
            engine.onOrder(stamped(rules, orders.next(in)));
        long after = ThreadAllocation.current();

        long allocated = after - before;
        long reports = sink.reports - reportsBefore;
        System.out.printf("allocation: %d bytes over %d events (%d reports, %d trades, %d open): %.5f bytes/order, "
                        + "checksum %d%n", allocated, MEASURED, reports, engine.trades(), engine.books().openOrders(),
                (double) allocated / MEASURED, sink.checksum);
        assertTrue(reports > MEASURED, "every event reports at least once");
        assertTrue(allocated <= ALLOWANCE_BYTES, "allocated " + allocated + " bytes over " + MEASURED + " events");
    }

    private static OrderInfo stamped(RiskEngine rules, OrderInfo in) {
        if (!in.isRejected())
            rules.stampRules(in);
        return in;
    }

    /**
     * A session close walks every book to expire the DAY orders: index loops over the preallocated arrays, nothing
     * allocated, however many orders rest.
     */
    @Test
    void noAllocationAtSessionCloseAndOpen() {
        OverwritingSink sink = new OverwritingSink();
        MatchingEngine engine = engine(Arrays.asList(RandomOrders.SYMBOLS), sink);
        RandomOrders orders = new RandomOrders(777, 41);
        OrderInfo in = new OrderInfo();
        long[] expired = new long[1];
        long sessions = trade(engine, orders, in, WARM_UP, 0, sink, expired);
        ThreadAllocation.current();
        long expiredBefore = expired[0];
        long before = ThreadAllocation.current();
        sessions = trade(engine, orders, in, MEASURED, sessions, sink, expired);
        long allocated = ThreadAllocation.current() - before;
        System.out.printf("allocation: %d bytes over %d events and %d session events (%d DAY orders expired, %d"
                + " open)%n", allocated, MEASURED, 2 * MEASURED / 1000, expired[0] - expiredBefore,
                engine.books().openOrders());
        assertTrue(expired[0] - expiredBefore > 1000, "DAY orders expired at the closes: " + expired[0]);
        assertTrue(allocated <= ALLOWANCE_BYTES, "allocated " + allocated + " bytes over " + MEASURED + " events");
    }

    /** {@code n} random events with a SESSION_CLOSE and a SESSION_OPEN after every 1,000; counts the DAY expiries. */
    private static long trade(MatchingEngine engine, RandomOrders orders, OrderInfo in, int n, long sessions,
                              OverwritingSink sink, long[] expired) {
        for (int i = 1; i <= n; i++) {
            engine.onOrder(orders.next(in));
            if (i % 1000 == 0) {
                long reports = sink.reports;
                engine.onOrder(in.reset().action(Action.SESSION_CLOSE));
                expired[0] += sink.reports - reports - 1;
                engine.onOrder(in.reset().action(Action.SESSION_OPEN).tradingDate(20260101 + sessions % 28));
                sessions++;
            }
        }
        return sessions;
    }
}
