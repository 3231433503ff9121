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

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The matching rules of {@code book/package-info.java} written as plainly as possible, to check {@link MatchingEngine}
 * against: one list of resting orders, linear scans, a sort for priority, a time stamp per resting order. Slow and
 * allocating on purpose; nothing clever to get wrong.
 */
final class ReferenceBook {
    private static final class Order {
        long id;
        long account;
        long symbol;
        Side side;
        long price;
        long qty;
        long cum;
        long time;
        TimeInForce tif;
        /** Resting from an earlier session. */
        boolean carried;

        long leaves() {
            return qty - cum;
        }
    }

    /** The tradable symbols, in the books' (config) order: DAY orders expire book by book. */
    private final Set<Long> symbols;
    private final int maxOpenOrders;
    private final int maxPriceLevels;
    private final List<Order> resting = new ArrayList<>();
    private List<OrderInfo> out;
    private long clock;
    private boolean explicitSessions;
    private long sessionDate;
    /** "account/id" of the carried-over orders finished since the last session event: their ids stay taken. */
    private final Set<String> finishedCarried = new java.util.HashSet<>();

    ReferenceBook(Set<Long> symbols, int maxOpenOrders, int maxPriceLevels) {
        this.symbols = symbols;
        this.maxOpenOrders = maxOpenOrders;
        this.maxPriceLevels = maxPriceLevels;
    }

    /** The self-trade prevention mode risk stamped into the record: bits 1-2 of its flags. */
    private static SelfTradePrevention stp(OrderInfo in) {
        return SelfTradePrevention.values()[(in.flags() >> 1) & 3];
    }

    int openOrders() {
        return resting.size();
    }

    int openOrders(long symbol) {
        int n = 0;
        for (Order o : resting)
            if (o.symbol == symbol)
                n++;
        return n;
    }

    /** The reports for one input, in order. */
    List<OrderInfo> onOrder(OrderInfo in) {
        out = new ArrayList<>();
        if (in.isRejected())
            reject(in, in.rejectReason(), in.lineError());
        else if (in.action() == Action.SESSION_OPEN || in.action() == Action.SESSION_CLOSE)
            onSession(in);
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
        if (!symbols.contains(in.symbol())) {
            reject(in, RejectReason.UNKNOWN_SYMBOL, LineError.NONE);
            return;
        }
        boolean limit = in.orderType() == OrderType.LIMIT;
        boolean market = in.orderType() == OrderType.MARKET;
        // a MARKET order's price is its protection limit (0: none)
        if (in.side() == Side.NONE || !(limit || market) || in.timeInForce() == TimeInForce.NONE
                || in.quantity() <= 0 || in.price() < 0 || (limit && in.price() == 0)) {
            reject(in, RejectReason.MALFORMED, LineError.NONE);
            return;
        }
        if (find(in.account(), in.orderId()) != null
                || finishedCarried.contains(in.account() + "/" + in.orderId())) {
            reject(in, RejectReason.DUPLICATE_ORDER_ID, LineError.NONE);
            return;
        }
        boolean rests = limit && (in.timeInForce() == TimeInForce.GTC || in.timeInForce() == TimeInForce.DAY);
        List<Order> crossing = crossing(in.symbol(), in.side(), market, in.price());
        SelfTradePrevention mode = stp(in);
        if (rests && !roomToRest(crossing, in.symbol(), in.side(), in.price(), in.quantity(), null, in.account(),
                mode)) {
            reject(in, RejectReason.BOOK_FULL, LineError.NONE);
            return;
        }
        Order o = new Order();
        o.id = in.orderId();
        o.account = in.account();
        o.symbol = in.symbol();
        o.side = in.side();
        o.price = in.price();
        o.qty = in.quantity();
        o.tif = in.timeInForce();
        out.add(report(o, in.orderType(), in.timeInForce(), Action.NEW, ExecType.NEW, OrderStatus.NEW));
        if (in.timeInForce() == TimeInForce.FOK) {
            // what it may trade: its own account's orders are not traded with, and may stop it (self-trade prevention)
            long available = 0;
            for (Order c : crossing) {
                if (mode != SelfTradePrevention.NONE && c.account == o.account) {
                    if (mode == SelfTradePrevention.CANCEL_INCOMING || mode == SelfTradePrevention.CANCEL_BOTH)
                        break;
                    continue;
                }
                available = available > Long.MAX_VALUE - c.leaves() ? Long.MAX_VALUE : available + c.leaves();
            }
            if (available < o.qty) {
                expire(o, in, market, in.price());
                return;
            }
        }
        boolean canceled = trade(o, in.orderType(), in.timeInForce(), Action.NEW, crossing, mode);
        if (o.leaves() == 0 || canceled)
            return;
        if (rests) {
            o.time = ++clock;
            resting.add(o);
        } else {
            expire(o, in, market, in.price());
        }
    }

