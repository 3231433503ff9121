package dev.orderpipe.pipeline.book;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.codes.ExecType;
import dev.orderpipe.pipeline.codes.RejectReason;
import dev.orderpipe.pipeline.config.MatchingConfig;
import dev.orderpipe.pipeline.config.RiskConfig;
import dev.orderpipe.pipeline.risk.RiskEngine;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The engine against {@link ReferenceBook} on random event streams: every report, field by field, in order, and the
 * resting orders per book; after every event the books must pass {@link OrderBooks#checkInvariants()}.
 * One seed runs with roomy books; others with capacities small enough that BOOK_FULL is frequent. Every run applies
 * the trading rules: market protection (0.05% around 100.00, inside the prices the stream uses with more than 10
 * ticks) and self-trade prevention (account 1 none, 2 CANCEL_RESTING, 3 CANCEL_INCOMING, 4 CANCEL_BOTH). With risk
 * {@code fixed} or {@code rolling}, each event first goes through {@link RiskEngine} and {@link ReferenceRisk}, which
 * must agree (tick sizes, band, notional sized at the market limit, rate limit per whole or rolling second, CANCELs
 * counted when rolling), and the record goes on rejected as the risk stage writes it. With huge quantities, level
 * totals pass 2^63.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MatchingEngineRandomTest {
    private static final List<String> TRADABLE =
            Arrays.asList(RandomOrders.SYMBOLS).subList(0, RandomOrders.SYMBOLS.length - 1);

    @ParameterizedTest(name = "seed {0}, {1} events, {2} prices, maxOpenOrders {3}, maxPriceLevels {4}, risk {5},"
            + " huge quantities {6}")
    @CsvSource({
            "20241128, 100000, 9, 1000000, 4096, none, false",
            "31337, 40000, 41, 1000000, 4096, none, false",
            "7, 40000, 9, 60, 4, none, false",
            "99, 40000, 21, 400, 3, none, false",
            "5, 40000, 15, 1000, 2, none, false",
            "12345, 10000, 9, 1, 1, none, false",
            "2718, 40000, 21, 1000000, 4096, none, true",
            "1414, 40000, 41, 1000000, 4096, fixed, false",
            "1732, 40000, 35, 500, 8, rolling, false"})
    void reportsEqualTheReferenceBook(long seed, int events, int priceTicks, int maxOpenOrders, int maxPriceLevels,
                                      String risk, boolean huge) {
        MatchingConfig config = new MatchingConfig();
        config.maxOpenOrders = maxOpenOrders;
        config.maxPriceLevels = maxPriceLevels;
        RiskConfig riskConfig = RandomOrders.riskConfig(risk);
        Reports.Collecting sink = new Reports.Collecting();
        MatchingEngine engine = new MatchingEngine(config, TRADABLE, sink);
        Set<Long> symbols = new LinkedHashSet<>(); // in the engine's book order
        for (String s : TRADABLE)
            symbols.add(Symbols.encode(s));
        ReferenceBook reference = new ReferenceBook(symbols, maxOpenOrders, maxPriceLevels);
        boolean checkRisk = !risk.equals("none");
        RiskEngine riskEngine = new RiskEngine(riskConfig);
        ReferenceRisk referenceRisk = new ReferenceRisk(riskConfig);
        RandomOrders orders = new RandomOrders(seed, priceTicks, checkRisk, huge);
        OrderInfo in = new OrderInfo();
        OrderInfo stamped = new OrderInfo();
        long reports = 0;
        long trades = 0;
        long bookFull = 0;
        int maxOpen = 0;
        Map<String, Integer> reasons = new TreeMap<>();
        long dayExpired = 0;
        for (int i = 0; i < events; i++) {
            orders.next(in);
            if (checkRisk && !in.isRejected()) {
                RejectReason expected = referenceRisk.check(in);
                RejectReason actual = riskEngine.check(in);
                if (expected != actual)
                    fail("risk, event " + i + " (seed " + seed + "): " + in + "\nexpected " + expected + ", actual "
                            + actual);
                if (actual != RejectReason.NONE) {
                    in.rejectReason(actual); // as the risk stage writes it
                    reasons.merge(actual.name(), 1, Integer::sum);
                }
            }
            if (!in.isRejected()) {
                // the rules risk stamps into an order it passes (in every run: matching reads them from the record)
                referenceRisk.stamp(stamped.copyFrom(in));
                riskEngine.stampRules(in);
                assertEquals(stamped.price(), in.price(), "stamped price, event " + i);
                assertEquals(stamped.flags(), in.flags(), "stamped flags, event " + i);
            }
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
                if (r.rejectReason() != RejectReason.NONE && !in.isRejected())
                    reasons.merge(r.rejectReason().name(), 1, Integer::sum);
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
                + " orders, reasons from risk and matching %s%n", seed, events, reports, trades / 2, bookFull,
                dayExpired, maxOpen, reasons);
        if (maxOpenOrders > 1) {
            assertTrue(trades / 2 > events / 10, "the stream should trade a lot");
            assertTrue(dayExpired > 0, "session closes should expire DAY orders");
        }
        if (maxOpenOrders < 1000)
            assertTrue(bookFull > 0, "small books should fill up");
        if (maxOpenOrders > 1) // every rule is exercised, not just modelled
            for (RejectReason r : List.of(RejectReason.STP_CANCEL_RESTING, RejectReason.STP_CANCEL_INCOMING,
                    RejectReason.STP_CANCEL_BOTH))
                assertTrue(reasons.getOrDefault(r.name(), 0) > 0, r + " never happened");
        if (priceTicks > 10)
            assertTrue(reasons.getOrDefault(RejectReason.MARKET_PROTECTION.name(), 0) > 0, "no MARKET_PROTECTION");
        if (checkRisk)
            for (RejectReason r : List.of(RejectReason.TICK_SIZE, RejectReason.RATE_LIMIT, RejectReason.MAX_NOTIONAL,
                    RejectReason.PRICE_BAND, RejectReason.BAD_QTY))
                assertTrue(reasons.getOrDefault(r.name(), 0) > 0, r + " never happened");
    }
}
