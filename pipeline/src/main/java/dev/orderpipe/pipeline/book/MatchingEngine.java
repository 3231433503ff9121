package dev.orderpipe.pipeline.book;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.codes.Action;
import dev.orderpipe.pipeline.codes.ExecType;
import dev.orderpipe.pipeline.codes.LineError;
import dev.orderpipe.pipeline.codes.OrderStatus;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.codes.RejectReason;
import dev.orderpipe.pipeline.codes.Side;
import dev.orderpipe.pipeline.codes.TimeInForce;
import dev.orderpipe.pipeline.config.MatchingConfig;
import dev.orderpipe.pipeline.snapshot.SnapshotReader;
import dev.orderpipe.pipeline.snapshot.SnapshotSteps;
import dev.orderpipe.pipeline.snapshot.SnapshotStore;
import dev.orderpipe.pipeline.snapshot.SnapshotWriter;

import java.util.List;

import static dev.orderpipe.pipeline.book.OrderBooks.NIL;

/**
 * The matching rules of a continuous price-time priority limit order book per symbol (the rules, and every choice
 * made where the issue is silent, are in the {@linkplain dev.orderpipe.pipeline.book package documentation}), over the
 * store of resting orders and price levels, {@link OrderBooks}. Each input becomes execution reports written to a
 * {@link ReportSink}.
 *
 * <p>Matching is O(levels crossed + orders filled); cancel is O(1) plus O(levels) when it empties a level deep in the
 * book. Nothing is allocated, boxed or thrown per order, and nothing depends on a clock or on hash iteration order:
 * the reports are a pure function of the input sequence, so a fresh engine fed the same inputs rebuilds the same book.
 *
 * <p>Not thread-safe: an engine belongs to the matching stage's thread.
 */
public final class MatchingEngine {
    private final ReportSink sink;
    private final OrderBooks books;
    /** The copy of the books a snapshot is written from, a step at a time; null until {@link #prepareSnapshots}. */
    private BookSnapshot staged;
    private final long[] bookTrades;

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
    /** The aggressor's account's self-trade prevention. */
    private SelfTradePrevention aStp;
    /** Self-trade prevention canceled the aggressor while it matched. */
    private boolean aCanceled;

    // results of dryRun
    private long dryFilled;
    private boolean dryFreesSlot;
    private boolean dryStopped;

    private long trades;

    /** Whether a session event was seen: until then the implicit session runs, which the first event ends. */
    private boolean explicitSessions;
    /** The open session's date ({@code YYYYMMDD}), for the report of a SESSION_CLOSE that names none. */
    private long sessionDate;
    /** The date of the last session event that had one (0 before any): a snapshot's session. */
    private long lastSessionDate;

    /**
     * An engine with one book per symbol, created up front so the first order of a symbol allocates nothing.
     *
     * @param config the books' capacities ({@code maxOpenOrders}, {@code maxPriceLevels})
     * @param symbols tradable symbols (1 to 8 of {@code A-Z 0-9 .}); an order for any other symbol is REJECTED
     *                {@code UNKNOWN_SYMBOL}
     * @param sink where the reports go; only kept here, so a sink still under construction will do
     */
    public MatchingEngine(MatchingConfig config, List<String> symbols, ReportSink sink) {
        this.books = new OrderBooks(config, symbols);
        this.sink = sink;
        this.bookTrades = new long[books.bookCount()];
    }

    /**
     * About the heap the engine allocates for {@code books} symbols with the capacities of {@code config}, so that
     * a start can refuse capacities the heap cannot hold before allocating them.
     */
    public static long heapBytes(MatchingConfig config, int books) {
        return OrderBooks.heapBytes(config, books) + (long) Long.BYTES * books;
    }

    /**
     * The direct (off-heap) memory of the copy of the books a snapshot is written from ({@link #prepareSnapshots},
     * when snapshots are enabled) for {@code books} symbols with the capacities of {@code config}: some 46 bytes per
     * {@code maxOpenOrders} slot. It counts against the JVM's direct memory limit, not the heap.
     */
    public static long snapshotCopyBytes(MatchingConfig config, int books) {
        return OrderBooks.snapshotCopyBytes(config, books);
    }