    /**
     * A close, or the first open (which ends the implicit session): every resting DAY order EXPIRED END_OF_DAY, in
     * the order of the symbols given, bids then asks, best price first, oldest first. Then the session report.
     */
    private void onSession(OrderInfo in) {
        boolean close = in.action() == Action.SESSION_CLOSE;
        if (close || !explicitSessions) {
            List<Long> symbolOrder = new ArrayList<>(symbols);
            List<Order> day = new ArrayList<>();
            for (Order o : resting)
                if (o.tif == TimeInForce.DAY)
                    day.add(o);
            day.sort(Comparator.<Order>comparingInt(o -> symbolOrder.indexOf(o.symbol))
                    .thenComparingInt(o -> o.side == Side.BUY ? 0 : 1)
                    .thenComparingLong(o -> o.side == Side.BUY ? -o.price : o.price)
                    .thenComparingLong(o -> o.time));
            for (Order o : day) {
                out.add(report(o, OrderType.LIMIT, o.tif, in.action(), ExecType.EXPIRED, OrderStatus.EXPIRED)
                        .leavesQty(0).rejectReason(RejectReason.END_OF_DAY));
                resting.remove(o);
            }
            for (Order o : resting)
                o.carried = true;
        }
        finishedCarried.clear();
        explicitSessions = true;
        long date = close && in.tradingDate() == 0 ? sessionDate : in.tradingDate();
        sessionDate = close ? 0 : date;
        out.add(new OrderInfo().action(in.action()).tradingDate(date)
                .execType(close ? ExecType.SESSION_CLOSE : ExecType.SESSION_OPEN));
    }

    /** EXPIRED; a MARKET order with resting orders beyond its protection limit says MARKET_PROTECTION. */
    private void expire(Order o, OrderInfo in, boolean market, long limit) {
        OrderInfo r = report(o, in.orderType(), in.timeInForce(), Action.NEW, ExecType.EXPIRED, OrderStatus.EXPIRED);
        out.add(r.leavesQty(0));
        if (market && limit > 0) {
            for (Order c : resting)
                if (c.symbol == o.symbol && c.side != o.side && (o.side == Side.BUY ? c.price > limit : c.price < limit))
                    r.rejectReason(RejectReason.MARKET_PROTECTION);
        }
    }

    private void onCancel(OrderInfo in) {
        Order o = find(in.account(), in.orderId());
        if (o == null || !(in.symbol() == 0 || in.symbol() == o.symbol)
                || !(in.side() == Side.NONE || in.side() == o.side)
                || !(in.orderType() == OrderType.NONE || in.orderType() == OrderType.LIMIT)
                || !(in.timeInForce() == TimeInForce.NONE || in.timeInForce() == o.tif)) {
            reject(in, RejectReason.UNKNOWN_ORDER, LineError.NONE);
            return;
        }
        finish(o);
        out.add(report(o, OrderType.LIMIT, o.tif, Action.CANCEL, ExecType.CANCELED, OrderStatus.CANCELED)
                .leavesQty(0));
    }

