package dev.orderpipe.pipeline;

import java.math.BigDecimal;

/**
 * Prices as fixed-point {@code long} with 4 decimals: {@code 189.25} is {@code 1_892_500}. {@code 0} means "no price"
 * (MARKET orders, CANCELs).
 */
public final class Prices {
    /** Number of fractional digits. */
    public static final int DECIMALS = 4;
    /** 10^DECIMALS. */
    public static final long SCALE = 10_000L;

    private Prices() {
    }

    /**
     * Parses a decimal such as {@code 189.25} for config files and tools (allocates).
     *
     * @throws IllegalArgumentException if it has more than 4 fractional digits, is not positive or overflows
     */
    public static long parse(String text) {
        BigDecimal value;
        try {
            value = new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("price '" + text + "' is not a decimal number");
        }
        if (value.signum() <= 0)
            throw new IllegalArgumentException("price '" + text + "' must be > 0");
        if (value.stripTrailingZeros().scale() > DECIMALS)
            throw new IllegalArgumentException("price '" + text + "' has more than 4 fractional digits");
        try {
            return value.movePointRight(DECIMALS).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("price '" + text + "' is too large");
        }
    }

    /** Formats with exactly 4 decimals, e.g. {@code 189.2500}; empty for 0. Allocates: for tools. */
    public static String format(long price) {
        if (price == 0)
            return "";
        StringBuilder sb = new StringBuilder(24);
        appendTo(sb, price);
        return sb.toString();
    }

    /** Appends {@code price} with exactly 4 decimals. */
    public static void appendTo(StringBuilder sb, long price) {
        if (price < 0) {
            sb.append('-');
            price = -price; // Long.MIN_VALUE is never a valid price; it prints garbage rather than throwing
        }
        long whole = price / SCALE;
        long frac = price % SCALE;
        sb.append(whole).append('.');
        if (frac < 1000) sb.append('0');
        if (frac < 100) sb.append('0');
        if (frac < 10) sb.append('0');
        sb.append(frac);
    }
}
