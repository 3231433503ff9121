package dev.orderpipe.pipeline.book;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Prices;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.codes.Action;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.codes.RejectReason;
import dev.orderpipe.pipeline.codes.Side;
import dev.orderpipe.pipeline.codes.TimeInForce;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.config.SymbolConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine's accessors, summary, per-book counts, defensive checks and determinism, on the embedded default config's
 * symbols and capacities.
 */
class MatchingEngineTest {
    private static final long AAPL = Symbols.encode("AAPL");
    private static final long MSFT = Symbols.encode("MSFT");

    private final Reports.Collecting sink = new Reports.Collecting();
    private final MatchingEngine engine = defaultEngine(sink);
    private final OrderInfo in = new OrderInfo();

    /** An engine as the pipeline builds it on the embedded default: one book per risk symbol, its capacities. */
    private static MatchingEngine defaultEngine(ReportSink sink) {
        PipelineConfig config = PipelineConfig.loadDefault();
        return new MatchingEngine(config.matching, SymbolConfig.names(config.risk.symbols), sink);
    }

    private List<String> limit(long id, long symbol, Side side, String price, long qty) {
        return limit(id, symbol, side, TimeInForce.GTC, price, qty);
    }

    private List<String> limit(long id, long symbol, Side side, TimeInForce tif, String price, long qty) {
        engine.onOrder(in.reset().action(Action.NEW).orderId(id).account(7).symbol(symbol).side(side)
                .orderType(OrderType.LIMIT).timeInForce(tif).price(Prices.parse(price)).quantity(qty));
        return sink.drain();
    }

    @Test
    void oneBookPerConfiguredSymbolWithCheapAccessorsAndASummary() {
        limit(1, AAPL, Side.BUY, "189.10", 100);
        limit(2, AAPL, Side.BUY, "189.10", 50);
        limit(3, AAPL, Side.BUY, "189.00", 10);
        limit(4, AAPL, Side.SELL, "189.30", 70);
        limit(5, AAPL, Side.SELL, "189.20", 20);
        limit(6, AAPL, Side.BUY, "189.20", 5);
        assertEquals(5, engine.books().openOrders());
        assertEquals(5, engine.books().openOrders(AAPL));
        assertEquals(0, engine.books().openOrders(MSFT));
        assertEquals(1, engine.trades());
        assertEquals(Prices.parse("189.10"), engine.books().bestBid(AAPL));
        assertEquals(150, engine.books().bestBidQty(AAPL));
        assertEquals(Prices.parse("189.20"), engine.books().bestAsk(AAPL));
        assertEquals(15, engine.books().bestAskQty(AAPL));
        assertEquals(2, engine.books().priceLevels(AAPL, Side.BUY));
        assertEquals(2, engine.books().priceLevels(AAPL, Side.SELL));
        assertEquals(0, engine.books().bestBid(Symbols.encode("XYZ")));

        String summary = BookSummary.of(engine);
        assertTrue(summary.startsWith("matching: 5 resting orders, 1 trades\n"), summary);
        assertTrue(summary.contains("  AAPL: 5 resting, 2 bid / 2 ask levels, best 150 @ 189.1000 / 15 @ 189.2000, "
                + "1 trades\n"), summary);
        assertTrue(summary.contains("  MSFT: 0 resting, 0 bid / 0 ask levels, best - / -, 0 trades\n"), summary);
        assertEquals(9, summary.lines().count(), "a header and one line per configured symbol: " + summary);
    }

    @Test
    void recordsRiskWouldStopAreRejectedNotCrashedOn() {
        engine.onOrder(in.reset().action(Action.NEW).orderId(1).account(7).symbol(Symbols.encode("XYZ"))
                .side(Side.BUY).orderType(OrderType.LIMIT).timeInForce(TimeInForce.GTC).price(1).quantity(1));
        engine.onOrder(in.reset().action(Action.NEW).orderId(2).account(7).symbol(AAPL)
                .side(Side.BUY).orderType(OrderType.LIMIT).timeInForce(TimeInForce.GTC).quantity(1)); // no price
        engine.onOrder(in.reset().action(Action.CANCEL)); // no id
        engine.onOrder(in.reset().orderId(3)); // no action
        List<String> reports = new ArrayList<>(sink.drain());
        limit(4, AAPL, Side.BUY, "189", 1);
        engine.onOrder(in.reset().action(Action.NEW).orderId(4).account(7).symbol(AAPL).side(Side.SELL)
                .orderType(OrderType.MARKET).timeInForce(TimeInForce.IOC).quantity(1)); // live id reused
        reports.addAll(sink.drain());
        assertEquals(5, reports.size(), reports.toString());
        String[] reasons = {"UNKNOWN_SYMBOL", "MALFORMED", "MALFORMED", "MALFORMED", "DUPLICATE_ORDER_ID"};
        for (int i = 0; i < reasons.length; i++)
            assertTrue(reports.get(i).endsWith("reason=" + reasons[i] + "/NONE"), reports.get(i));
        assertEquals(1, engine.books().openOrders());
    }