    private void onReplace(OrderInfo in) {
        Order o = find(in.account(), in.orderId());
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
            finish(o);
            out.add(report(o, OrderType.LIMIT, o.tif, Action.REPLACE, ExecType.CANCELED,
                    OrderStatus.CANCELED).leavesQty(0));
            return;
        }
        OrderStatus open = o.cum == 0 ? OrderStatus.NEW : OrderStatus.PARTIALLY_FILLED;
        if (in.price() == o.price && in.quantity() <= o.qty) {
            o.qty = in.quantity();
            out.add(report(o, OrderType.LIMIT, o.tif, Action.REPLACE, ExecType.REPLACED, open));
            return;
        }
        List<Order> crossing = crossing(o.symbol, o.side, false, in.price());
        SelfTradePrevention mode = stp(in);
        if (!roomToRest(crossing, o.symbol, o.side, in.price(), in.quantity() - o.cum, o, o.account, mode)) {
            reject(in, RejectReason.BOOK_FULL, LineError.NONE);
            return;
        }
        resting.remove(o);
        o.price = in.price();
        o.qty = in.quantity();
        out.add(report(o, OrderType.LIMIT, o.tif, Action.REPLACE, ExecType.REPLACED, open));
        boolean canceled = trade(o, OrderType.LIMIT, o.tif, Action.REPLACE, crossing, mode);
        if (o.leaves() > 0 && !canceled) {
            o.time = ++clock;
            resting.add(o);
        } else if (o.carried) {
            finishedCarried.add(o.account + "/" + o.id);
        }
    }

    /** Takes a finished order off the book; a carried-over one's id stays taken until the next session event. */
    private void finish(Order o) {
        resting.remove(o);
        if (o.carried)
            finishedCarried.add(o.account + "/" + o.id);
    }

    /**
     * Whether an order that rests what it cannot trade has room: after its trades, fewer than maxOpenOrders other
     * resting orders and finished carried-over orders (which keep their slots until the session ends), and its price
     * already a level on its side or fewer than maxPriceLevels levels there.
     */
    private boolean roomToRest(List<Order> crossing, long symbol, Side side, long price, long qty, Order moving,
                               long account, SelfTradePrevention mode) {
        long remaining = qty;
        int consumed = 0;
        for (Order c : crossing) {
            if (remaining == 0)
                break;
            if (mode != SelfTradePrevention.NONE && c.account == account) {
                if (mode == SelfTradePrevention.CANCEL_INCOMING || mode == SelfTradePrevention.CANCEL_BOTH)
                    return true; // canceled before it could rest
                if (!c.carried)
                    consumed++; // canceled: its slot is freed
                continue;
            }
            if (c.leaves() <= remaining && !c.carried)
                consumed++;
            remaining -= Math.min(remaining, c.leaves());
        }
        if (remaining == 0)
            return true;
        int others = resting.size() + finishedCarried.size() - consumed - (moving == null ? 0 : 1);
        Set<Long> levels = new TreeSet<>();
        for (Order r : resting)
            if (r != moving && r.symbol == symbol && r.side == side)
                levels.add(r.price);
        return others < maxOpenOrders && (levels.contains(price) || levels.size() < maxPriceLevels);
    }

    /** Resting orders the aggressor may trade with, best first: price, then time. */
    private List<Order> crossing(long symbol, Side side, boolean market, long limit) {
        List<Order> list = new ArrayList<>();
        for (Order r : resting) {
            if (r.symbol != symbol || r.side == side)
                continue;
            // a MARKET order's limit is its protection limit, 0 for none
            boolean crosses = (market && limit == 0) || (side == Side.BUY ? r.price <= limit : r.price >= limit);
            if (crosses)
                list.add(r);
        }
        Comparator<Order> byPrice = Comparator.comparingLong(r -> r.price);
        if (side == Side.SELL)
            byPrice = byPrice.reversed();
        list.sort(byPrice.thenComparingLong(r -> r.time));
        return list;
    }

    /** Trades {@code a} down the crossing orders; returns whether self-trade prevention canceled it. */
    private boolean trade(Order a, OrderType type, TimeInForce tif, Action action, List<Order> crossing,
                          SelfTradePrevention mode) {
        for (Order c : crossing) {
            if (a.leaves() == 0)
                break;
            if (mode != SelfTradePrevention.NONE && c.account == a.account) {
                boolean incoming = mode == SelfTradePrevention.CANCEL_INCOMING
                        || mode == SelfTradePrevention.CANCEL_BOTH;
                if (incoming)
                    out.add(report(a, type, tif, action, ExecType.CANCELED, OrderStatus.CANCELED).leavesQty(0)
                            .rejectReason(mode.reason()));
                if (mode == SelfTradePrevention.CANCEL_RESTING || mode == SelfTradePrevention.CANCEL_BOTH) {
                    out.add(report(c, OrderType.LIMIT, c.tif, action, ExecType.CANCELED, OrderStatus.CANCELED)
                            .leavesQty(0).rejectReason(mode.reason()));
                    finish(c);
                }
                if (incoming)
                    return true;
                continue;
            }
            long fill = Math.min(a.leaves(), c.leaves());
            a.cum += fill;
            c.cum += fill;
            out.add(report(a, type, tif, action, ExecType.TRADE,
                    a.leaves() == 0 ? OrderStatus.FILLED : OrderStatus.PARTIALLY_FILLED)
                    .lastPx(c.price).lastQty(fill).contraOrderId(c.id));
            out.add(report(c, OrderType.LIMIT, c.tif, action, ExecType.TRADE,
                    c.leaves() == 0 ? OrderStatus.FILLED : OrderStatus.PARTIALLY_FILLED)
                    .lastPx(c.price).lastQty(fill).contraOrderId(a.id));
            if (c.leaves() == 0)
                finish(c);
        }
        return false;
    }

    /** The resting order of {@code account} with {@code id}: ids are per account, an id alone names nothing. */
    private Order find(long account, long id) {
        for (Order o : resting)
            if (o.id == id && o.account == account)
                return o;
        return null;
    }

    private OrderInfo report(Order o, OrderType type, TimeInForce tif, Action action, ExecType execType,
                             OrderStatus status) {
        return new OrderInfo().orderId(o.id).account(o.account).symbol(o.symbol).side(o.side).orderType(type)
                .timeInForce(tif).price(type == OrderType.MARKET ? 0 : o.price).quantity(o.qty).action(action)
                .execType(execType).status(status).leavesQty(o.leaves()).cumQty(o.cum);
    }

    private void reject(OrderInfo in, RejectReason reason, LineError lineError) {
        // a MARKET order that passed risk carries its stamped protection limit as price: not the order's, not shown
        long price = in.orderType() == OrderType.MARKET && !in.isRejected() ? 0 : in.price();
        out.add(new OrderInfo().orderId(in.orderId()).account(in.account()).symbol(in.symbol()).side(in.side())
                .orderType(in.orderType()).timeInForce(in.timeInForce()).price(price).quantity(in.quantity())
                .action(in.action()).execType(ExecType.REJECTED).status(OrderStatus.REJECTED).rejectReason(reason)
                .lineError(lineError));
    }
}
