package dev.orderpipe.pipeline.book;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Prices;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.codes.Action;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.codes.Side;
import dev.orderpipe.pipeline.codes.TimeInForce;
import dev.orderpipe.pipeline.config.MatchingConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link OrderBooks#checkInvariants()} passes on a consistent book and names each broken invariant precisely, on a
 * book corrupted the way a bug in the rules would leave it.
 */
class OrderBooksTest {
    private static final long AAPL = Symbols.encode("AAPL");

    private final Reports.Collecting sink = new Reports.Collecting();
    private final OrderInfo in = new OrderInfo();
    private MatchingEngine engine;

    /**
     * AAPL bids: 100 (order 1 x 10, then order 2 x 5), 99 (order 3 x 7); ask: 101 (order 4 x 4). Levels are taken
     * from the pool in order (entries 0, 1, 2) and so are order slots (0 to 3).
     */
    @BeforeEach
    void book() {
        MatchingConfig config = new MatchingConfig();
        config.maxOpenOrders = 100;
        config.maxPriceLevels = 10; // 2 books x 2 sides x 10: 40 levels in the pool
        engine = new MatchingEngine(config, List.of("AAPL", "MSFT"), sink);
        rest(1, Side.BUY, "100", 10);
        rest(2, Side.BUY, "100", 5);
        rest(3, Side.BUY, "99", 7);
        rest(4, Side.SELL, "101", 4);
        assertEquals(4, sink.drain().size(), "four NEW reports");
    }

    private void rest(long id, Side side, String price, long qty) {
        engine.onOrder(in.reset().action(Action.NEW).orderId(id).account(7).symbol(AAPL).side(side)
                .orderType(OrderType.LIMIT).timeInForce(TimeInForce.GTC).price(Prices.parse(price)).quantity(qty));
    }

    @Test
    void aConsistentBookPasses() {
        engine.books().checkInvariants();
        engine.onOrder(in.reset().action(Action.CANCEL).orderId(1).account(7));
        engine.books().checkInvariants();
        engine.onOrder(in.reset().action(Action.NEW).orderId(5).account(7).symbol(AAPL).side(Side.SELL)
                .orderType(OrderType.MARKET).timeInForce(TimeInForce.IOC).quantity(6));
        engine.books().checkInvariants();
        assertEquals(2, engine.books().openOrders(AAPL));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "LEVEL_QUANTITY | BUY | book AAPL BUY level 0 from the best (pool entry 0, price 100.0000): quantity 16 "
                    + "but its orders' leaves sum to 15",
            "LEVEL_QUANTITY | SELL | book AAPL SELL level 0 from the best (pool entry 2, price 101.0000): quantity 5 "
                    + "but its orders' leaves sum to 4",
            "KEY_ORDER | BUY | book AAPL BUY level 0 from the best (pool entry 1, price 99.0000): keys not strictly "
                    + "ascending: 990000 after 1000000",
            "EQUAL_KEYS | BUY | book AAPL BUY level 0 from the best (pool entry 0, price 99.0000): keys not strictly "
                    + "ascending: 990000 after 990000",
            "SIDE_RANGE | BUY | book AAPL BUY level 0 from the best names pool entry 40, outside 0..39",
            "FREE_COUNT | BUY | the level free list has 36 entries, expected 37 (40 pooled, 3 on sides)",
            "FREE_ENTRY | BUY | level free list entry 36 names pool entry 0, which is on a side",
            "FREE_RANGE | BUY | level free list entry 36 names pool entry 40, outside 0..39",
            "ORDER_ID | BUY | book AAPL BUY level 0 from the best (pool entry 0, price 100.0000) order 1000001 "
                    + "(slot 0): the id index gives slot -1 for its account and id",
            "ORDER_ID_ZERO | BUY | book AAPL BUY level 0 from the best (pool entry 0, price 100.0000) order 0 "
                    + "(slot 0): the id index gives slot -1 for its account and id",
            "ORDER_FILLED | BUY | book AAPL BUY level 0 from the best (pool entry 0, price 100.0000) order 1 "
                    + "(slot 0): filled 10 of 10, a resting order has leaves > 0",
            "OPEN_ORDERS | SELL | book AAPL: open-order count 5 but 4 orders rest on its levels",
            "ORDER_LINK | BUY | book AAPL BUY level 0 from the best (pool entry 0, price 100.0000): order link 100 is "
                    + "not a slot",
            "ORDER_SIDE | BUY | book AAPL BUY level 0 from the best (pool entry 0, price 100.0000) order 1 (slot 0): "
                    + "says pool entry 0 of book side 4 (none)"})
    void aBrokenInvariantIsNamed(OrderBooks.Corruption corruption, Side side, String message) {
        engine.books().corrupt(corruption, AAPL, side);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> engine.books().checkInvariants());
        assertEquals("order book invariant broken: " + message, e.getMessage());
    }
}
