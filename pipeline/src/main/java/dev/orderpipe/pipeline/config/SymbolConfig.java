package dev.orderpipe.pipeline.config;

import java.util.ArrayList;
import java.util.List;

/** A tradable symbol and its risk limits. */
public final class SymbolConfig extends StrictConfig {
    /** 1 to 8 of A-Z 0-9 . */
    public String symbol = "";
    /** Reference price (decimal, 4 digits at most) for the price band and for MARKET notional. */
    public String refPrice = "";
    /**
     * Largest accepted order quantity. Validation bounds it by {@code matching.maxOpenOrders}, so that the open
     * quantity of a whole book fits 64 bits.
     */
    @Range(min = 1, max = Long.MAX_VALUE)
    public long maxOrderQty = 1_000_000;
    /**
     * Tick size by price band, in ascending {@code from} order starting at 0 (e.g. 0.0001 from 0 and 0.01 from 1.00);
     * a limit price off its band's tick is REJECTED {@code TICK_SIZE}. Empty: any price with 4 decimals.
     */
    public List<TickSizeConfig> tickSizes = new ArrayList<>();

    /** The symbols' names, in the same order: what the matching engine opens one book for each of. */
    public static List<String> names(List<SymbolConfig> symbols) {
        List<String> names = new ArrayList<>(symbols.size());
        for (SymbolConfig s : symbols)
            names.add(s.symbol);
        return names;
    }
}