    @Test
    void rejectedInputsPassThroughWithTheirReasonAndFields() {
        engine.onOrder(in.reset().action(Action.NEW).orderId(9).account(7).symbol(AAPL).side(Side.SELL)
                .orderType(OrderType.LIMIT).timeInForce(TimeInForce.GTC).price(Prices.parse("250")).quantity(3)
                .rejectReason(RejectReason.PRICE_BAND));
        assertEquals(List.of("REJECTED REJECTED id=9 acct=7 AAPL SELL LIMIT GTC px=250.0000 qty=3 action=NEW "
                + "last=0@ leaves=0 cum=0 contra=0 reason=PRICE_BAND/NONE"), sink.drain());
        assertEquals(0, engine.books().openOrders());
    }

    @Test
    void aMarketOrderRefusedByMatchingReportsPriceZeroNotItsStampedProtectionLimit() {
        limit(4, AAPL, Side.BUY, "189", 1);
        // as risk passes them: the protection limit stamped into price (208.1750 for a buy, 170.3250 for a sell)
        engine.onOrder(in.reset().action(Action.NEW).orderId(4).account(7).symbol(AAPL).side(Side.SELL)
                .orderType(OrderType.MARKET).timeInForce(TimeInForce.IOC).price(Prices.parse("170.3250"))
                .quantity(1)); // live id reused
        engine.onOrder(in.reset().action(Action.REPLACE).orderId(4).account(7).symbol(AAPL).side(Side.BUY)
                .orderType(OrderType.MARKET).timeInForce(TimeInForce.GTC).price(Prices.parse("208.1750"))
                .quantity(1)); // a REPLACE cannot make an order MARKET
        assertEquals(List.of(
                "REJECTED REJECTED id=4 acct=7 AAPL SELL MARKET IOC px= qty=1 action=NEW "
                        + "last=0@ leaves=0 cum=0 contra=0 reason=DUPLICATE_ORDER_ID/NONE",
                "REJECTED REJECTED id=4 acct=7 AAPL BUY MARKET GTC px= qty=1 action=REPLACE "
                        + "last=0@ leaves=0 cum=0 contra=0 reason=MALFORMED/NONE"), sink.drain());
        assertEquals(1, engine.books().openOrders());
    }

    private List<String> cancel(long id) {
        engine.onOrder(in.reset().action(Action.CANCEL).orderId(id).account(7));
        return sink.drain();
    }

    private List<String> replace(long id, long symbol, Side side, long price, long qty) {
        engine.onOrder(in.reset().action(Action.REPLACE).orderId(id).account(7).symbol(symbol).side(side)
                .orderType(OrderType.LIMIT).timeInForce(TimeInForce.GTC).price(price).quantity(qty));
        return sink.drain();
    }

    /** Resting orders per book and in all, after the books proved consistent. */
    private void assertResting(int aapl, int msft) {
        engine.books().checkInvariants();
        assertEquals(aapl, engine.books().openOrders(AAPL), "AAPL");
        assertEquals(msft, engine.books().openOrders(MSFT), "MSFT");
        assertEquals(aapl + msft, engine.books().openOrders(), "all books");
    }

    /** Each report as its exec type and order id, e.g. {@code TRADE id=5}. */
    private static List<String> execTypes(List<String> reports) {
        List<String> types = new ArrayList<>();
        for (String r : reports)
            types.add(r.substring(0, r.indexOf(' ')) + " id=" + r.split(" id=")[1].split(" ")[0]);
        return types;
    }