    /**
     * What a snapshot's layout depends on: the symbols (the books, in order) and the capacities. A snapshot of
     * another shape is not restored (the stage re-feeds its input instead).
     */
    public static long snapshotShape(MatchingConfig config, List<String> symbols) {
        return java.util.Objects.hash("matching", 1, config.maxOpenOrders, config.maxPriceLevels, symbols);
    }

    /**
     * Allocates the copy of the books a snapshot is taken from ({@link #beginSave}), once, at the stage's start when
     * snapshots are enabled (its heap is counted in {@link #heapBytes} either way).
     */
    public void prepareSnapshots() {
        if (staged == null)
            staged = books.newSnapshot();
    }

    /**
     * Starts a snapshot of the engine's whole state: writes its counters and the session state, and copies the books
     * ({@link OrderBooks#stage}); the copy returned writes them on in time priority, an item at a time
     * ({@link SnapshotStore#stepwise}, between inputs). The snapshot is of the state now, whatever the engine does
     * before it is all written. Nothing allocated (after {@link #prepareSnapshots}).
     */
    public SnapshotSteps beginSave(SnapshotWriter out) {
        prepareSnapshots();
        out.putLong(trades);
        for (int b = 0; b < bookTrades.length; b++)
            out.putLong(bookTrades[b]);
        out.putByte(explicitSessions ? (byte) 1 : 0);
        out.putLong(sessionDate);
        out.putLong(lastSessionDate);
        books.stage(staged);
        return staged;
    }

    /** Writes the engine's whole state into a snapshot at once ({@link #beginSave}, then all of the copy). */
    public void save(SnapshotWriter out) {
        beginSave(out).writeAll(out);
    }

    /** Restores what {@link #save} wrote into an engine fresh from its constructor, of the same shape. */
    public void restore(SnapshotReader in) {
        trades = in.getLong();
        for (int b = 0; b < bookTrades.length; b++)
            bookTrades[b] = in.getLong();
        explicitSessions = in.getByte() != 0;
        sessionDate = in.getLong();
        lastSessionDate = in.getLong();
        books.restore(in);
    }

    /** The date of the last session event that named one ({@code YYYYMMDD}), 0 before any. */
    public long lastSessionDate() {
        return lastSessionDate;
    }

    /** Processes one record of the checked queue, emitting at least one report. */
    public void onOrder(OrderInfo in) {
        if (in.isRejected()) {
            reject(in, in.rejectReason(), in.lineError());
            return;
        }
        Action action = in.action();
        if (in.orderId() <= 0 && !action.isSession())
            reject(in, RejectReason.MALFORMED, LineError.NONE);
        else if (action == Action.NEW)
            onNew(in);
        else if (action == Action.CANCEL)
            onCancel(in);
        else if (action == Action.REPLACE)
            onReplace(in);
        else if (action.isSession())
            onSession(in);
        else
            reject(in, RejectReason.MALFORMED, LineError.NONE);
    }

    // ---------------------------------------------------------------- NEW

