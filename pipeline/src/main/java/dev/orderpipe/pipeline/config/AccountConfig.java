package dev.orderpipe.pipeline.config;

/** Limits of one account that differ from the defaults. */
public final class AccountConfig extends StrictConfig {
    /** Positive account id. */
    public long account = 0;
    /** Largest price x quantity of one order, in currency units (decimal). */
    public String maxNotional = "";

    @Override
    protected String section() {
        return "risk.accounts[" + account + "]";
    }
}
