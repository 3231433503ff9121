package dev.orderpipe.pipeline.book;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Prices;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.codes.Action;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.codes.Side;
import dev.orderpipe.pipeline.codes.TimeInForce;
import dev.orderpipe.pipeline.config.ConfigException;
import dev.orderpipe.pipeline.config.MatchingConfig;
import dev.orderpipe.pipeline.util.TableBytes;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BOOK_FULL at the configured capacities (resting orders across all books, price levels per side of one book), only
 * for orders that would rest, decided before anything trades; and orders accepted again once room is made.
 */
class MatchingEngineCapacityTest {
    private static final long AAPL = Symbols.encode("AAPL");
    private static final long MSFT = Symbols.encode("MSFT");

    private final Reports.Collecting sink = new Reports.Collecting();
    private final OrderInfo in = new OrderInfo();
    private MatchingEngine engine;

    private void engine(int maxOpenOrders, int maxPriceLevels) {
        MatchingConfig config = new MatchingConfig();
        config.maxOpenOrders = maxOpenOrders;
        config.maxPriceLevels = maxPriceLevels;
        engine = new MatchingEngine(config, List.of("AAPL", "MSFT"), sink);
    }

    private List<String> order(long id, long symbol, Side side, TimeInForce tif, String price, long qty) {
        return send(in.reset().action(Action.NEW).orderId(id).account(7).symbol(symbol).side(side)
                .orderType(OrderType.LIMIT).timeInForce(tif).price(Prices.parse(price)).quantity(qty));
    }

    private List<String> gtc(long id, long symbol, Side side, String price, long qty) {
        return order(id, symbol, side, TimeInForce.GTC, price, qty);
    }

    private List<String> replace(long id, long symbol, Side side, String price, long qty) {
        return send(in.reset().action(Action.REPLACE).orderId(id).account(7).symbol(symbol).side(side)
                .orderType(OrderType.LIMIT).timeInForce(TimeInForce.GTC).price(Prices.parse(price)).quantity(qty));
    }

    private List<String> cancel(long id) {
        return send(in.reset().action(Action.CANCEL).orderId(id).account(7));
    }

    private List<String> send(OrderInfo order) {
        engine.onOrder(order);
        return sink.drain();
    }

    private static void assertBookFull(List<String> reports) {
        assertEquals(1, reports.size(), "one report, no NEW: " + reports);
        assertTrue(reports.get(0).startsWith("REJECTED REJECTED") && reports.get(0).endsWith("reason=BOOK_FULL/NONE"),
                reports.get(0));
    }

    private static void assertStarts(String first, int count, List<String> reports) {
        assertEquals(count, reports.size(), reports.toString());
        assertTrue(reports.get(0).startsWith(first), reports.toString());
    }

    @Test
    void maxOpenOrdersIsSharedByEveryBookAndSideAndFreedByACancel() {
        engine(3, 100);
        assertStarts("NEW NEW", 1, gtc(1, AAPL, Side.BUY, "100", 10));
        assertStarts("NEW NEW", 1, gtc(2, AAPL, Side.SELL, "101", 10));
        assertStarts("NEW NEW", 1, gtc(3, MSFT, Side.BUY, "100", 10));
        assertEquals(3, engine.books().openOrders());
        assertBookFull(gtc(4, MSFT, Side.SELL, "105", 10));
        assertBookFull(gtc(5, AAPL, Side.BUY, "100", 10)); // an existing level does not help: no order slot
        assertEquals(3, engine.books().openOrders());
        assertEquals(10, engine.books().bestBidQty(AAPL));

        assertStarts("CANCELED CANCELED", 1, cancel(3));
        assertStarts("NEW NEW", 1, gtc(6, MSFT, Side.SELL, "105", 10));
        assertEquals(3, engine.books().openOrders());
        assertBookFull(gtc(7, MSFT, Side.SELL, "106", 10));
    }

