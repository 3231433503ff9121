package dev.orderpipe.pipeline.risk;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Prices;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.book.SelfTradePrevention;
import dev.orderpipe.pipeline.TradingDates;
import dev.orderpipe.pipeline.codes.Action;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.codes.RejectReason;
import dev.orderpipe.pipeline.codes.Side;
import dev.orderpipe.pipeline.codes.TimeInForce;
import dev.orderpipe.pipeline.config.AccountConfig;
import dev.orderpipe.pipeline.config.RiskConfig;
import dev.orderpipe.pipeline.config.SymbolConfig;
import dev.orderpipe.pipeline.config.TickSizeConfig;
import dev.orderpipe.pipeline.snapshot.SnapshotReader;
import dev.orderpipe.pipeline.snapshot.SnapshotSteps;
import dev.orderpipe.pipeline.snapshot.SnapshotStore;
import dev.orderpipe.pipeline.snapshot.SnapshotWriter;
import dev.orderpipe.pipeline.util.FixedLongIndex;
import dev.orderpipe.pipeline.util.FixedPairIndex;

import java.util.Arrays;

/**
 * Pre-trade risk checks, in this order:
 * <ol>
 *     <li>{@code MALFORMED}: a record no valid file line or API call can produce (zero order id, missing side...);</li>
 *     <li>{@code DUPLICATE_ORDER_ID} for a NEW whose id was already seen on its account ({@code ORDER_ID_TABLE_FULL}
 *     when the bounded table of seen (account, id) pairs is full);</li>
 *     <li>{@code UNKNOWN_SYMBOL}, {@code BAD_QTY}, {@code PRICE_BAND}, {@code TICK_SIZE} (a limit price off the tick
 *     of its price band), {@code MAX_NOTIONAL} for NEW and REPLACE (a MARKET order's notional is sized at its market
 *     protection limit, the worst price matching lets it trade at: the top for a buy, the bottom for a sell);</li>
 *     <li>{@code RATE_LIMIT}: more NEW and REPLACE orders (and CANCELs with {@code rateCountsCancels}) from one
 *     account than {@code maxOrdersPerSecond} ({@code ACCOUNT_TABLE_FULL} when the bounded account table is full),
 *     per whole second of {@code ts_nanos}, or over any rolling second with {@code rateWindowRolling}. An event older
 *     than the latest seen for its account counts as of that latest time (its second, for whole seconds). Only orders
 *     that passed every other check use the budget; a CANCEL without an account names no order and is not counted.</li>
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
    private final long[] maxQty;
    private final long[] bandLow;
    private final long[] bandHigh;
    private final long[] marketLow;
    private final long[] marketHigh;
    /** Per symbol slot, its bands in tickFrom/tickSize: [tickStart[slot], tickStart[slot + 1]). */
    private final int[] tickStart;
    private final long[] tickFrom;
    private final long[] tickSize;
    private final FixedLongIndex accountLimitIndex;
    private final long[] accountMaxNotional;
    /** Per configured account: its self-trade prevention mode's ordinal, stamped into its passed orders. */
    private final byte[] accountStp;
    private final long defaultMaxNotional;
    private final FixedPairIndex seenOrderIds;
    private final int maxOrdersPerSecond;
    private final boolean rolling;
    private final boolean countCancels;
    private final FixedLongIndex rateAccounts;
    /** Per account: the current second (whole seconds), or the latest event time seen (rolling). */
    private final long[] rateWindow;
    /** Per account: orders counted in the current second, or held in its ring (rolling, at most the limit). */
    private final int[] rateCount;
    /** Rolling: per account, the times of its last maxOrdersPerSecond counted orders, a ring from rateRingNext. */
    private final long[] rateRing;
    private final int[] rateRingNext;
    /** The session state: the implicit session (one endless session until the first session event), open or closed. */
    private static final byte IMPLICIT = 0;
    private static final byte OPEN = 1;
    private static final byte CLOSED = 2;
    private byte session = IMPLICIT;
    private long sessionDate;
    /** What a snapshot writes between inputs; null until {@link #prepareSnapshots}. */
    private RiskSnapshot staged;

    public RiskEngine(RiskConfig config) {
        int n = config.symbols.size();
        symbolIndex = new FixedLongIndex(n);
        maxQty = new long[n];
        bandLow = new long[n];
        bandHigh = new long[n];
        marketLow = new long[n];
        marketHigh = new long[n];
        double marketPercent = PriceBands.marketPercent(config.priceBandPercent, config.marketProtectionPercent);
        int[] slots = new int[n];
        tickStart = new int[n + 1];
        for (int i = 0; i < n; i++) {
            SymbolConfig s = config.symbols.get(i);
            int slot = symbolIndex.slotOf(Symbols.encode(s.symbol), true);
            long ref = Prices.parse(s.refPrice);
            maxQty[slot] = s.maxOrderQty;
            bandLow[slot] = PriceBands.low(ref, config.priceBandPercent);
            bandHigh[slot] = PriceBands.high(ref, config.priceBandPercent);
            marketLow[slot] = PriceBands.low(ref, marketPercent);
            marketHigh[slot] = PriceBands.high(ref, marketPercent);
            slots[i] = slot;
            tickStart[slot + 1] = s.tickSizes.size();
        }
        for (int slot = 0; slot < n; slot++)
            tickStart[slot + 1] += tickStart[slot];
        tickFrom = new long[tickStart[n]];
        tickSize = new long[tickStart[n]];
        for (int i = 0; i < n; i++) {
            int at = tickStart[slots[i]];
            for (TickSizeConfig band : config.symbols.get(i).tickSizes) {
                tickFrom[at] = band.fromPrice();
                tickSize[at++] = Prices.parse(band.tick);
            }
        }
        int accounts = Math.max(1, config.accounts.size());
        accountLimitIndex = new FixedLongIndex(accounts);
        accountMaxNotional = new long[accounts];
        accountStp = new byte[accounts];
        defaultMaxNotional = Prices.parse(config.defaultMaxNotional);
        for (AccountConfig a : config.accounts) {
            int slot = accountLimitIndex.slotOf(a.account, true);
            accountMaxNotional[slot] = a.maxNotional.isBlank() ? defaultMaxNotional : Prices.parse(a.maxNotional);
            accountStp[slot] = (byte) SelfTradePrevention.named(a.selfTradePrevention).ordinal();
        }
        seenOrderIds = new FixedPairIndex(config.orderIdCapacity);
        maxOrdersPerSecond = config.maxOrdersPerSecond;
        rolling = config.rateWindowRolling;
        countCancels = config.rateCountsCancels;
        int rateCapacity = rateCapacity(config);
        rateAccounts = new FixedLongIndex(rateCapacity);
        rateWindow = new long[rateCapacity];
        rateCount = new int[rateCapacity];
        int ring = Math.toIntExact(ringCapacity(config));
        rateRing = new long[ring];
        rateRingNext = new int[ring == 0 ? 0 : rateCapacity];
    }

    private static int rateCapacity(RiskConfig config) {
        return config.maxOrdersPerSecond > 0 ? config.accountCapacity : 1;
    }

    /** Entries of the rolling rate ring: validation keeps the product within an array's reach. */
    private static long ringCapacity(RiskConfig config) {
        return config.maxOrdersPerSecond > 0 && config.rateWindowRolling
                ? (long) config.accountCapacity * config.maxOrdersPerSecond : 0;
    }

    /**
     * About the heap the constructor allocates for {@code config}, so that a start can refuse capacities the heap
     * cannot hold before allocating them. Counts the same tables as the constructor: keep the two together.
     */
    public static long heapBytes(RiskConfig config) {
        long symbols = config.symbols.size();
        long bands = 0;
        for (SymbolConfig s : config.symbols)
            bands += s.tickSizes.size();
        int accounts = Math.max(1, config.accounts.size());
        int rateCapacity = rateCapacity(config);
        long ring = ringCapacity(config);
        return FixedLongIndex.heapBytes((int) symbols) + 5 * Long.BYTES * symbols
                + (long) Integer.BYTES * (symbols + 1) + 2L * Long.BYTES * bands
                + FixedLongIndex.heapBytes(accounts) + (long) (Long.BYTES + Byte.BYTES) * accounts
                + FixedPairIndex.heapBytes(config.orderIdCapacity)
                + FixedLongIndex.heapBytes(rateCapacity) + (long) (Long.BYTES + Integer.BYTES) * rateCapacity
                + Long.BYTES * ring + (ring == 0 ? 0 : (long) Integer.BYTES * rateCapacity);
    }

    /** Checks one order; returns {@link RejectReason#NONE} when it passes. */
    public RejectReason check(OrderInfo order) {
        Action action = order.action();
        if (action.isSession())
            return sessionEvent(order);
        if (order.orderId() <= 0 || action == Action.NONE)
            return RejectReason.MALFORMED;
        if (action == Action.CANCEL)
            // counted against the rate when so configured; outside a session too: a resting GTC order may be pulled
            // while nothing trades
            return countCancels && maxOrdersPerSecond > 0 && order.account() > 0
                    ? rateCheck(order.account(), order.eventTime()) : RejectReason.NONE;
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
        if (limit && !onTick(symbol, price))
            return RejectReason.TICK_SIZE;
        // a MARKET order may trade up to its protection limit: its notional is sized at that worst price
        long notionalPrice = limit ? price : order.side() == Side.BUY ? marketHigh[symbol] : marketLow[symbol];
        if (exceedsNotional(notionalPrice, qty, maxNotional(order.account())))
            return RejectReason.MAX_NOTIONAL;
        if (maxOrdersPerSecond > 0)
            return rateCheck(order.account(), order.eventTime());
        return RejectReason.NONE;
    }

    /**
     * Stamps into an order that passed {@link #check} the rules matching applies to it as this config has them, so
     * that matching needs no config of its own for them and rebuilds the same book whatever risk's config is later:
     * a MARKET order's protection limit into its {@code price} (the highest price a buy may trade at, the lowest for
     * a sell) and its account's self-trade prevention mode into its {@code flags} ({@link OrderInfo#STP_SHIFT}).
     * CANCELs and orders of unknown symbols are left alone.
     */
    public void stampRules(OrderInfo order) {
        if (order.action() != Action.NEW && order.action() != Action.REPLACE)
            return; // a CANCEL or a session event: no rules to carry

        int symbol = symbolIndex.slotOf(order.symbol(), false);
        if (symbol >= 0 && order.orderType() == OrderType.MARKET)
            order.price(order.side() == Side.BUY ? marketHigh[symbol] : marketLow[symbol]);
        int account = order.account() > 0 ? accountLimitIndex.slotOf(order.account(), false) : -1;
        int stp = account >= 0 ? accountStp[account] : 0;
        order.flags((order.flags() & ~OrderInfo.STP_MASK) | stp << OrderInfo.STP_SHIFT);
    }

    /** Whether {@code price} is a multiple of the tick of its band; true for a symbol without a tick table. */
    private boolean onTick(int symbol, long price) {
        for (int band = tickStart[symbol + 1] - 1; band >= tickStart[symbol]; band--)
            if (price >= tickFrom[band])
                return price % tickSize[band] == 0;
        return true;
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
        if (rolling)
            return rollingCheck(slot, eventTime);
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
     * At most maxOrdersPerSecond counted orders in any span of one second: an order at time t is refused when that
     * many were counted in (t - 1 s, t]. The ring holds the account's last counted times, oldest at rateRingNext; time
     * only moves forward, as for whole seconds, so a late event counts at the latest time seen.
     */
    private RejectReason rollingCheck(int slot, long eventTime) {
        long t = Math.max(eventTime, rateWindow[slot]);
        if (rateCount[slot] == 0)
            t = eventTime; // the account's first order: nothing seen before it
        rateWindow[slot] = t;
        int base = slot * maxOrdersPerSecond;
        int next = rateRingNext[slot];
        if (rateCount[slot] == maxOrdersPerSecond) {
            long oldest = rateRing[base + next];
            // t - 1 s below Long.MIN_VALUE: every time held is within the second
            if (t < Long.MIN_VALUE + NANOS_PER_SECOND || oldest > t - NANOS_PER_SECOND)
                return RejectReason.RATE_LIMIT;
        } else {
            rateCount[slot]++;
        }
        rateRing[base + next] = t;
        rateRingNext[slot] = next + 1 == maxOrdersPerSecond ? 0 : next + 1;
        return RejectReason.NONE;
    }

    /**
     * A session event: SESSION_OPEN of a date after the last session's while no session is open, SESSION_CLOSE of the
     * open session (its date, or none) or of the implicit one. The first session event ends the implicit session
     * (an OPEN first ends it as a CLOSE would). A session's end empties the id table and the rate windows.
     */
    private RejectReason sessionEvent(OrderInfo event) {
        if (staged != null && staged.writing()) // the caller's bug, refused before any change of state
            throw new IllegalStateException("risk's snapshot under way reads the id table a session's end empties:"
                    + " finish it before a session event");
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
        Arrays.fill(rateRingNext, 0);
    }

    /**
     * What a snapshot's layout depends on: the capacities of the tables it fills again and the rate rules whose
     * state it holds. A snapshot of another shape is not restored (the stage re-feeds its input instead).
     */
    public static long snapshotShape(RiskConfig config) {
        return java.util.Objects.hash("risk", 1, config.orderIdCapacity, config.accountCapacity,
                config.maxOrdersPerSecond, config.rateWindowRolling, config.rateCountsCancels);
    }

    /**
     * Allocates the copy of the rate windows a snapshot is taken with ({@link #beginSave}), once, at the stage's start
     * when snapshots are enabled: off the heap, 20 bytes per {@code accountCapacity} (24 and 8 per ring entry
     * of {@code accountCapacity x maxOrdersPerSecond} with a rolling window), a few bytes without rate limits.
     */
    public void prepareSnapshots() {
        if (staged == null)
            staged = new RiskSnapshot(seenOrderIds, rateAccounts, rateWindow, rateCount, rateRingNext, rateRing,
                    rateRingNext.length > 0 ? maxOrdersPerSecond : 0);
    }

    /**
     * Starts a snapshot of the whole state: puts the session and the count of the id table's pairs, and captures the
     * rest ({@link RiskSnapshot#capture}: the rate windows copied, the ids left where they are), which the steps
     * returned write on ({@link SnapshotStore#stepwise}, between inputs): every (account, id) pair of the id table in
     * the order first seen, then every rate window (with its ring when rolling). The snapshot is of the state now,
     * whatever orders the engine checks before it is all written; a session's end must wait for it. Nothing allocated
     * (after {@link #prepareSnapshots}). The id table is only added to within a session and emptied whole
     * ({@link FixedPairIndex#clear}), so its slots in use are 0..size-1: a sequential walk of the session's ids,
     * O(ids held), instead of one over the table's positions (twice {@code orderIdCapacity}, each held id then read
     * at a random slot). The rate table likewise: O(accounts held).
     */
    public SnapshotSteps beginSave(SnapshotWriter out) {
        prepareSnapshots();
        out.putByte(session);
        out.putLong(sessionDate);
        out.putInt(seenOrderIds.size());
        staged.capture();
        return staged;
    }

    /** Writes the whole state into a snapshot at once ({@link #beginSave}, then all the rest). */
    public void save(SnapshotWriter out) {
        beginSave(out).writeAll(out);
    }

    /**
     * Restores the state {@link #save} wrote, into an engine fresh from its constructor with a config of the same
     * {@link #snapshotShape}. The ids go back into the slots they had (added in order into an empty table); no
     * verdict depends on slots anyway.
     */
    public void restore(SnapshotReader in) {
        session = in.getByte();
        sessionDate = in.getLong();
        for (int i = 0, n = in.getInt(); i < n; i++)
            if (seenOrderIds.slotOf(in.getLong(), in.getLong(), true) < 0)
                throw new IllegalStateException("snapshot holds more order ids than risk.orderIdCapacity");
        for (int i = 0, n = in.getInt(); i < n; i++) {
            int slot = rateAccounts.slotOf(in.getLong(), true);
            if (slot < 0)
                throw new IllegalStateException("snapshot holds more accounts than risk.accountCapacity");
            rateWindow[slot] = in.getLong();
            rateCount[slot] = in.getInt();
            if (rateRingNext.length > 0) {
                rateRingNext[slot] = in.getInt();
                for (int r = 0, base = slot * maxOrdersPerSecond; r < maxOrdersPerSecond; r++)
                    rateRing[base + r] = in.getLong();
            }
        }
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
