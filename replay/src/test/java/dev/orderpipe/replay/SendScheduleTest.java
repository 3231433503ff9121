package dev.orderpipe.replay;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SendScheduleTest {
    @Test
    void aComputedRateScheduleGivesThePacingsOffsets() {
        SendSchedule s = SendSchedule.of(Pacing.rate(3), 10);
        assertEquals(10, s.count());
        assertTrue(s.isPaced());
        assertEquals(0, s.offset(0));
        assertEquals(333_333_333, s.offset(1));
        assertEquals(3_000_000_000L, s.offset(9));
        assertEquals(333_333_333, s.offset(1), "the same when asked again (no state)");
    }

    @Test
    void maxIsNotPacedAndRecordedNeedsACapture() {
        SendSchedule max = SendSchedule.of(Pacing.max(), 5);
        assertFalse(max.isPaced());
        assertEquals(5, max.count());
        assertEquals("recorded pacing needs the captured times of the orders",
                assertThrows(IllegalArgumentException.class, () -> SendSchedule.of(Pacing.recorded(), 5))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> SendSchedule.of(Pacing.speed(2), 5));
    }

    @Test
    void aFixedScheduleGivesItsOffsets() {
        SendSchedule s = SendSchedule.fixed(Pacing.recorded(), 3, new long[]{0, 500, 2_500, 0});
        assertEquals(3, s.count());
        assertEquals(500, s.offset(1));
        assertEquals(2_500, s.offset(2));
    }
}
