package dev.orderpipe.pipeline.risk;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Prices;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.TradingDates;
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
import java.util.Arrays;

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
 * A NEW's order id is remembered with its account as soon as it passes the MALFORMED and SESSION_CLOSED checks, even
 * if a later check rejects it: ids are unique among the NEW orders of one account in a session (docs/formats.md), so
 * resending a rejected order needs a new id, while another account may use the same id freely. The key is the whole
 * (account, id) pair, stored and compared in full: two accounts' ids are never taken for one another.
 * CANCELs pass unless malformed, outside a session too.
 *
 * <p>Sessions: before the first session event the pipeline is in one implicit, endless session (as with no sessions
 * at all); a NEW or REPLACE after a SESSION_CLOSE and before the next SESSION_OPEN is {@code SESSION_CLOSED} (right
 * after the MALFORMED check); a session event that does not fit the state is {@code SESSION_STATE}. At a session's end
 * the id table and the rate windows are emptied (the id table thus holds one session's ids).
 *
 * <p>Time is the order's own event time ({@code ts_nanos}), so the same input gives the same result at any replay
 * speed. All tables are sized from config and never resize: nothing is allocated per order.
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
    /** The session state: the implicit session (one endless session until the first session event), open or closed. */
    private static final byte IMPLICIT = 0;
    private static final byte OPEN = 1;
    private static final byte CLOSED = 2;
    private byte session = IMPLICIT;
    private long sessionDate;

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
        if (action.isSession())
            return sessionEvent(order);
        if (order.orderId() <= 0 || action == Action.NONE)
            return RejectReason.MALFORMED;
        if (action == Action.CANCEL)
            return RejectReason.NONE; // outside a session too: a resting GTC order may be pulled while nothing trades
        if (order.account() <= 0 || order.side() == Side.NONE || order.orderType() == OrderType.NONE
                || order.timeInForce() == TimeInForce.NONE || order.symbol() == 0
                || (order.orderType() == OrderType.LIMIT) != (order.price() > 0))
            return RejectReason.MALFORMED;
        if (session == CLOSED)
            return RejectReason.SESSION_CLOSED; // before the id check: an order refused here uses no id
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

    /**
     * A session event: SESSION_OPEN of a date after the last session's while no session is open, SESSION_CLOSE of the
     * open session (its date, or none) or of the implicit one. The first session event ends the implicit session
     * (an OPEN first ends it as a CLOSE would). A session's end empties the id table and the rate windows.
     */
    private RejectReason sessionEvent(OrderInfo event) {
        long date = event.tradingDate();
        boolean open = event.action() == Action.SESSION_OPEN;
        if (event.orderId() != 0 || event.account() != 0 || event.symbol() != 0
                || (date != 0 && !TradingDates.isValid(date)) || (open && date == 0))
            return RejectReason.MALFORMED;
        if (open) {
            if (session == OPEN || date <= sessionDate)
                return RejectReason.SESSION_STATE;
            if (session == IMPLICIT)
                endSession();
            session = OPEN;
            sessionDate = date;
            return RejectReason.NONE;
        }
        if (session == CLOSED || (session == OPEN && date != 0 && date != sessionDate))
            return RejectReason.SESSION_STATE;
        sessionDate = Math.max(sessionDate, date);
        session = CLOSED;
        endSession();
        return RejectReason.NONE;
    }

    /**
     * At a session's end: the order ids of its NEW orders leave the table (risk never sees fills; the id of an order
     * still resting into a later session stays taken in the book, which refuses a NEW reusing it while the order
     * lives: {@link dev.orderpipe.pipeline.book.MatchingEngine}), and every account's rate window starts again.
     * O(table capacity), once a session.
     */
    private void endSession() {
        seenOrderIds.clear();
        rateAccounts.clear();
        Arrays.fill(rateWindow, 0);
        Arrays.fill(rateCount, 0);
    }

    /** Whether an explicit session is open: false in the implicit session before any session event, and when closed. */
    public boolean sessionOpen() {
        return session == OPEN;
    }

    /** The open session's date, or the last session's when closed ({@code YYYYMMDD}); 0 before any. */
    public long sessionDate() {
        return sessionDate;
    }

    /** Distinct (account, order id) pairs of NEW orders seen in this session (all so far without sessions). */
    public int orderIdsSeen() {
        return seenOrderIds.size();
    }
}
