package dev.orderpipe.pipeline.codes;

/**
 * Why an order was REJECTED, or why the engine (not a request) ended it: the self-trade prevention and market
 * protection codes ride on CANCELED and EXPIRED reports. Stored as a {@code byte} (the ordinal); {@code NONE} means
 * no reason. New codes are appended, so a stored byte keeps its meaning. A {@link #BAD_LINE} is written in the
 * executions CSV as {@code BAD_LINE:<line number>} and carries a {@link LineError} detail saying which rule the line
 * broke.
 */
public enum RejectReason {
    NONE,
    /** The input line broke a rule of the order file format. */
    BAD_LINE,
    /** Symbol not configured in risk. */
    UNKNOWN_SYMBOL,
    /** Quantity below 1 or above the symbol's maxOrderQty. */
    BAD_QTY,
    /** Limit price further than priceBandPercent from the symbol's reference price. */
    PRICE_BAND,
    /** Price times quantity above the account's maxNotional. */
    MAX_NOTIONAL,
    /** A NEW whose order id was already seen. */
    DUPLICATE_ORDER_ID,
    /** The table of seen order ids is full (risk.orderIdCapacity). */
    ORDER_ID_TABLE_FULL,
    /** More orders per second from one account than risk.maxOrdersPerSecond allows. */
    RATE_LIMIT,
    /** The table of accounts tracked for rate limiting is full (risk.accountCapacity). */
    ACCOUNT_TABLE_FULL,
    /** CANCEL or REPLACE of an order that is not live. */
    UNKNOWN_ORDER,
    /** The book has no room for another resting order or price level (matching capacities). */
    BOOK_FULL,
    /** An order record whose fields cannot be valid (for example written by a faulty API client). */
    MALFORMED,
    /** Limit price not a multiple of the tick size of its price band (the symbol's tickSizes). REJECTED. */
    TICK_SIZE,
    /** Self-trade prevention CANCEL_RESTING: the resting order met by its own account's order is CANCELED. */
    STP_CANCEL_RESTING,
    /** Self-trade prevention CANCEL_INCOMING: the incoming order that met its own account's order is CANCELED. */
    STP_CANCEL_INCOMING,
    /** Self-trade prevention CANCEL_BOTH: the incoming order and the resting order it met are both CANCELED. */
    STP_CANCEL_BOTH,
    /** Market protection: the rest of a MARKET order that would trade beyond its price limit is EXPIRED. */
    MARKET_PROTECTION;

    private static final RejectReason[] VALUES = values();

    /** The byte stored on the queue. */
    public byte code() {
        return (byte) ordinal();
    }

    /** Decodes a stored byte; out-of-range codes map to {@link #MALFORMED}. */
    public static RejectReason of(int code) {
        return code >= 0 && code < VALUES.length ? VALUES[code] : MALFORMED;
    }
}
