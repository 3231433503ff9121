package dev.orderpipe.pipeline.book;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Prices;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.codes.LineError;
import dev.orderpipe.pipeline.codes.RejectReason;

import java.util.ArrayList;
import java.util.List;

/** Test helpers: a sink that keeps every report's business fields, and a readable form of them. */
final class Reports {
    private Reports() {
    }

    /** Every business field of a report (everything the engine sets; not seq, provenance or timestamps). */
    static String describe(OrderInfo r) {
        StringBuilder sb = new StringBuilder(160);
        sb.append(r.execType()).append(' ').append(r.status())
                .append(" id=").append(r.orderId())
                .append(" acct=").append(r.account())
                .append(' ').append(Symbols.toString(r.symbol()))
                .append(' ').append(r.side())
                .append(' ').append(r.orderType())
                .append(' ').append(r.timeInForce())
                .append(" px=").append(Prices.format(r.price()))
                .append(" qty=").append(r.quantity())
                .append(" action=").append(r.action())
                .append(" last=").append(r.lastQty()).append('@').append(Prices.format(r.lastPx()))
                .append(" leaves=").append(r.leavesQty())
                .append(" cum=").append(r.cumQty())
                .append(" contra=").append(r.contraOrderId());
        // a rejection's, or why the engine ended an order: STP on CANCELED, MARKET_PROTECTION or END_OF_DAY on EXPIRED
        if (r.rejectReason() != RejectReason.NONE || r.lineError() != LineError.NONE)
            sb.append(" reason=").append(r.rejectReason()).append('/').append(r.lineError());
        if (r.tradingDate() != 0 && r.orderId() == 0)
            sb.append(" date=").append(r.tradingDate());
        return sb.toString();
    }

    /** A sink that records {@link #describe} of every published report. */
    static final class Collecting implements ReportSink {
        private final OrderInfo record = new OrderInfo();
        final List<String> reports = new ArrayList<>();

        @Override
        public OrderInfo claim() {
            return record.reset();
        }

        @Override
        public void publish() {
            reports.add(describe(record));
        }

        List<String> drain() {
            List<String> copy = new ArrayList<>(reports);
            reports.clear();
            return copy;
        }
    }
}
