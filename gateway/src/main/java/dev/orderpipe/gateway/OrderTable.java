package dev.orderpipe.gateway;

import dev.orderpipe.pipeline.codes.OrderStatus;
import dev.orderpipe.pipeline.util.FixedPairIndex;

/**
 * What the gateway knows of the orders its sessions entered in the current trading session, and of the orders still
 * resting from earlier ones (GTC): each order's ClOrdID(11), status and the ClOrdIDs of the cancels and replaces
 * waiting for their reports (in the order they were sent, which is the order the pipeline answers them in), and
 * every ClOrdID used by an account with the pipeline order id it named.
 * Fixed capacity, nothing allocated after construction; not thread-safe (the gateway's one thread).
 *
 * <p>FIX ClOrdIDs are unique per trading day: a finished order (filled, canceled, expired, rejected) stays until
 * {@link #sessionEnded()}, so its ClOrdIDs are refused for reuse and a cancel naming it is refused with its real
 * status; then finished orders and every ClOrdID not naming a live order are freed. A live order keeps its current
 * ClOrdID and those of its waiting requests, so an order resting into the next session is still found by them.
 *
 * <p>ClOrdIDs are kept as bytes ({@link GatewayConfig#MAX_CL_ORD_ID} at most) and found by two independent 64-bit
 * hashes of the account and the bytes, stored whole, so two ClOrdIDs are taken for one only if both hashes collide.
 */
final class OrderTable {
    static final int ABSENT = FixedPairIndex.ABSENT;
    static final int FULL = FixedPairIndex.FULL;
    private static final int MAX = GatewayConfig.MAX_CL_ORD_ID;
    /** Cancels and replaces of one order that may wait for their reports at once (maxPendingRequests). */
    private final int maxPending;

    private final FixedPairIndex orders;
    private final byte[] current;
    private final byte[] currentLength;
    private final byte[] pending;
    private final byte[] pendingLength;
    private final byte[] pendingCount;
    private final byte[] pendingHead;
    private final byte[] tif;
    private final byte[] status;
    private final long[] notional;

    private final FixedPairIndex clOrdIds;
    private final long[] orderIdOfClOrdId;
    /** Slots in use, gathered by {@link #sessionEnded()} before it changes the index it walks. */
    private final int[] scratch;

    OrderTable(int capacity, int maxPending) {
        this.maxPending = maxPending;
        orders = new FixedPairIndex(capacity);
        current = new byte[capacity * MAX];
        currentLength = new byte[capacity];
        pending = new byte[capacity * maxPending * MAX];
        pendingLength = new byte[capacity * maxPending];
        pendingCount = new byte[capacity];
        pendingHead = new byte[capacity];
        tif = new byte[capacity];
        status = new byte[capacity];
        notional = new long[capacity];
        clOrdIds = new FixedPairIndex(capacity);
        orderIdOfClOrdId = new long[capacity];
        scratch = new int[capacity];
    }

    /** Heap bytes a table of {@code capacity} orders with {@code maxPending} waiting requests each takes. */
    static long heapBytes(int capacity, int maxPending) {
        long c = capacity;
        return 2 * FixedPairIndex.heapBytes(capacity) + c * MAX + c * maxPending * (MAX + 1) + 5 * c + 8 * c + 8 * c
                + 4 * c;
    }

    /** Whether a pipeline order status is final: the order will have no more reports but refusals of requests. */
    static boolean finished(byte orderStatus) {
        return orderStatus == OrderStatus.FILLED.code() || orderStatus == OrderStatus.CANCELED.code()
                || orderStatus == OrderStatus.EXPIRED.code() || orderStatus == OrderStatus.REJECTED.code();
    }

    /** Whether the order in {@code slot} is finished (see {@link #finished(byte)}). */
    boolean finishedAt(int slot) {
        return finished(status[slot]);
    }

    /**
     * A trading session ended: finished orders leave the table and every ClOrdID is freed but those naming a live
     * order (its current one and its waiting requests'), and those of requests still waiting on an order that just
     * finished (their refusals are still to come; such an order leaves at the first end with none waiting).
     * O(capacity), once a trading day, nothing allocated.
     */
    void sessionEnded() {
        int n = 0;
        for (int p = 0, end = orders.positions(); p < end; p++) {
            int slot = orders.slotAt(p);
            if (slot >= 0)
                scratch[n++] = slot;
        }
        clOrdIds.clear();
        for (int i = 0; i < n; i++) {
            int slot = scratch[i];
            long account = orders.first(slot);
            long orderId = orders.second(slot);
            boolean done = finished(status[slot]);
            if (!done)
                addClOrdId(account, current, slot * MAX, currentLength[slot], orderId);
            for (int k = 0; k < pendingCount[slot]; k++) {
                int at = slot * maxPending + (pendingHead[slot] + k) % maxPending;
                addClOrdId(account, pending, at * MAX, pendingLength[at], orderId);
            }
        }
        for (int i = 0; i < n; i++) {
            int slot = scratch[i];
            // an order with requests waiting stays until a later end: their refusals (a cancel of a DAY order that
            // reached the pipeline after the close expired it) must still find it, to name their ClOrdIDs
            if (finished(status[slot]) && pendingCount[slot] == 0)
                orders.remove(orders.first(slot), orders.second(slot));
        }
    }

