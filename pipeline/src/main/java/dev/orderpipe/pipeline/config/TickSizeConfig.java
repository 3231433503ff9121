package dev.orderpipe.pipeline.config;

import dev.orderpipe.pipeline.Prices;

/**
 * One band of a symbol's tick size table: limit prices at or above {@link #from} (and below the next band's
 * {@code from}) must be a multiple of {@link #tick}. The first band starts at 0, so the table covers every price.
 */
public final class TickSizeConfig extends StrictConfig {
    /** Lowest price of the band (decimal, 4 digits at most); "0" for the first band. */
    public String from = "0";
    /** The band's tick size (decimal, > 0, 4 digits at most), e.g. "0.01". */
    public String tick = "";

    /** A band, for configs built in code: ticks of {@code tick} from {@code from}. */
    public static TickSizeConfig of(String from, String tick) {
        TickSizeConfig band = new TickSizeConfig();
        band.from = from;
        band.tick = tick;
        return band;
    }

    /**
     * {@link #from} in 4-decimal fixed point: 0 for "0", otherwise a price.
     *
     * @throws IllegalArgumentException when it is neither
     */
    public long fromPrice() {
        return from != null && from.trim().matches("0+(\\.0*)?") ? 0 : Prices.parse(from);
    }
}
