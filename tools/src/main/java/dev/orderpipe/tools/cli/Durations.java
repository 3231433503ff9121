package dev.orderpipe.tools.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;

/**
 * Durations as typed on the command line, one form for every option that takes one ({@code replay --interval} and
 * {@code --max-gap}, {@code stats --interval}, {@code run --status-every}): a decimal number and a unit, {@code us},
 * {@code ms}, {@code s}, {@code m} or {@code h} ({@code 500ms}, {@code 2s}, {@code 1.5m}), or a plain number of
 * seconds ({@code 2}, {@code 0.5}); at least 0 and at most a year, so that its nanoseconds never overflow a long
 * downstream.
 */
final class Durations {
    /** How the form is described in help texts and errors. */
    static final String FORM = "500ms, 2s, 1m or 1h; a plain number is seconds";
    private static final Duration MAX = Duration.ofDays(365);
    private static final String[] UNITS = {"us", "ms", "s", "m", "h"};
    private static final long[] NANOS = {1_000L, 1_000_000L, 1_000_000_000L, 60_000_000_000L, 3_600_000_000_000L};

    private Durations() {
    }

    /**
     * Parses what was typed for {@code option}.
     *
     * @throws UserException (usage) naming the option when it is not a duration or is out of range
     */
    static Duration parse(String option, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        String number = t;
        long unit = NANOS[2]; // no unit: seconds
        for (int i = 0; i < UNITS.length; i++) {
            if (t.endsWith(UNITS[i])) {
                number = t.substring(0, t.length() - UNITS[i].length()).trim();
                unit = NANOS[i];
                break;
            }
        }
        BigDecimal n;
        try {
            n = new BigDecimal(number).multiply(BigDecimal.valueOf(unit));
        } catch (NumberFormatException e) {
            throw UserException.usage(option + " '" + text + "' is not a duration such as " + FORM);
        }
        if (n.signum() < 0 || n.compareTo(BigDecimal.valueOf(MAX.toNanos())) > 0)
            throw UserException.usage(option + " '" + text + "' is out of range: a duration from 0 to 365 days");
        return Duration.ofNanos(n.longValue());
    }
}
