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
 * docs/formats.md; codes as their names ({@code NONE} for none), prices as decimal numbers with 4 decimals, indexes of
 * other records in hex.
 */
final class RecordDocument {
    private RecordDocument() {
    }

    static ObjectNode of(OrderInfo r, long index, RollCycle rc) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("index", "0x" + Long.toHexString(index));
        o.put("cycle", rc.toCycle(index));
        o.put("cycleSeq", rc.toSequenceNumber(index));
        o.put("orderId", r.orderId());
        o.put("account", r.account());
        o.put("symbol", Symbols.toString(r.symbol()));
        o.put("action", r.action().name());
        o.put("side", r.side().name());
        o.put("orderType", r.orderType().name());
        o.put("timeInForce", r.timeInForce().name());
        o.put("price", price(r.price()));
        o.put("quantity", r.quantity());
        o.put("seq", r.seq());
        o.put("execType", r.execType().name());
        o.put("status", r.status().name());
        o.put("lastPx", price(r.lastPx()));
        o.put("lastQty", r.lastQty());
        o.put("leavesQty", r.leavesQty());
        o.put("cumQty", r.cumQty());
        o.put("contraOrderId", r.contraOrderId());
        o.put("rejectReason", r.rejectReason().name());
        o.put("lineError", r.lineError().name());
        o.put("eventTime", r.eventTime());
        o.put("sourceLine", r.sourceLine());
        o.put("sourceIndex", "0x" + Long.toHexString(r.sourceIndex()));
        o.put("writerId", r.writerId());
        o.put("writerSeq", r.writerSeq());
        o.put("flags", r.flags());
        o.put("ingressNanos", r.ingressNanos());
        o.put("riskNanos", r.riskNanos());
        o.put("matchNanos", r.matchNanos());
        o.put("egressNanos", r.egressNanos());
        return o;
    }

    private static BigDecimal price(long fixedPoint) {
        return BigDecimal.valueOf(fixedPoint, Prices.DECIMALS);
    }
}
