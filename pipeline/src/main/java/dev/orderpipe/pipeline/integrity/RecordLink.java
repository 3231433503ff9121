package dev.orderpipe.pipeline.integrity;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.infra.QueueInput;
import dev.orderpipe.pipeline.infra.Queues;

/**
 * What a stage's output record carries over from the input record it names ({@code sourceIndex}), compared: a record
 * whose input differs was not made from it (a cycle file copied in from another run of the same roll cycle reads
 * with valid checksums and counts, and only its contents tell). Risk copies the whole order ({@code copyFrom}):
 * {@code orderId}, {@code account}, {@code symbol}, {@code side}, the provenance ({@code writerId}, {@code writerSeq},
 * {@code sourceLine}), {@code eventTime} and {@code ingressNanos}; matching copies the provenance, {@code eventTime}
 * and the stage timestamps ({@code ingressNanos}, {@code riskNanos}) into every report of an input, whose
 * {@code orderId} may be a resting order's. {@code ingressNanos} differs between any two runs. One comparison, used
 * by {@code orderpipe verify} ({@link DataDirVerifier}), the pipeline's start-up check ({@link QueueVerifier}) and the
 * rebuild of risk and matching at a restart ({@link #requireRemade}), which also compares every other field of what
 * the stage writes with what it makes again of the same input.
 */
public final class RecordLink {
    private RecordLink() {
    }

    /**
     * Null when {@code output} (of kind {@code kind}) carries {@code input}'s identity, else the first field that
     * differs, "name A vs B" (input's value first), for a damage message (built only then).
     */
    static String differs(RecordKind kind, OrderInfo input, OrderInfo output) {
        if (kind == RecordKind.CHECKED) {
            if (input.orderId() != output.orderId())
                return "orderId " + input.orderId() + " vs " + output.orderId();
            if (input.account() != output.account())
                return "account " + input.account() + " vs " + output.account();
            if (input.symbol() != output.symbol())
                return "symbol " + input.symbol() + " vs " + output.symbol();
            if (input.side() != output.side())
                return "side " + input.side() + " vs " + output.side();
        } else {
            if (input.riskNanos() != output.riskNanos())
                return "riskNanos " + input.riskNanos() + " vs " + output.riskNanos();
        }
        if (input.eventTime() != output.eventTime())
            return "eventTime " + input.eventTime() + " vs " + output.eventTime();
        if (input.writerId() != output.writerId())
            return "writerId " + input.writerId() + " vs " + output.writerId();
        if (input.writerSeq() != output.writerSeq())
            return "writerSeq " + input.writerSeq() + " vs " + output.writerSeq();
        if (input.sourceLine() != output.sourceLine())
            return "sourceLine " + input.sourceLine() + " vs " + output.sourceLine();
        if (input.ingressNanos() != output.ingressNanos())
            return "ingressNanos " + input.ingressNanos() + " vs " + output.ingressNanos();
        return null;
    }

    /**
     * The damage message for an output record whose input differs: "executions index X names checked index Y, whose
     * order differs: orderId A vs B (...)".
     */
    static String problem(String outputQueue, String outputIndex, String inputQueue, String inputIndex,
                          String difference) {
        return outputQueue + " index " + outputIndex + " names " + inputQueue + " index " + inputIndex
                + ", whose order differs: " + difference + " (" + inputQueue + " vs " + outputQueue + "; a cycle file"
                + " copied in from another run?)";
    }

    /**
     * The check of a stage's rebuild at a restart, record by record and before the stage writes anything: the next
     * record on the stage's output ({@code output}, a forward reader, read into {@code written}) must be what the
     * (deterministic) stage makes again, {@code remade}, of the input record {@code in} just read again at
     * {@code inputIndex} by {@code input}: made from it ({@code sourceIndex}), carrying over its identity
     * ({@link #differs}), and the same in every other field but the stage's own timestamp. So a cycle file copied in
     * from another run, or a record altered with its checksum made anew, is refused wherever it lies, not only at the
     * end of a queue. Allocation-free unless it throws.
     *
     * @param stage the stage's name for the message (risk, matching)
     * @param kind  the kind of record the stage writes: {@link RecordKind#CHECKED} or {@link RecordKind#REPORT}
     * @throws dev.orderpipe.pipeline.infra.QueueDamagedException naming the output's queue and index and the input's
     */
    public static void requireRemade(String stage, RecordKind kind, QueueInput input, long inputIndex, OrderInfo in,
                                     OrderInfo remade, QueueInput output, OrderInfo written) {
        if (!output.readOrEnd(written)) {
            long last = output.lastReadIndex();
            throw output.damaged(last, output.name() + " ends at index " + Queues.describeIndex(output.queue(), last)
                    + ", but " + stage + " makes one more record again of " + input.name() + " index "
                    + Queues.describeIndex(input.queue(), inputIndex) + " (records were lost)");
        }
        long at = output.lastReadIndex();
        if (written.sourceIndex() != inputIndex)
            throw output.damaged(at, output.name() + " index " + Queues.describeIndex(output.queue(), at) + " names "
                    + input.name() + " index " + Queues.describeIndex(input.queue(), written.sourceIndex()) + " where "
                    + stage + " makes a record of " + input.name() + " index "
                    + Queues.describeIndex(input.queue(), inputIndex) + " again (records were lost, repeated or"
                    + " reordered)");
        String differs = differs(kind, in, written);
        if (differs != null)
            throw output.damaged(at, problem(output.name(), Queues.describeIndex(output.queue(), at), input.name(),
                    Queues.describeIndex(input.queue(), inputIndex), differs));
        differs = remadeDiffers(kind, remade, written);
        if (differs != null)
            throw output.damaged(at, output.name() + " index " + Queues.describeIndex(output.queue(), at) + " is not"
                    + " what " + stage + " makes again of " + input.name() + " index "
                    + Queues.describeIndex(input.queue(), inputIndex) + ": " + differs + " (made again vs written;"
                    + " the record was altered or comes from another run, or " + stage + "'s config differs from the"
                    + " one it was written with)");
    }