    private void onNew(OrderInfo in) {
        int book = books.book(in.symbol());
        if (book < 0) {
            reject(in, RejectReason.UNKNOWN_SYMBOL, LineError.NONE);
            return;
        }
        Side side = in.side();
        OrderType type = in.orderType();
        TimeInForce tif = in.timeInForce();
        long price = in.price();
        long qty = in.quantity();
        // a MARKET order's price is its protection limit, stamped by risk (0: none)
        if (side == Side.NONE || type == OrderType.NONE || tif == TimeInForce.NONE || qty <= 0 || price < 0
                || (type == OrderType.LIMIT && price == 0)) {
            reject(in, RejectReason.MALFORMED, LineError.NONE);
            return;
        }
        if (books.idTaken(in.account(), in.orderId())) {
            // risk rejects ids reused on an account in a session; the id of an order carried over from an earlier
            // session is refused here while it lives and, once it finished, until the session ends (risk's id table
            // holds only this session's NEW orders); this also guards the book's id index if a record bypassed risk
            reject(in, RejectReason.DUPLICATE_ORDER_ID, LineError.NONE);
            return;
        }
        boolean market = type == OrderType.MARKET;
        boolean rests = !market && tif.rests();
        int own = OrderBooks.bookSide(book, side);
        int opposite = OrderBooks.opposite(own);
        long limitKey = price > 0 ? OrderBooks.key(opposite, price) : OrderBooks.ANY_PRICE;
        aAccount = in.account();
        aStp = SelfTradePrevention.stamped(in);
        if (rests && !roomToRest(own, opposite, price, limitKey, qty, NIL)) {
            reject(in, RejectReason.BOOK_FULL, LineError.NONE);
            return;
        }

        aId = in.orderId();
        aSymbol = in.symbol();
        aSide = side;
        aType = type;
        aTif = tif;
        aAction = Action.NEW;
        aPrice = market ? 0 : price;
        aQty = qty;
        aCum = 0;
        aBook = book;
        aCanceled = false;
        aggressorReport(ExecType.NEW, OrderStatus.NEW, qty);

        if (tif == TimeInForce.FOK) {
            dryRun(opposite, limitKey, qty);
            if (dryFilled < qty) {
                expire(market, opposite, limitKey);
                return;
            }
        }
        match(opposite, limitKey);
        if (aCum == aQty || aCanceled)
            return;
        if (rests)
            books.rest(aId, aAccount, aTif, aPrice, aQty, aCum, own);
        else
            expire(market, opposite, limitKey);
    }

    /**
     * EXPIRED for the rest of an order that does not rest; a MARKET order that left resting orders beyond its
     * protection limit says so ({@code MARKET_PROTECTION}): it was stopped by its limit, not by an empty book.
     */
    private void expire(boolean market, int opposite, long limitKey) {
        OrderInfo r = aggressorRecord(ExecType.EXPIRED).status(OrderStatus.EXPIRED).leavesQty(0);
        if (market && books.hasLevelBeyond(opposite, limitKey))
            r.rejectReason(RejectReason.MARKET_PROTECTION);
        sink.publish();
    }

    // ---------------------------------------------------------------- CANCEL

    private void onCancel(OrderInfo in) {
        // (account, id) names the order: an empty account names none, another account's id is not found; a type or
        // time in force, when given, must be the live order's (LIMIT, GTC or DAY), as a symbol or side must
        int slot = books.slotOf(in.account(), in.orderId());
        if (slot < 0 || !namesLiveOrder(in, slot, true)
                || !(in.orderType() == OrderType.NONE || in.orderType() == OrderType.LIMIT)
                || !(in.timeInForce() == TimeInForce.NONE || in.timeInForce() == books.timeInForce(slot))) {
            reject(in, RejectReason.UNKNOWN_ORDER, LineError.NONE);
            return;
        }
        OrderInfo r = restingReport(slot, Action.CANCEL, ExecType.CANCELED);
        r.status(OrderStatus.CANCELED).leavesQty(0);
        sink.publish();
        books.remove(slot);
    }

    // ---------------------------------------------------------------- REPLACE

