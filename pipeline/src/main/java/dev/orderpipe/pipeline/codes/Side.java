package dev.orderpipe.pipeline.codes;

/**
 * Order side.
 * <p>Stored in {@link dev.orderpipe.pipeline.OrderInfo} as a {@code byte}: the ordinal, with {@code NONE} (0) meaning
 * "not set". {@link #of(int)} decodes without allocating.
 */
public enum Side {
    NONE, BUY, SELL;

    private static final Side[] VALUES = values();

    /** The byte stored on the queue. */
    public byte code() {
        return (byte) ordinal();
    }

    /** Decodes a stored byte; an out-of-range code maps to {@code NONE} rather than throwing on the hot path. */
    public static Side of(int code) {
        return code >= 0 && code < VALUES.length ? VALUES[code] : NONE;
    }

    /** Name as written in CSV files: empty for {@code NONE}. */
    public String csv() {
        return this == NONE ? "" : name();
    }
}
