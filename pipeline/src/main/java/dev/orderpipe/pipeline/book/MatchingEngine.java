package dev.orderpipe.pipeline.book;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Prices;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.codes.Action;
import dev.orderpipe.pipeline.codes.ExecType;
import dev.orderpipe.pipeline.codes.LineError;
import dev.orderpipe.pipeline.codes.OrderStatus;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.codes.RejectReason;
import dev.orderpipe.pipeline.codes.Side;
import dev.orderpipe.pipeline.codes.TimeInForce;
import dev.orderpipe.pipeline.config.MatchingConfig;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.config.SymbolConfig;
import dev.orderpipe.pipeline.util.FixedLongIndex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A continuous price-time priority limit order book per symbol (the rules, and every choice made where the issue is
 * silent, are in the {@linkplain dev.orderpipe.pipeline.book package documentation}).
 *
 * <p>Data structures, all allocated in the constructor and never resized:
 * <ul>
 *     <li>resting orders live in parallel primitive arrays indexed by the slot a {@link FixedLongIndex} gives their
 *     order id ({@code maxOpenOrders} slots shared by every book); the same index finds an order by id in O(1);</li>
 *     <li>a price level is a pooled entry (price, total open quantity, order count, head and tail of an intrusive
 *     doubly-linked list of its orders in time priority);</li>
 *     <li>each side of each book keeps its levels in a sorted array of keys ({@code price} for bids, {@code -price}
 *     for asks, so both sides sort ascending with the best level last): best level O(1), matching pops from the end,
 *     a level at a new price is found by binary search and inserted with one {@code arraycopy}
 *     (O(levels) worst case, O(1) near the top of the book where most orders land).</li>
 * </ul>
 * Matching is O(levels crossed + orders filled); cancel is O(1) plus O(levels) when it empties a level deep in the
 * book. Nothing is allocated, boxed or thrown per order, and nothing depends on a clock or on hash iteration order:
 * the reports are a pure function of the input sequence, so a fresh engine fed the same inputs rebuilds the same book.
 *
 * <p>Not thread-safe: an engine belongs to the matching stage's thread.
 */
public final class MatchingEngine {
    private static final int NIL = -1;
    private static final int BUY = 0;
    private static final int SELL = 1;

    private final ReportSink sink;
    private final int books;
    private final int maxPriceLevels;

    // books: symbol -> book number; a book side is book * 2 + (BUY|SELL)
    private final FixedLongIndex bookIndex;
    private final long[] bookSymbol;
    private final int[] bookOpenOrders;
    private final long[] bookTrades;

    // resting orders, by slot of orderIndex
    private final FixedLongIndex orderIndex;
    private final long[] orderId;
    private final long[] orderAccount;
    private final long[] orderPrice;
    private final long[] orderQty;
    private final long[] orderCum;
    private final int[] orderBookSide;
    private final int[] orderLevel;
    private final int[] orderPrev;
    private final int[] orderNext;

    // price levels, pooled
    private final long[] levelPrice;
    private final long[] levelQty;
    private final int[] levelCount;
    private final int[] levelHead;
    private final int[] levelTail;
    private final int[] levelFree;
    private int levelFreeTop;

    // per book side, levels sorted by key ascending (best last), in the region [bookSide * maxPriceLevels, +count)
    private final long[] sideKey;
    private final int[] sideLevel;
    private final int[] sideCount;

    // the order being processed (the aggressor): a NEW order, or a replaced order taken off the book
    private long aId;
    private long aAccount;
    private long aSymbol;
    private Side aSide;
    private OrderType aType;
    private TimeInForce aTif;
    private Action aAction;
    private long aPrice;
    private long aQty;
    private long aCum;
    private int aBook;

    // results of dryRun
    private long dryFilled;
    private int dryFreed;

    private long trades;

