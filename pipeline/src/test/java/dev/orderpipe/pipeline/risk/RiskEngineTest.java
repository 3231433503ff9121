package dev.orderpipe.pipeline.risk;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Prices;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.codes.Action;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.codes.RejectReason;
import dev.orderpipe.pipeline.codes.Side;
import dev.orderpipe.pipeline.codes.TimeInForce;
import dev.orderpipe.pipeline.config.AccountConfig;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.config.RiskConfig;
import dev.orderpipe.pipeline.config.TickSizeConfig;
import dev.orderpipe.pipeline.util.TableBytes;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RiskEngine} on the embedded default limits (AAPL ref 189.25, 10% band, max qty 100000; TSLA max qty 50000;
 * default max notional 5,000,000, account 1 20,000,000), one rule at a time, and the order the rules apply in.
 */
class RiskEngineTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long AAPL = Symbols.encode("AAPL");
    private static final long TSLA = Symbols.encode("TSLA");
    private static final long MSFT = Symbols.encode("MSFT");

    private final OrderInfo order = new OrderInfo();
    private long nextId = 1;

    private static RiskConfig config() {
        return PipelineConfig.loadDefault().risk;
    }

    private OrderInfo limit(long account, long symbol, String price, long qty) {
        return order.reset().action(Action.NEW).orderId(nextId++).account(account).symbol(symbol).side(Side.BUY)
                .orderType(OrderType.LIMIT).timeInForce(TimeInForce.GTC).price(Prices.parse(price)).quantity(qty);
    }

    private OrderInfo market(long account, long symbol, long qty) {
        return order.reset().action(Action.NEW).orderId(nextId++).account(account).symbol(symbol).side(Side.SELL)
                .orderType(OrderType.MARKET).timeInForce(TimeInForce.IOC).quantity(qty);
    }

    @Test
    void aValidOrderPasses() {
        RiskEngine risk = new RiskEngine(config());
        assertEquals(RejectReason.NONE, risk.check(limit(7, AAPL, "189.25", 100)));
        assertEquals(RejectReason.NONE, risk.check(market(7, AAPL, 100)));
        assertEquals(2, risk.orderIdsSeen());
    }

    @Test
    void malformedRecords() {
        RiskEngine risk = new RiskEngine(config());
        assertEquals(RejectReason.MALFORMED, risk.check(limit(7, AAPL, "189", 1).orderId(0)));
        assertEquals(RejectReason.MALFORMED, risk.check(limit(7, AAPL, "189", 1).action(Action.NONE)));
        assertEquals(RejectReason.MALFORMED, risk.check(limit(0, AAPL, "189", 1)));
        assertEquals(RejectReason.MALFORMED, risk.check(limit(7, AAPL, "189", 1).side(Side.NONE)));
        assertEquals(RejectReason.MALFORMED, risk.check(limit(7, AAPL, "189", 1).orderType(OrderType.NONE)));
        assertEquals(RejectReason.MALFORMED, risk.check(limit(7, AAPL, "189", 1).timeInForce(TimeInForce.NONE)));
        assertEquals(RejectReason.MALFORMED, risk.check(limit(7, 0, "189", 1)));
        assertEquals(RejectReason.MALFORMED, risk.check(limit(7, AAPL, "189", 1).price(0)));
        assertEquals(RejectReason.MALFORMED, risk.check(market(7, AAPL, 1).price(Prices.parse("189"))));
        assertEquals(0, risk.orderIdsSeen(), "a malformed NEW does not spend its id");
    }

    @Test
    void cancelsPassUnlessMalformed() {
        RiskEngine risk = new RiskEngine(config());
        assertEquals(RejectReason.NONE, risk.check(order.reset().action(Action.CANCEL).orderId(42)));
        assertEquals(RejectReason.NONE, risk.check(order.reset().action(Action.CANCEL).orderId(42)
                .symbol(Symbols.encode("XYZ"))));
        assertEquals(RejectReason.MALFORMED, risk.check(order.reset().action(Action.CANCEL).orderId(0)));
    }

    @Test
    void duplicateOrderIdsAmongNewOrdersOfOneAccount() {
        RiskEngine risk = new RiskEngine(config());
        assertEquals(RejectReason.NONE, risk.check(limit(7, AAPL, "189", 1).orderId(5)));
        assertEquals(RejectReason.DUPLICATE_ORDER_ID, risk.check(limit(7, TSLA, "250", 1).orderId(5)));
        // ids are per account: another account's id 5 is its own, and a duplicate only on that account
        assertEquals(RejectReason.NONE, risk.check(limit(9, TSLA, "250", 1).orderId(5)));
        assertEquals(RejectReason.DUPLICATE_ORDER_ID, risk.check(limit(9, AAPL, "189", 1).orderId(5)));
        assertEquals(2, risk.orderIdsSeen());
        // a REPLACE names an existing order: not a duplicate
        assertEquals(RejectReason.NONE, risk.check(limit(7, AAPL, "189", 2).orderId(5).action(Action.REPLACE)));
        // an id spent on a NEW rejected for another reason stays spent
        assertEquals(RejectReason.UNKNOWN_SYMBOL, risk.check(limit(7, Symbols.encode("XYZ"), "1", 1).orderId(6)));
        assertEquals(RejectReason.DUPLICATE_ORDER_ID, risk.check(limit(7, AAPL, "189", 1).orderId(6)));
    }

    @Test
    void orderIdTableFull() {
        RiskConfig config = config();
        config.orderIdCapacity = 2;
        RiskEngine risk = new RiskEngine(config);
        assertEquals(RejectReason.NONE, risk.check(limit(7, AAPL, "189", 1).orderId(1)));
        assertEquals(RejectReason.NONE, risk.check(limit(7, AAPL, "189", 1).orderId(2)));
        assertEquals(RejectReason.ORDER_ID_TABLE_FULL, risk.check(limit(7, AAPL, "189", 1).orderId(3)));
        assertEquals(RejectReason.DUPLICATE_ORDER_ID, risk.check(limit(7, AAPL, "189", 1).orderId(2)));
        assertEquals(RejectReason.ORDER_ID_TABLE_FULL, risk.check(limit(9, AAPL, "189", 1).orderId(2)),
                "the table holds (account, id) pairs: another account's id 2 needs room of its own");
        assertEquals(RejectReason.NONE, risk.check(limit(7, AAPL, "189", 5).orderId(1).action(Action.REPLACE)));
    }

    @Test
    void unknownSymbol() {
        RiskEngine risk = new RiskEngine(config());
        assertEquals(RejectReason.UNKNOWN_SYMBOL, risk.check(limit(7, Symbols.encode("IBM"), "100", 1)));
        assertEquals(RejectReason.UNKNOWN_SYMBOL, risk.check(market(7, Symbols.encode("A"), 1)));
    }

    @Test
    void quantityPerSymbol() {
        RiskEngine risk = new RiskEngine(config());
        assertEquals(RejectReason.BAD_QTY, risk.check(limit(7, AAPL, "189", 0)));
        assertEquals(RejectReason.BAD_QTY, risk.check(limit(7, AAPL, "189", -5)));
        assertEquals(RejectReason.NONE, risk.check(limit(1, AAPL, "189", 100_000)));
        assertEquals(RejectReason.BAD_QTY, risk.check(limit(1, AAPL, "189", 100_001)));
        assertEquals(RejectReason.NONE, risk.check(market(1, TSLA, 50_000)));
        assertEquals(RejectReason.BAD_QTY, risk.check(market(1, TSLA, 50_001)));
    }

    @Test
    void priceBandIncludesItsEnds() {
        RiskEngine risk = new RiskEngine(config());
        assertEquals(RejectReason.NONE, risk.check(limit(7, AAPL, "208.175", 1)));
        assertEquals(RejectReason.PRICE_BAND, risk.check(limit(7, AAPL, "208.1751", 1)));
        assertEquals(RejectReason.NONE, risk.check(limit(7, AAPL, "170.325", 1)));
        assertEquals(RejectReason.PRICE_BAND, risk.check(limit(7, AAPL, "170.3249", 1)));
        assertEquals(RejectReason.NONE, risk.check(market(7, AAPL, 1)), "MARKET has no price to band");
    }

    @Test
    void maxNotionalPerAccountWithMarketAtTheReferencePrice() {
        RiskEngine risk = new RiskEngine(config());
        assertEquals(RejectReason.NONE, risk.check(limit(7, AAPL, "189.25", 26_420))); // 4,999,985.00
        assertEquals(RejectReason.MAX_NOTIONAL, risk.check(limit(7, AAPL, "189.25", 26_421))); // 5,000,174.25
        // a MARKET order is sized at its band limit, the worst price it may trade at: a sell at 170.325 (189.25 - 10%)
        assertEquals(RejectReason.NONE, risk.check(market(7, AAPL, 29_355))); // 4,999,890.375
        assertEquals(RejectReason.MAX_NOTIONAL, risk.check(market(7, AAPL, 29_356))); // 5,000,060.7
        // a buy at 208.175 (189.25 + 10%)
        assertEquals(RejectReason.NONE, risk.check(market(7, AAPL, 24_018).side(Side.BUY))); // 4,999,947.15
        assertEquals(RejectReason.MAX_NOTIONAL, risk.check(market(7, AAPL, 24_019).side(Side.BUY))); // 5,000,155.325
        // exactly at the limit passes: 250 x 20,000 = 5,000,000 (TSLA ref 248.30, so 250 is in band)
        assertEquals(RejectReason.NONE, risk.check(limit(7, TSLA, "250", 20_000)));
        assertEquals(RejectReason.MAX_NOTIONAL, risk.check(limit(7, TSLA, "250.0001", 20_000)));
        // account 1: 20,000,000
        assertEquals(RejectReason.NONE, risk.check(limit(1, AAPL, "189.25", 100_000)));
        assertEquals(RejectReason.MAX_NOTIONAL, risk.check(limit(1, MSFT, "415.5", 50_000))); // 20,775,000
        // a REPLACE is checked on its new total quantity
        assertEquals(RejectReason.MAX_NOTIONAL,
                risk.check(limit(7, AAPL, "189.25", 26_421).orderId(1).action(Action.REPLACE)));
    }

    private RiskEngine rateLimited(int perSecond, int accounts) {
        RiskConfig config = config();
        config.maxOrdersPerSecond = perSecond;
        config.accountCapacity = accounts;
        return new RiskEngine(config);
    }

    private RejectReason at(RiskEngine risk, long account, long eventTime) {
        return risk.check(limit(account, AAPL, "189", 1).eventTime(eventTime));
    }

    @Test
    void rateLimitPerAccountPerSecondOfEventTime() {
        RiskEngine risk = rateLimited(2, 16);
        assertEquals(RejectReason.NONE, at(risk, 7, 5 * SECOND));
        assertEquals(RejectReason.NONE, at(risk, 7, 5 * SECOND + 999_999_999));
        assertEquals(RejectReason.RATE_LIMIT, at(risk, 7, 5 * SECOND + 999_999_999));
        assertEquals(RejectReason.NONE, at(risk, 9, 5 * SECOND + 999_999_999), "each account has its own budget");
        // a REPLACE counts; a CANCEL does not, and neither does an order rejected for another reason
        assertEquals(RejectReason.NONE, risk.check(order.reset().action(Action.CANCEL).orderId(1)
                .eventTime(5 * SECOND)));
        assertEquals(RejectReason.UNKNOWN_SYMBOL, risk.check(limit(9, Symbols.encode("XYZ"), "1", 1)
                .eventTime(5 * SECOND)));
        assertEquals(RejectReason.NONE, risk.check(limit(9, AAPL, "189", 1).orderId(1).action(Action.REPLACE)
                .eventTime(5 * SECOND)));
        assertEquals(RejectReason.RATE_LIMIT, at(risk, 9, 5 * SECOND));
        // the next second starts a new budget
        assertEquals(RejectReason.NONE, at(risk, 7, 6 * SECOND));
        assertEquals(RejectReason.NONE, at(risk, 7, 6 * SECOND + 1));
        assertEquals(RejectReason.RATE_LIMIT, at(risk, 7, 6 * SECOND + 2));
        // and skipping seconds is fine
        assertEquals(RejectReason.NONE, at(risk, 7, 60 * SECOND));
    }

    @Test
    void rateLimitCannotBeDodgedWithEventTimesThatGoBack() {
        // event times come from the sender; alternating between two seconds must not reset the budget each time
        RiskEngine risk = rateLimited(2, 16);
        int passed = 0;
        for (int i = 0; i < 20; i++) {
            if (at(risk, 7, (i % 2 == 0 ? 6 : 5) * SECOND + i) == RejectReason.NONE)
                passed++;
        }
        assertEquals(2, passed, "a late event counts in the latest second seen for its account");
    }

    @Test
    void accountTableFull() {
        RiskEngine risk = rateLimited(5, 2);
        assertEquals(RejectReason.NONE, at(risk, 7, SECOND));
        assertEquals(RejectReason.NONE, at(risk, 8, SECOND));
        assertEquals(RejectReason.ACCOUNT_TABLE_FULL, at(risk, 9, SECOND));
        assertEquals(RejectReason.NONE, at(risk, 7, 2 * SECOND), "known accounts go on");
        assertEquals(RejectReason.NONE, new RiskEngine(config()).check(limit(99, AAPL, "189", 1)),
                "no table at all when the rate limit is off");
    }

    @Test
    void checksApplyInTheirDocumentedOrder() {
        RiskEngine risk = rateLimited(1, 16);
        // unknown symbol wins over bad qty; bad qty over price band; price band over notional; notional over rate
        assertEquals(RejectReason.UNKNOWN_SYMBOL, risk.check(limit(7, Symbols.encode("XYZ"), "1000", 0)));
        assertEquals(RejectReason.BAD_QTY, risk.check(limit(7, AAPL, "1000", 0)));
        assertEquals(RejectReason.PRICE_BAND, risk.check(limit(7, AAPL, "1000", 100_000)));
        assertEquals(RejectReason.MAX_NOTIONAL, risk.check(limit(7, AAPL, "189.25", 100_000)));
        assertEquals(RejectReason.NONE, at(risk, 7, 0));
        assertEquals(RejectReason.RATE_LIMIT, at(risk, 7, 0));
    }

    @Test
    void marketOrdersAreSizedAtTheirProtectionLimit() {
        RiskConfig config = config();
        config.marketProtectionPercent = 1; // AAPL 187.3575 to 191.1425
        RiskEngine risk = new RiskEngine(config);
        assertEquals(RejectReason.NONE, risk.check(market(7, AAPL, 26_158).side(Side.BUY))); // 4,999,905.515
        assertEquals(RejectReason.MAX_NOTIONAL, risk.check(market(7, AAPL, 26_159).side(Side.BUY))); // 5,000,096.6575
        assertEquals(RejectReason.NONE, risk.check(market(7, AAPL, 26_686))); // 4,999,822.245
        assertEquals(RejectReason.MAX_NOTIONAL, risk.check(market(7, AAPL, 26_687))); // 5,000,009.6025
    }

    @Test
    void limitPricesMustBeOnTheTickOfTheirBand() {
        RiskConfig config = config();
        // AAPL: 0.05 from 0, 0.10 from 180.00, 0.25 from 190.00 (within the 170.325..208.175 band)
        config.symbols.get(0).tickSizes = List.of(TickSizeConfig.of("0", "0.05"), TickSizeConfig.of("180", "0.10"),
                TickSizeConfig.of("190.00", "0.25"));
        RiskEngine risk = new RiskEngine(config);
        assertEquals(RejectReason.NONE, risk.check(limit(7, AAPL, "179.95", 1)));
        assertEquals(RejectReason.TICK_SIZE, risk.check(limit(7, AAPL, "179.97", 1)));
        assertEquals(RejectReason.NONE, risk.check(limit(7, AAPL, "180", 1)));
        assertEquals(RejectReason.TICK_SIZE, risk.check(limit(7, AAPL, "180.05", 1)));
        assertEquals(RejectReason.NONE, risk.check(limit(7, AAPL, "189.90", 1)));
        assertEquals(RejectReason.TICK_SIZE, risk.check(limit(7, AAPL, "190.10", 1)));
        assertEquals(RejectReason.NONE, risk.check(limit(7, AAPL, "190.25", 1)));
        assertEquals(RejectReason.TICK_SIZE, risk.check(limit(7, AAPL, "190.25", 1).orderId(1)
                .action(Action.REPLACE).price(Prices.parse("190.30"))), "a REPLACE's new price too");
        assertEquals(RejectReason.NONE, risk.check(market(7, AAPL, 1)), "a MARKET order has no price to check");
        assertEquals(RejectReason.NONE, risk.check(limit(7, MSFT, "415.5001", 1)), "MSFT has no tick table");
        // the price band comes first, the notional after
        assertEquals(RejectReason.PRICE_BAND, risk.check(limit(7, AAPL, "300.01", 1)));
        assertEquals(RejectReason.TICK_SIZE, risk.check(limit(7, AAPL, "190.01", 100_000)));
    }

    private OrderInfo cancel(long account, long eventTime) {
        return order.reset().action(Action.CANCEL).orderId(nextId++).account(account).eventTime(eventTime);
    }

    @Test
    void rollingRateLimitCountsAnySecondAndOptionallyCancels() {
        RiskConfig config = config();
        config.maxOrdersPerSecond = 3;
        config.rateWindowRolling = true;
        config.rateCountsCancels = true;
        RiskEngine risk = new RiskEngine(config);
        // 3 at the end of one second, then the next second: whole seconds would pass 3 more
        assertEquals(RejectReason.NONE, at(risk, 7, 2 * SECOND - 3_000_000));
        assertEquals(RejectReason.NONE, at(risk, 7, 2 * SECOND - 2_000_000));
        assertEquals(RejectReason.NONE, risk.check(cancel(7, 2 * SECOND - 1_000_000)), "a CANCEL counts");
        assertEquals(RejectReason.RATE_LIMIT, at(risk, 7, 2 * SECOND));
        assertEquals(RejectReason.RATE_LIMIT, risk.check(cancel(7, 2 * SECOND)));
        assertEquals(RejectReason.NONE, risk.check(cancel(0, 2 * SECOND)), "a CANCEL naming no account is not counted");
        assertEquals(RejectReason.NONE, at(risk, 9, 2 * SECOND), "each account has its own budget");
        // exactly one second after the first, it is out of the window
        assertEquals(RejectReason.RATE_LIMIT, at(risk, 7, 3 * SECOND - 3_000_001));
        assertEquals(RejectReason.NONE, at(risk, 7, 3 * SECOND - 3_000_000));
        assertEquals(RejectReason.RATE_LIMIT, at(risk, 7, 3 * SECOND - 2_000_001));
        // a late event counts at the latest time seen: it cannot reopen the window
        assertEquals(RejectReason.RATE_LIMIT, at(risk, 7, SECOND));
        assertEquals(RejectReason.NONE, at(risk, 7, 3 * SECOND - 2_000_000));
    }

    @Test
    void cancelsAreNotCountedUnlessConfigured() {
        RiskEngine risk = rateLimited(1, 16);
        assertEquals(RejectReason.NONE, at(risk, 7, SECOND));
        assertEquals(RejectReason.NONE, risk.check(cancel(7, SECOND)));
        assertEquals(RejectReason.NONE, risk.check(cancel(7, SECOND)));
        RiskConfig config = config();
        config.maxOrdersPerSecond = 1;
        config.rateCountsCancels = true;
        risk = new RiskEngine(config);
        assertEquals(RejectReason.NONE, risk.check(cancel(7, SECOND)));
        assertEquals(RejectReason.RATE_LIMIT, risk.check(cancel(7, SECOND)), "counted per whole second too");
        assertEquals(RejectReason.RATE_LIMIT, at(risk, 7, SECOND));
        assertEquals(RejectReason.NONE, at(risk, 7, 2 * SECOND));
    }

    /** {@code heapBytes} counts the tables the constructor allocates, so that a start can refuse them beforehand. */
    @Test
    void heapBytesIsWhatTheEngineHolds() {
        RiskConfig config = config();
        config.orderIdCapacity = 5_000;
        for (long account = 2; account <= 3; account++) {
            AccountConfig a = new AccountConfig();
            a.account = account;
            a.maxNotional = "1000";
            config.accounts.add(a);
        }
        assertEquals(TableBytes.of(new RiskEngine(config)), RiskEngine.heapBytes(config), "rate limit off");
        config.maxOrdersPerSecond = 10;
        config.accountCapacity = 1_000;
        assertEquals(TableBytes.of(new RiskEngine(config)), RiskEngine.heapBytes(config), "rate limit on");
        config.rateWindowRolling = true;
        config.symbols.get(1).tickSizes = List.of(TickSizeConfig.of("0", "0.0001"), TickSizeConfig.of("1", "0.01"));
        config.symbols.get(3).tickSizes = List.of(TickSizeConfig.of("0", "0.01"));
        assertEquals(TableBytes.of(new RiskEngine(config)), RiskEngine.heapBytes(config), "rolling, tick tables");
    }

    @Test
    void withTheRateLimitOffAccountCapacityCostsNoHeap() {
        RiskConfig config = config();
        long heap = RiskEngine.heapBytes(config);
        config.accountCapacity = 1 << 24;
        assertEquals(heap, RiskEngine.heapBytes(config));
        config.maxOrdersPerSecond = 1;
        assertTrue(RiskEngine.heapBytes(config) > heap + (1L << 24) * 12);
    }

    @Test
    void notionalNeverOverflows() {
        assertTrue(RiskEngine.exceedsNotional(Long.MAX_VALUE / 2, 3, Long.MAX_VALUE));
        assertTrue(RiskEngine.exceedsNotional(Prices.parse("100"), Long.MAX_VALUE / 1000, Prices.parse("1000000")));
        assertFalse(RiskEngine.exceedsNotional(Prices.parse("100"), 10, Prices.parse("1000")));
        assertTrue(RiskEngine.exceedsNotional(Prices.parse("100"), 11, Prices.parse("1000")));
        assertFalse(RiskEngine.exceedsNotional(0, 11, 0), "nothing exceeds nothing");
    }

    private OrderInfo session(Action action, long date) {
        return order.reset().action(action).tradingDate(date);
    }

    @Test
    void sessionEventsMustFitTheSessionState() {
        RiskEngine risk = new RiskEngine(config());
        // the implicit session runs until the first event; a close of it may name any date or none
        assertEquals(RejectReason.NONE, risk.check(limit(7, AAPL, "189.25", 100)));
        assertFalse(risk.sessionOpen());
        assertEquals(RejectReason.NONE, risk.check(session(Action.SESSION_CLOSE, 0)));
        assertEquals(0, risk.orderIdsSeen(), "the implicit session's ids left with it");
        assertEquals(RejectReason.SESSION_STATE, risk.check(session(Action.SESSION_CLOSE, 0)), "none open");
        assertEquals(RejectReason.SESSION_CLOSED, risk.check(limit(7, AAPL, "189.25", 100)));
        assertEquals(0, risk.orderIdsSeen(), "an order refused between sessions uses no id");
        assertEquals(RejectReason.NONE, risk.check(order.reset().action(Action.CANCEL).orderId(1).account(7)),
                "a CANCEL between sessions goes through");
        assertEquals(RejectReason.NONE, risk.check(session(Action.SESSION_OPEN, 20261130)));
        assertTrue(risk.sessionOpen());
        assertEquals(20261130, risk.sessionDate());
        assertEquals(RejectReason.SESSION_STATE, risk.check(session(Action.SESSION_OPEN, 20261201)), "one is open");
        assertEquals(RejectReason.SESSION_STATE, risk.check(session(Action.SESSION_CLOSE, 20261201)),
                "another date than the open session's");
        assertEquals(RejectReason.NONE, risk.check(session(Action.SESSION_CLOSE, 20261130)));
        assertEquals(RejectReason.SESSION_STATE, risk.check(session(Action.SESSION_OPEN, 20261130)),
                "a date not after the last session's");
        assertEquals(RejectReason.SESSION_STATE, risk.check(session(Action.SESSION_OPEN, 20261129)));
        assertEquals(RejectReason.NONE, risk.check(session(Action.SESSION_OPEN, 20261201)));
        assertEquals(RejectReason.NONE, risk.check(session(Action.SESSION_CLOSE, 0)), "no date: the one open");
        assertEquals(20261201, risk.sessionDate());
    }

    @Test
    void malformedSessionEvents() {
        RiskEngine risk = new RiskEngine(config());
        assertEquals(RejectReason.MALFORMED, risk.check(session(Action.SESSION_OPEN, 0)), "an open names its date");
        assertEquals(RejectReason.MALFORMED, risk.check(session(Action.SESSION_OPEN, 20261131)));
        assertEquals(RejectReason.MALFORMED, risk.check(session(Action.SESSION_CLOSE, 2026113)));
        assertEquals(RejectReason.MALFORMED, risk.check(session(Action.SESSION_OPEN, 20261130).orderId(5)));
        assertEquals(RejectReason.MALFORMED, risk.check(session(Action.SESSION_OPEN, 20261130).account(5)));
        assertFalse(risk.sessionOpen(), "a malformed event changes nothing");
    }

    @Test
    void aSessionsEndEmptiesTheIdTableAndTheRateWindows() {
        RiskConfig config = config();
        config.maxOrdersPerSecond = 1;
        RiskEngine risk = new RiskEngine(config);
        assertEquals(RejectReason.NONE, risk.check(session(Action.SESSION_OPEN, 20261130)));
        assertEquals(RejectReason.NONE, risk.check(limit(7, AAPL, "189.25", 100).orderId(1).eventTime(SECOND)));
        assertEquals(RejectReason.RATE_LIMIT, risk.check(limit(7, AAPL, "189.25", 100).orderId(2).eventTime(SECOND)));
        assertEquals(RejectReason.DUPLICATE_ORDER_ID, risk.check(limit(7, AAPL, "189.25", 100).orderId(1)
                .eventTime(SECOND)));
        assertEquals(2, risk.orderIdsSeen());
        assertEquals(RejectReason.NONE, risk.check(session(Action.SESSION_CLOSE, 0)));
        assertEquals(RejectReason.NONE, risk.check(session(Action.SESSION_OPEN, 20261201)));
        assertEquals(0, risk.orderIdsSeen());
        // the same id, the same second of event time: a new session, a new id table and a new rate window
        assertEquals(RejectReason.NONE, risk.check(limit(7, AAPL, "189.25", 100).orderId(1).eventTime(SECOND)));
        assertEquals(RejectReason.RATE_LIMIT, risk.check(limit(7, AAPL, "189.25", 100).orderId(3).eventTime(SECOND)));
    }

    private static final long PRICE = Prices.parse("189.25");

    /** Session events and the orders between them allocate nothing: a session's end empties preallocated tables. */
    @Test
    void sessionsAllocateNothing() {
        RiskConfig config = config();
        config.maxOrdersPerSecond = 1000;
        config.orderIdCapacity = 100_000;
        RiskEngine risk = new RiskEngine(config);
        long checksum = sessions(risk, 0, 200);
        dev.orderpipe.pipeline.util.ThreadAllocation.current();
        long before = dev.orderpipe.pipeline.util.ThreadAllocation.current();
        checksum += sessions(risk, 200, 400);
        long allocated = dev.orderpipe.pipeline.util.ThreadAllocation.current() - before;
        assertTrue(allocated <= 4096, "allocated " + allocated + " bytes over 200 sessions (" + checksum + ")");
    }

    /** Sessions {@code from..to}, each an open, 1,000 orders (some between sessions) and a close. */
    private long sessions(RiskEngine risk, int from, int to) {
        long checksum = 0;
        for (int s = from; s < to; s++) {
            if (risk.check(session(Action.SESSION_OPEN, 20000101 + s / 28 * 10000L + s % 28)) != RejectReason.NONE)
                throw new AssertionError("session " + s + " did not open");
            for (int i = 0; i < 1000; i++)
                checksum += risk.check(order.reset().action(Action.NEW).orderId(1 + i % 900).account(1 + i % 50)
                        .symbol(AAPL).side(Side.BUY).orderType(OrderType.LIMIT).timeInForce(TimeInForce.DAY)
                        .price(PRICE).quantity(10).eventTime(SECOND * s + i)).ordinal();
            if (risk.check(session(Action.SESSION_CLOSE, 0)) != RejectReason.NONE)
                throw new AssertionError("session " + s + " did not close");
            checksum += risk.check(order.reset().action(Action.NEW).orderId(1).account(7).symbol(AAPL).side(Side.BUY)
                    .orderType(OrderType.LIMIT).timeInForce(TimeInForce.GTC).price(PRICE).quantity(10)).ordinal();
        }
        return checksum;
    }
}
