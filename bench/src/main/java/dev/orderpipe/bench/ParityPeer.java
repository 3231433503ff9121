package dev.orderpipe.bench;

import com.paritytrading.parity.match.OrderBook;
import com.paritytrading.parity.match.OrderBookListener;
import com.paritytrading.parity.match.Side;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.codes.Action;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.codes.TimeInForce;
import dev.orderpipe.replay.RecordSource;

import java.util.Arrays;

/**
 * The in-memory peer of the {@code peer} scenario: parity-match's {@link OrderBook} (one per symbol), an in-memory
 * price-time matching engine, fed the bench's workload on one thread, flat out. It decodes each record from the
 * workload as the pipeline's driver does, then enters or cancels it. What it does not do, so what its throughput does
 * not pay for: no risk checks, no persistence, no reports written anywhere (its listener counts them), no REPLACE (a
 * cancel and a new entry, losing time priority), no MARKET orders (an order at the most aggressive price), IOC and
 * FOK as an entry and a cancel of what rests, no per-account ids (the account and id are folded into one key).
 */
final class ParityPeer implements OrderBookListener {
    /** The most aggressive limit prices a MARKET order is entered at. */
    private static final long MAX_PRICE = Long.MAX_VALUE / 4;
    /** Symbols seen, and their books at the same index: a linear search over a few symbols, nothing boxed. */
    private long[] symbols = new long[8];
    private OrderBook[] books = new OrderBook[8];
    private int symbolCount;
    private long events;

    /** Processes every record of the workload once; returns the time taken in nanoseconds. */
    static Result run(Workload w) {
        ParityPeer peer = new ParityPeer();
        OrderInfo r = new OrderInfo();
        long start = System.nanoTime();
        int n = 0;
        try (RecordSource source = w.source()) {
            while (source.next(r)) {
                peer.process(r);
                n++;
            }
        }
        return new Result(n, System.nanoTime() - start, peer.events);
    }

    /** Orders processed, the time they took, and the events (matches, adds, cancels) the books reported. */
    record Result(int orders, long nanos, long events) {
        double ordersPerSecond() {
            return orders * 1e9 / Math.max(1, nanos);
        }
    }

    private void process(OrderInfo r) {
        Action action = r.action();
        if (action == Action.NONE)
            return; // a line the ingress rejected: nothing for a book
        OrderBook book = book(r.symbol());
        long key = key(r.account(), r.orderId());
        if (action == Action.CANCEL) {
            book.cancel(key, 0);
            return;
        }
        if (action == Action.REPLACE)
            book.cancel(key, 0);
        Side side = r.side() == dev.orderpipe.pipeline.codes.Side.BUY ? Side.BUY : Side.SELL;
        long price = r.orderType() == OrderType.MARKET ? (side == Side.BUY ? MAX_PRICE : 1) : r.price();
        book.enter(key, side, price, r.quantity());
        TimeInForce tif = r.timeInForce();
        if (r.orderType() == OrderType.MARKET || tif == TimeInForce.IOC || tif == TimeInForce.FOK)
            book.cancel(key, 0); // what did not trade does not rest
    }

    private OrderBook book(long symbol) {
        for (int i = 0; i < symbolCount; i++)
            if (symbols[i] == symbol)
                return books[i];
        if (symbolCount == symbols.length) {
            symbols = Arrays.copyOf(symbols, symbolCount * 2);
            books = Arrays.copyOf(books, symbolCount * 2);
        }
        symbols[symbolCount] = symbol;
        return books[symbolCount++] = new OrderBook(this);
    }

    /** One key per (account, id): the peer's books know one id space. */
    private static long key(long account, long orderId) {
        return account * 1_000_003L + orderId * 0x9E3779B97F4A7C15L;
    }

    @Override
    public void match(long restingOrderId, long incomingOrderId, Side incomingSide, long price, long executedQuantity,
                      long remainingQuantity) {
        events++;
    }

    @Override
    public void add(long orderId, Side side, long price, long size) {
        events++;
    }

    @Override
    public void cancel(long orderId, long canceledQuantity, long remainingQuantity) {
        events++;
    }
}
