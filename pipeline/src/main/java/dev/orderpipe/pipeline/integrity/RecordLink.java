package dev.orderpipe.pipeline.integrity;

import dev.orderpipe.pipeline.OrderInfo;

/**
 * What a stage's output record carries over from the input record it names ({@code sourceIndex}), compared: a record
 * whose input differs was not made from it (a cycle file copied in from another run of the same roll cycle reads
 * with valid checksums and counts, and only its contents tell). Risk copies the whole order ({@code copyFrom}):
 * {@code orderId}, {@code account}, {@code symbol}, {@code side}, the provenance ({@code writerId}, {@code writerSeq},
 * {@code sourceLine}), {@code eventTime} and {@code ingressNanos}; matching copies the provenance, {@code eventTime} and the stage
 * timestamps ({@code ingressNanos}, {@code riskNanos}) into every report of an input, whose {@code orderId} may be a
 * resting order's. {@code ingressNanos} differs between any two runs. One comparison, used by {@code orderpipe
 * verify} ({@link DataDirVerifier}) and the pipeline's start-up check ({@link QueueVerifier}).
 */
final class RecordLink {
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
}