    /**
     * Whether two checked records carry the same verdict of risk: its {@code rejectReason} and the rules it stamps into
     * a passed order ({@code price} of a MARKET order, its protection limit, and {@code flags}). A changed risk config
     * may change them: {@code RiskStage} compares them itself and says so.
     */
    public static boolean sameVerdict(OrderInfo a, OrderInfo b) {
        return a.rejectReason() == b.rejectReason() && a.flags() == b.flags()
                && (a.orderType() != OrderType.MARKET || a.price() == b.price());
    }

    /** For a message: how the verdicts of two checked records differ, "name A vs B"; allocates. */
    public static String verdictDiffers(OrderInfo a, OrderInfo b) {
        if (a.rejectReason() != b.rejectReason())
            return "rejectReason " + a.rejectReason() + " vs " + b.rejectReason();
        if (a.flags() != b.flags())
            return "flags " + a.flags() + " vs " + b.flags();
        return "MARKET limit price " + a.price() + " vs " + b.price();
    }

    /**
     * Null when {@code written} holds every field of {@code remade} but the timestamp of the stage that writes
     * {@code kind} ({@code riskNanos} of a checked record, {@code matchNanos} of a report) and a checked record's
     * verdict ({@link #sameVerdict}: risk's, which a changed risk config may change: {@code RiskStage} compares it and
     * says so), else the first field that differs, "name A vs B" ({@code remade}'s value first).
     */
    public static String remadeDiffers(RecordKind kind, OrderInfo remade, OrderInfo written) {
        OrderInfo a = remade;
        OrderInfo b = written;
        if (a.seq() != b.seq())
            return "seq " + a.seq() + " vs " + b.seq();
        if (a.execType() != b.execType())
            return "execType " + a.execType() + " vs " + b.execType();
        if (a.status() != b.status())
            return "status " + a.status() + " vs " + b.status();
        // risk's verdict is its config's: risk compares it itself, and a changed config may change it
        if (kind != RecordKind.CHECKED && a.rejectReason() != b.rejectReason())
            return "rejectReason " + a.rejectReason() + " vs " + b.rejectReason();
        if (a.lineError() != b.lineError())
            return "lineError " + a.lineError() + " vs " + b.lineError();
        if (a.orderId() != b.orderId())
            return "orderId " + a.orderId() + " vs " + b.orderId();
        if (a.account() != b.account())
            return "account " + a.account() + " vs " + b.account();
        if (a.symbol() != b.symbol())
            return "symbol " + a.symbol() + " vs " + b.symbol();
        if (a.action() != b.action())
            return "action " + a.action() + " vs " + b.action();
        if (a.side() != b.side())
            return "side " + a.side() + " vs " + b.side();
        if (a.orderType() != b.orderType())
            return "orderType " + a.orderType() + " vs " + b.orderType();
        if (a.timeInForce() != b.timeInForce())
            return "timeInForce " + a.timeInForce() + " vs " + b.timeInForce();
        if (a.price() != b.price() && !(kind == RecordKind.CHECKED && a.orderType() == OrderType.MARKET))
            return "price " + a.price() + " vs " + b.price();
        if (a.quantity() != b.quantity())
            return "quantity " + a.quantity() + " vs " + b.quantity();
        if (a.leavesQty() != b.leavesQty())
            return "leavesQty " + a.leavesQty() + " vs " + b.leavesQty();
        if (a.cumQty() != b.cumQty())
            return "cumQty " + a.cumQty() + " vs " + b.cumQty();
        if (a.lastPx() != b.lastPx())
            return "lastPx " + a.lastPx() + " vs " + b.lastPx();
        if (a.lastQty() != b.lastQty())
            return "lastQty " + a.lastQty() + " vs " + b.lastQty();
        if (a.contraOrderId() != b.contraOrderId())
            return "contraOrderId " + a.contraOrderId() + " vs " + b.contraOrderId();
        if (kind != RecordKind.CHECKED && a.flags() != b.flags())
            return "flags " + a.flags() + " vs " + b.flags();
        if (a.eventTime() != b.eventTime())
            return "eventTime " + a.eventTime() + " vs " + b.eventTime();
        if (a.sourceLine() != b.sourceLine())
            return "sourceLine " + a.sourceLine() + " vs " + b.sourceLine();
        if (a.sourceIndex() != b.sourceIndex())
            return "sourceIndex 0x" + Long.toHexString(a.sourceIndex()) + " vs 0x" + Long.toHexString(b.sourceIndex());
        if (a.writerId() != b.writerId())
            return "writerId " + a.writerId() + " vs " + b.writerId();
        if (a.writerSeq() != b.writerSeq())
            return "writerSeq " + a.writerSeq() + " vs " + b.writerSeq();
        if (a.ingressNanos() != b.ingressNanos())
            return "ingressNanos " + a.ingressNanos() + " vs " + b.ingressNanos();
        if (kind != RecordKind.CHECKED && a.riskNanos() != b.riskNanos())
            return "riskNanos " + a.riskNanos() + " vs " + b.riskNanos();
        if (kind != RecordKind.REPORT && a.matchNanos() != b.matchNanos())
            return "matchNanos " + a.matchNanos() + " vs " + b.matchNanos();
        if (a.egressNanos() != b.egressNanos())
            return "egressNanos " + a.egressNanos() + " vs " + b.egressNanos();
        return null;
    }
}