    private void onReplace(OrderInfo in) {
        int slot = books.slotOf(in.account(), in.orderId());
        if (slot < 0 || !namesLiveOrder(in, slot, false)) {
            reject(in, RejectReason.UNKNOWN_ORDER, LineError.NONE);
            return;
        }
        long newPrice = in.price();
        long newQty = in.quantity();
        // only LIMIT GTC and DAY orders rest, and a replace changes price and quantity, never type or time in force
        TimeInForce tif = books.timeInForce(slot);
        if (in.orderType() != OrderType.LIMIT || in.timeInForce() != tif || newPrice <= 0 || newQty <= 0) {
            reject(in, RejectReason.MALFORMED, LineError.NONE);
            return;
        }
        long cum = books.filled(slot);
        if (newQty <= cum) {
            OrderInfo r = restingReport(slot, Action.REPLACE, ExecType.CANCELED);
            r.status(OrderStatus.CANCELED).leavesQty(0);
            sink.publish();
            books.remove(slot);
            return;
        }
        if (newPrice == books.price(slot) && newQty <= books.quantity(slot)) {
            // a smaller (or equal) order at the same price keeps its place in the queue
            books.reduceQuantity(slot, newQty);
            OrderInfo r = restingReport(slot, Action.REPLACE, ExecType.REPLACED);
            r.status(cum == 0 ? OrderStatus.NEW : OrderStatus.PARTIALLY_FILLED);
            sink.publish();
            return;
        }
        int own = books.bookSideOf(slot);
        int opposite = OrderBooks.opposite(own);
        long limitKey = OrderBooks.key(opposite, newPrice);
        aAccount = books.account(slot);
        aStp = SelfTradePrevention.stamped(in);
        if (!roomToRest(own, opposite, newPrice, limitKey, newQty - cum, slot)) {
            reject(in, RejectReason.BOOK_FULL, LineError.NONE);
            return;
        }
        books.lift(slot, newPrice, newQty);
        aId = books.orderId(slot);
        aBook = OrderBooks.bookOf(own);
        aSymbol = books.symbol(aBook);
        aSide = OrderBooks.sideOf(own);
        aType = OrderType.LIMIT;
        aTif = tif;
        aAction = Action.REPLACE;
        aPrice = newPrice;
        aQty = newQty;
        aCum = cum;
        aCanceled = false;
        aggressorReport(ExecType.REPLACED, cum == 0 ? OrderStatus.NEW : OrderStatus.PARTIALLY_FILLED, newQty - cum);
        match(opposite, limitKey);
        if (aCum == aQty || aCanceled)
            books.release(slot);
        else
            books.restAgain(slot, aCum);
    }

    /**
     * Whether a CANCEL or REPLACE found by its (account, id) names the live order in {@code slot}: same symbol and
     * side. For a CANCEL an empty symbol or side matches anything, since the order file lets a CANCEL leave them out.
     */
    private boolean namesLiveOrder(OrderInfo in, int slot, boolean emptyMatches) {
        long symbol = in.symbol();
        Side side = in.side();
        if (!(symbol == books.symbolOf(slot) || (emptyMatches && symbol == 0)))
            return false;
        Side liveSide = OrderBooks.sideOf(books.bookSideOf(slot));
        return side == liveSide || (emptyMatches && side == Side.NONE);
    }

    // ---------------------------------------------------------------- sessions

    /**
     * A session event that risk accepted. A SESSION_CLOSE, or the first SESSION_OPEN (which ends the implicit session
     * before it), ends the session: every resting DAY order EXPIRED ({@code END_OF_DAY}), GTC orders stay where they
     * are (time priority kept) and are carried over: a NEW with the id of one of them is a duplicate while it lives
     * and, once it finished, until the end of the session it finished in. Every session event frees the ids of the
     * carried-over orders finished since the last one. Then the event's own report, the last of its input.
     */
    private void onSession(OrderInfo in) {
        Action action = in.action();
        boolean close = action == Action.SESSION_CLOSE;
        boolean ends = close || !explicitSessions;
        if (ends)
            expireDayOrders(action);
        books.sessionEvent(ends);
        explicitSessions = true;
        long date = in.tradingDate() != 0 || !close ? in.tradingDate() : sessionDate;
        sessionDate = close ? 0 : date;
        if (date != 0)
            lastSessionDate = date;
        sink.claim().action(action).tradingDate(date).execType(close ? ExecType.SESSION_CLOSE : ExecType.SESSION_OPEN);
        sink.publish();
    }

