package dev.orderpipe.pipeline.codes;

/**
 * Time in force: GTC rests, IOC and FOK never rest.
 * <p>Stored in {@link dev.orderpipe.pipeline.OrderInfo} as a {@code byte}: the ordinal, with {@code NONE} (0) meaning
 * "not set". {@link #of(int)} decodes without allocating.
 */
public enum TimeInForce {
    NONE, GTC, IOC, FOK;

    private static final TimeInForce[] VALUES = values();

    /** The byte stored on the queue. */
    public byte code() {
        return (byte) ordinal();
    }

    /** Decodes a stored byte; an out-of-range code maps to {@code NONE} rather than throwing on the hot path. */
    public static TimeInForce of(int code) {
        return code >= 0 && code < VALUES.length ? VALUES[code] : NONE;
    }

    /** Name as written in CSV files: empty for {@code NONE}. */
    public String csv() {
        return this == NONE ? "" : name();
    }
}