    @Test
    void eachBookCountsItsRestingOrdersDownWhenTheyLeaveByCancelFillOrReplace() {
        limit(1, AAPL, Side.BUY, "189.10", 10);
        limit(2, AAPL, Side.BUY, "189.00", 10);
        limit(3, AAPL, Side.SELL, "189.50", 10);
        limit(4, MSFT, Side.BUY, "415.00", 10);
        assertResting(3, 1);

        assertEquals(List.of("CANCELED id=2"), execTypes(cancel(2)));
        assertResting(2, 1);
        // a partial fill leaves order 1 resting, 6 of 10 open
        assertEquals(List.of("NEW id=5", "TRADE id=5", "TRADE id=1"),
                execTypes(limit(5, AAPL, Side.SELL, TimeInForce.IOC, "189.10", 4)));
        assertResting(2, 1);
        // a replace at or below the filled quantity ends the order
        assertEquals(List.of("CANCELED id=1"), execTypes(replace(1, AAPL, Side.BUY, Prices.parse("189.10"), 4)));
        assertResting(1, 1);

        limit(6, AAPL, Side.BUY, "189.20", 5);
        assertResting(2, 1);
        // a fill takes the resting order 6 whole; the aggressor 7 fills too and never rests
        assertEquals(List.of("NEW id=7", "TRADE id=7", "TRADE id=6"),
                execTypes(limit(7, AAPL, Side.SELL, "189.20", 5)));
        assertResting(1, 1);

        limit(8, AAPL, Side.BUY, "189.30", 5);
        assertResting(2, 1);
        // a replace that moves order 3 without crossing keeps it resting
        assertEquals(List.of("REPLACED id=3"), execTypes(replace(3, AAPL, Side.SELL, Prices.parse("189.40"), 10)));
        assertResting(2, 1);
        // a replace that crosses and trades in full: order 3 and the order it fills, 8, both leave
        assertEquals(List.of("REPLACED id=3", "TRADE id=3", "TRADE id=8"),
                execTypes(replace(3, AAPL, Side.SELL, Prices.parse("189.30"), 5)));
        assertResting(0, 1);

        assertEquals(List.of("CANCELED id=4"), execTypes(cancel(4)));
        assertResting(0, 0);
    }

    /**
     * Ids are per account: two accounts' orders with one id rest side by side and trade as two orders, and a CANCEL or
     * REPLACE naming another account's live id gets the very report an id never used gets, so it tells nothing.
     */
    @Test
    void orderIdsArePerAccountAndAnotherAccountsIdsAreInvisible() {
        Reports.Collecting otherSink = new Reports.Collecting();
        MatchingEngine fresh = defaultEngine(otherSink);
        limit(1, AAPL, Side.BUY, "189.00", 10);
        engine.onOrder(in.reset().action(Action.NEW).orderId(1).account(9).symbol(AAPL).side(Side.BUY)
                .orderType(OrderType.LIMIT).timeInForce(TimeInForce.GTC).price(Prices.parse("189.00")).quantity(5));
        assertEquals(List.of("NEW NEW id=1 acct=9 AAPL BUY LIMIT GTC px=189.0000 qty=5 action=NEW last=0@ leaves=5 "
                + "cum=0 contra=0"), sink.drain());
        assertResting(2, 0);

        // account 5 names account 7's live order 1: the same report as from an engine where no order 1 ever was
        OrderInfo[] probes = {
                new OrderInfo().action(Action.CANCEL).orderId(1).account(5).symbol(AAPL).side(Side.BUY),
                new OrderInfo().action(Action.CANCEL).orderId(1),
                new OrderInfo().action(Action.REPLACE).orderId(1).account(5).symbol(AAPL).side(Side.BUY)
                        .orderType(OrderType.LIMIT).timeInForce(TimeInForce.GTC).price(Prices.parse("189.00"))
                        .quantity(1)};
        for (OrderInfo probe : probes) {
            engine.onOrder(probe);
            fresh.onOrder(probe);
            List<String> reports = sink.drain();
            assertEquals(otherSink.drain(), reports);
            assertEquals(1, reports.size());
            assertTrue(reports.get(0).startsWith("REJECTED REJECTED id=1 ") && reports.get(0).endsWith(
                    "reason=UNKNOWN_ORDER/NONE"), reports.get(0));
        }
        assertResting(2, 0);

        // a seller fills both in time priority: account 7's order 1, then account 9's order 1
        assertEquals(List.of("NEW NEW id=2 acct=5", "TRADE PARTIALLY_FILLED id=2 acct=5", "TRADE FILLED id=1 acct=7",
                        "TRADE FILLED id=2 acct=5", "TRADE PARTIALLY_FILLED id=1 acct=9"),
                heads(limit(2, 5, AAPL, Side.SELL, "189.00", 12)));
        assertEquals(List.of("CANCELED CANCELED id=1 acct=9"), heads(cancel(1, 9)));
        assertResting(0, 0);
    }

