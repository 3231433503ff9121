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
 * fixed allowance, about the same for 20,000 orders as for 200,000, where even one byte per order would show as
 * 180 KB more. The allowance is one-off lazy set-up inside Chronicle (a queue store's first append and read, the
 * first mapping of a chunk, a thread-safety check's first stack trace): 10 to 80 KB, and it lands in either run (in
 * the suite, after other tests left Chronicle's thread-local clean-up more to do, the driver's set-up measured 78
 * KB), which is why the growth allowed is 32 KB, not a fraction of it. A first replay loads the classes (class
 * loading allocates on the thread that triggers it: about 300 KB the first time in a fresh JVM).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReplayAllocationTest {
    /** One-off allowance per thread; measured 10 to 80 KB on Java 17 (queue store and wire set-up). */
    private static final long ALLOWANCE = 256 * 1024;
    /** 180,000 more orders may cost at most this much more: under 0.2 bytes per order. */
    private static final long GROWTH = 32 * 1024;

    @Test
    void driverAndRecorderAllocateNothingPerOrder(@TempDir Path dir) throws Exception {
        replay(dir, 200); // loads the classes of the send and record paths
        RunSummary small = replay(dir, 20_000);
        RunSummary large = replay(dir, 200_000);
        System.out.printf("allocated bytes: driver %d (20k orders) %d (200k), recorder %d (20k) %d (200k)%n",
                small.driverAllocatedBytes, large.driverAllocatedBytes,
                small.recorderAllocatedBytes, large.recorderAllocatedBytes);
        assertEquals(200_000, large.accounted);
        for (RunSummary s : new RunSummary[]{small, large}) {
            assertTrue(s.driverAllocatedBytes >= 0 && s.driverAllocatedBytes < ALLOWANCE,
                    "driver " + s.driverAllocatedBytes);
            assertTrue(s.recorderAllocatedBytes >= 0 && s.recorderAllocatedBytes < ALLOWANCE,
                    "recorder " + s.recorderAllocatedBytes);
        }
        assertTrue(large.driverAllocatedBytes - small.driverAllocatedBytes < GROWTH,
                small.driverAllocatedBytes + " -> " + large.driverAllocatedBytes);
        assertTrue(large.recorderAllocatedBytes - small.recorderAllocatedBytes < GROWTH,
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
