package dev.orderpipe.tools.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Prices;
import dev.orderpipe.pipeline.Symbols;
import net.openhft.chronicle.queue.RollCycle;

import java.math.BigDecimal;

/**
 * A queue record as a document for {@code dump --yaml} and {@code dump --json}: where it is (index in hex as dump
 * prints it, cycle, sequence in the cycle) and every field of the record under its name in the record layout of
 * docs/formats.md in snake_case, times with their unit ({@code event_time_ns}, {@code ingress_ns}); codes as their
 * names ({@code NONE} for none), prices as exact decimal strings with 4 decimals ({@code "189.2500"}: a JSON number
 * would be read as a binary double by most consumers, which money must not be), indexes of other records in hex.
 */
final class RecordDocument {
    private RecordDocument() {
    }

    static ObjectNode of(OrderInfo r, long index, RollCycle rc) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("index", "0x" + Long.toHexString(index));
        o.put("cycle", rc.toCycle(index));
        o.put("cycle_seq", rc.toSequenceNumber(index));
        o.put("order_id", r.orderId());
        o.put("account", r.account());
        o.put("symbol", Symbols.toString(r.symbol()));
        o.put("action", r.action().name());
        o.put("side", r.side().name());
        o.put("order_type", r.orderType().name());
        o.put("time_in_force", r.timeInForce().name());
        o.put("price", price(r.price()));
        o.put("quantity", r.quantity());
        o.put("seq", r.seq());
        o.put("exec_type", r.execType().name());
        o.put("status", r.status().name());
        o.put("last_px", price(r.lastPx()));
        o.put("last_qty", r.lastQty());
        o.put("leaves_qty", r.leavesQty());
        o.put("cum_qty", r.cumQty());
        o.put("contra_order_id", r.contraOrderId());
        o.put("reject_reason", r.rejectReason().name());
        o.put("line_error", r.lineError().name());
        o.put("event_time_ns", r.eventTime());
        o.put("source_line", r.sourceLine());
        o.put("source_index", "0x" + Long.toHexString(r.sourceIndex()));
        o.put("writer_id", r.writerId());
        o.put("writer_seq", r.writerSeq());
        o.put("flags", r.flags());
        o.put("ingress_ns", r.ingressNanos());
        o.put("risk_ns", r.riskNanos());
        o.put("match_ns", r.matchNanos());
        o.put("egress_ns", r.egressNanos());
        return o;
    }

    /** Fixed point with {@link Prices#DECIMALS} decimals as that exact decimal: 1892500 is "189.2500". */
    private static String price(long fixedPoint) {
        return BigDecimal.valueOf(fixedPoint, Prices.DECIMALS).toPlainString();
    }
}
