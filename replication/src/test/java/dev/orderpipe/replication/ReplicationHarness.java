package dev.orderpipe.replication;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BooleanSupplier;

/** What the replication tests share: the records of a queue as text, waiting for a condition. */
final class ReplicationHarness {
    private ReplicationHarness() {
    }

    /** Every record of the queue in {@code dir}: its index (hex) and bytes (hex), one string each. */
    static List<String> records(Path dir) {
        List<String> out = new ArrayList<>();
        try (ChronicleQueue q = SingleChronicleQueueBuilder.binary(dir).readOnly(true).build();
             ExcerptTailer t = q.createTailer()) {
            while (true) {
                try (DocumentContext dc = t.readingDocument()) {
                    if (!dc.isPresent())
                        break;
                    Bytes<?> b = dc.wire().bytes();
                    byte[] bytes = new byte[(int) b.readRemaining()];
                    b.read(bytes);
                    out.add(Long.toHexString(dc.index()) + " " + HexFormat.of().formatHex(bytes));
                }
            }
        }
        return out;
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
