package dev.orderpipe.pipeline.config;

/** Limits of one account that differ from the defaults. */
public final class AccountConfig extends StrictConfig {
    /** Positive account id. */
    @Range(min = 1, max = Long.MAX_VALUE)
    public long account = 0;
    /** Largest price x quantity of one order, in currency units (decimal); empty: risk.defaultMaxNotional. */
    public String maxNotional = "";
    /**
     * Self-trade prevention when an order of this account would trade with a resting order of this account: NONE
     * (they trade), CANCEL_RESTING, CANCEL_INCOMING or CANCEL_BOTH.
     */
    public String selfTradePrevention = "NONE";
}
