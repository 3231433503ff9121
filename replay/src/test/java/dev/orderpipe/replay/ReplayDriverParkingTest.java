package dev.orderpipe.replay;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.TestPipelines;
import dev.orderpipe.pipeline.infra.Queues;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
             ReplayDriver driver = new ReplayDriver(() -> new Numbered(n), orders, schedule, start, 0)
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
             ReplayDriver driver = new ReplayDriver(() -> new Numbered(1), orders,
                     SendSchedule.of(Pacing.rate(1_000), 1), System.nanoTime(), 0)) {
            assertThrows(IllegalArgumentException.class, () -> driver.spinNanos(-1));
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
