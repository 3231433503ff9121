package dev.orderpipe.pipeline.book;

import dev.orderpipe.pipeline.snapshot.SnapshotSteps;
import dev.orderpipe.pipeline.snapshot.SnapshotWriter;

import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;

/**
 * A copy of {@link OrderBooks}' resting orders taken at a snapshot's point, then written into the snapshot a step at a
 * time between inputs ({@link SnapshotSteps}): the stage pauses for the copy (flat bulk copies of the slots handed out
 * so far and of the levels, no walk) and for one step at a time, not for the whole encoding and its queue writes. The books
 * go on changing meanwhile; the copy stays as it was, so the snapshot is exactly the state after the input it covers.
 * Allocated once (sized from the books' capacities), reused by every snapshot: nothing allocated after. The copy is
 * off the heap ({@link SnapshotSteps#offHeap}, {@link #bytes} of them).
 *
 * <p>The payload is {@link OrderBooks}' snapshot layout (see {@link OrderBooks#stage}): per book side its level count,
 * per level (worst to best) its price and order count, then its orders in time priority, each with its id, account,
 * price (its level's: a resting order rests at its limit), quantity, filled quantity, time in force and carried-over
 * byte; then the finished carried-over orders' count and (account, id) pairs.
 */
final class BookSnapshot implements SnapshotSteps {
    private static final int SIDE = 0;
    private static final int LEVEL = 1;
    private static final int ORDERS = 2;
    private static final int FINISHED_COUNT = 3;
    private static final int FINISHED = 4;
    private static final int DONE = 5;
    private final int sides;
    private final int maxPriceLevels;
    private final byte finishedMark;
    // the copy: the order fields by slot (slots 0..slots-1), the level pool, each side's levels worst to best
    final LongBuffer orderId;
    final LongBuffer orderAccount;
    final LongBuffer orderQty;
    final LongBuffer orderCum;
    final ByteBuffer orderTif;
    final ByteBuffer orderCarried;
    final IntBuffer orderNext;
    final LongBuffer levelPrice;
    final IntBuffer levelCount;
    final IntBuffer levelHead;
    final IntBuffer sideLevel;
    final int[] sideCount;
    int slots;
    int finishedCarried;
    // where the writing is
    private int phase = DONE;
    private int bookSide;
    private int pos;
    private int end;
    private int order;
    private int slot;
    private int finishedLeft;

    BookSnapshot(int sides, int maxPriceLevels, int orders, int levels, byte finishedMark) {
        this.sides = sides;
        this.maxPriceLevels = maxPriceLevels;
        this.finishedMark = finishedMark;
        orderId = direct(orders, Long.BYTES).asLongBuffer();
        orderAccount = direct(orders, Long.BYTES).asLongBuffer();
        orderQty = direct(orders, Long.BYTES).asLongBuffer();
        orderCum = direct(orders, Long.BYTES).asLongBuffer();
        orderTif = direct(orders, 1);
        orderCarried = direct(orders, 1);
        orderNext = direct(orders, Integer.BYTES).asIntBuffer();
        levelPrice = direct(levels, Long.BYTES).asLongBuffer();
        levelCount = direct(levels, Integer.BYTES).asIntBuffer();
        levelHead = direct(levels, Integer.BYTES).asIntBuffer();
        sideLevel = direct(sides * maxPriceLevels, Integer.BYTES).asIntBuffer();
        sideCount = new int[sides];
    }

    private static ByteBuffer direct(int count, int bytes) {
        return SnapshotSteps.offHeap(count, bytes, "matching.maxOpenOrders or matching.maxPriceLevels");
    }

    /** The off-heap bytes of a copy for these capacities (some 46 per order slot); counts the constructor's buffers. */
    static long bytes(long sideSlots, int orders, long levels) {
        return (4L * Long.BYTES + 2 + Integer.BYTES) * orders + (Long.BYTES + 2L * Integer.BYTES) * levels
                + Integer.BYTES * sideSlots;
    }

    /** Called once the copy is taken: the writing starts at the first book side. */
    void started() {
        phase = SIDE;
        bookSide = 0;
    }

    /** Writes the next item of the layout; false when all is written. */
    @Override
    public boolean advance(SnapshotWriter out) {
        switch (phase) {
            case SIDE:
                if (bookSide == sides) {
                    phase = FINISHED_COUNT;
                    return true;
                }
                pos = bookSide * maxPriceLevels;
                end = pos + sideCount[bookSide];
                out.putInt(sideCount[bookSide]);
                phase = LEVEL;
                return true;
            case LEVEL:
                if (pos == end) {
                    bookSide++;
                    phase = SIDE;
                    return true;
                }
                int level = sideLevel.get(pos);
                out.putLong(levelPrice.get(level));
                out.putInt(levelCount.get(level));
                order = levelHead.get(level);
                phase = ORDERS;
                return true;
            case ORDERS:
                if (order == OrderBooks.NIL) {
                    pos++;
                    phase = LEVEL;
                    return true;
                }
                int o = order;
                out.putLong(orderId.get(o));
                out.putLong(orderAccount.get(o));
                out.putLong(levelPrice.get(sideLevel.get(pos)));
                out.putLong(orderQty.get(o));
                out.putLong(orderCum.get(o));
                out.putByte(orderTif.get(o));
                out.putByte(orderCarried.get(o));
                order = orderNext.get(o);
                return true;
            case FINISHED_COUNT:
                out.putInt(finishedCarried);
                finishedLeft = finishedCarried;
                slot = 0;
                phase = FINISHED;
                return true;
            case FINISHED:
                if (finishedLeft == 0) {
                    phase = DONE;
                    return false;
                }
                if (orderCarried.get(slot) == finishedMark) {
                    out.putLong(orderAccount.get(slot));
                    out.putLong(orderId.get(slot));
                    finishedLeft--;
                }
                slot++;
                return true;
            default:
                return false;
        }
    }
}
