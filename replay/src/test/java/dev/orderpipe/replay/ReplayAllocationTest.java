package dev.orderpipe.replay;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sending and recording allocate nothing per order: the bytes the driver and recorder threads allocate in their
 * loops (com.sun.management.ThreadMXBean#getThreadAllocatedBytes, measured by the threads themselves) stay under a
 * small fixed allowance, the same for 2,000 orders as for 20,000 (one-off lazy set-up inside Chronicle's first
 * append and read), where even one byte per order would show as 18 KB more. A first replay loads the classes (class
 * loading allocates on the thread that triggers it: about 300 KB the first time in a fresh JVM).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReplayAllocationTest {
    /** One-off allowance per thread; measured about 17-22 KB on Java 17 (queue store and wire set-up). */
    private static final long ALLOWANCE = 64 * 1024;

    @Test
    void driverAndRecorderAllocateNothingPerOrder(@TempDir Path dir) throws Exception {
        replay(dir, 200); // loads the classes of the send and record paths
        RunSummary small = replay(dir, 2_000);
        RunSummary large = replay(dir, 20_000);
        System.out.printf("allocated bytes: driver %d (2k orders) %d (20k), recorder %d (2k) %d (20k)%n",
                small.driverAllocatedBytes, large.driverAllocatedBytes,
                small.recorderAllocatedBytes, large.recorderAllocatedBytes);
        assertEquals(20_000, large.accounted);
        for (RunSummary s : new RunSummary[]{small, large}) {
            assertTrue(s.driverAllocatedBytes >= 0 && s.driverAllocatedBytes < ALLOWANCE,
                    "driver " + s.driverAllocatedBytes);
            assertTrue(s.recorderAllocatedBytes >= 0 && s.recorderAllocatedBytes < ALLOWANCE,
                    "recorder " + s.recorderAllocatedBytes);
        }
        // 18,000 more orders cost less than 8 KB more: under half a byte per order
        assertTrue(large.driverAllocatedBytes - small.driverAllocatedBytes < 8 * 1024,
                small.driverAllocatedBytes + " -> " + large.driverAllocatedBytes);
        assertTrue(large.recorderAllocatedBytes - small.recorderAllocatedBytes < 8 * 1024,
                small.recorderAllocatedBytes + " -> " + large.recorderAllocatedBytes);
    }

    private static RunSummary replay(Path dir, int orders) throws Exception {
        Path file = TestCaptures.orderFile(dir.resolve("orders-" + orders + ".csv"), orders, 1000, orders);
        return Replayer.run(new ReplayOptions()
                .capture(file)
                .config(TestCaptures.config(), "test")
                .outDir(dir.resolve("run-" + orders))
                .pacing(Pacing.max())).summary();
    }
}
