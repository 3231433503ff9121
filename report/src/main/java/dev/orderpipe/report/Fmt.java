package dev.orderpipe.report;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/** Number formats shared by the page and the console, locale-independent so reports diff cleanly. */
final class Fmt {
    private Fmt() {
    }

    /** A latency in microseconds with about four significant digits. */
    static String micros(double us) {
        if (Double.isNaN(us))
            return "-";
        double a = Math.abs(us);
        if (a < 10)
            return String.format(Locale.ROOT, "%.3f", us);
        if (a < 100)
            return String.format(Locale.ROOT, "%.2f", us);
        if (a < 1000)
            return String.format(Locale.ROOT, "%.1f", us);
        return String.format(Locale.ROOT, "%,.0f", us);
    }

    /** A latency held in nanoseconds, shown in microseconds. */
    static String nanosAsMicros(double ns) {
        return micros(ns / 1e3);
    }

    /** A B/A ratio. */
    static String ratio(double r) {
        if (Double.isNaN(r))
            return "-";
        if (Double.isInfinite(r))
            return "inf";
        return String.format(Locale.ROOT, "%.2f", r);
    }

    /**
     * A ratio above {@code limit}, with as many decimals (at least two) as it takes to show it above the limit as
     * printed: 1.2004 against 1.20 is 1.2004, not "1.20 > 1.20". Truncated, never rounded up, so it is not
     * overstated.
     */
    static String ratioAbove(long numerator, long denominator, BigDecimal limit) {
        if (denominator == 0)
            return ratio(numerator == 0 ? 1.0 : Double.POSITIVE_INFINITY);
        BigDecimal r = BigDecimal.valueOf(numerator);
        for (int places = 2; places < 18; places++) {
            BigDecimal shown = r.divide(BigDecimal.valueOf(denominator), places, RoundingMode.DOWN);
            if (shown.compareTo(limit) > 0)
                return shown.toPlainString();
        }
        return r.divide(BigDecimal.valueOf(denominator), 18, RoundingMode.DOWN).toPlainString();
    }

    /** A ratio limit such as 1 + 10% as people write it, with at least two decimals: 1.10, 1.125. */
    static String limit(BigDecimal limit) {
        BigDecimal l = limit.stripTrailingZeros();
        return (l.scale() < 2 ? l.setScale(2, RoundingMode.UNNECESSARY) : l).toPlainString();
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String decimal(double d, int places) {
        return String.format(Locale.ROOT, "%,." + places + "f", d);
    }

    /** A percentile fraction as people write it: 0.999 is 99.9%. */
    static String percentile(double fraction) {
        BigDecimal p = BigDecimal.valueOf(fraction * 100).setScale(6, RoundingMode.HALF_UP);
        return p.stripTrailingZeros().toPlainString() + "%";
    }

    /** A percentage threshold as the user gave it. */
    static String pct(double pct) {
        return BigDecimal.valueOf(pct).stripTrailingZeros().toPlainString() + "%";
    }
}
