package dev.orderpipe.replay;

import dev.orderpipe.pipeline.ExitCodes;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PacingTest {
    @Test
    void parsesTheFourModes() {
        assertEquals(Pacing.recorded(), Pacing.parse("recorded"));
        assertEquals(Pacing.max(), Pacing.parse("MAX"));
        assertEquals(Pacing.speed(10), Pacing.parse("speed:10"));
        assertEquals(Pacing.rate(5000), Pacing.parse("rate=5000"));
        assertEquals(Pacing.speed(0.5), Pacing.parse(" speed: 0.5 "));
        assertFalse(Pacing.max().isPaced());
        assertTrue(Pacing.rate(1).isPaced());
        assertEquals("rate:5000", Pacing.rate(5000).toString());
    }

    @Test
    void badPacingIsAOneLineError() {
        assertEquals("pacing 'fast' is not one of recorded, speed:N, rate:N, max",
                assertThrows(ReplayException.class, () -> Pacing.parse("fast")).getMessage());
        assertEquals("pacing 'rate:x' needs a number, e.g. speed:10 or rate:5000",
                assertThrows(ReplayException.class, () -> Pacing.parse("rate:x")).getMessage());
        assertThrows(ReplayException.class, () -> Pacing.speed(0));
        assertThrows(ReplayException.class, () -> Pacing.rate(-1));
        assertThrows(ReplayException.class, () -> Pacing.rate(10).withMaxGap(5));
        assertEquals(ExitCodes.USAGE, assertThrows(ReplayException.class, () -> Pacing.rate(2e9)).exitCode());
    }

    @Test
    void recordedKeepsTheCapturedGapsAndSpeedDividesThem() {
        long[] ts = {1_000, 1_500, 3_500, 3_500, 10_000};
        Pacing.Schedule recorded = Pacing.recorded().schedule();
        Pacing.Schedule speed = Pacing.speed(4).schedule();
        long[] expected = {0, 500, 2_500, 2_500, 9_000};
        for (int i = 0; i < ts.length; i++) {
            assertEquals(expected[i], recorded.offset(i, ts[i]));
            assertEquals(expected[i] / 4, speed.offset(i, ts[i]));
        }
    }

    @Test
    void aTimeGoingBackwardsOrMissingSendsAtOnceAndKeepsTheClock() {
        Pacing.Schedule s = Pacing.recorded().schedule();
        assertEquals(0, s.offset(0, 0));         // a bad line before the first time
        assertEquals(0, s.offset(1, 100));
        assertEquals(100, s.offset(2, 200));
        assertEquals(100, s.offset(3, 150));     // out of order: right after the previous
        assertEquals(100, s.offset(4, 0));       // no time
        assertEquals(150, s.offset(5, 250));     // 50 after the latest time seen
        assertEquals(1, s.clampedGaps());
    }

    @Test
    void aMaxGapShortensLongGaps() {
        Pacing.Schedule s = Pacing.recorded().withMaxGap(1_000).schedule();
        assertEquals(0, s.offset(0, 5_000));
        assertEquals(500, s.offset(1, 5_500));
        assertEquals(1_500, s.offset(2, 3_600_000_000_000L));
        assertEquals(1_600, s.offset(3, 3_600_000_000_100L));
        assertEquals(1, s.clampedGaps());
    }

    @Test
    void rateIsAFixedScheduleWithoutDrift() {
        Pacing.Schedule s = Pacing.rate(3).schedule();
        assertEquals(0, s.offset(0, 99));
        assertEquals(333_333_333, s.offset(1, 0));
        assertEquals(3_000_000_000L, s.offset(9, 0));
        assertEquals(1_000_000_000_000_000L, Pacing.rate(1000).schedule().offset(1_000_000_000L, 0)); // 11.6 days
    }
}
