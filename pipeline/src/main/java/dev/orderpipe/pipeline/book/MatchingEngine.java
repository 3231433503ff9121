package dev.orderpipe.pipeline.book;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.codes.ExecType;
import dev.orderpipe.pipeline.codes.OrderStatus;
import dev.orderpipe.pipeline.config.MatchingConfig;

/**
 * Placeholder engine for the pipeline core: acknowledges every accepted order and reports rejections.
 * The price-time matching engine replaces it.
 */
public final class MatchingEngine {
    private final ReportSink sink;

    public MatchingEngine(MatchingConfig config, ReportSink sink) {
        this.sink = sink;
    }

    /** Processes one record of the checked queue, emitting at least one report. */
    public void onOrder(OrderInfo order) {
        OrderInfo r = sink.claim();
        r.orderId(order.orderId()).account(order.account()).symbol(order.symbol()).side(order.side())
                .orderType(order.orderType()).timeInForce(order.timeInForce()).price(order.price())
                .quantity(order.quantity()).action(order.action());
        if (order.isRejected()) {
            r.execType(ExecType.REJECTED).status(OrderStatus.REJECTED).rejectReason(order.rejectReason())
                    .lineError(order.lineError());
        } else {
            r.execType(ExecType.NEW).status(OrderStatus.NEW).leavesQty(order.quantity());
        }
        sink.publish();
    }

    /** One line per book for operators (allocates). */
    public String summary() {
        return "";
    }
}
