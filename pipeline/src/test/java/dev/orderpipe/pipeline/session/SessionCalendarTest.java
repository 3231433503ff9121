package dev.orderpipe.pipeline.session;

import dev.orderpipe.pipeline.config.ConfigException;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.config.SessionConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The calendar as a pure function of a fixed time: trading days, holidays, time zones, daylight saving. */
class SessionCalendarTest {
    /** New York, 09:30 to 16:00, Monday to Friday, Thanksgiving 2026 a holiday. */
    static SessionCalendar newYork() {
        SessionConfig config = new SessionConfig();
        config.calendar = true;
        config.timeZone = "America/New_York";
        config.holidays = List.of("2026-11-26");
        return SessionCalendar.of(config);
    }

    /** The config file {@code session: { ... }} read over the embedded default by the normal loader. */
    private static PipelineConfig load(Path dir, String session) throws IOException {
        Path file = dir.resolve("sessions.yaml");
        Files.writeString(file, "!dev.orderpipe.pipeline.config.PipelineConfig {\n  session: { " + session
                + " }\n}\n");
        return PipelineConfig.load(file, PipelineConfig.loadDefault());
    }

    @Test
    void theConfigLoaderReadsACalendar(@TempDir Path dir) throws IOException {
        PipelineConfig config = load(dir, "calendar: true, timeZone: America/New_York, open: \"09:30\","
                + " close: \"16:00\", tradingDays: [ MON, TUE, WED, THU, FRI ], holidays: [ \"2026-11-26\" ],"
                + " writerId: 77");
        assertTrue(config.session.calendar);
        assertEquals(77, config.session.writerId);
        SessionCalendar ny = SessionCalendar.of(config.session);
        assertFalse(ny.isTradingDay(LocalDate.of(2026, 11, 26)));
        assertEquals(at("2026-11-25T14:30:00Z"), ny.openAt(LocalDate.of(2026, 11, 25)));
        assertFalse(PipelineConfig.loadDefault().session.calendar, "no calendar by default: one endless session");
    }

    static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    @Test
    void aSessionIsOpenFromItsOpenToItsCloseInItsTimeZone() {
        SessionCalendar ny = newYork();
        // Wednesday 2026-11-25, New York is UTC-5 in November
        assertEquals(0, ny.openSessionAt(at("2026-11-25T14:29:59.999Z")));
        assertEquals(20261125, ny.openSessionAt(at("2026-11-25T14:30:00Z")));
        assertEquals(20261125, ny.openSessionAt(at("2026-11-25T20:59:59.999Z")));
        assertEquals(0, ny.openSessionAt(at("2026-11-25T21:00:00Z")), "closed at the close");
        assertEquals(at("2026-11-25T14:30:00Z"), ny.nextChange(at("2026-11-25T05:00:00Z")));
        assertEquals(at("2026-11-25T21:00:00Z"), ny.nextChange(at("2026-11-25T14:30:00Z")));
    }

    @Test
    void aHolidayAndTheWeekendHaveNoSession() {
        SessionCalendar ny = newYork();
        assertFalse(ny.isTradingDay(LocalDate.of(2026, 11, 26)), "Thanksgiving");
        assertEquals(0, ny.openSessionAt(at("2026-11-26T16:00:00Z")), "Thursday noon in New York: a holiday");
        // after Wednesday's close the next change is Friday's open, Thursday being a holiday
        assertEquals(at("2026-11-27T14:30:00Z"), ny.nextChange(at("2026-11-25T21:00:00Z")));
        // after Friday's close, Monday's open
        assertEquals(0, ny.openSessionAt(at("2026-11-28T16:00:00Z")), "Saturday");
        assertEquals(at("2026-11-30T14:30:00Z"), ny.nextChange(at("2026-11-27T21:00:00Z")));
    }

    @Test
    void theTradingDateIsTheCalendarsLocalDate(@TempDir Path dir) throws IOException {
        SessionCalendar tokyo = SessionCalendar.of(load(dir, "timeZone: Asia/Tokyo, open: \"09:00\", close: \"15:00\"")
                .session);
        // 01:00 UTC on Wednesday the 25th is 10:00 on the 25th in Tokyo (open) and 20:00 on the 24th in New York
        assertEquals(20261125, tokyo.openSessionAt(at("2026-11-25T01:00:00Z")));
        assertEquals(0, newYork().openSessionAt(at("2026-11-25T01:00:00Z")));
        // Tokyo's Wednesday session closes at 06:00 UTC; Thursday the 26th is no holiday there
        assertEquals(at("2026-11-25T06:00:00Z"), tokyo.nextChange(at("2026-11-25T01:00:00Z")));
        assertEquals(at("2026-11-26T00:00:00Z"), tokyo.nextChange(at("2026-11-25T06:00:00Z")));
    }

    @Test
    void daylightSavingMovesTheSessionWithTheZone() {
        SessionCalendar ny = newYork();
        // New York moves to UTC-4 on Sunday 2026-03-08: Friday opens at 14:30 UTC, Monday at 13:30 UTC
        assertEquals(at("2026-03-06T14:30:00Z"), ny.openAt(LocalDate.of(2026, 3, 6)));
        assertEquals(at("2026-03-09T13:30:00Z"), ny.nextChange(at("2026-03-06T21:00:00Z")));
        assertEquals(20260309, ny.openSessionAt(at("2026-03-09T13:30:00Z")));
    }

    @Test
    void badCalendarSettingsNameTheirKey(@TempDir Path dir) {
        assertEquals("session.timeZone 'Mars/Olympus' is not a time zone (an IANA name such as"
                + " America/New_York, or UTC)", refused(dir, "timeZone: Mars/Olympus"));
        assertEquals("session.open '9:30' is not a time HH:MM (00:00 to 23:59)", refused(dir, "open: \"9:30\""));
        assertEquals("session.close 09:00 must be after session.open 09:30 (a session opens and closes on one"
                + " day)", refused(dir, "close: \"09:00\""));
        assertEquals("session.tradingDays[1] 'Tue' is not one of MON, TUE, WED, THU, FRI, SAT, SUN",
                refused(dir, "tradingDays: [ MON, Tue ]"));
        assertEquals("session.holidays[0]: '2026-02-30' is not a date YYYY-MM-DD",
                refused(dir, "holidays: [ \"2026-02-30\" ]"));
        assertTrue(refused(dir, "writerId: 0").contains("session.writerId"), refused(dir, "writerId: 0"));
    }

    /** The message of a config refused, without the file's name before it. */
    private static String refused(Path dir, String setting) {
        String message = assertThrows(ConfigException.class, () -> load(dir, setting)).getMessage();
        String prefix = dir.resolve("sessions.yaml") + ": ";
        assertTrue(message.startsWith(prefix), message);
        return message.substring(prefix.length());
    }
}
