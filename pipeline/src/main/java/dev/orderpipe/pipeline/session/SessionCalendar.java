package dev.orderpipe.pipeline.session;

import dev.orderpipe.pipeline.TradingDates;
import dev.orderpipe.pipeline.config.ConfigException;
import dev.orderpipe.pipeline.config.SessionConfig;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * When sessions open and close: each trading day (a configured day of the week that is no holiday) has one session
 * from {@code open} to {@code close}, local times of the calendar's time zone (a daylight-saving change moves them
 * with the zone's rules). A pure function of the time asked about: the clock is the caller's, so a test fixes it.
 * Allocates (java.time): it is asked at a session boundary, never per order.
 */
public final class SessionCalendar {
    /** Trading days are looked for this far ahead; a calendar with none in ten years never opens again. */
    private static final int MAX_DAYS_AHEAD = 3660;
    private static final List<String> DAYS = List.of("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN");

    private final ZoneId zone;
    private final LocalTime open;
    private final LocalTime close;
    private final Set<DayOfWeek> tradingDays;
    private final Set<LocalDate> holidays;

    public SessionCalendar(ZoneId zone, LocalTime open, LocalTime close, Set<DayOfWeek> tradingDays,
                           Set<LocalDate> holidays) {
        if (!open.isBefore(close))
            throw new IllegalArgumentException("open " + open + " is not before close " + close);
        this.zone = zone;
        this.open = open;
        this.close = close;
        this.tradingDays = EnumSet.copyOf(tradingDays);
        this.holidays = Set.copyOf(holidays);
    }

    /** The calendar a config describes; a bad value is a {@link ConfigException} naming its key. */
    public static SessionCalendar of(SessionConfig config) {
        ZoneId zone = zone(config.timeZone);
        LocalTime open = time(config.open, "session.open");
        LocalTime close = time(config.close, "session.close");
        if (!open.isBefore(close))
            throw new ConfigException("session.close " + config.close + " must be after session.open " + config.open
                    + " (a session opens and closes on one day)");
        if (config.tradingDays == null || config.tradingDays.isEmpty())
            throw new ConfigException("session.tradingDays is empty: name the days that trade, e.g. [ MON, TUE ]");
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (int i = 0; i < config.tradingDays.size(); i++) {
            int day = DAYS.indexOf(config.tradingDays.get(i));
            if (day < 0)
                throw new ConfigException("session.tradingDays[" + i + "] '" + config.tradingDays.get(i)
                        + "' is not one of " + String.join(", ", DAYS));
            days.add(DayOfWeek.of(day + 1));
        }
        Set<LocalDate> holidays = new HashSet<>();
        for (int i = 0; i < (config.holidays == null ? 0 : config.holidays.size()); i++) {
            try {
                holidays.add(TradingDates.toLocalDate(TradingDates.parse(config.holidays.get(i))));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("session.holidays[" + i + "]: " + e.getMessage());
            }
        }
        return new SessionCalendar(zone, open, close, days, holidays);
    }

    /** The time zone of a config (also the default date's of {@code orderpipe session}). */
    public static ZoneId zone(String timeZone) {
        try {
            return ZoneId.of(timeZone);
        } catch (DateTimeException | NullPointerException e) {
            throw new ConfigException("session.timeZone '" + timeZone + "' is not a time zone (an IANA name such as"
                    + " America/New_York, or UTC)");
        }
    }

    private static LocalTime time(String text, String key) {
        try {
            if (text != null && text.matches("\\d{2}:\\d{2}"))
                return LocalTime.parse(text);
        } catch (DateTimeParseException e) {
            // the one message below
        }
        throw new ConfigException(key + " '" + text + "' is not a time HH:MM (00:00 to 23:59)");
    }

    /** Whether {@code date} has a session: a trading day of the week and no holiday. */
    public boolean isTradingDay(LocalDate date) {
        return tradingDays.contains(date.getDayOfWeek()) && !holidays.contains(date);
    }

    /** The trading date ({@code YYYYMMDD}) of the session open at {@code epochMillis}, or 0 when none is. */
    public long openSessionAt(long epochMillis) {
        LocalDate date = Instant.ofEpochMilli(epochMillis).atZone(zone).toLocalDate();
        if (isTradingDay(date) && epochMillis >= openAt(date) && epochMillis < closeAt(date))
            return TradingDates.of(date);
        return 0;
    }

    /**
     * The first instant after {@code epochMillis} at which a session opens or closes (epoch milliseconds), or
     * {@link Long#MAX_VALUE} when no session opens in the next ten years.
     */
    public long nextChange(long epochMillis) {
        LocalDate date = Instant.ofEpochMilli(epochMillis).atZone(zone).toLocalDate();
        if (isTradingDay(date)) {
            if (epochMillis < openAt(date))
                return openAt(date);
            if (epochMillis < closeAt(date))
                return closeAt(date);
        }
        for (int i = 1; i <= MAX_DAYS_AHEAD; i++) {
            LocalDate next = date.plusDays(i);
            if (isTradingDay(next))
                return openAt(next);
        }
        return Long.MAX_VALUE;
    }

    /** When the session of {@code date} opens, epoch milliseconds. */
    public long openAt(LocalDate date) {
        return ZonedDateTime.of(date, open, zone).toInstant().toEpochMilli();
    }

    /** When the session of {@code date} closes, epoch milliseconds. */
    public long closeAt(LocalDate date) {
        return ZonedDateTime.of(date, close, zone).toInstant().toEpochMilli();
    }
}