    /** One book per symbol of {@code config.risk.symbols}, with the capacities of {@code config.matching}. */
    public MatchingEngine(PipelineConfig config, ReportSink sink) {
        this(config.matching, symbolsOf(config), sink);
    }

    /**
     * An engine with one book per symbol, created up front so the first order of a symbol allocates nothing.
     *
     * @param symbols tradable symbols (1 to 8 of {@code A-Z 0-9 .}); an order for any other symbol is REJECTED
     *                {@code UNKNOWN_SYMBOL}
     */
    public MatchingEngine(MatchingConfig config, List<String> symbols, ReportSink sink) {
        if (symbols.isEmpty())
            throw new IllegalArgumentException("the matching engine needs at least one symbol");
        if (config.maxOpenOrders < 1 || config.maxPriceLevels < 1)
            throw new IllegalArgumentException("matching.maxOpenOrders and matching.maxPriceLevels must be >= 1");
        this.sink = sink;
        this.books = symbols.size();
        this.maxPriceLevels = config.maxPriceLevels;
        bookIndex = new FixedLongIndex(books);
        bookSymbol = new long[books];
        bookOpenOrders = new int[books];
        bookTrades = new long[books];
        for (String s : symbols) {
            long symbol = Symbols.encode(s);
            if (bookIndex.contains(symbol))
                throw new IllegalArgumentException("symbol " + s + " is listed twice");
            bookSymbol[bookIndex.slotOf(symbol, true)] = symbol;
        }

        int orders = config.maxOpenOrders;
        orderIndex = new FixedLongIndex(orders);
        orderId = new long[orders];
        orderAccount = new long[orders];
        orderPrice = new long[orders];
        orderQty = new long[orders];
        orderCum = new long[orders];
        orderBookSide = new int[orders];
        orderLevel = new int[orders];
        orderPrev = new int[orders];
        orderNext = new int[orders];

        long sideSlots = (long) books * 2 * maxPriceLevels;
        if (sideSlots > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException("symbols x 2 x matching.maxPriceLevels is too large: " + sideSlots);
        // every level holds at least one order, so there are never more levels than open orders
        int levels = (int) Math.min(sideSlots, orders);
        levelPrice = new long[levels];
        levelQty = new long[levels];
        levelCount = new int[levels];
        levelHead = new int[levels];
        levelTail = new int[levels];
        levelFree = new int[levels];
        for (int i = 0; i < levels; i++)
            levelFree[i] = levels - 1 - i;
        levelFreeTop = levels;

        sideKey = new long[(int) sideSlots];
        sideLevel = new int[(int) sideSlots];
        sideCount = new int[books * 2];
    }

    /**
     * About the heap the constructor allocates for {@code books} symbols with the capacities of {@code config}, so that
     * a start can refuse capacities the heap cannot hold before allocating them. Counts the same arrays as the
     * constructor: keep the two together.
     */
    public static long heapBytes(MatchingConfig config, int books) {
        int orders = config.maxOpenOrders;
        long sideSlots = (long) books * 2 * config.maxPriceLevels;
        long levels = Math.min(sideSlots, orders);
        return FixedLongIndex.heapBytes(books) + (2L * Long.BYTES + Integer.BYTES) * books
                + FixedLongIndex.heapBytes(orders) + (5L * Long.BYTES + 4L * Integer.BYTES) * orders
                + (2L * Long.BYTES + 4L * Integer.BYTES) * levels
                + (long) (Long.BYTES + Integer.BYTES) * sideSlots + 2L * Integer.BYTES * books;
    }

    private static List<String> symbolsOf(PipelineConfig config) {
        List<String> symbols = new ArrayList<>();
        for (SymbolConfig s : config.risk.symbols)
            symbols.add(s.symbol);
        return symbols;
    }

    /** Processes one record of the checked queue, emitting at least one report. */
    public void onOrder(OrderInfo in) {
        if (in.isRejected()) {
            reject(in, in.rejectReason(), in.lineError());
            return;
        }
        Action action = in.action();
        if (in.orderId() <= 0)
            reject(in, RejectReason.MALFORMED, LineError.NONE);
        else if (action == Action.NEW)
            onNew(in);
        else if (action == Action.CANCEL)
            onCancel(in);
        else if (action == Action.REPLACE)
            onReplace(in);
        else
            reject(in, RejectReason.MALFORMED, LineError.NONE);
    }

    // ---------------------------------------------------------------- NEW

    private void onNew(OrderInfo in) {
        int book = in.symbol() == 0 ? NIL : bookIndex.slotOf(in.symbol(), false);
        if (book < 0) {
            reject(in, RejectReason.UNKNOWN_SYMBOL, LineError.NONE);
            return;
        }
        Side side = in.side();
        OrderType type = in.orderType();
        TimeInForce tif = in.timeInForce();
        long price = in.price();
        long qty = in.quantity();
        if (side == Side.NONE || type == OrderType.NONE || tif == TimeInForce.NONE || qty <= 0 || price < 0
                || (type == OrderType.LIMIT) != (price > 0)) {
            reject(in, RejectReason.MALFORMED, LineError.NONE);
            return;
        }
        if (orderIndex.contains(in.orderId())) {
            // risk rejects reused ids; this guards the book's id index if a record bypassed it
            reject(in, RejectReason.DUPLICATE_ORDER_ID, LineError.NONE);
            return;
        }
        boolean market = type == OrderType.MARKET;
        boolean rests = !market && tif == TimeInForce.GTC;
        int own = book * 2 + (side == Side.BUY ? BUY : SELL);
        int opposite = own ^ 1;
        long limitKey = market ? Long.MIN_VALUE : key(opposite, price);
        if (rests && !roomToRest(own, opposite, price, limitKey, qty, NIL)) {
            reject(in, RejectReason.BOOK_FULL, LineError.NONE);
            return;
        }

        aId = in.orderId();
        aAccount = in.account();
        aSymbol = in.symbol();
        aSide = side;
        aType = type;
        aTif = tif;
        aAction = Action.NEW;
        aPrice = market ? 0 : price;
        aQty = qty;
        aCum = 0;
        aBook = book;
        aggressorReport(ExecType.NEW, OrderStatus.NEW, qty);

        if (tif == TimeInForce.FOK) {
            dryRun(opposite, limitKey, qty, false);
            if (dryFilled < qty) {
                aggressorReport(ExecType.EXPIRED, OrderStatus.EXPIRED, 0);
                return;
            }
        }
        match(opposite, limitKey);
        if (aCum == aQty)
            return;
        if (rests) {
            int slot = orderIndex.slotOf(aId, true);
            if (slot < 0) // roomToRest said there is room; a failure here is a bug, not a full book
                throw new IllegalStateException("order pool full after roomToRest for order " + aId);
            orderId[slot] = aId;
            orderAccount[slot] = aAccount;
            orderPrice[slot] = aPrice;
            orderQty[slot] = aQty;
            orderCum[slot] = aCum;
            bookOpenOrders[book]++;
            attach(slot, own);
        } else {
            aggressorReport(ExecType.EXPIRED, OrderStatus.EXPIRED, 0);
        }
    }

    // ---------------------------------------------------------------- CANCEL

    private void onCancel(OrderInfo in) {
        int slot = orderIndex.slotOf(in.orderId(), false);
        if (slot < 0 || !namesLiveOrder(in, slot, true)) {
            reject(in, RejectReason.UNKNOWN_ORDER, LineError.NONE);
            return;
        }
        OrderInfo r = restingReport(slot, Action.CANCEL, ExecType.CANCELED);
        r.status(OrderStatus.CANCELED).leavesQty(0);
        sink.publish();
        removeResting(slot);
    }

    // ---------------------------------------------------------------- REPLACE

    private void onReplace(OrderInfo in) {
        int slot = orderIndex.slotOf(in.orderId(), false);
        if (slot < 0 || !namesLiveOrder(in, slot, false)) {
            reject(in, RejectReason.UNKNOWN_ORDER, LineError.NONE);
            return;
        }
        long newPrice = in.price();
        long newQty = in.quantity();
        // only LIMIT GTC orders rest, and a replace changes price and quantity, never type or time in force
        if (in.orderType() != OrderType.LIMIT || in.timeInForce() != TimeInForce.GTC || newPrice <= 0 || newQty <= 0) {
            reject(in, RejectReason.MALFORMED, LineError.NONE);
            return;
        }
        long cum = orderCum[slot];
        if (newQty <= cum) {
            OrderInfo r = restingReport(slot, Action.REPLACE, ExecType.CANCELED);
            r.status(OrderStatus.CANCELED).leavesQty(0);
            sink.publish();
            removeResting(slot);
            return;
        }
        int level = orderLevel[slot];
        if (newPrice == orderPrice[slot] && newQty <= orderQty[slot]) {
            // a smaller (or equal) order at the same price keeps its place in the queue
            levelQty[level] -= orderQty[slot] - newQty;
            orderQty[slot] = newQty;
            OrderInfo r = restingReport(slot, Action.REPLACE, ExecType.REPLACED);
            r.status(cum == 0 ? OrderStatus.NEW : OrderStatus.PARTIALLY_FILLED);
            sink.publish();
            return;
        }
        int own = orderBookSide[slot];
        int opposite = own ^ 1;
        long limitKey = key(opposite, newPrice);
        if (!roomToRest(own, opposite, newPrice, limitKey, newQty - cum, slot)) {
            reject(in, RejectReason.BOOK_FULL, LineError.NONE);
            return;
        }
        detach(slot);
        orderPrice[slot] = newPrice;
        orderQty[slot] = newQty;
        aId = orderId[slot];
        aAccount = orderAccount[slot];
        aBook = own >> 1;
        aSymbol = bookSymbol[aBook];
        aSide = (own & 1) == BUY ? Side.BUY : Side.SELL;
        aType = OrderType.LIMIT;
        aTif = TimeInForce.GTC;
        aAction = Action.REPLACE;
        aPrice = newPrice;
        aQty = newQty;
        aCum = cum;
        aggressorReport(ExecType.REPLACED, cum == 0 ? OrderStatus.NEW : OrderStatus.PARTIALLY_FILLED, newQty - cum);
        match(opposite, limitKey);
        if (aCum == aQty) {
            orderIndex.remove(aId);
            bookOpenOrders[aBook]--;
        } else {
            orderCum[slot] = aCum;
            attach(slot, own);
        }
    }

    /**
     * Whether a CANCEL or REPLACE names the live order in {@code slot}: same account, symbol and side. For a CANCEL an
     * empty (zero) account, symbol or side matches anything, since the order file lets a CANCEL leave them out.
     */
    private boolean namesLiveOrder(OrderInfo in, int slot, boolean emptyMatches) {
        int bookSide = orderBookSide[slot];
        long account = in.account();
        long symbol = in.symbol();
        Side side = in.side();
        if (!(account == orderAccount[slot] || (emptyMatches && account == 0)))
            return false;
        if (!(symbol == bookSymbol[bookSide >> 1] || (emptyMatches && symbol == 0)))
            return false;
        Side liveSide = (bookSide & 1) == BUY ? Side.BUY : Side.SELL;
        return side == liveSide || (emptyMatches && side == Side.NONE);
    }

    // ---------------------------------------------------------------- matching

    /** Trades the aggressor against the {@code opposite} side while its best level's key is at least limitKey. */
    private void match(int opposite, long limitKey) {
        int base = opposite * maxPriceLevels;
        while (aCum < aQty && sideCount[opposite] > 0) {
            int top = base + sideCount[opposite] - 1;
            if (sideKey[top] < limitKey)
                break;
            int level = sideLevel[top];
            long px = levelPrice[level];
            int o = levelHead[level];
            while (o != NIL && aCum < aQty) {
                long fill = Math.min(aQty - aCum, orderQty[o] - orderCum[o]);
                aCum += fill;
                orderCum[o] += fill;
                levelQty[level] -= fill;
                trades++;
                bookTrades[aBook]++;
                OrderInfo r = aggressorRecord(ExecType.TRADE);
                r.status(aCum == aQty ? OrderStatus.FILLED : OrderStatus.PARTIALLY_FILLED).leavesQty(aQty - aCum)
                        .lastPx(px).lastQty(fill).contraOrderId(orderId[o]);
                sink.publish();
                boolean filled = orderCum[o] == orderQty[o];
                r = restingReport(o, aAction, ExecType.TRADE);
                r.status(filled ? OrderStatus.FILLED : OrderStatus.PARTIALLY_FILLED).lastPx(px).lastQty(fill)
                        .contraOrderId(aId);
                sink.publish();
                int next = orderNext[o];
                if (filled) {
                    // the head of the level leaves
                    levelHead[level] = next;
                    if (next == NIL)
                        levelTail[level] = NIL;
                    else
                        orderPrev[next] = NIL;
                    levelCount[level]--;
                    orderIndex.remove(orderId[o]);
                    bookOpenOrders[aBook]--;
                }
                o = next;
            }
            if (levelCount[level] == 0) {
                sideCount[opposite]--;
                levelFree[levelFreeTop++] = level;
            }
        }
    }

    /**
     * Walks the {@code opposite} side as {@link #match} would for {@code qty}, changing nothing: sets
     * {@link #dryFilled} (what would trade) and, when {@code countFreed}, {@link #dryFreed} (resting orders that
     * would be filled completely, freeing their slots).
     */
    private void dryRun(int opposite, long limitKey, long qty, boolean countFreed) {
        long remaining = qty;
        int freed = 0;
        int base = opposite * maxPriceLevels;
        for (int i = base + sideCount[opposite] - 1; i >= base && remaining > 0; i--) {
            if (sideKey[i] < limitKey)
                break;
            int level = sideLevel[i];
            if (levelQty[level] <= remaining) {
                remaining -= levelQty[level];
                freed += levelCount[level];
            } else {
                for (int o = levelHead[level]; countFreed && o != NIL && remaining > 0; o = orderNext[o]) {
                    long leaves = orderQty[o] - orderCum[o];
                    if (leaves <= remaining)
                        freed++;
                    remaining -= Math.min(leaves, remaining);
                }
                remaining = 0;
            }
        }
        dryFilled = qty - remaining;
        dryFreed = freed;
    }

    /**
     * Whether an order of {@code qty} that will rest whatever does not trade has room: an order slot (unless it holds
     * one already, {@code movingSlot}) and a level at its price. Room that the order's own trades would free counts,
     * and an order that would trade in full needs no room at all.
     */
    private boolean roomToRest(int own, int opposite, long price, long limitKey, long qty, int movingSlot) {
        boolean levelRoom = sideCount[own] < maxPriceLevels || findLevel(own, price) >= 0
                || (movingSlot != NIL && levelCount[orderLevel[movingSlot]] == 1);
        boolean slotRoom = movingSlot != NIL || orderIndex.size() < orderIndex.capacity();
        if (levelRoom && slotRoom)
            return true;
        dryRun(opposite, limitKey, qty, !slotRoom);
        if (dryFilled >= qty)
            return true;
        return levelRoom && dryFreed > 0;
    }

    // ---------------------------------------------------------------- book structure

    /** The sort key of {@code price} on a book side: best level has the highest key. */
    private static long key(int bookSide, long price) {
        return (bookSide & 1) == BUY ? price : -price;
    }

    /** Position of the level at {@code price} in the side's sorted region, or a negative number if none. */
    private int findLevel(int bookSide, long price) {
        int base = bookSide * maxPriceLevels;
        int i = Arrays.binarySearch(sideKey, base, base + sideCount[bookSide], key(bookSide, price));
        return i >= 0 ? i : NIL;
    }

    /** Appends the order in {@code slot} (price already set) to the back of its level, creating the level if needed. */
    private void attach(int slot, int bookSide) {
        long price = orderPrice[slot];
        int base = bookSide * maxPriceLevels;
        int end = base + sideCount[bookSide];
        long k = key(bookSide, price);
        int pos = Arrays.binarySearch(sideKey, base, end, k);
        int level;
        if (pos >= 0) {
            level = sideLevel[pos];
        } else {
            pos = -pos - 1;
            level = levelFree[--levelFreeTop];
            levelPrice[level] = price;
            levelQty[level] = 0;
            levelCount[level] = 0;
            levelHead[level] = NIL;
            levelTail[level] = NIL;
            System.arraycopy(sideKey, pos, sideKey, pos + 1, end - pos);
            System.arraycopy(sideLevel, pos, sideLevel, pos + 1, end - pos);
            sideKey[pos] = k;
            sideLevel[pos] = level;
            sideCount[bookSide]++;
        }
        int tail = levelTail[level];
        orderPrev[slot] = tail;
        orderNext[slot] = NIL;
        if (tail == NIL)
            levelHead[level] = slot;
        else
            orderNext[tail] = slot;
        levelTail[level] = slot;
        levelCount[level]++;
        levelQty[level] += orderQty[slot] - orderCum[slot];
        orderLevel[slot] = level;
        orderBookSide[slot] = bookSide;
    }

    /** Takes the order in {@code slot} off its level (keeping its slot), removing the level if it empties. */
    private void detach(int slot) {
        int level = orderLevel[slot];
        int prev = orderPrev[slot];
        int next = orderNext[slot];
        if (prev == NIL)
            levelHead[level] = next;
        else
            orderNext[prev] = next;
        if (next == NIL)
            levelTail[level] = prev;
        else
            orderPrev[next] = prev;
        levelCount[level]--;
        levelQty[level] -= orderQty[slot] - orderCum[slot];
        if (levelCount[level] == 0) {
            int bookSide = orderBookSide[slot];
            int pos = findLevel(bookSide, levelPrice[level]);
            int end = bookSide * maxPriceLevels + sideCount[bookSide];
            System.arraycopy(sideKey, pos + 1, sideKey, pos, end - pos - 1);
            System.arraycopy(sideLevel, pos + 1, sideLevel, pos, end - pos - 1);
            sideCount[bookSide]--;
            levelFree[levelFreeTop++] = level;
        }
    }

    /** Removes a resting order from the book and frees its slot. */
    private void removeResting(int slot) {
        detach(slot);
        bookOpenOrders[orderBookSide[slot] >> 1]--;
        orderIndex.remove(orderId[slot]);
    }

    // ---------------------------------------------------------------- reports

    private void reject(OrderInfo in, RejectReason reason, LineError lineError) {
        sink.claim().orderId(in.orderId()).account(in.account()).symbol(in.symbol()).side(in.side())
                .orderType(in.orderType()).timeInForce(in.timeInForce()).price(in.price()).quantity(in.quantity())
                .action(in.action()).execType(ExecType.REJECTED).status(OrderStatus.REJECTED)
                .rejectReason(reason).lineError(lineError);
        sink.publish();
    }

    /** A claimed record with the aggressor's order fields; the caller completes and publishes it. */
    private OrderInfo aggressorRecord(ExecType execType) {
        return sink.claim().orderId(aId).account(aAccount).symbol(aSymbol).side(aSide).orderType(aType)
                .timeInForce(aTif).price(aPrice).quantity(aQty).action(aAction).execType(execType).cumQty(aCum);
    }

    private void aggressorReport(ExecType execType, OrderStatus status, long leaves) {
        aggressorRecord(execType).status(status).leavesQty(leaves);
        sink.publish();
    }

    /** A claimed record with a resting order's fields, leaves and cum; the caller completes and publishes it. */
    private OrderInfo restingReport(int slot, Action action, ExecType execType) {
        int bookSide = orderBookSide[slot];
        return sink.claim().orderId(orderId[slot]).account(orderAccount[slot]).symbol(bookSymbol[bookSide >> 1])
                .side((bookSide & 1) == BUY ? Side.BUY : Side.SELL).orderType(OrderType.LIMIT)
                .timeInForce(TimeInForce.GTC).price(orderPrice[slot]).quantity(orderQty[slot]).action(action)
                .execType(execType).leavesQty(orderQty[slot] - orderCum[slot]).cumQty(orderCum[slot]);
    }

    // ---------------------------------------------------------------- state, for operators and tests

    /** Resting orders across all books. */
    public int openOrders() {
        return orderIndex.size();
    }

    /** Trades so far (each is two TRADE reports). */
    public long trades() {
        return trades;
    }

    /** Resting orders in the book of {@code symbol} (encoded), 0 for an unknown symbol. */
    public int openOrders(long symbol) {
        int book = book(symbol);
        return book < 0 ? 0 : bookOpenOrders[book];
    }

    /** Price levels on one side of the book of {@code symbol}, 0 for an unknown symbol. */
    public int priceLevels(long symbol, Side side) {
        int book = book(symbol);
        return book < 0 ? 0 : sideCount[book * 2 + (side == Side.BUY ? BUY : SELL)];
    }

    /** Best bid of {@code symbol}, 0 when there is none. */
    public long bestBid(long symbol) {
        return best(symbol, BUY, false);
    }

    /** Best ask of {@code symbol}, 0 when there is none. */
    public long bestAsk(long symbol) {
        return best(symbol, SELL, false);
    }

    /** Open quantity at the best bid of {@code symbol}, 0 when there is none. */
    public long bestBidQty(long symbol) {
        return best(symbol, BUY, true);
    }

    /** Open quantity at the best ask of {@code symbol}, 0 when there is none. */
    public long bestAskQty(long symbol) {
        return best(symbol, SELL, true);
    }

    private long best(long symbol, int side, boolean qty) {
        int book = book(symbol);
        if (book < 0)
            return 0;
        int bookSide = book * 2 + side;
        if (sideCount[bookSide] == 0)
            return 0;
        int level = sideLevel[bookSide * maxPriceLevels + sideCount[bookSide] - 1];
        return qty ? levelQty[level] : levelPrice[level];
    }

    private int book(long symbol) {
        return symbol == 0 ? NIL : bookIndex.slotOf(symbol, false);
    }

    /** A readable multi-line summary of every book, in configuration order (allocates: for operators). */
    public String summary() {
        StringBuilder sb = new StringBuilder(128 + books * 128);
        sb.append("matching: ").append(orderIndex.size()).append(" resting orders, ").append(trades)
                .append(" trades\n");
        for (long symbol : bookSymbol) {
            int book = book(symbol);
            sb.append("  ").append(Symbols.toString(symbol)).append(": ")
                    .append(bookOpenOrders[book]).append(" resting, ")
                    .append(sideCount[book * 2 + BUY]).append(" bid / ")
                    .append(sideCount[book * 2 + SELL]).append(" ask levels, best ");
            appendBest(sb, symbol, BUY);
            sb.append(" / ");
            appendBest(sb, symbol, SELL);
            sb.append(", ").append(bookTrades[book]).append(" trades\n");
        }
        return sb.toString();
    }

    private void appendBest(StringBuilder sb, long symbol, int side) {
        long price = best(symbol, side, false);
        if (price == 0) {
            sb.append('-');
            return;
        }
        sb.append(best(symbol, side, true)).append(" @ ");
        Prices.appendTo(sb, price);
    }
}
