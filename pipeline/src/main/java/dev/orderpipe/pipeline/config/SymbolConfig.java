package dev.orderpipe.pipeline.config;

/** A tradable symbol and its risk limits. */
public final class SymbolConfig extends StrictConfig {
    /** 1 to 8 of A-Z 0-9 . */
    public String symbol = "";
    /** Reference price (decimal, 4 digits at most) for the price band and for MARKET notional. */
    public String refPrice = "";
    /** Largest accepted order quantity. */
    @Range(min = 1, max = Long.MAX_VALUE)
    public long maxOrderQty = 1_000_000;
}
