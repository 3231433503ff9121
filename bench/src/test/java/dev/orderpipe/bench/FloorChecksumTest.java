package dev.orderpipe.bench;

import dev.orderpipe.pipeline.DamagedRecordException;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.config.PipelineConfig;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The floor's checksum flag reaches both ends: without checksums the driver writes 0 in every record's trailer (and
 * the floor's reader accepts them); with checksums every trailer is the record's CRC32C.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FloorChecksumTest {
    private static final int ORDERS = 2_000;

    @Test
    void theFloorWithoutChecksumsWritesZeroTrailersAndReadsThem(@TempDir Path dir) {
        PipelineConfig config = PipelineConfig.loadDefault();
        Workload w = Workload.generate(config, ORDERS, 5, dir.resolve("orders.csv"));
        for (boolean checksums : new boolean[]{false, true}) {
            Path run = dir.resolve(checksums ? "on" : "off");
            // the floor's reader fails the run on a record whose checksum it checks and finds wrong
            AllocatingEquivalenceTest.sendAll(SystemUnderTest.floor(run, config, false, checksums, -1), w, run);
        }

        try (ChronicleQueue q = raw(dir.resolve("off/floor")); ExcerptTailer t = q.createTailer()) {
            for (int i = 0; i < ORDERS; i++)
                assertEquals(0, trailer(t), "record " + i);
            assertEquals(-1, trailer(t));
            DamagedRecordException e = assertThrows(DamagedRecordException.class,
                    () -> q.createTailer().readBytes(new OrderInfo()));
            assertSame(DamagedRecordException.CHECKSUM, e);
        }
        try (ChronicleQueue q = raw(dir.resolve("on/floor")); ExcerptTailer t = q.createTailer();
             ExcerptTailer checked = q.createTailer()) {
            OrderInfo r = new OrderInfo();
            for (int i = 0; i < ORDERS; i++) {
                assertNotEquals(0, trailer(t), "record " + i);
                assertTrue(checked.readBytes(r.reset()), "record " + i);
                assertEquals(i, r.writerSeq());
            }
            assertEquals(-1, trailer(t));
        }
    }

    /** The queue without orderpipe's start-up check, which rightly takes a zero checksum for damage. */
    private static ChronicleQueue raw(Path dir) {
        return SingleChronicleQueueBuilder.binary(dir).readOnly(true).build();
    }

    /** The last 4 bytes of the next record (its checksum), or -1 when there is none. */
    private static long trailer(ExcerptTailer t) {
        try (DocumentContext dc = t.readingDocument()) {
            if (!dc.isPresent())
                return -1;
            Bytes<?> b = dc.wire().bytes();
            assertEquals(OrderInfo.BINARY_LENGTH, b.readRemaining());
            return b.readInt(b.readPosition() + OrderInfo.BINARY_LENGTH - 4) & 0xFFFF_FFFFL;
        }
    }
}
