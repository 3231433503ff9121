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
import dev.orderpipe.pipeline.config.RiskConfig;
import dev.orderpipe.pipeline.config.SymbolConfig;
import dev.orderpipe.pipeline.util.FixedLongIndex;
import dev.orderpipe.pipeline.util.FixedPairIndex;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Pre-trade risk checks, in this order:
 * <ol>
 *     <li>{@code MALFORMED}: a record no valid file line or API call can produce (zero order id, missing side...);</li>
 *     <li>{@code DUPLICATE_ORDER_ID} for a NEW whose id was already seen on its account ({@code ORDER_ID_TABLE_FULL}
 *     when the bounded table of seen (account, id) pairs is full);</li>
 *     <li>{@code UNKNOWN_SYMBOL}, {@code BAD_QTY}, {@code PRICE_BAND}, {@code MAX_NOTIONAL} for NEW and REPLACE
 *     (a MARKET order's notional uses the reference price);</li>
 *     <li>{@code RATE_LIMIT}: more NEW and REPLACE orders in one second of event time from one account than
 *     {@code maxOrdersPerSecond} ({@code ACCOUNT_TABLE_FULL} when the bounded account table is full). Seconds are
 *     whole seconds of {@code ts_nanos}; an event older than the latest second seen for its account counts in that
 *     latest second. Only orders that passed every other check use the budget.</li>
 * </ol>
 * A NEW's order id is remembered with its account as soon as it passes the MALFORMED check, even if a later check
 * rejects it: ids are unique among the NEW orders of one account in a session (docs/formats.md), so resending a
 * rejected order needs a new id, while another account may use the same id freely. The key is the whole
 * (account, id) pair, stored and compared in full: two accounts' ids are never taken for one another.
 * CANCELs pass unless malformed. Time is the order's own event time ({@code ts_nanos}), so the same input gives the
 * same result at any replay speed. All tables are sized from config and never resize: nothing is allocated per order.
 */
public final class RiskEngine {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final FixedLongIndex symbolIndex;
    private final long[] refPrice;
    private final long[] maxQty;
    private final long[] bandLow;
    private final long[] bandHigh;
    private final FixedLongIndex accountLimitIndex;
    private final long[] accountMaxNotional;
    private final long defaultMaxNotional;
    private final FixedPairIndex seenOrderIds;
    private final int maxOrdersPerSecond;
    private final FixedLongIndex rateAccounts;
    private final long[] rateWindow;
    private final int[] rateCount;

    public RiskEngine(RiskConfig config) {
        int n = config.symbols.size();
        symbolIndex = new FixedLongIndex(n);
        refPrice = new long[n];
        maxQty = new long[n];
        bandLow = new long[n];
        bandHigh = new long[n];
        BigDecimal band = BigDecimal.valueOf(config.priceBandPercent).movePointLeft(2);
        for (SymbolConfig s : config.symbols) {
            int slot = symbolIndex.slotOf(Symbols.encode(s.symbol), true);
            long ref = Prices.parse(s.refPrice);
            long deviation = BigDecimal.valueOf(ref).multiply(band).setScale(0, RoundingMode.FLOOR).longValueExact();
            refPrice[slot] = ref;
            maxQty[slot] = s.maxOrderQty;
            bandLow[slot] = ref - deviation;
            bandHigh[slot] = ref + deviation;
        }
        int accounts = Math.max(1, config.accounts.size());
        accountLimitIndex = new FixedLongIndex(accounts);
        accountMaxNotional = new long[accounts];
        for (AccountConfig a : config.accounts)
            accountMaxNotional[accountLimitIndex.slotOf(a.account, true)] = Prices.parse(a.maxNotional);
        defaultMaxNotional = Prices.parse(config.defaultMaxNotional);
        seenOrderIds = new FixedPairIndex(config.orderIdCapacity);
        maxOrdersPerSecond = config.maxOrdersPerSecond;
        int rateCapacity = rateCapacity(config);
        rateAccounts = new FixedLongIndex(rateCapacity);
        rateWindow = new long[rateCapacity];
        rateCount = new int[rateCapacity];
    }

    private static int rateCapacity(RiskConfig config) {
        return config.maxOrdersPerSecond > 0 ? config.accountCapacity : 1;
    }

    /**
     * About the heap the constructor allocates for {@code config}, so that a start can refuse capacities the heap
     * cannot hold before allocating them. Counts the same tables as the constructor: keep the two together.
     */
    public static long heapBytes(RiskConfig config) {
        long symbols = config.symbols.size();
        int accounts = Math.max(1, config.accounts.size());
        int rateCapacity = rateCapacity(config);
        return FixedLongIndex.heapBytes((int) symbols) + 4 * Long.BYTES * symbols
                + FixedLongIndex.heapBytes(accounts) + (long) Long.BYTES * accounts
                + FixedPairIndex.heapBytes(config.orderIdCapacity)
                + FixedLongIndex.heapBytes(rateCapacity) + (long) (Long.BYTES + Integer.BYTES) * rateCapacity;
    }

    /** Checks one order; returns {@link RejectReason#NONE} when it passes. */
    public RejectReason check(OrderInfo order) {
        Action action = order.action();
        if (order.orderId() <= 0 || action == Action.NONE)
            return RejectReason.MALFORMED;
        if (action == Action.CANCEL)
            return RejectReason.NONE;
        if (order.account() <= 0 || order.side() == Side.NONE || order.orderType() == OrderType.NONE
                || order.timeInForce() == TimeInForce.NONE || order.symbol() == 0
                || (order.orderType() == OrderType.LIMIT) != (order.price() > 0))
            return RejectReason.MALFORMED;
        if (action == Action.NEW) {
            int seen = seenOrderIds.size();
            // FULL only for a pair not held: a held pair is a duplicate even when the table is full
            if (seenOrderIds.slotOf(order.account(), order.orderId(), true) == FixedPairIndex.FULL)
                return RejectReason.ORDER_ID_TABLE_FULL;
            if (seenOrderIds.size() == seen)
                return RejectReason.DUPLICATE_ORDER_ID;
        }
        int symbol = symbolIndex.slotOf(order.symbol(), false);
        if (symbol < 0)
            return RejectReason.UNKNOWN_SYMBOL;
        long qty = order.quantity();
        if (qty < 1 || qty > maxQty[symbol])
            return RejectReason.BAD_QTY;
        boolean limit = order.orderType() == OrderType.LIMIT;
        long price = order.price();
        if (limit && (price < bandLow[symbol] || price > bandHigh[symbol]))
            return RejectReason.PRICE_BAND;
        long notionalPrice = limit ? price : refPrice[symbol];
        if (exceedsNotional(notionalPrice, qty, maxNotional(order.account())))
            return RejectReason.MAX_NOTIONAL;
        if (maxOrdersPerSecond > 0)
            return rateCheck(order.account(), order.eventTime());
        return RejectReason.NONE;
    }

    private long maxNotional(long account) {
        int slot = accountLimitIndex.slotOf(account, false);
        return slot >= 0 ? accountMaxNotional[slot] : defaultMaxNotional;
    }

    /** price (4 decimals) x qty > maxNotional (4 decimals), without overflow. */
    static boolean exceedsNotional(long price, long qty, long maxNotional) {
        long high = Math.multiplyHigh(price, qty);
        long low = price * qty;
        if (high != 0 || low < 0)
            return true;
        // price * qty is in 4-decimal units times qty: compare as notional * 10^4
        return low > maxNotional;
    }

    private RejectReason rateCheck(long account, long eventTime) {
        int slot = rateAccounts.slotOf(account, true);
        if (slot == FixedLongIndex.FULL)
            return RejectReason.ACCOUNT_TABLE_FULL;
        long window = Math.floorDiv(eventTime, NANOS_PER_SECOND);
        // the window only moves forward: event times come from senders and may go back, and resetting on every change
        // of second would let alternating timestamps dodge the limit; a late event counts in the latest second seen
        if (window > rateWindow[slot] || rateCount[slot] == 0) {
            rateWindow[slot] = window;
            rateCount[slot] = 0;
        }
        if (rateCount[slot] >= maxOrdersPerSecond)
            return RejectReason.RATE_LIMIT;
        rateCount[slot]++;
        return RejectReason.NONE;
    }

    /** Distinct (account, order id) pairs of NEW orders seen so far. */
    public int orderIdsSeen() {
        return seenOrderIds.size();
    }
}