    private List<String> limit(long id, long account, long symbol, Side side, String price, long qty) {
        engine.onOrder(in.reset().action(Action.NEW).orderId(id).account(account).symbol(symbol).side(side)
                .orderType(OrderType.LIMIT).timeInForce(TimeInForce.GTC).price(Prices.parse(price)).quantity(qty));
        return sink.drain();
    }

    private List<String> cancel(long id, long account) {
        engine.onOrder(in.reset().action(Action.CANCEL).orderId(id).account(account));
        return sink.drain();
    }

    /** Each report up to its account, e.g. {@code TRADE FILLED id=1 acct=7}. */
    private static List<String> heads(List<String> reports) {
        List<String> heads = new ArrayList<>();
        for (String r : reports)
            heads.add(r.substring(0, r.indexOf(' ', r.indexOf(" acct=") + 1)));
        return heads;
    }

    /** A DAY order rests like GTC (no session ever closes here) and every report about it says DAY. */
    @Test
    void aRestingDayOrderKeepsItsTimeInForce() {
        limit(1, AAPL, Side.BUY, TimeInForce.DAY, "189.00", 10);
        assertResting(1, 0);
        assertEquals(List.of("REJECTED REJECTED id=1 acct=7 AAPL BUY LIMIT GTC px=190.0000 qty=10 action=REPLACE "
                + "last=0@ leaves=0 cum=0 contra=0 reason=MALFORMED/NONE"),
                replace(1, AAPL, Side.BUY, Prices.parse("190.00"), 10), "a replace names the order's time in force");
        engine.onOrder(in.reset().action(Action.REPLACE).orderId(1).account(7).symbol(AAPL).side(Side.BUY)
                .orderType(OrderType.LIMIT).timeInForce(TimeInForce.DAY).price(Prices.parse("189.00")).quantity(8));
        assertEquals(List.of("REPLACED NEW id=1 acct=7 AAPL BUY LIMIT DAY px=189.0000 qty=8 action=REPLACE last=0@ "
                + "leaves=8 cum=0 contra=0"), sink.drain());
        List<String> trade = limit(2, AAPL, Side.SELL, TimeInForce.IOC, "189.00", 3);
        assertEquals("TRADE PARTIALLY_FILLED id=1 acct=7 AAPL BUY LIMIT DAY px=189.0000 qty=8 action=NEW "
                + "last=3@189.0000 leaves=5 cum=3 contra=2", trade.get(2));
        assertEquals(List.of("CANCELED CANCELED id=1 acct=7 AAPL BUY LIMIT DAY px=189.0000 qty=8 action=CANCEL last=0@ "
                + "leaves=0 cum=3 contra=0"), cancel(1));
        assertResting(0, 0);
    }

    @Test
    void aNewOrderWithNoSymbolIsUnknownSymbol() {
        engine.onOrder(in.reset().action(Action.NEW).orderId(1).account(7).side(Side.BUY).orderType(OrderType.LIMIT)
                .timeInForce(TimeInForce.GTC).price(Prices.parse("189")).quantity(5)); // symbol 0: none given
        assertEquals(List.of("REJECTED REJECTED id=1 acct=7  BUY LIMIT GTC px=189.0000 qty=5 action=NEW last=0@ "
                + "leaves=0 cum=0 contra=0 reason=UNKNOWN_SYMBOL/NONE"), sink.drain());
        assertResting(0, 0);
    }

