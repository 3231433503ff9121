package dev.orderpipe.pipeline.csv;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.codes.RejectReason;

/**
 * The executions file (DESIGN.md): one execution report per line, prices with exactly 4 decimals, empty fields empty.
 * Formatting allocates nothing, so the egress stage uses it on the hot path and {@code orderpipe export} off it.
 */
public final class ExecutionCsv {
    /** The header line. */
    public static final String HEADER =
            "seq,order_id,account,symbol,side,exec_type,status,last_px,last_qty,leaves_qty,cum_qty,contra_order_id,reason";

    private ExecutionCsv() {
    }

    public static void header(AsciiOut out) {
        out.text(HEADER).newline();
    }

    /** Writes one report as a line. */
    public static void line(AsciiOut out, OrderInfo r) {
        out.number(r.seq()).ch(',')
                .numberOrEmpty(r.orderId()).ch(',')
                .numberOrEmpty(r.account()).ch(',')
                .symbol(r.symbol()).ch(',')
                .text(r.side().csv()).ch(',')
                .text(r.execType().csv()).ch(',')
                .text(r.status().csv()).ch(',')
                .price(r.lastPx()).ch(',')
                .numberOrEmpty(r.lastQty()).ch(',')
                .number(r.leavesQty()).ch(',')
                .number(r.cumQty()).ch(',')
                .numberOrEmpty(r.contraOrderId()).ch(',');
        RejectReason reason = r.rejectReason();
        if (reason != RejectReason.NONE) {
            out.text(reason.name());
            if (reason == RejectReason.BAD_LINE)
                out.ch(':').number(r.sourceLine());
        }
        out.newline();
    }
}