    /**
     * Expires every resting DAY order, book by book (configuration order), bids then asks, best level first, in time
     * priority. Index loops only: nothing is allocated. O(resting orders).
     */
    private void expireDayOrders(Action cause) {
        for (int bookSide = 0, sides = 2 * books.bookCount(); bookSide < sides; bookSide++) {
            int depth = 0;
            int level;
            while ((level = books.levelAt(bookSide, depth, OrderBooks.ANY_PRICE)) != NIL) {
                int orders = books.levelOrders(level);
                int expired = 0;
                for (int o = books.head(level); o != NIL; ) {
                    int next = books.next(o);
                    if (books.timeInForce(o) == TimeInForce.DAY) {
                        OrderInfo r = restingReport(o, cause, ExecType.EXPIRED);
                        r.status(OrderStatus.EXPIRED).leavesQty(0).rejectReason(RejectReason.END_OF_DAY);
                        sink.publish();
                        books.remove(o);
                        expired++;
                    }
                    o = next;
                }
                if (expired < orders)
                    depth++; // the level stays; an emptied one is gone and the next is now at this depth
            }
        }
    }

    // ---------------------------------------------------------------- matching

    /**
     * Trades the aggressor against the {@code opposite} side while its best level's key is at least limitKey; a
     * resting order of the aggressor's own account is met as its self-trade prevention says
     * ({@link #selfTrade}), which may end the aggressor ({@link #aCanceled}).
     */
    private void match(int opposite, long limitKey) {
        int level;
        while (aCum < aQty && !aCanceled && (level = books.levelAt(opposite, 0, limitKey)) != NIL) {
            long px = books.levelPrice(level);
            int o = books.head(level);
            while (o != NIL && aCum < aQty && !aCanceled) {
                if (aStp != SelfTradePrevention.NONE && books.account(o) == aAccount) {
                    int next = books.next(o);
                    selfTrade(o);
                    o = next;
                    continue;
                }
                long fill = Math.min(aQty - aCum, books.leaves(o));
                aCum += fill;
                books.fill(o, fill);
                trades++;
                bookTrades[aBook]++;
                OrderInfo r = aggressorRecord(ExecType.TRADE);
                r.status(aCum == aQty ? OrderStatus.FILLED : OrderStatus.PARTIALLY_FILLED).leavesQty(aQty - aCum)
                        .lastPx(px).lastQty(fill).contraOrderId(books.orderId(o));
                sink.publish();
                boolean filled = books.isFilled(o);
                r = restingReport(o, aAction, ExecType.TRADE);
                r.status(filled ? OrderStatus.FILLED : OrderStatus.PARTIALLY_FILLED).lastPx(px).lastQty(fill)
                        .contraOrderId(aId);
                sink.publish();
                int next = books.next(o);
                if (filled)
                    books.removeHead(o);
                o = next;
            }
            books.dropBestIfEmpty(opposite);
        }
    }

    /**
     * The aggressor meets {@code o}, the head of its level and a resting order of its own account: the aggressor's
     * rest is CANCELED (CANCEL_INCOMING, CANCEL_BOTH; its report first, as in a trade) and/or the resting order is
     * CANCELED (CANCEL_RESTING, CANCEL_BOTH), each report with the mode's reason. A resting order left alone stays
     * where it is, ahead in time priority.
     */
    private void selfTrade(int o) {
        if (aStp.cancelsIncoming()) {
            aggressorRecord(ExecType.CANCELED).status(OrderStatus.CANCELED).leavesQty(0).rejectReason(aStp.reason());
            sink.publish();
            aCanceled = true;
        }
        if (aStp.cancelsResting()) {
            restingReport(o, aAction, ExecType.CANCELED).status(OrderStatus.CANCELED).leavesQty(0)
                    .rejectReason(aStp.reason());
            sink.publish();
            books.cancelHead(o);
        }
    }

