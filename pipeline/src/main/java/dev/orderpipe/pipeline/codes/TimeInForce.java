package dev.orderpipe.pipeline.codes;

/**
 * Time in force: GTC and DAY rest (a DAY order until the session's close; with no sessions, as today, one endless
 * session: it rests like GTC), IOC and FOK never rest.
 * <p>Stored in {@link dev.orderpipe.pipeline.OrderInfo} as a {@code byte}: the ordinal, with {@code NONE} (0) meaning
 * "not set". {@link #of(int)} decodes without allocating.
 */
public enum TimeInForce {
    NONE, GTC, IOC, FOK, DAY;

    /** Whether a LIMIT order with this time in force rests its remainder on the book. */
    public boolean rests() {
        return this == GTC || this == DAY;
    }

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
