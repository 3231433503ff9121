package dev.orderpipe.pipeline.csv;

import dev.orderpipe.pipeline.OrderInfo;

/**
 * Writes order records in the order file format (docs/formats.md), for exporting an {@code orders} queue back to a file
 * that the ingress can read again. Rejected records (bad lines) have nothing valid to write and are skipped by callers.
 */
public final class OrderCsv {
    private OrderCsv() {
    }

    public static void header(AsciiOut out) {
        out.text(OrderCsvParser.HEADER).newline();
    }

    public static void line(AsciiOut out, OrderInfo o) {
        if (o.action().isSession()) { // ts_nanos,SESSION_OPEN,YYYY-MM-DD,,,,,,,
            out.number(o.eventTime()).ch(',').text(o.action().csv()).ch(',').date(o.tradingDate())
                    .text(",,,,,,,").newline();
            return;
        }
        out.number(o.eventTime()).ch(',')
                .text(o.action().csv()).ch(',')
                .number(o.orderId()).ch(',')
                .numberOrEmpty(o.account()).ch(',')
                .symbol(o.symbol()).ch(',')
                .text(o.side().csv()).ch(',')
                .text(o.orderType().csv()).ch(',')
                .text(o.timeInForce().csv()).ch(',')
                .price(o.price()).ch(',')
                .numberOrEmpty(o.quantity())
                .newline();
    }
}