    /**
     * Walks the {@code opposite} side as {@link #match} would for {@code qty}, changing nothing: sets
     * {@link #dryFilled} (what would trade), {@link #dryFreesSlot} (whether an order of the levels it would take whole
     * frees its slot: one not carried over from an earlier session, {@link OrderBooks#freesASlot}) and
     * {@link #dryStopped} (self-trade prevention would cancel the aggressor
     * first). A level taken in part ends the walk with everything traded, and then no caller needs to know what it
     * frees. Level by level, comparing level totals, unless the aggressor's account has self-trade prevention: then
     * order by order, its own orders canceled (not traded) or stopping the walk.
     */
    private void dryRun(int opposite, long limitKey, long qty) {
        long remaining = qty;
        boolean freesSlot = false;
        boolean stopped = false;
        int level;
        for (int depth = 0; remaining > 0 && !stopped && (level = books.levelAt(opposite, depth, limitKey)) != NIL;
                depth++) {
            if (aStp == SelfTradePrevention.NONE) {
                if (books.levelHoldsMore(level, remaining))
                    remaining = 0;
                else
                    remaining -= books.levelQuantity(level);
            } else {
                for (int o = books.head(level); o != NIL && remaining > 0; o = books.next(o)) {
                    if (books.account(o) != aAccount)
                        remaining -= Math.min(remaining, books.leaves(o));
                    else if (aStp.cancelsIncoming())
                        stopped = true;
                    if (stopped)
                        break;
                }
            }
            freesSlot = freesSlot || books.freesASlot(level);
        }
        dryFilled = qty - remaining;
        dryFreesSlot = freesSlot;
        dryStopped = stopped;
    }

    /**
     * Whether an order of {@code qty} that will rest whatever does not trade has room: an order slot (unless it holds
     * one already, {@code movingSlot}) and a level at its price. Room that the order's own trades would free counts,
     * and an order that would trade in full needs no room at all.
     */
    private boolean roomToRest(int own, int opposite, long price, long limitKey, long qty, int movingSlot) {
        boolean levelRoom = books.levelAvailable(own, price)
                || (movingSlot != NIL && books.aloneOnLevel(movingSlot));
        boolean slotRoom = movingSlot != NIL || books.hasFreeSlot();
        if (levelRoom && slotRoom)
            return true;
        dryRun(opposite, limitKey, qty);
        if (dryFilled >= qty || dryStopped) // trades in full, or self-trade prevention cancels it: it never rests
            return true;
        return levelRoom && dryFreesSlot;
    }

    // ---------------------------------------------------------------- reports

    /**
     * REJECTED for {@code in}, with its fields. The price of a MARKET order that passed risk is the protection limit
     * risk stamped into it, not a price the sender gave: its report says 0, as every other report of a MARKET order.
     * A record rejected before matching keeps what was sent.
     */
    private void reject(OrderInfo in, RejectReason reason, LineError lineError) {
        long price = in.orderType() == OrderType.MARKET && !in.isRejected() ? 0 : in.price();
        sink.claim().orderId(in.orderId()).account(in.account()).symbol(in.symbol()).side(in.side())
                .orderType(in.orderType()).timeInForce(in.timeInForce()).price(price).quantity(in.quantity())
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
        return sink.claim().orderId(books.orderId(slot)).account(books.account(slot)).symbol(books.symbolOf(slot))
                .side(OrderBooks.sideOf(books.bookSideOf(slot))).orderType(OrderType.LIMIT)
                .timeInForce(books.timeInForce(slot)).price(books.price(slot)).quantity(books.quantity(slot))
                .action(action).execType(execType).leavesQty(books.leaves(slot)).cumQty(books.filled(slot));
    }

    // ---------------------------------------------------------------- state, for operators and tests

    /** The resting orders and price levels (read-only for callers outside this package). */
    public OrderBooks books() {
        return books;
    }

    /** Trades so far (each is two TRADE reports). */
    public long trades() {
        return trades;
    }

    /** Trades so far in the book of {@code symbol} (encoded), 0 for an unknown symbol. */
    public long trades(long symbol) {
        int book = books.book(symbol);
        return book < 0 ? 0 : bookTrades[book];
    }
}
