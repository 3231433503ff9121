package dev.orderpipe.pipeline.codes;

/**
 * Kind of execution report (docs/formats.md, executions file). {@code SESSION_OPEN} and {@code SESSION_CLOSE} are the
 * reports of accepted session events: no order, the trading date in {@code quantity}.
 * <p>Stored in {@link dev.orderpipe.pipeline.OrderInfo} as a {@code byte}: the ordinal, with {@code NONE} (0) meaning
 * "not set". {@link #of(int)} decodes without allocating.
 */
public enum ExecType {
    NONE, NEW, TRADE, CANCELED, REPLACED, EXPIRED, REJECTED, SESSION_OPEN, SESSION_CLOSE;

    private static final ExecType[] VALUES = values();

    /** The byte stored on the queue. */
    public byte code() {
        return (byte) ordinal();
    }

    /** Decodes a stored byte; an out-of-range code maps to {@code NONE} rather than throwing on the hot path. */
    public static ExecType of(int code) {
        return code >= 0 && code < VALUES.length ? VALUES[code] : NONE;
    }

    /** Name as written in CSV files: empty for {@code NONE}. */
    public String csv() {
        return this == NONE ? "" : name();
    }
}
