package dev.orderpipe.pipeline.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Trading sessions driven by a calendar (README, Sessions): with {@code calendar: true} the ingress side writes a
 * SESSION_OPEN at {@code open} and a SESSION_CLOSE at {@code close} of each trading day, in {@code timeZone}, into
 * {@code orders} ({@link dev.orderpipe.pipeline.session.SessionClock}). With {@code calendar: false} (the default) no
 * session event is written but those of an order file or of {@code orderpipe session}: without any, one endless
 * session. The other keys are read by {@code orderpipe session} too (its default date is today in {@code timeZone}).
 */
public final class SessionConfig extends StrictConfig {
    /** Whether ingress writes the calendar's session events. */
    public boolean calendar = false;
    /** The calendar's time zone, an IANA name such as {@code America/New_York}, or {@code UTC}. */
    public String timeZone = "UTC";
    /** The local time a trading day's session opens, {@code HH:MM}. */
    public String open = "09:30";
    /** The local time it closes, {@code HH:MM}, after {@code open} on the same day. */
    public String close = "16:00";
    /** The days of the week that trade: {@code MON} to {@code SUN}. */
    public List<String> tradingDays = new ArrayList<>(List.of("MON", "TUE", "WED", "THU", "FRI"));
    /** Dates ({@code YYYY-MM-DD}) on which no session opens, trading days or not. */
    public List<String> holidays = new ArrayList<>();
    /** The order-entry writer id the calendar writes with (one writer id belongs to one writer at a time). */
    @Range(min = 1, max = Long.MAX_VALUE)
    public long writerId = 1_000_000;
}
