package dev.orderpipe.pipeline.config;

/** Limits of one account that differ from the defaults. */
public final class AccountConfig extends StrictConfig {
    /** Positive account id. */
    @Range(min = 1, max = Long.MAX_VALUE)
    public long account = 0;
    /** Largest price x quantity of one order, in currency units (decimal). */
    public String maxNotional = "";
}
