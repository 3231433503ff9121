package dev.orderpipe.pipeline.book;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.codes.RejectReason;

/**
 * What matching does when an incoming order would trade with a resting order of its own account (opt-in per account,
 * {@code risk.accounts[].selfTradePrevention}; risk stamps the mode into each order it passes). The report of each
 * order it cancels carries the mode's reason.
 */
public enum SelfTradePrevention {
    /** The two orders trade, as any others. */
    NONE(RejectReason.NONE),
    /** The resting order is CANCELED; the incoming order goes on matching. */
    CANCEL_RESTING(RejectReason.STP_CANCEL_RESTING),
    /** The rest of the incoming order is CANCELED; the resting order stays. */
    CANCEL_INCOMING(RejectReason.STP_CANCEL_INCOMING),
    /** The rest of the incoming order and the resting order are both CANCELED. */
    CANCEL_BOTH(RejectReason.STP_CANCEL_BOTH);

    private static final SelfTradePrevention[] VALUES = values();
    private final RejectReason reason;

    SelfTradePrevention(RejectReason reason) {
        this.reason = reason;
    }

    /** The reason the reports of the orders this mode cancels carry. */
    public RejectReason reason() {
        return reason;
    }

    /** Whether the incoming order ends when it meets its own account's resting order. */
    boolean cancelsIncoming() {
        return this == CANCEL_INCOMING || this == CANCEL_BOTH;
    }

    /** Whether the resting order it meets is canceled. */
    boolean cancelsResting() {
        return this == CANCEL_RESTING || this == CANCEL_BOTH;
    }

    /** The mode named {@code name} as written in config, or null when there is none of that name. */
    public static SelfTradePrevention named(String name) {
        for (SelfTradePrevention mode : VALUES)
            if (mode.name().equals(name))
                return mode;
        return null;
    }

    /** The mode risk stamped into a checked record ({@link OrderInfo#STP_SHIFT}). */
    public static SelfTradePrevention stamped(OrderInfo order) {
        int code = (order.flags() & OrderInfo.STP_MASK) >>> OrderInfo.STP_SHIFT;
        return code < VALUES.length ? VALUES[code] : NONE;
    }
}
