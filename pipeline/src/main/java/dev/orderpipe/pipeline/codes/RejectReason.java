package dev.orderpipe.pipeline.codes;

/**
 * Why an order was REJECTED, or why the engine (not a request) ended it: the self-trade prevention and market
 * protection codes ride on CANCELED and EXPIRED reports, {@link #END_OF_DAY} on the EXPIRED report of a DAY order at
 * its session's close. Stored as a {@code byte} (the ordinal); {@code NONE} means no reason. New codes are appended,
 * so a stored byte keeps its meaning. A {@link #BAD_LINE} is written in the executions CSV as
 * {@code BAD_LINE:<line number>} and carries a {@link LineError} detail saying which rule the line broke.
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
    MARKET_PROTECTION,
    /** A NEW or REPLACE while no session is open (after a SESSION_CLOSE, before the next SESSION_OPEN). */
    SESSION_CLOSED,
    /**
     * A session event that does not fit the session state: SESSION_OPEN while a session is open or of a date not
     * after the last session's, SESSION_CLOSE while none is open or naming another date than the open session's.
     */
    SESSION_STATE,
    /** Not a rejection: the reason of a DAY order's EXPIRED report at its session's close (IOC expiry has none). */
    END_OF_DAY;

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