    /** The order's slot, or {@link #ABSENT}. */
    int slotOf(long account, long orderId) {
        return orders.slotOf(account, orderId, false);
    }

    /** Adds a live order with its ClOrdID; {@link #FULL} when there is no room. */
    int addOrder(long account, long orderId, byte[] clOrdId, int length, byte timeInForce) {
        int slot = orders.slotOf(account, orderId, true);
        if (slot < 0)
            return slot;
        System.arraycopy(clOrdId, 0, current, slot * MAX, length);
        currentLength[slot] = (byte) length;
        pendingCount[slot] = 0;
        pendingHead[slot] = 0;
        tif[slot] = timeInForce;
        status[slot] = 0;
        notional[slot] = 0;
        return slot;
    }

    /** The pipeline order id a ClOrdID of {@code account} named, or -1. */
    long orderIdOf(long account, byte[] clOrdId, int length) {
        int slot = clOrdIds.slotOf(hashA(account, clOrdId, 0, length), hashB(account, clOrdId, 0, length), false);
        return slot < 0 ? -1 : orderIdOfClOrdId[slot];
    }

    /** Records that {@code clOrdId} of {@code account} names {@code orderId}; false when the table is full. */
    boolean addClOrdId(long account, byte[] clOrdId, int length, long orderId) {
        return addClOrdId(account, clOrdId, 0, length, orderId);
    }

    private boolean addClOrdId(long account, byte[] bytes, int from, int length, long orderId) {
        int slot = clOrdIds.slotOf(hashA(account, bytes, from, length), hashB(account, bytes, from, length), true);
        if (slot < 0)
            return false;
        orderIdOfClOrdId[slot] = orderId;
        return true;
    }

    /** Whether the ClOrdID table has room for one more. */
    boolean clOrdIdRoom() {
        return clOrdIds.size() < clOrdIds.capacity();
    }

    /** Whether the order table has room for one more. */
    boolean orderRoom() {
        return orders.size() < orders.capacity();
    }

    /** Queues the ClOrdID of a cancel or replace of the order; false when {@code maxPending} wait already. */
    boolean addPending(int slot, byte[] clOrdId, int length) {
        int count = pendingCount[slot];
        if (count == maxPending)
            return false;
        int at = slot * maxPending + (pendingHead[slot] + count) % maxPending;
        System.arraycopy(clOrdId, 0, pending, at * MAX, length);
        pendingLength[at] = (byte) length;
        pendingCount[slot] = (byte) (count + 1);
        return true;
    }

    boolean hasPending(int slot) {
        return pendingCount[slot] > 0;
    }

    /** Whether another cancel or replace of the order can be queued. */
    boolean pendingRoom(int slot) {
        return pendingCount[slot] < maxPending;
    }

    /** Drops the oldest pending request: its report came. */
    void popPending(int slot) {
        pendingHead[slot] = (byte) ((pendingHead[slot] + 1) % maxPending);
        pendingCount[slot]--;
    }

    /** The oldest pending request's ClOrdID becomes the order's (its replace was done), and leaves the queue. */
    void promotePending(int slot) {
        int at = pendingIndex(slot);
        System.arraycopy(pending, at * MAX, current, slot * MAX, pendingLength[at]);
        currentLength[slot] = pendingLength[at];
        popPending(slot);
    }

    /** Where in {@link #pendingBytes()} (times {@link GatewayConfig#MAX_CL_ORD_ID}) the oldest pending ClOrdID is. */
    static int pendingOffset(int index) {
        return index * MAX;
    }

    /** The index of the oldest pending request of the order. */
    int pendingIndex(int slot) {
        return slot * maxPending + pendingHead[slot];
    }

    int pendingLength(int index) {
        return pendingLength[index];
    }

    byte[] currentBytes() {
        return current;
    }

    byte[] pendingBytes() {
        return pending;
    }

    static int offset(int slot) {
        return slot * MAX;
    }

    int currentLength(int slot) {
        return currentLength[slot];
    }

    byte timeInForce(int slot) {
        return tif[slot];
    }

    byte status(int slot) {
        return status[slot];
    }

    void status(int slot, byte orderStatus) {
        status[slot] = orderStatus;
    }

    /** Adds a fill's price x quantity (fixed-point price) for the average price. */
    void addFill(int slot, long price, long quantity) {
        notional[slot] += price * quantity;
    }

    /** Average fill price, fixed-point, 0 before a fill. */
    long averagePrice(int slot, long cumQty) {
        return cumQty == 0 ? 0 : notional[slot] / cumQty;
    }

    private static long hashA(long account, byte[] b, int from, int length) {
        long h = 0xcbf29ce484222325L ^ account;
        for (int i = from; i < from + length; i++)
            h = (h ^ (b[i] & 0xFF)) * 0x100000001b3L;
        return h;
    }

    private static long hashB(long account, byte[] b, int from, int length) {
        long h = account * 0x9E3779B97F4A7C15L + length;
        for (int i = from; i < from + length; i++) {
            h = (h + (b[i] & 0xFF)) * 0xC2B2AE3D27D4EB4FL;
            h ^= h >>> 29;
        }
        return h;
    }
}
