package dev.orderpipe.pipeline.book;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.codes.ExecType;
import dev.orderpipe.pipeline.codes.RejectReason;
import dev.orderpipe.pipeline.config.MatchingConfig;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The engine against {@link ReferenceBook} on random event streams: every report, field by field, in order, and the
 * resting orders per book; after every event the books must pass {@link OrderBooks#checkInvariants()}.
 * One seed runs with roomy books; others with capacities small enough that BOOK_FULL is frequent.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MatchingEngineRandomTest {
    private static final List<String> TRADABLE =
            Arrays.asList(RandomOrders.SYMBOLS).subList(0, RandomOrders.SYMBOLS.length - 1);

    @ParameterizedTest(name = "seed {0}, {1} events, {2} prices, maxOpenOrders {3}, maxPriceLevels {4}")
    @CsvSource({
            "20241128, 100000, 9, 1000000, 4096",
            "31337, 40000, 41, 1000000, 4096",
            "7, 40000, 9, 60, 4",
            "99, 40000, 21, 400, 3",
            "5, 40000, 15, 1000, 2",
            "12345, 10000, 9, 1, 1"})
    void reportsEqualTheReferenceBook(long seed, int events, int priceTicks, int maxOpenOrders, int maxPriceLevels) {
        MatchingConfig config = new MatchingConfig();
        config.maxOpenOrders = maxOpenOrders;
        config.maxPriceLevels = maxPriceLevels;
        Reports.Collecting sink = new Reports.Collecting();
        MatchingEngine engine = new MatchingEngine(config, TRADABLE, sink);
        Set<Long> symbols = new LinkedHashSet<>(); // in the engine's book order
        for (String s : TRADABLE)
            symbols.add(Symbols.encode(s));
        ReferenceBook reference = new ReferenceBook(symbols, maxOpenOrders, maxPriceLevels);
        RandomOrders orders = new RandomOrders(seed, priceTicks);
        OrderInfo in = new OrderInfo();
        long reports = 0;
        long trades = 0;
        long bookFull = 0;
        int maxOpen = 0;
        long dayExpired = 0;
        for (int i = 0; i < events; i++) {
            orders.next(in);
            engine.onOrder(in);
            List<String> actual = sink.drain();
            List<OrderInfo> expectedRecords = reference.onOrder(in);
            List<String> expected = expectedRecords.stream().map(Reports::describe).toList();
            if (!expected.equals(actual))
                fail("event " + i + " (seed " + seed + "): " + in + "\nexpected:\n  " + String.join("\n  ", expected)
                        + "\nactual:\n  " + String.join("\n  ", actual));
            for (OrderInfo r : expectedRecords) {
                if (r.execType() == ExecType.TRADE)
                    trades++;
                if (!in.isRejected() && r.rejectReason() == RejectReason.BOOK_FULL)
                    bookFull++;
                if (r.rejectReason() == RejectReason.END_OF_DAY)
                    dayExpired++;
            }
            reports += actual.size();
            engine.books().checkInvariants();
            assertEquals(reference.openOrders(), engine.books().openOrders(), "open orders after event " + i);
            for (long symbol : symbols)
                assertEquals(reference.openOrders(symbol), engine.books().openOrders(symbol),
                        "open orders of " + Symbols.toString(symbol) + " after event " + i);
            maxOpen = Math.max(maxOpen, engine.books().openOrders());
        }
        assertEquals(trades / 2, engine.trades());
        System.out.printf("seed %d: %d events, %d reports, %d trades, %d BOOK_FULL, %d DAY orders expired, max %d open"
                + " orders%n", seed, events, reports, trades / 2, bookFull, dayExpired, maxOpen);
        if (maxOpenOrders > 1) {
            assertTrue(trades / 2 > events / 10, "the stream should trade a lot");
            assertTrue(dayExpired > 0, "session closes should expire DAY orders");
        }
        if (maxOpenOrders < 1000)
            assertTrue(bookFull > 0, "small books should fill up");
    }
}