    @Test
    void ordersThatDoNotRestNeedNoRoom() {
        engine(2, 100);
        gtc(1, AAPL, Side.SELL, "100", 10);
        gtc(2, AAPL, Side.SELL, "101", 10);
        // the book is full; none of these rests, so each is accepted
        assertStarts("NEW NEW", 3, order(3, AAPL, Side.BUY, TimeInForce.IOC, "100", 5)); // NEW, TRADE x2
        assertStarts("NEW NEW", 2, order(4, AAPL, Side.BUY, TimeInForce.FOK, "101", 50)); // NEW, EXPIRED
        assertStarts("NEW NEW", 2, order(5, AAPL, Side.BUY, TimeInForce.IOC, "99", 1)); // NEW, EXPIRED
        assertStarts("NEW NEW", 3, market(6, 3)); // NEW, TRADE x2
        assertStarts("NEW NEW", 6, market(7, 100)); // NEW, TRADE x4 (2 left of 1, 10 of 2), EXPIRED
        assertEquals(0, engine.books().openOrders());
        assertEquals(4, engine.trades(), "one trade each for 3 and 6, two for 7");
    }

    private List<String> market(long id, long qty) {
        return send(in.reset().action(Action.NEW).orderId(id).account(7).symbol(AAPL).side(Side.BUY)
                .orderType(OrderType.MARKET).timeInForce(TimeInForce.GTC).quantity(qty));
    }

    @Test
    void tradesThatFreeASlotLetTheRemainderRest() {
        engine(2, 100);
        gtc(1, AAPL, Side.SELL, "100", 10);
        gtc(2, AAPL, Side.SELL, "101", 10);
        // fills order 1, whose slot the remaining 5 take
        assertStarts("NEW NEW", 3, gtc(3, AAPL, Side.BUY, "100", 15));
        assertEquals(2, engine.books().openOrders());
        assertEquals(Prices.parse("100"), engine.books().bestBid(AAPL));
        assertEquals(5, engine.books().bestBidQty(AAPL));
        // full: an order that trades in full is fine, one that would rest without trading is not
        assertStarts("NEW NEW", 3, gtc(4, AAPL, Side.SELL, "99", 2));
        assertBookFull(gtc(5, AAPL, Side.SELL, "102", 1));
        assertBookFull(gtc(6, AAPL, Side.BUY, "99", 1));
        // a GTC across both resting orders takes order 2's slot once it fills it
        assertStarts("NEW NEW", 3, gtc(7, AAPL, Side.BUY, "101", 12));
        assertEquals(2, engine.books().openOrders());
        assertEquals(2, engine.books().bestBidQty(AAPL));
        assertEquals(0, engine.books().bestAsk(AAPL));
    }

    @Test
    void maxPriceLevelsCountsPerSideOfEachBook() {
        engine(100, 2);
        gtc(1, AAPL, Side.BUY, "100", 10);
        gtc(2, AAPL, Side.BUY, "99", 10);
        assertBookFull(gtc(3, AAPL, Side.BUY, "98", 10));
        assertStarts("NEW NEW", 1, gtc(4, AAPL, Side.BUY, "99", 5)); // an existing level
        assertStarts("NEW NEW", 1, gtc(5, AAPL, Side.SELL, "101", 10)); // the other side
        assertStarts("NEW NEW", 1, gtc(6, AAPL, Side.SELL, "102", 10));
        assertStarts("NEW NEW", 1, gtc(7, MSFT, Side.BUY, "98", 10)); // another book
        assertEquals(2, engine.books().priceLevels(AAPL, Side.BUY));
        assertEquals(2, engine.books().priceLevels(AAPL, Side.SELL));
        assertEquals(1, engine.books().priceLevels(MSFT, Side.BUY));

        // a bid at a new price that trades in full needs no level; one that would rest its remainder does
        assertStarts("NEW NEW", 3, gtc(8, AAPL, Side.BUY, "102", 5));
        assertBookFull(gtc(9, AAPL, Side.BUY, "102", 30));
        assertEquals(5, engine.books().bestAskQty(AAPL), "nothing traded for the refused order");

        // when the 99 level empties, a third price fits
        cancel(2);
        assertBookFull(gtc(10, AAPL, Side.BUY, "98", 10));
        cancel(4);
        assertStarts("NEW NEW", 1, gtc(11, AAPL, Side.BUY, "98", 10));
        assertEquals(2, engine.books().priceLevels(AAPL, Side.BUY));
    }

