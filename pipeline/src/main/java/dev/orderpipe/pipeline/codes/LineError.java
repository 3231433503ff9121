package dev.orderpipe.pipeline.codes;

/**
 * Which rule of the order file format a {@link RejectReason#BAD_LINE} broke. Stored as a {@code byte}.
 */
public enum LineError {
    NONE("no error"),
    BAD_HEADER("header is not ts_nanos,action,order_id,account,symbol,side,type,tif,price,qty"),
    TOO_LONG("line longer than ingress.maxLineLength"),
    BAD_BYTES("control, NUL or non-ASCII byte in a field"),
    COLUMN_COUNT("not exactly 10 comma-separated columns"),
    BAD_TS("ts_nanos is not a non-negative 64-bit integer"),
    BAD_ACTION("action is not NEW, CANCEL, REPLACE, SESSION_OPEN or SESSION_CLOSE"),
    BAD_ORDER_ID("order_id is not a positive 64-bit integer"),
    BAD_ACCOUNT("account is not a positive 64-bit integer"),
    BAD_SYMBOL("symbol is not 1 to 8 of A-Z 0-9 ."),
    BAD_SIDE("side is not BUY or SELL"),
    BAD_TYPE("type is not LIMIT or MARKET"),
    BAD_TIF("tif is not GTC, IOC, FOK or DAY"),
    BAD_PRICE("price is not a positive decimal with at most 4 fractional digits"),
    BAD_QTY("qty is not a positive 64-bit integer"),
    PRICE_NOT_ALLOWED("MARKET orders and CANCELs take no price"),
    PRICE_REQUIRED("LIMIT orders need a price"),
    BAD_DATE("the trading date of a session line is not a date YYYY-MM-DD"),
    SESSION_FIELDS("a session line has only ts_nanos, action and its trading date");

    private static final LineError[] VALUES = values();
    private final String description;

    LineError(String description) {
        this.description = description;
    }

    /** What the rule is, for operators reading a dump. */
    public String description() {
        return description;
    }

    /** The byte stored on the queue. */
    public byte code() {
        return (byte) ordinal();
    }

    /** Decodes a stored byte; out-of-range codes map to {@link #NONE}. */
    public static LineError of(int code) {
        return code >= 0 && code < VALUES.length ? VALUES[code] : NONE;
    }
}
