package dev.orderpipe.pipeline.api;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Prices;
import dev.orderpipe.pipeline.SmallTmpfs;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.TestPipelines;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.codes.Side;
import dev.orderpipe.pipeline.codes.TimeInForce;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.infra.DiskSpaceGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A writer of another process (a feed handler, the FIX gateway) on a disk that fills: it wrote into mapped pages the
 * filesystem could not back, died on a SIGBUS ({@code InternalError}) and left a damaged record on {@code orders}.
 * Now it refuses each write at the pipeline's {@code minFreeDiskMb}, writes nothing, and goes on once space is freed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OrderEntryDiskFullTest {
    private static final long AAPL = Symbols.encode("AAPL");

    @Test
    void refusesEachWriteBeforeTheDiskFillsAndGoesOnOnceSpaceIsFreed(@TempDir Path dir) throws Exception {
        try (SmallTmpfs fs = SmallTmpfs.mount(dir.resolve("small-fs"), 48)) {
            Path filler = fs.path().resolve("filler");
            try (RandomAccessFile f = new RandomAccessFile(filler.toFile(), "rw")) {
                f.write(new byte[16 << 20]); // written, not sparse: it takes the space
            }
            PipelineConfig config = PipelineConfig.loadDefault();
            config.dataDir = fs.path().resolve("data").toString();
            config.minFreeDiskMb = 8;
            long written = 0;
            try (OrderEntry entry = OrderEntry.open(config.validate(), 42)) {
                DiskSpaceGuard.DiskFullException refused = null;
                while (refused == null) {
                    if (written > 1_000_000)
                        fail("48 MB never ran out after " + written + " orders");
                    try {
                        entry.newOrder(written + 1, 7, AAPL, Side.BUY, OrderType.LIMIT, TimeInForce.GTC,
                                Prices.parse("1.00"), 10);
                        written++;
                    } catch (DiskSpaceGuard.DiskFullException e) {
                        refused = e;
                    }
                }
                assertTrue(written > 10_000, "wrote until the mark: " + written);
                String message = refused.getMessage();
                assertTrue(message.matches("queue 'orders' refused the write before the disk filled: \\S+ has \\d+ MB"
                        + " free, below minFreeDiskMb 8; nothing was written: free space and write again"), message);
                assertTrue(entry.refusal().matches("disk nearly full: \\d+ MB free, below minFreeDiskMb 8"),
                        entry.refusal());
                assertEquals(written, entry.writerSeq(), "the refused write took no number");
                assertEquals(written, entry.lastAppended().writerSeq(), "lastAppended is still the last appended");
                assertThrows(DiskSpaceGuard.DiskFullException.class, () -> entry.cancel(1, 7), "every call refuses");

                Files.delete(filler);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (entry.refusal() != null && System.nanoTime() < deadline)
                    Thread.sleep(5);
                assertNull(entry.refusal(), "space freed");
                entry.cancel(1, 7);
                written++;
                assertEquals(written, entry.writerSeq());
            }
            List<OrderInfo> records = TestPipelines.readAll(fs.path().resolve("data").resolve("orders"));
            assertEquals(written, records.size(), "every record written is whole and readable, none beyond");
            for (int i = 0; i < records.size(); i++)
                assertEquals(i + 1, records.get(i).writerSeq());
        }
    }
}
