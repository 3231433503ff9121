package dev.orderpipe.gateway;

import com.paritytrading.philadelphia.FIXValue;

/** FIX decimals to and from fixed-point {@code long}s, without allocating. */
final class FixDecimal {
    private static final long[] POWERS = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000};

    private FixDecimal() {
    }

    /**
     * Parses a non-negative decimal with at most {@code decimals} fractional digits (more are allowed when they are
     * zeros) to fixed point; -1 when the value is not such a number or does not fit.
     */
    static long parse(FIXValue v, int decimals) {
        int n = v.length();
        if (n == 0)
            return -1;
        long whole = 0;
        long frac = 0;
        int fracDigits = 0;
        boolean point = false;
        boolean digits = false;
        for (int i = 0; i < n; i++) {
            int b = v.byteAt(i);
            if (b == '.' && !point) {
                point = true;
                continue;
            }
            if (b < '0' || b > '9')
                return -1;
            digits = true;
            int d = b - '0';
            if (!point) {
                if (whole > (Long.MAX_VALUE - d) / 10)
                    return -1;
                whole = whole * 10 + d;
            } else if (fracDigits < decimals) {
                frac = frac * 10 + d;
                fracDigits++;
            } else if (d != 0) {
                return -1;
            }
        }
        if (!digits)
            return -1;
        long scale = POWERS[decimals];
        if (whole > Long.MAX_VALUE / scale)
            return -1;
        return whole * scale + frac * POWERS[decimals - fracDigits];
    }

    /** Sets {@code v} to the fixed-point {@code value} with {@code decimals} digits, trailing zeros dropped. */
    static void set(FIXValue v, long value, int decimals) {
        long scale = POWERS[decimals];
        long frac = value % scale;
        if (frac == 0) {
            v.setInt(value / scale);
            return;
        }
        int d = decimals;
        while (frac % 10 == 0) {
            frac /= 10;
            d--;
        }
        v.setFloat((double) value / scale, d);
    }
}