    @Test
    void aReplaceNeedsALevelOnlyWhenItMovesToANewPrice() {
        engine(100, 2);
        gtc(1, AAPL, Side.BUY, "100", 10);
        gtc(2, AAPL, Side.BUY, "99", 10);
        gtc(3, AAPL, Side.BUY, "99", 10);
        assertStarts("REPLACED NEW", 1, replace(2, AAPL, Side.BUY, "99", 8)); // same price, smaller
        assertStarts("REPLACED NEW", 1, replace(3, AAPL, Side.BUY, "99", 20)); // same price, larger
        // 2 shares 99 with 3: moving it to 98 needs a third level; refused, 2 keeps its price and priority
        assertBookFull(replace(2, AAPL, Side.BUY, "98", 8));
        List<String> reports = order(4, AAPL, Side.SELL, TimeInForce.IOC, "99", 11);
        assertEquals(5, reports.size(), reports.toString());
        // 10 from 1 at 100, then 1 from 2, still ahead of 3 at 99
        String resting = reports.get(4);
        assertTrue(resting.startsWith("TRADE PARTIALLY_FILLED id=2 ") && resting.contains("last=1@99.0000"), resting);
        assertEquals(1, engine.books().priceLevels(AAPL, Side.BUY)); // 100 emptied
        gtc(5, AAPL, Side.BUY, "97", 10);
        // 5 is alone at 97: leaving it makes room for 96
        assertStarts("REPLACED NEW", 1, replace(5, AAPL, Side.BUY, "96", 10));
        assertEquals(2, engine.books().priceLevels(AAPL, Side.BUY));
        assertEquals(Prices.parse("99"), engine.books().bestBid(AAPL));
    }

    @Test
    void constructorRefusesBadSetups() {
        MatchingConfig config = new MatchingConfig();
        assertThrows(IllegalArgumentException.class, () -> new MatchingEngine(config, List.of(), sink));
        assertThrows(IllegalArgumentException.class, () -> new MatchingEngine(config, List.of("AAPL", "AAPL"), sink));
        config.maxOpenOrders = 0;
        assertThrows(IllegalArgumentException.class, () -> new MatchingEngine(config, List.of("AAPL"), sink));
        // a config that passes every key's range but not their product: the user's to fix, named as such
        config.maxOpenOrders = 1;
        config.maxPriceLevels = 1 << 20;
        List<String> symbols = IntStream.range(0, 1024).mapToObj(i -> "S" + i).toList();
        ConfigException e = assertThrows(ConfigException.class, () -> new MatchingEngine(config, symbols, sink));
        assertEquals("risk.symbols x 2 x matching.maxPriceLevels is 2147483648, more price-level slots than an array"
                + " holds: lower matching.maxPriceLevels", e.getMessage());
    }

    @Test
    void heapBytesIsWhatTheEngineHolds() {
        List<String> symbols = List.of("AAPL", "MSFT", "GOOG");
        MatchingConfig config = new MatchingConfig();
        config.maxPriceLevels = 50;
        config.maxOpenOrders = 1_000; // more orders than level slots (3 books x 2 sides x 50): levels by the slots
        // no sink: the engine only keeps it, and the test's own sink holds a buffer of its own
        assertEquals(TableBytes.of(new MatchingEngine(config, symbols, null)),
                MatchingEngine.heapBytes(config, symbols.size()), "levels bounded by the books' sides");
        config.maxOpenOrders = 100; // fewer orders than level slots: a level holds an order at least
        assertEquals(TableBytes.of(new MatchingEngine(config, symbols, null)),
                MatchingEngine.heapBytes(config, symbols.size()), "levels bounded by the orders");
    }
}
