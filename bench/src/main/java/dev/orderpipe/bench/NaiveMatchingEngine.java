package dev.orderpipe.bench;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.codes.Action;
import dev.orderpipe.pipeline.codes.ExecType;
import dev.orderpipe.pipeline.codes.LineError;
import dev.orderpipe.pipeline.codes.OrderStatus;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.codes.RejectReason;
import dev.orderpipe.pipeline.codes.Side;
import dev.orderpipe.pipeline.codes.TimeInForce;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.config.SymbolConfig;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The price-time book of {@code MatchingEngine} (the rules of {@code dev.orderpipe.pipeline.book}), as a naive
 * implementation writes it: per symbol a {@code TreeMap<Long, ArrayDeque<Order>>} per side, a
 * {@code HashMap<String, Order>} by account and id, a new {@code Order} object per resting order, a new
 * {@link OrderInfo} per report and a new list of reports per input. It has no capacity limits, so it never rejects
 * BOOK_FULL (the bench workload stays far below the real engine's configured capacity).
 */
final class NaiveMatchingEngine {
    private static final class Order {
        final long id;
        final long account;
        final long symbol;
        final Side side;
        final TimeInForce tif;
        long price;
        long qty;
        long cum;

        /** A new order from its NEW request, at {@code price} (0 for a market order). */
        Order(OrderInfo in, long price) {
            this.id = in.orderId();
            this.account = in.account();
            this.symbol = in.symbol();
            this.side = in.side();
            this.tif = in.timeInForce();
            this.price = price;
            this.qty = in.quantity();
        }

        long leaves() {
            return qty - cum;
        }
    }

    private static final class Book {
        final NavigableMap<Long, ArrayDeque<Order>> bids = new TreeMap<>(Collections.reverseOrder());
        final NavigableMap<Long, ArrayDeque<Order>> asks = new TreeMap<>();

        NavigableMap<Long, ArrayDeque<Order>> side(Side side) {
            return side == Side.BUY ? bids : asks;
        }
    }

    private final Map<Long, Book> books = new HashMap<>();
    private final Map<String, Order> orders = new HashMap<>(); // by key(account, id): ids are per account
    private List<OrderInfo> out;

    NaiveMatchingEngine(PipelineConfig config) {
        for (SymbolConfig s : config.risk.symbols)
            books.put(Symbols.encode(s.symbol), new Book());
    }

    /** The reports for one input, in order (a new list of new records). */
    List<OrderInfo> onOrder(OrderInfo in) {
        out = new ArrayList<>();
        if (in.isRejected())
            reject(in, in.rejectReason(), in.lineError());
        else if (in.orderId() <= 0)
            reject(in, RejectReason.MALFORMED, LineError.NONE);
        else if (in.action() == Action.NEW)
            onNew(in);
        else if (in.action() == Action.CANCEL)
            onCancel(in);
        else if (in.action() == Action.REPLACE)
            onReplace(in);
        else
            reject(in, RejectReason.MALFORMED, LineError.NONE);
        return out;
    }

    private void onNew(OrderInfo in) {
        Book book = books.get(in.symbol());
        if (book == null) {
            reject(in, RejectReason.UNKNOWN_SYMBOL, LineError.NONE);
            return;
        }
        OrderType type = in.orderType();
        TimeInForce tif = in.timeInForce();
        if (in.side() == Side.NONE || type == OrderType.NONE || tif == TimeInForce.NONE || in.quantity() <= 0
                || in.price() < 0 || (type == OrderType.LIMIT) != (in.price() > 0)) {
            reject(in, RejectReason.MALFORMED, LineError.NONE);
            return;
        }
        if (orders.containsKey(key(in.account(), in.orderId()))) {
            reject(in, RejectReason.DUPLICATE_ORDER_ID, LineError.NONE);
            return;
        }
        boolean market = type == OrderType.MARKET;
        Order o = new Order(in, market ? 0 : in.price());
        out.add(report(o, type, tif, Action.NEW, ExecType.NEW, OrderStatus.NEW));
        if (tif == TimeInForce.FOK && available(book, o, market) < o.qty) {
            out.add(report(o, type, tif, Action.NEW, ExecType.EXPIRED, OrderStatus.EXPIRED).leavesQty(0));
            return;
        }
        match(book, o, type, tif, Action.NEW, market);
        if (o.leaves() == 0)
            return;
        if (!market && (tif == TimeInForce.GTC || tif == TimeInForce.DAY))
            rest(book, o);
        else
            out.add(report(o, type, tif, Action.NEW, ExecType.EXPIRED, OrderStatus.EXPIRED).leavesQty(0));
    }

    private void onCancel(OrderInfo in) {
        Order o = orders.get(key(in.account(), in.orderId()));
        if (o == null || !(in.symbol() == 0 || in.symbol() == o.symbol)
                || !(in.side() == Side.NONE || in.side() == o.side)) {
            reject(in, RejectReason.UNKNOWN_ORDER, LineError.NONE);
            return;
        }
        out.add(report(o, OrderType.LIMIT, o.tif, Action.CANCEL, ExecType.CANCELED, OrderStatus.CANCELED)
                .leavesQty(0));
        remove(o);
    }

    private void onReplace(OrderInfo in) {
        Order o = orders.get(key(in.account(), in.orderId()));
        if (o == null || in.symbol() != o.symbol || in.side() != o.side) {
            reject(in, RejectReason.UNKNOWN_ORDER, LineError.NONE);
            return;
        }
        if (in.orderType() != OrderType.LIMIT || in.timeInForce() != o.tif || in.price() <= 0
                || in.quantity() <= 0) {
            reject(in, RejectReason.MALFORMED, LineError.NONE);
            return;
        }
        if (in.quantity() <= o.cum) {
            out.add(report(o, OrderType.LIMIT, o.tif, Action.REPLACE, ExecType.CANCELED,
                    OrderStatus.CANCELED).leavesQty(0));
            remove(o);
            return;
        }
        OrderStatus open = o.cum == 0 ? OrderStatus.NEW : OrderStatus.PARTIALLY_FILLED;
        if (in.price() == o.price && in.quantity() <= o.qty) {
            o.qty = in.quantity(); // keeps its place in the queue
            out.add(report(o, OrderType.LIMIT, o.tif, Action.REPLACE, ExecType.REPLACED, open));
            return;
        }
        Book book = books.get(o.symbol);
        remove(o);
        o.price = in.price();
        o.qty = in.quantity();
        out.add(report(o, OrderType.LIMIT, o.tif, Action.REPLACE, ExecType.REPLACED, open));
        match(book, o, OrderType.LIMIT, o.tif, Action.REPLACE, false);
        if (o.leaves() > 0)
            rest(book, o);
    }

    private static boolean crosses(Order a, boolean market, long levelPrice) {
        return market || (a.side == Side.BUY ? levelPrice <= a.price : levelPrice >= a.price);
    }

    private static NavigableMap<Long, ArrayDeque<Order>> opposite(Book book, Order a) {
        return book.side(a.side == Side.BUY ? Side.SELL : Side.BUY);
    }

    private static long available(Book book, Order a, boolean market) {
        long sum = 0;
        for (Map.Entry<Long, ArrayDeque<Order>> level : opposite(book, a).entrySet()) {
            if (!crosses(a, market, level.getKey()) || sum >= a.qty)
                break;
            for (Order c : level.getValue())
                sum += c.leaves();
        }
        return sum;
    }

    private void match(Book book, Order a, OrderType type, TimeInForce tif, Action action, boolean market) {
        NavigableMap<Long, ArrayDeque<Order>> side = opposite(book, a);
        while (a.leaves() > 0 && !side.isEmpty()) {
            Map.Entry<Long, ArrayDeque<Order>> best = side.firstEntry();
            Long px = best.getKey();
            if (!crosses(a, market, px))
                break;
            ArrayDeque<Order> level = best.getValue();
            while (a.leaves() > 0 && !level.isEmpty()) {
                Order c = level.peekFirst();
                long fill = Math.min(a.leaves(), c.leaves());
                a.cum += fill;
                c.cum += fill;
                out.add(report(a, type, tif, action, ExecType.TRADE,
                        a.leaves() == 0 ? OrderStatus.FILLED : OrderStatus.PARTIALLY_FILLED)
                        .lastPx(px).lastQty(fill).contraOrderId(c.id));
                out.add(report(c, OrderType.LIMIT, c.tif, action, ExecType.TRADE,
                        c.leaves() == 0 ? OrderStatus.FILLED : OrderStatus.PARTIALLY_FILLED)
                        .lastPx(px).lastQty(fill).contraOrderId(a.id));
                if (c.leaves() == 0) {
                    level.pollFirst();
                    orders.remove(key(c.account, c.id));
                }
            }
            if (level.isEmpty())
                side.remove(px);
        }
    }

    private void rest(Book book, Order o) {
        book.side(o.side).computeIfAbsent(o.price, p -> new ArrayDeque<>()).addLast(o);
        orders.put(key(o.account, o.id), o);
    }

    private void remove(Order o) {
        NavigableMap<Long, ArrayDeque<Order>> side = books.get(o.symbol).side(o.side);
        ArrayDeque<Order> level = side.get(o.price);
        level.remove(o);
        if (level.isEmpty())
            side.remove(o.price);
        orders.remove(key(o.account, o.id));
    }

    private static OrderInfo report(Order o, OrderType type, TimeInForce tif, Action action, ExecType execType,
                                    OrderStatus status) {
        return new OrderInfo().orderId(o.id).account(o.account).symbol(o.symbol).side(o.side).orderType(type)
                .timeInForce(tif).price(o.price).quantity(o.qty).action(action).execType(execType).status(status)
                .leavesQty(o.leaves()).cumQty(o.cum);
    }

    private void reject(OrderInfo in, RejectReason reason, LineError lineError) {
        out.add(new OrderInfo().orderId(in.orderId()).account(in.account()).symbol(in.symbol()).side(in.side())
                .orderType(in.orderType()).timeInForce(in.timeInForce()).price(in.price()).quantity(in.quantity())
                .action(in.action()).execType(ExecType.REJECTED).status(OrderStatus.REJECTED).rejectReason(reason)
                .lineError(lineError));
    }

    /** The map key of an order: account and id, as a naive implementation would build it (a string per lookup). */
    private static String key(long account, long id) {
        return account + "/" + id;
    }
}
