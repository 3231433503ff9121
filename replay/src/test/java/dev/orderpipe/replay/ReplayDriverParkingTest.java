package dev.orderpipe.replay;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.TestPipelines;
import dev.orderpipe.pipeline.infra.DiskSpaceGuard;
import dev.orderpipe.pipeline.infra.Queues;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A driver that parks through every wait ({@code spinNanos(0)}, the bench's driver beside replication) still sends
 * every order, in order, none before its intended time; at 20,000/s several go at each wake-up.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReplayDriverParkingTest {
    @Test
    void aParkingDriverSendsEveryOrderInOrderNeverEarly(@TempDir Path dir) throws Exception {
        int n = 10_000;
        SendSchedule schedule = SendSchedule.of(Pacing.rate(20_000), n);
        long start = System.nanoTime() + ReplayDriver.START_LEAD_NANOS;
        try (ChronicleQueue orders = Queues.open(dir.resolve("orders"), RollCycles.FAST_DAILY);
             DiskSpaceGuard guard = new DiskSpaceGuard(dir, 0);
             ReplayDriver driver = new ReplayDriver(() -> new Numbered(n), orders, guard, schedule, start, 0)
                     .spinNanos(0)) {
            driver.start("parking-driver");
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!driver.isDone() && System.nanoTime() < end)
                Thread.sleep(10);
            assertTrue(driver.isDone(), "the driver did not finish");
            assertEquals(null, driver.failure());
        }
        List<OrderInfo> sent = TestPipelines.readAll(dir.resolve("orders"));
        assertEquals(n, sent.size());
        int sharedAWakeUp = 0;
        for (int i = 0; i < n; i++) {
            OrderInfo o = sent.get(i);
            assertEquals(i, o.writerSeq());
            assertEquals(i + 1, o.orderId());
            assertTrue(o.ingressNanos() >= start + schedule.offset(i), "order " + i + " sent early");
            if (i > 0 && o.ingressNanos() - sent.get(i - 1).ingressNanos() < 10_000)
                sharedAWakeUp++;
        }
        // 50 us apart, and a park lasts at least Linux's 50 us timer slack: most orders go with another
        assertTrue(sharedAWakeUp > 0, "every order was sent on a wake-up of its own");
    }

    @Test
    void aNegativeSpinIsRefused(@TempDir Path dir) {
        try (ChronicleQueue orders = Queues.open(dir.resolve("orders"), RollCycles.FAST_DAILY);
             DiskSpaceGuard guard = new DiskSpaceGuard(dir, 0);
             ReplayDriver driver = new ReplayDriver(() -> new Numbered(1), orders, guard,
                     SendSchedule.of(Pacing.rate(1_000), 1), System.nanoTime(), 0)) {
            assertThrows(IllegalArgumentException.class, () -> driver.spinNanos(-1));
        }
    }

    /**
     * The driver writes through the stages' write path: with the driven pipeline's disk guard low it stops before
     * its first write, with the guard's one-line reason as its failure, where it wrote into mapped pages the
     * filesystem could not back.
     */
    @Test
    void aDriverStopsBeforeTheDiskFills(@TempDir Path dir) throws Exception {
        try (ChronicleQueue orders = Queues.open(dir.resolve("orders"), RollCycles.FAST_DAILY);
             DiskSpaceGuard guard = new DiskSpaceGuard(dir, 1L << 40); // more than any disk has free: low at once
             ReplayDriver driver = new ReplayDriver(() -> new Numbered(100), orders, guard,
                     SendSchedule.of(Pacing.max(), 100), System.nanoTime(), 0)) {
            assertTrue(guard.isLow());
            driver.start("guarded-driver");
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!driver.isDone() && System.nanoTime() < end)
                Thread.sleep(10);
            assertTrue(driver.isDone(), "the driver did not stop");
            assertTrue(driver.failure() instanceof DiskSpaceGuard.DiskFullException, String.valueOf(driver.failure()));
            assertTrue(driver.failure().getMessage().startsWith("queue 'orders' stopped before the disk filled: "),
                    driver.failure().getMessage());
            assertEquals(0, driver.sent());
        }
        try (Stream<Path> files = Files.list(dir.resolve("orders"))) {
            assertTrue(files.noneMatch(f -> f.toString().endsWith(".cq4")), "nothing written");
        }
    }

    /** Orders 1..n for account 7, AAPL. */
    private static final class Numbered implements RecordSource {
        private final int n;
        private int next;

        Numbered(int n) {
            this.n = n;
        }

        @Override
        public boolean next(OrderInfo into) {
            if (next == n)
                return false;
            next++;
            into.reset().orderId(next).account(7).quantity(100);
            return true;
        }

        @Override
        public void close() {
        }
    }
}