    @Test
    void aReplaceToQuantityOrPriceZeroIsMalformedAndChangesNothing() {
        limit(1, AAPL, Side.BUY, "189.10", 10);
        long price = Prices.parse("189.10");
        assertEquals(List.of("REJECTED REJECTED id=1 acct=7 AAPL BUY LIMIT GTC px=189.1000 qty=0 action=REPLACE "
                + "last=0@ leaves=0 cum=0 contra=0 reason=MALFORMED/NONE"), replace(1, AAPL, Side.BUY, price, 0));
        assertEquals(List.of("REJECTED REJECTED id=1 acct=7 AAPL BUY LIMIT GTC px= qty=10 action=REPLACE "
                + "last=0@ leaves=0 cum=0 contra=0 reason=MALFORMED/NONE"), replace(1, AAPL, Side.BUY, 0, 10));
        assertResting(1, 0);
        assertEquals(price, engine.books().bestBid(AAPL));
        assertEquals(10, engine.books().bestBidQty(AAPL));
        assertEquals(1, engine.books().priceLevels(AAPL, Side.BUY));
        // still live, with its priority: the next seller trades with it
        assertEquals(List.of("NEW id=2", "TRADE id=2", "TRADE id=1", "EXPIRED id=2"),
                execTypes(limit(2, AAPL, Side.SELL, TimeInForce.IOC, "189.10", 20)));
    }

    @Test
    void theSameInputsGiveTheSameReportsOnAFreshEngine() {
        List<String> first = run(11);
        List<String> second = run(11);
        assertEquals(first, second);
        assertTrue(first.size() > 20_000);
    }

    private static List<String> run(long seed) {
        Reports.Collecting sink = new Reports.Collecting();
        MatchingEngine engine = defaultEngine(sink);
        RandomOrders orders = new RandomOrders(seed, 15);
        OrderInfo in = new OrderInfo();
        List<String> all = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            engine.onOrder(orders.next(in));
            all.addAll(sink.drain());
        }
        all.add(BookSummary.of(engine));
        return all;
    }

    /**
     * Level totals never wrap: two asks of 5e18 on one level hold 1e19, more than a long; a FOK buy of 1 must see
     * that the level holds more than it needs and fill (a wrapped, negative total made it expire).
     */
    @Test
    void levelTotalsBeyond64BitsStayExact() {
        long big = 5_000_000_000_000_000_000L;
        limit(1, AAPL, Side.SELL, "189.00", big);
        limit(2, AAPL, Side.SELL, "189.00", big);
        engine.books().checkInvariants();
        assertEquals(Long.MAX_VALUE, engine.books().bestAskQty(AAPL), "a total beyond 64 bits reads as the largest");
        List<String> fok = limit(3, AAPL, Side.BUY, TimeInForce.FOK, "189.00", 1);
        assertEquals(3, fok.size(), String.join("\n", fok));
        assertTrue(fok.get(1).startsWith("TRADE FILLED id=3"), fok.get(1));
        engine.books().checkInvariants();
        // the level still holds 1e19 - 1: a FOK of Long.MAX_VALUE fills, from both orders
        List<String> all = limit(4, AAPL, Side.BUY, TimeInForce.FOK, "189.00", Long.MAX_VALUE);
        assertEquals(List.of("NEW NEW id=4", "TRADE PARTIALLY_FILLED id=4", "TRADE FILLED id=1", "TRADE FILLED id=4",
                "TRADE PARTIALLY_FILLED id=2"), all.stream().map(MatchingEngineTest::prefix).toList());
        long left = 2 * (big - Long.MAX_VALUE / 2) - 2; // 1e19 - 1 - (2^63 - 1), without overflowing on the way
        assertEquals(776_627_963_145_224_192L, left);
        assertEquals(left, engine.books().bestAskQty(AAPL));
        engine.books().checkInvariants();
        // the exact total decides
        assertEquals("EXPIRED EXPIRED id=5", prefix(limit(5, AAPL, Side.BUY, TimeInForce.FOK, "189.00", left + 1)
                .get(1)));
        assertEquals("TRADE FILLED id=6", prefix(limit(6, AAPL, Side.BUY, TimeInForce.FOK, "189.00", left).get(1)));
        assertEquals(0, engine.books().openOrders());
        engine.books().checkInvariants();
    }

    /** The exec type, status and id of a described report. */
    private static String prefix(String report) {
        return report.substring(0, report.indexOf(" acct="));
    }
}
