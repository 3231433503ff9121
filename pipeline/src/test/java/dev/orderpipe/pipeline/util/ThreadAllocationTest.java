package dev.orderpipe.pipeline.util;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThreadAllocationTest {
    @Test
    void countsWhatAThreadAllocatesAndNothingOnceItHasEnded() throws Exception {
        long before = ThreadAllocation.current();
        assertTrue(before >= 0, "HotSpot measures allocation per thread: " + before);
        byte[] block = new byte[1 << 20];
        long after = ThreadAllocation.current();
        assertTrue(after - before >= block.length, "1 MiB allocated, " + (after - before) + " bytes counted");
        assertTrue(ThreadAllocation.of(Thread.currentThread()) >= after, "the same count, by thread");

        Thread ended = new Thread(() -> { });
        ended.start();
        ended.join();
        assertEquals(-1, ThreadAllocation.of(ended));
    }
}
