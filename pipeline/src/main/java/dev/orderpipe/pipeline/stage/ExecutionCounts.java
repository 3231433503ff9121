package dev.orderpipe.pipeline.stage;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.codes.ExecType;
import dev.orderpipe.pipeline.codes.RejectReason;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts of execution reports by type and of rejections by reason, kept by whoever reads the executions queue.
 * {@link #add(OrderInfo)} allocates nothing; the map views are for the end of a run.
 */
public final class ExecutionCounts {
    private final long[] byExecType = new long[ExecType.values().length];
    private final long[] byReason = new long[RejectReason.values().length];
    private long reports;
    private long inputsAccounted;

    public void add(OrderInfo r) {
        reports++;
        byExecType[r.execType().ordinal()]++;
        if (r.isRejected())
            byReason[r.rejectReason().ordinal()]++;
        if (r.lastForInput())
            inputsAccounted++;
    }

    /** Execution reports seen. */
    public long reports() {
        return reports;
    }

    /** Input records whose reports are complete (one per order event that entered the pipeline). */
    public long inputsAccounted() {
        return inputsAccounted;
    }

    public long count(ExecType type) {
        return byExecType[type.ordinal()];
    }

    /** Trades: each produces two TRADE reports. */
    public long trades() {
        return byExecType[ExecType.TRADE.ordinal()] / 2;
    }

    public long rejected() {
        return byExecType[ExecType.REJECTED.ordinal()];
    }

    /** Non-zero counts of rejections by reason, in reason order. */
    public Map<String, Long> rejectsByReason() {
        Map<String, Long> map = new LinkedHashMap<>();
        for (RejectReason r : RejectReason.values())
            if (byReason[r.ordinal()] > 0)
                map.put(r.name(), byReason[r.ordinal()]);
        return map;
    }

    /** Non-zero counts of reports by exec type. */
    public Map<String, Long> reportsByType() {
        Map<String, Long> map = new LinkedHashMap<>();
        for (ExecType t : ExecType.values())
            if (byExecType[t.ordinal()] > 0)
                map.put(t.name(), byExecType[t.ordinal()]);
        return map;
    }
}
