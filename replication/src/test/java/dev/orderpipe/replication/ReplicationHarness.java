package dev.orderpipe.replication;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

/** What the replication tests share: the records of a queue as text, waiting for a condition. */
final class ReplicationHarness {
    private ReplicationHarness() {
    }

    /** Every record of the queue in {@code dir}: its index (hex) and bytes (hex), one string each. */
    static List<String> records(Path dir) {
        return dev.orderpipe.pipeline.TestPipelines.rawRecords(dir);
    }

    /** Waits until {@code condition} holds, at most {@code millis}; fails with {@code what}. */
    static void await(BooleanSupplier condition, long millis, java.util.function.Supplier<String> what)
            throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > end)
                throw new AssertionError("timed out: " + what.get());
            Thread.sleep(20);
        }
    }
}
