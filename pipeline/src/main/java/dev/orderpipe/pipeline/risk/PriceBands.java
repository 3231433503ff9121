package dev.orderpipe.pipeline.risk;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The price limits around a symbol's reference price, one computation for every user: risk's price band for limit
 * prices, the market protection limits that risk sizes a MARKET order's notional at and that matching never fills a
 * MARKET order beyond, and config validation, which refuses a band whose top does not fit a price.
 */
public final class PriceBands {
    private PriceBands() {
    }

    /**
     * The distance from {@code refPrice} (4-decimal fixed point) that {@code percent} allows, rounded down to the
     * price unit.
     *
     * @throws ArithmeticException when {@code refPrice} plus it does not fit a {@code long} (validation refuses that)
     */
    public static long deviation(long refPrice, double percent) {
        long deviation = BigDecimal.valueOf(refPrice).multiply(BigDecimal.valueOf(percent).movePointLeft(2))
                .setScale(0, RoundingMode.FLOOR).longValueExact();
        Math.addExact(refPrice, deviation);
        return deviation;
    }

    /** The lowest price the band allows; 1 (0.0001, the smallest price) when the band reaches down to 0 or below. */
    public static long low(long refPrice, double percent) {
        return Math.max(1, refPrice - deviation(refPrice, percent));
    }

    /** The highest price the band allows. */
    public static long high(long refPrice, double percent) {
        return refPrice + deviation(refPrice, percent);
    }

    /** The percent MARKET orders are protected at: {@code marketProtectionPercent}, or the price band when it is 0. */
    public static double marketPercent(double priceBandPercent, double marketProtectionPercent) {
        return marketProtectionPercent > 0 ? marketProtectionPercent : priceBandPercent;
    }
}
