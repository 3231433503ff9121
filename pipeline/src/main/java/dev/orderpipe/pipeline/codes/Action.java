package dev.orderpipe.pipeline.codes;

/**
 * What an inbound order event asks for: an order (NEW, CANCEL, REPLACE) or a session event (SESSION_OPEN,
 * SESSION_CLOSE, whose record carries the trading date in {@code quantity}: see
 * {@link dev.orderpipe.pipeline.OrderInfo#tradingDate()}).
 * <p>Stored in {@link dev.orderpipe.pipeline.OrderInfo} as a {@code byte}: the ordinal, with {@code NONE} (0) meaning
 * "not set". {@link #of(int)} decodes without allocating.
 */
public enum Action {
    NONE, NEW, CANCEL, REPLACE, SESSION_OPEN, SESSION_CLOSE;

    private static final Action[] VALUES = values();

    /** Whether this is a session event rather than an order. */
    public boolean isSession() {
        return this == SESSION_OPEN || this == SESSION_CLOSE;
    }

    /** The byte stored on the queue. */
    public byte code() {
        return (byte) ordinal();
    }

    /** Decodes a stored byte; an out-of-range code maps to {@code NONE} rather than throwing on the hot path. */
    public static Action of(int code) {
        return code >= 0 && code < VALUES.length ? VALUES[code] : NONE;
    }

    /** Name as written in CSV files: empty for {@code NONE}. */
    public String csv() {
        return this == NONE ? "" : name();
    }
}
