package dev.orderpipe.pipeline.book;

import dev.orderpipe.pipeline.Prices;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.codes.Side;
import dev.orderpipe.pipeline.codes.TimeInForce;
import dev.orderpipe.pipeline.config.ConfigException;
import dev.orderpipe.pipeline.config.MatchingConfig;
import dev.orderpipe.pipeline.snapshot.SnapshotReader;
import dev.orderpipe.pipeline.util.FixedLongIndex;
import dev.orderpipe.pipeline.util.FixedPairIndex;

import java.util.Arrays;
import java.util.List;

/**
 * The store under {@link MatchingEngine}'s rules: one book per symbol, its resting orders and its price levels. It
 * knows nothing of matching; it keeps its structure consistent and can prove it ({@link #checkInvariants()}).
 *
 * <p>Everything is allocated in the constructor and never resized:
 * <ul>
 *     <li>resting orders live in parallel primitive arrays indexed by the slot a {@link FixedPairIndex} gives their
 *     (account, order id) pair ({@code maxOpenOrders} slots shared by every book); the same index finds an order by
 *     that pair in O(1). Order ids are unique per account, so the pair, never the id alone, names an order: another
 *     account's order with the same id is a different order, and looking an id up on the wrong account finds
 *     nothing;</li>
 *     <li>a price level is a pooled entry (price, total open quantity, order count, head and tail of an intrusive
 *     doubly-linked list of its orders in time priority); free entries wait on a stack. The total is kept in 128 bits
 *     (two longs, unsigned): each order's quantity fits 64 bits but their sum need not, and a wrapped total would make
 *     a FOK misjudge what the level holds;</li>
 *     <li>each side of each book keeps its levels in a sorted array of keys ({@code price} for bids, {@code -price}
 *     for asks, so both sides sort ascending with the best level last): best level O(1), matching pops from the end,
 *     a level at a new price is found by binary search and inserted with one {@code arraycopy}
 *     (O(levels) worst case, O(1) near the top of the book where most orders land).</li>
 * </ul>
 * A book is numbered in configuration order; a book side is {@code book * 2 + BUY|SELL}. Slots and levels are handed
 * out in a fixed order, so the same operations give the same layout on every run.
 *
 * <p>The public methods read (for operators and tests); the package-private ones are the engine's operations. Not
 * thread-safe: the books belong to the matching stage's thread.
 */
public final class OrderBooks {
    static final int NIL = -1;
    static final int BUY = 0;
    static final int SELL = 1;
    /** The limit key of an order that takes any price (MARKET): every level's key is at least this. */
    static final long ANY_PRICE = Long.MIN_VALUE;
    // what checkInvariants saw a level pool entry as
    private static final byte ON_SIDE = 1;
    private static final byte FREE = 2;
    // orderCarried
    private static final byte CARRIED = 1;
    private static final byte FINISHED = 2;

    private final int books;
    private final int maxPriceLevels;

    // books: symbol -> book number
    private final FixedLongIndex bookIndex;
    private final long[] bookSymbol;
    private final int[] bookOpenOrders;

    // resting orders, by slot of orderIndex
    private final FixedPairIndex orderIndex; // keyed (orderAccount, orderId), the two arrays it shares
    private final long[] orderId;
    private final long[] orderAccount;
    private final long[] orderPrice;
    private final long[] orderQty;
    private final long[] orderCum;
    private final byte[] orderTif;
    /**
     * Per slot: {@link #CARRIED} for an order resting from an earlier session (it was on the book at a session's end),
     * {@link #FINISHED} for such an order finished since the last session event, else 0.
     */
    private final byte[] orderCarried;
    private final int[] orderBookSide;
    private final int[] orderLevel;
    private final int[] orderPrev;
    private final int[] orderNext;
    /**
     * Orders carried over from an earlier session that finished (filled, canceled) since the last session event: their
     * ids stay taken until the session ends, like ids first used in it (risk, whose id table holds only this session's
     * NEW orders, cannot know them). Each keeps its slot, and so its (account, id) in the id index, off every level
     * ({@link #FINISHED}) until the next session event frees it: no table of its own (the default capacities fit a
     * 256 MB heap), at the price of a slot until then.
     */
    private int finishedCarried;
    /** Slots 0..slotsUsed-1 have been handed out at some time: checkInvariants looks for finished orders there. */
    private int slotsUsed;

    // price levels, pooled
    private final long[] levelPrice;
    private final long[] levelQty; // the low 64 bits of the level's open quantity, unsigned
    private final long[] levelQtyHigh; // the high 64 bits
    private final int[] levelCount;
    private final int[] levelHead;
    private final int[] levelTail;
    private final int[] levelFree;
    private int levelFreeTop;

