package dev.orderpipe.pipeline;

import java.time.DateTimeException;
import java.time.LocalDate;

/**
 * Trading dates as records carry them: a {@code long} {@code YYYYMMDD} (2026-11-30 is {@code 20261130}), 0 for none.
 * Checking one allocates nothing, so the order-file parser and risk check them on the hot path.
 */
public final class TradingDates {
    private static final int[] DAYS_IN_MONTH = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    private TradingDates() {
    }

    /** Whether {@code yyyymmdd} is a calendar date of the years 1 to 9999. */
    public static boolean isValid(long yyyymmdd) {
        if (yyyymmdd < 1_01_01 || yyyymmdd > 9999_12_31)
            return false;
        int year = (int) (yyyymmdd / 10000);
        int month = (int) (yyyymmdd / 100 % 100);
        int day = (int) (yyyymmdd % 100);
        if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1])
            return false;
        return month != 2 || day < 29 || isLeap(year);
    }

    private static boolean isLeap(int year) {
        return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    }

    /** The record form of a date. */
    public static long of(LocalDate date) {
        return date.getYear() * 10000L + date.getMonthValue() * 100L + date.getDayOfMonth();
    }

    /** The date of a valid record form. */
    public static LocalDate toLocalDate(long yyyymmdd) {
        if (!isValid(yyyymmdd))
            throw new IllegalArgumentException("not a trading date YYYYMMDD: " + yyyymmdd);
        return LocalDate.of((int) (yyyymmdd / 10000), (int) (yyyymmdd / 100 % 100), (int) (yyyymmdd % 100));
    }

    /** Parses {@code YYYY-MM-DD} (allocates: for tools and config, not the hot path). */
    public static long parse(String text) {
        try {
            if (text != null && text.matches("\\d{4}-\\d{2}-\\d{2}"))
                return of(LocalDate.parse(text));
        } catch (DateTimeException e) {
            // falls through to the one message
        }
        throw new IllegalArgumentException("'" + text + "' is not a date YYYY-MM-DD");
    }

    /** {@code YYYY-MM-DD}, or "" for 0 (allocates). */
    public static String toString(long yyyymmdd) {
        return yyyymmdd == 0 ? "" : String.format("%04d-%02d-%02d", yyyymmdd / 10000, yyyymmdd / 100 % 100,
                yyyymmdd % 100);
    }
}
