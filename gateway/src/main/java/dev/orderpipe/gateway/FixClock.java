package dev.orderpipe.gateway;

import com.paritytrading.philadelphia.FIXTimestamp;
import com.paritytrading.philadelphia.FIXValue;

/**
 * The gateway's wall clock as FIX UTCTimestamps, without allocating: Philadelphia's own conversion goes through a
 * {@link java.util.Calendar}; this one is the civil-from-days arithmetic, computed once per millisecond.
 */
final class FixClock {
    private final FIXTimestamp timestamp = new FIXTimestamp();
    private final FIXValue now = new FIXValue(32);
    private long millis = Long.MIN_VALUE;

    /** Sets the current time; returns it. */
    long update(long epochMilli) {
        if (epochMilli != millis) {
            millis = epochMilli;
            set(now, epochMilli);
        }
        return epochMilli;
    }

    long millis() {
        return millis;
    }

    /** SendingTime(52) of messages sent now. */
    FIXValue now() {
        return now;
    }

    /** Writes {@code epochMilli} into {@code value} as a UTCTimestamp with milliseconds. */
    void set(FIXValue value, long epochMilli) {
        long days = Math.floorDiv(epochMilli, 86_400_000L);
        int msOfDay = (int) Math.floorMod(epochMilli, 86_400_000L);
        // Howard Hinnant's civil_from_days
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        int year = (int) (yoe + era * 400 + (month <= 2 ? 1 : 0));
        timestamp.setYear(year);
        timestamp.setMonth(month);
        timestamp.setDay(day);
        timestamp.setHour(msOfDay / 3_600_000);
        timestamp.setMinute(msOfDay / 60_000 % 60);
        timestamp.setSecond(msOfDay / 1000 % 60);
        timestamp.setMilli(msOfDay % 1000);
        value.setTimestampMillis(timestamp);
    }
}