    // per book side, levels sorted by key ascending (best last), in the region [bookSide * maxPriceLevels, +count)
    private final long[] sideKey;
    private final int[] sideLevel;
    private final int[] sideCount;

    // checkInvariants: what each level pool entry was seen as and the run that saw it (no clearing between runs);
    // the sum and xor of all pool entries
    private int[] levelSeenRun;
    private byte[] levelSeenAs;
    private int checkRun;
    private int poolSum;
    private int poolXor;

    /**
     * About the heap the constructor allocates for {@code books} symbols with the capacities of {@code config}.
     * Counts the same arrays as the constructor: keep the two together.
     */
    static long heapBytes(MatchingConfig config, int books) {
        int orders = config.maxOpenOrders;
        long sideSlots = (long) books * 2 * config.maxPriceLevels;
        long levels = Math.min(sideSlots, orders);
        return FixedLongIndex.heapBytes(books) + (long) (Long.BYTES + Integer.BYTES) * books
                + FixedPairIndex.heapBytes(orders) + (3L * Long.BYTES + 4L * Integer.BYTES + 2 * Byte.BYTES) * orders
                + (3L * Long.BYTES + 4L * Integer.BYTES) * levels
                + (long) (Long.BYTES + Integer.BYTES) * sideSlots + 2L * Integer.BYTES * books;
    }

    /**
     * Books for {@code symbols} (created up front, so the first order of a symbol allocates nothing) with the
     * capacities of {@code config}.
     */
    OrderBooks(MatchingConfig config, List<String> symbols) {
        if (symbols.isEmpty())
            throw new IllegalArgumentException("the matching engine needs at least one symbol");
        if (config.maxOpenOrders < 1 || config.maxPriceLevels < 1)
            throw new IllegalArgumentException("matching.maxOpenOrders and matching.maxPriceLevels must be >= 1");
        this.books = symbols.size();
        this.maxPriceLevels = config.maxPriceLevels;
        bookIndex = new FixedLongIndex(books);
        bookSymbol = new long[books];
        bookOpenOrders = new int[books];
        for (String s : symbols) {
            long symbol = Symbols.encode(s);
            if (bookIndex.contains(symbol))
                throw new IllegalArgumentException("symbol " + s + " is listed twice");
            bookSymbol[bookIndex.slotOf(symbol, true)] = symbol;
        }

        int orders = config.maxOpenOrders;
        orderId = new long[orders];
        orderAccount = new long[orders];
        orderIndex = new FixedPairIndex(orderAccount, orderId);
        orderPrice = new long[orders];
        orderQty = new long[orders];
        orderCum = new long[orders];
        orderTif = new byte[orders];
        orderCarried = new byte[orders];
        orderBookSide = new int[orders];
        orderLevel = new int[orders];
        orderPrev = new int[orders];
        orderNext = new int[orders];

        long sideSlots = (long) books * 2 * maxPriceLevels;
        if (sideSlots > Integer.MAX_VALUE - 8)
            throw new ConfigException("risk.symbols x 2 x matching.maxPriceLevels is " + sideSlots
                    + ", more price-level slots than an array holds: lower matching.maxPriceLevels");
        // every level holds at least one order, so there are never more levels than open orders
        int levels = (int) Math.min(sideSlots, orders);
        levelPrice = new long[levels];
        levelQty = new long[levels];
        levelQtyHigh = new long[levels];
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

    // ---------------------------------------------------------------- snapshots

    /** The direct memory of a {@link #newSnapshot} copy for these capacities (the sizes the constructor takes). */
    static long snapshotCopyBytes(MatchingConfig config, int books) {
        int orders = config.maxOpenOrders;
        long sideSlots = (long) books * 2 * config.maxPriceLevels;
        return BookSnapshot.bytes(sideSlots, orders, Math.min(sideSlots, orders));
    }

    /** A copy for {@link #stage}, sized from these books' capacities: allocated once, at the stage's start. */
    BookSnapshot newSnapshot() {
        return new BookSnapshot(books * 2, maxPriceLevels, orderId.length, levelPrice.length, FINISHED);
    }

    /**
     * Copies the books' state into {@code to} for a snapshot, which then writes it a step at a time
     * ({@link BookSnapshot#advance}): per book side its level count, per level (worst to best) its price and order count,
     * then its orders in time priority with every field (whether carried over from an earlier session too), then the
     * finished carried-over orders' (account, id) pairs. Flat bulk copies of the slots handed out so far and of the
     * level pool, no walk: O(slots used + level capacity + levels on the sides), memcpy-fast; nothing allocated.
     */
    void stage(BookSnapshot to) {
        int n = slotsUsed;
        to.orderId.put(0, orderId, 0, n);
        to.orderAccount.put(0, orderAccount, 0, n);
        to.orderQty.put(0, orderQty, 0, n);
        to.orderCum.put(0, orderCum, 0, n);
        to.orderTif.put(0, orderTif, 0, n);
        to.orderCarried.put(0, orderCarried, 0, n);
        to.orderNext.put(0, orderNext, 0, n);
        to.levelPrice.put(0, levelPrice, 0, levelPrice.length);
        to.levelCount.put(0, levelCount, 0, levelCount.length);
        to.levelHead.put(0, levelHead, 0, levelHead.length);
        for (int bookSide = 0, sides = books * 2; bookSide < sides; bookSide++) {
            int base = bookSide * maxPriceLevels;
            to.sideLevel.put(base, sideLevel, base, sideCount[bookSide]);
            to.sideCount[bookSide] = sideCount[bookSide];
        }
        to.slots = n;
        to.finishedCarried = finishedCarried;
        to.started();
    }

    /**
     * Rests again, into empty books of the same symbols and capacities, the orders a {@link BookSnapshot} wrote, each level's
     * in time priority: the books are those saved (slot and level numbers aside, on which no report depends).
     */
    void restore(SnapshotReader in) {
        for (int bookSide = 0, sides = books * 2; bookSide < sides; bookSide++) {
            for (int levels = in.getInt(); levels > 0; levels--) {
                long price = in.getLong();
                for (int n = in.getInt(); n > 0; n--) {
                    long id = in.getLong();
                    long account = in.getLong();
                    long orderPrice = in.getLong();
                    long qty = in.getLong();
                    long cum = in.getLong();
                    TimeInForce tif = TimeInForce.of(in.getByte());
                    byte carried = in.getByte();
                    if (orderPrice != price || !hasFreeSlot() || !levelAvailable(bookSide, price))
                        throw new IllegalStateException("snapshot order " + id + " of account " + account
                                + " does not fit the books (price " + orderPrice + " on level " + price + ")");
                    orderCarried[rest(id, account, tif, orderPrice, qty, cum, bookSide)] = carried;
                }
            }
        }
        for (int n = in.getInt(); n > 0; n--) {
            int slot = orderIndex.slotOf(in.getLong(), in.getLong(), true);
            if (slot < 0)
                throw new IllegalStateException("snapshot holds more orders than matching.maxOpenOrders");
            orderCarried[slot] = FINISHED;
            finishedCarried++;
            slotsUsed = Math.max(slotsUsed, slot + 1);
        }
    }

    // ---------------------------------------------------------------- books and sides

    /** The book of {@code symbol} (encoded), or {@link #NIL} for 0 or a symbol with no book. */
    int book(long symbol) {
        return symbol == 0 ? NIL : bookIndex.slotOf(symbol, false);
    }

    static int bookSide(int book, Side side) {
        return book * 2 + (side == Side.BUY ? BUY : SELL);
    }

    static int bookOf(int bookSide) {
        return bookSide >> 1;
    }

    static int opposite(int bookSide) {
        return bookSide ^ 1;
    }

    static Side sideOf(int bookSide) {
        return (bookSide & 1) == BUY ? Side.BUY : Side.SELL;
    }

    /**
     * The sort key of {@code price} on a book side: the best level has the highest key, so the levels an order
     * limited to {@code price} may trade with on {@code bookSide} are those whose key is at least this.
     */
    static long key(int bookSide, long price) {
        return (bookSide & 1) == BUY ? price : -price;
    }

    // ---------------------------------------------------------------- resting orders

    /** The slot of a resting order, or a negative number when {@code account} has no order {@code orderId} resting. */
    int slotOf(long account, long orderId) {
        int slot = orderIndex.slotOf(account, orderId, false);
        return slot >= 0 && orderCarried[slot] == FINISHED ? NIL : slot;
    }

    boolean isResting(long account, long orderId) {
        return slotOf(account, orderId) >= 0;
    }

    /**
     * Whether {@code account}'s {@code orderId} is taken in this session as far as the books know: an order resting
     * with it, or an order carried over from an earlier session that finished in this one.
     */
    boolean idTaken(long account, long orderId) {
        return orderIndex.contains(account, orderId);
    }

    /**
     * A session event: the ids of carried-over orders finished since the last one are free again (the session they
     * finished in is over, or they finished between sessions), and {@code carry} marks every order resting now as
     * carried over (called at a session's end, once its DAY orders are gone). O(maxOpenOrders) when some finished,
     * plus O(resting orders) with {@code carry}.
     */
    void sessionEvent(boolean carry) {
        for (int slot = 0; finishedCarried > 0; slot++) {
            if (orderCarried[slot] == FINISHED) {
                orderIndex.remove(orderAccount[slot], orderId[slot]);
                orderCarried[slot] = 0;
                finishedCarried--;
            }
        }
        if (!carry)
            return;
        for (int bookSide = 0, sides = books * 2; bookSide < sides; bookSide++)
            for (int pos = bookSide * maxPriceLevels, end = pos + sideCount[bookSide]; pos < end; pos++)
                for (int o = levelHead[sideLevel[pos]]; o != NIL; o = orderNext[o])
                    orderCarried[o] = CARRIED;
    }

    /**
     * Finished orders carried over from an earlier session whose ids (and slots) stay taken until the session ends.
     */
    public int finishedCarriedOver() {
        return finishedCarried;
    }

    /**
     * Whether a level holds an order that frees its slot when it leaves the book: one not carried over from an
     * earlier session (those keep theirs until the session ends). O(1) unless its first orders are carried over.
     */
    boolean freesASlot(int level) {
        for (int o = levelHead[level]; o != NIL; o = orderNext[o])
            if (orderCarried[o] != CARRIED)
                return true;
        return false;
    }


    /** Whether a new order can have a slot. */
    boolean hasFreeSlot() {
        return orderIndex.size() < orderIndex.capacity();
    }

    long orderId(int slot) {
        return orderId[slot];
    }

    long account(int slot) {
        return orderAccount[slot];
    }

    long price(int slot) {
        return orderPrice[slot];
    }

    /** The order's total quantity. */
    long quantity(int slot) {
        return orderQty[slot];
    }

    /** The order's filled quantity. */
    long filled(int slot) {
        return orderCum[slot];
    }

    long leaves(int slot) {
        return orderQty[slot] - orderCum[slot];
    }

    /** The time in force of a resting order: GTC or DAY. */
    TimeInForce timeInForce(int slot) {
        return TimeInForce.of(orderTif[slot]);
    }

    int bookSideOf(int slot) {
        return orderBookSide[slot];
    }

    /** The encoded symbol of a resting order. */
    long symbolOf(int slot) {
        return bookSymbol[bookOf(orderBookSide[slot])];
    }

    /**
     * Rests a new order at the back of its price level (created if needed). The caller has checked the room
     * ({@link #hasFreeSlot()}, {@link #levelAvailable}); no room here is a bug.
     */
    int rest(long id, long account, TimeInForce tif, long price, long qty, long cum, int bookSide) {
        int slot = orderIndex.slotOf(account, id, true);
        if (slot < 0)
            throw new IllegalStateException("no order slot for order " + id + " although room was checked");
        orderTif[slot] = tif.code();
        orderCarried[slot] = 0;
        if (slot >= slotsUsed)
            slotsUsed = slot + 1;
        orderPrice[slot] = price;
        orderQty[slot] = qty;
        orderCum[slot] = cum;
        bookOpenOrders[bookOf(bookSide)]++;
        attach(slot, bookSide);
        return slot;
    }

    /** Removes a resting order from the book and frees its slot. */
    void remove(int slot) {
        detach(slot);
        release(slot);
    }

    /** Lowers a resting order's total quantity where it stands: it keeps its time priority. */
    void reduceQuantity(int slot, long newQty) {
        subtractQuantity(orderLevel[slot], orderQty[slot] - newQty);
        orderQty[slot] = newQty;
    }

    /**
     * Takes a resting order off its level with a new price and total quantity, keeping its slot and id: the order
     * is in flight (not on any level) until {@link #restAgain} or {@link #release}.
     */
    void lift(int slot, long newPrice, long newQty) {
        detach(slot);
        orderPrice[slot] = newPrice;
        orderQty[slot] = newQty;
    }

    /** Puts a {@linkplain #lift lifted} order, {@code cum} of it filled, at the back of the level at its price. */
    void restAgain(int slot, long cum) {
        orderCum[slot] = cum;
        attach(slot, orderBookSide[slot]);
    }

    /**
     * Frees the slot of an order no longer on any level ({@linkplain #lift lifted}, or just detached): the order is
     * finished. One carried over from an earlier session keeps its slot and its id taken until the next session event.
     */
    void release(int slot) {
        bookOpenOrders[bookOf(orderBookSide[slot])]--;
        if (orderCarried[slot] == CARRIED) {
            orderCarried[slot] = FINISHED;
            finishedCarried++;
            return;
        }
        orderIndex.remove(orderAccount[slot], orderId[slot]);
    }

    // ---------------------------------------------------------------- price levels

    /**
     * The level {@code depth} places from the best of {@code bookSide} (0: the best) if its key is at least
     * {@code limitKey}, else {@link #NIL}.
     */
    int levelAt(int bookSide, int depth, long limitKey) {
        int count = sideCount[bookSide];
        if (depth >= count)
            return NIL;
        int pos = bookSide * maxPriceLevels + count - 1 - depth;
        return sideKey[pos] < limitKey ? NIL : sideLevel[pos];
    }

    long levelPrice(int level) {
        return levelPrice[level];
    }

    /**
     * Open quantity at a level, the sum of its orders' leaves, or {@link Long#MAX_VALUE} when the sum does not fit
     * 64 bits (for display; the engine compares with {@link #levelHoldsMore}).
     */
    long levelQuantity(int level) {
        return levelQtyHigh[level] != 0 || levelQty[level] < 0 ? Long.MAX_VALUE : levelQty[level];
    }

    /** Whether the open quantity at a level is more than {@code qty} (>= 0), exactly, whatever its size. */
    boolean levelHoldsMore(int level, long qty) {
        return levelQtyHigh[level] != 0 || Long.compareUnsigned(levelQty[level], qty) > 0;
    }

    private void addQuantity(int level, long qty) {
        long low = levelQty[level] + qty;
        if (Long.compareUnsigned(low, qty) < 0)
            levelQtyHigh[level]++;
        levelQty[level] = low;
    }

    private void subtractQuantity(int level, long qty) {
        if (Long.compareUnsigned(levelQty[level], qty) < 0)
            levelQtyHigh[level]--;
        levelQty[level] -= qty;
    }

    /**
     * Whether {@code bookSide} has a level whose key is below {@code limitKey}: a resting order an order limited to
     * that key may not trade with. O(1): the worst level has the lowest key.
     */
    boolean hasLevelBeyond(int bookSide, long limitKey) {
        return sideCount[bookSide] > 0 && sideKey[bookSide * maxPriceLevels] < limitKey;
    }

    int levelOrders(int level) {
        return levelCount[level];
    }

    /** The first order of a level in time priority, or {@link #NIL}. */
    int head(int level) {
        return levelHead[level];
    }

    /** The order after {@code slot} on its level, or {@link #NIL}. */
    int next(int slot) {
        return orderNext[slot];
    }

    /** Whether an order at {@code price} can rest on {@code bookSide}: its level exists or there is room for one. */
    boolean levelAvailable(int bookSide, long price) {
        return sideCount[bookSide] < maxPriceLevels || findLevel(bookSide, price) >= 0;
    }

    /** Whether a resting order is the only one on its level (so moving it away frees the level). */
    boolean aloneOnLevel(int slot) {
        return levelCount[orderLevel[slot]] == 1;
    }

    // ---------------------------------------------------------------- matching

    /** Trades {@code qty} of the resting order in {@code slot}; it stays on its level until {@link #removeHead}. */
    void fill(int slot, long qty) {
        orderCum[slot] += qty;
        subtractQuantity(orderLevel[slot], qty);
    }

    /** Whether a resting order is filled completely. */
    boolean isFilled(int slot) {
        return orderCum[slot] == orderQty[slot];
    }

    /**
     * Removes the filled order at the head of its level and frees its slot; the level stays in place, even empty,
     * until {@link #dropBestIfEmpty}.
     */
    void removeHead(int slot) {
        int level = orderLevel[slot];
        int next = orderNext[slot];
        levelHead[level] = next;
        if (next == NIL)
            levelTail[level] = NIL;
        else
            orderPrev[next] = NIL;
        levelCount[level]--;
        release(slot);
    }

    /**
     * Removes the order at the head of its level unfilled (self-trade prevention cancels it while matching walks the
     * level) and frees its slot; like {@link #removeHead}, the level stays until {@link #dropBestIfEmpty}.
     */
    void cancelHead(int slot) {
        subtractQuantity(orderLevel[slot], orderQty[slot] - orderCum[slot]);
        removeHead(slot);
    }

    /** Drops the best level of {@code bookSide} if matching emptied it. */
    void dropBestIfEmpty(int bookSide) {
        int top = bookSide * maxPriceLevels + sideCount[bookSide] - 1;
        int level = sideLevel[top];
        if (levelCount[level] == 0) {
            sideCount[bookSide]--;
            levelFree[levelFreeTop++] = level;
        }
    }

    // ---------------------------------------------------------------- structure

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
            levelQtyHigh[level] = 0;
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
        addQuantity(level, orderQty[slot] - orderCum[slot]);
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
        subtractQuantity(level, orderQty[slot] - orderCum[slot]);
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

    // ---------------------------------------------------------------- reading, for operators and tests

    /** Number of books: one per configured symbol. */
    public int bookCount() {
        return books;
    }

    /** The encoded symbol of book {@code book} ({@code 0 .. bookCount() - 1}, in configuration order). */
    public long symbol(int book) {
        return bookSymbol[book];
    }

    /** Resting orders across all books. */
    public int openOrders() {
        return orderIndex.size() - finishedCarried;
    }

    /** Resting orders in the book of {@code symbol} (encoded), 0 for an unknown symbol. */
    public int openOrders(long symbol) {
        int book = book(symbol);
        return book < 0 ? 0 : bookOpenOrders[book];
    }

    /** Price levels on one side of the book of {@code symbol}, 0 for an unknown symbol. */
    public int priceLevels(long symbol, Side side) {
        int book = book(symbol);
        return book < 0 ? 0 : sideCount[bookSide(book, side)];
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
        int level = levelAt(book * 2 + side, 0, ANY_PRICE);
        if (level == NIL)
            return 0;
        return qty ? levelQuantity(level) : levelPrice[level];
    }

    // ---------------------------------------------------------------- invariants

    /**
     * Checks the whole structure and throws {@link IllegalStateException} naming the first broken invariant:
     * <ul>
     *     <li>each side has at most {@code maxPriceLevels} levels, their keys strictly ascending and each the key of
     *     its level's price;</li>
     *     <li>each level is non-empty, its links (head, tail, prev, next) agree with its order count, its orders rest
     *     at its price on its side with leaves above 0, and its quantity equals the sum of their leaves;</li>
     *     <li>every level pool entry is either on one side or on the free list, once (the free list by count, sum and
     *     xor; it is walked to name an entry when they differ);</li>
     *     <li>the id index finds every resting order at its slot by (account, id) and holds no other order;</li>
     *     <li>each book's open-order count equals the orders resting on its levels.</li>
     * </ul>
     * O(level pool + resting orders), allocating on its first call: for tests (the randomized reference test calls it
     * after every event) and debugging, never on the hot path.
     */
    public void checkInvariants() {
        int levels = levelPrice.length;
        if (levelSeenRun == null) {
            levelSeenRun = new int[levels];
            levelSeenAs = new byte[levels];
            for (int level = 0; level < levels; level++) {
                poolSum += level;
                poolXor ^= level;
            }
        }
        int run = ++checkRun;
        int resting = 0;
        int levelsOnSides = 0;
        int sideSum = 0; // of the pool entries on sides, wrapping: compared with the free list's below
        int sideXor = 0;
        for (int book = 0; book < books; book++) {
            int bookResting = 0;
            for (int bookSide = book * 2; bookSide <= book * 2 + 1; bookSide++) {
                int count = sideCount[bookSide];
                if (count < 0 || count > maxPriceLevels)
                    fail(sideName(bookSide) + " has " + count + " levels, outside 0.." + maxPriceLevels);
                int base = bookSide * maxPriceLevels;
                for (int pos = base; pos < base + count; pos++) {
                    int level = sideLevel[pos];
                    int depth = count - 1 - (pos - base);
                    if (level < 0 || level >= levels)
                        fail(sideName(bookSide) + " level " + depth + " from the best names pool entry " + level
                                + ", outside 0.." + (levels - 1));
                    if (levelSeenRun[level] == run)
                        fail(levelName(bookSide, depth, level) + " is listed twice");
                    levelSeenRun[level] = run;
                    levelSeenAs[level] = ON_SIDE;
                    sideSum += level;
                    sideXor ^= level;
                    if (sideKey[pos] != key(bookSide, levelPrice[level]))
                        fail(levelName(bookSide, depth, level) + ": key " + sideKey[pos]
                                + " is not the key of its price, " + key(bookSide, levelPrice[level]));
                    if (pos > base && sideKey[pos - 1] >= sideKey[pos])
                        fail(levelName(bookSide, depth, level) + ": keys not strictly ascending: " + sideKey[pos]
                                + " after " + sideKey[pos - 1]);
                    bookResting += checkLevel(bookSide, depth, level);
                }
                levelsOnSides += count;
            }
            if (bookResting != bookOpenOrders[book])
                fail("book " + Symbols.toString(bookSymbol[book]) + ": open-order count " + bookOpenOrders[book]
                        + " but " + bookResting + " orders rest on its levels");
            resting += bookResting;
        }
        int finished = 0;
        for (int slot = 0; slot < slotsUsed; slot++) {
            if (orderCarried[slot] != FINISHED)
                continue;
            finished++;
            if (orderIndex.slotOf(orderAccount[slot], orderId[slot], false) != slot)
                fail("finished carried-over order " + orderId[slot] + " (slot " + slot + ") is not in the id index");
        }
        if (finished != finishedCarried)
            fail(finished + " finished carried-over orders are marked, " + finishedCarried + " counted");
        if (orderIndex.size() != resting + finished)
            fail("the id index holds " + orderIndex.size() + " orders but " + resting + " rest on levels and "
                    + finished + " finished carried-over orders keep their ids");
        if (levelFreeTop != levels - levelsOnSides)
            fail("the level free list has " + levelFreeTop + " entries, expected " + (levels - levelsOnSides) + " ("
                    + levels + " pooled, " + levelsOnSides + " on sides)");
        // every pool entry must be on a side or on the free list, once. The free list is most of the pool, so it is
        // compared by sum and xor (no stores: cheap enough for every event of a test) with the entries not on a side,
        // and walked entry by entry only to name the culprit once they differ
        int freeSum = 0;
        int freeXor = 0;
        for (int i = 0; i < levelFreeTop; i++) {
            freeSum += levelFree[i];
            freeXor ^= levelFree[i];
        }
        if (freeSum != poolSum - sideSum || freeXor != (poolXor ^ sideXor))
            blameFreeList(run);
    }

    /** Names the free list entry that is out of the pool, on a side or listed twice. */
    private void blameFreeList(int run) {
        int levels = levelPrice.length;
        for (int i = 0; i < levelFreeTop; i++) {
            int level = levelFree[i];
            if (level < 0 || level >= levels)
                fail("level free list entry " + i + " names pool entry " + level + ", outside 0.." + (levels - 1));
            if (levelSeenRun[level] == run)
                fail("level free list entry " + i + " names pool entry " + level + ", which is "
                        + (levelSeenAs[level] == FREE ? "already on the free list" : "on a side"));
            levelSeenRun[level] = run;
            levelSeenAs[level] = FREE;
        }
        fail("the level free list and the sides do not hold each pool entry once (sum or xor differ)");
    }

    /** Checks one level's order list against its count and quantity; returns its number of orders. */
    private int checkLevel(int bookSide, int depth, int level) {
        int count = levelCount[level];
        if (count < 1)
            fail(levelName(bookSide, depth, level) + ": order count " + count + ", but an empty level leaves its side");
        int n = 0;
        long open = 0; // the sum of leaves in 128 bits, as the level keeps it
        long openHigh = 0;
        int prev = NIL;
        for (int o = levelHead[level]; o != NIL; o = orderNext[o]) {
            if (o < 0 || o >= orderId.length)
                fail(levelName(bookSide, depth, level) + ": order link " + o + " is not a slot");
            if (++n > count)
                fail(levelName(bookSide, depth, level) + ": more orders linked than its count " + count);
            if (orderPrev[o] != prev)
                fail(orderName(bookSide, depth, level, o) + ": prev link " + orderPrev[o] + ", expected " + prev);
            if (orderLevel[o] != level || orderBookSide[o] != bookSide)
                fail(orderName(bookSide, depth, level, o) + ": says pool entry " + orderLevel[o] + " of "
                        + sideName(orderBookSide[o]));
            if (orderPrice[o] != levelPrice[level])
                fail(orderName(bookSide, depth, level, o) + ": price " + Prices.format(orderPrice[o]));
            if (orderCum[o] < 0 || orderCum[o] >= orderQty[o])
                fail(orderName(bookSide, depth, level, o) + ": filled " + orderCum[o] + " of " + orderQty[o]
                        + ", a resting order has leaves > 0");
            if (orderCarried[o] == FINISHED)
                fail(orderName(bookSide, depth, level, o) + ": marked finished, but it rests");
            int indexed = orderIndex.slotOf(orderAccount[o], orderId[o], false);
            if (indexed != o)
                fail(orderName(bookSide, depth, level, o) + ": the id index gives slot " + indexed
                        + " for its account and id");
            long leaves = orderQty[o] - orderCum[o];
            open += leaves;
            if (Long.compareUnsigned(open, leaves) < 0)
                openHigh++;
            prev = o;
        }
        if (n != count)
            fail(levelName(bookSide, depth, level) + ": order count " + count + " but " + n + " orders linked");
        if (levelTail[level] != prev)
            fail(levelName(bookSide, depth, level) + ": tail " + levelTail[level] + ", expected the last linked order "
                    + prev);
        if (open != levelQty[level] || openHigh != levelQtyHigh[level])
            fail(levelName(bookSide, depth, level) + ": quantity " + quantityText(levelQtyHigh[level], levelQty[level])
                    + " but its orders' leaves sum to " + quantityText(openHigh, open));
        return n;
    }

    private static String quantityText(long high, long low) {
        return new java.math.BigInteger(Long.toUnsignedString(high)).shiftLeft(64)
                .add(new java.math.BigInteger(Long.toUnsignedString(low))).toString();
    }

    /** E.g. {@code book AAPL BUY level 0 from the best (pool entry 7, price 189.2500)}. */
    private String levelName(int bookSide, int depth, int level) {
        return sideName(bookSide) + " level " + depth + " from the best (pool entry " + level + ", price "
                + Prices.format(levelPrice[level]) + ")";
    }

    private String orderName(int bookSide, int depth, int level, int slot) {
        return levelName(bookSide, depth, level) + " order " + orderId[slot] + " (slot " + slot + ")";
    }

    private String sideName(int bookSide) {
        if (bookSide < 0 || bookSide >= books * 2)
            return "book side " + bookSide + " (none)";
        return "book " + Symbols.toString(bookSymbol[bookOf(bookSide)]) + " " + sideOf(bookSide);
    }

    private static void fail(String what) {
        throw new IllegalStateException("order book invariant broken: " + what);
    }

    // ---------------------------------------------------------------- test hook

    /** A bug {@link #corrupt} can simulate, for tests of {@link #checkInvariants()}. */
    enum Corruption {
        /** The best level's quantity off by one. */
        LEVEL_QUANTITY,
        /** The two best levels' keys and levels swapped (the side needs two levels). */
        KEY_ORDER,
        /** The best level moved to the next level's price and key: two levels at one price (needs two levels). */
        EQUAL_KEYS,
        /** The best level's entry on its side naming the first entry past the level pool. */
        SIDE_RANGE,
        /** One free level lost from the free list. */
        FREE_COUNT,
        /** The free list's top entry overwritten with the best level, which is in use. */
        FREE_ENTRY,
        /** The free list's top entry overwritten with the first entry past the pool. */
        FREE_RANGE,
        /** The id of the best level's first order changed without telling the id index. */
        ORDER_ID,
        /** The id of the best level's first order cleared to 0 (no order has it) without telling the id index. */
        ORDER_ID_ZERO,
        /** The best level's first order filled in full but left resting. */
        ORDER_FILLED,
        /** The book's open-order count one too high. */
        OPEN_ORDERS,
        /** The best level's last order linked to the first slot past the order pool. */
        ORDER_LINK,
        /** The best level's first order said to be on the first book side past the books. */
        ORDER_SIDE
    }

    /** Test hook: breaks one invariant on {@code side} of the book of {@code symbol}, as a bug would. */
    void corrupt(Corruption what, long symbol, Side side) {
        int book = book(symbol);
        int bookSide = bookSide(book, side);
        int top = bookSide * maxPriceLevels + sideCount[bookSide] - 1;
        switch (what) {
            case LEVEL_QUANTITY:
                addQuantity(sideLevel[top], 1);
                break;
            case KEY_ORDER:
                long key = sideKey[top];
                int level = sideLevel[top];
                sideKey[top] = sideKey[top - 1];
                sideLevel[top] = sideLevel[top - 1];
                sideKey[top - 1] = key;
                sideLevel[top - 1] = level;
                break;
            case EQUAL_KEYS:
                levelPrice[sideLevel[top]] = levelPrice[sideLevel[top - 1]];
                sideKey[top] = sideKey[top - 1];
                break;
            case SIDE_RANGE:
                sideLevel[top] = levelPrice.length;
                break;
            case FREE_COUNT:
                levelFreeTop--;
                break;
            case FREE_ENTRY:
                levelFree[levelFreeTop - 1] = sideLevel[top];
                break;
            case FREE_RANGE:
                levelFree[levelFreeTop - 1] = levelPrice.length;
                break;
            case ORDER_ID:
                orderId[levelHead[sideLevel[top]]] += 1_000_000;
                break;
            case ORDER_ID_ZERO:
                orderId[levelHead[sideLevel[top]]] = 0;
                break;
            case ORDER_FILLED:
                orderCum[levelHead[sideLevel[top]]] = orderQty[levelHead[sideLevel[top]]];
                break;
            case OPEN_ORDERS:
                bookOpenOrders[book]++;
                break;
            case ORDER_LINK:
                orderNext[levelTail[sideLevel[top]]] = orderId.length;
                break;
            case ORDER_SIDE:
                orderBookSide[levelHead[sideLevel[top]]] = books * 2;
                break;
            default:
                throw new AssertionError(what);
        }
    }
}
