package dev.orderpipe.pipeline.infra;

import dev.orderpipe.pipeline.Pipeline;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.TestPipelines;
import dev.orderpipe.pipeline.config.PipelineConfig;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QueuePretoucherTest {
    @Test
    void touchesAheadOfTheWriterAcrossChunksWithoutChangingARecord(@TempDir Path dir) throws Exception {
        int records = 300_000; // about 53 MB: more than one chunk of a small-block queue
        try (ChronicleQueue queue = net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder
                .binary(dir).rollCycle(RollCycles.FAST_DAILY).blockSize(16 << 20).build()) {
            OrderInfo r = new OrderInfo();
            try (QueuePretoucher pretoucher = new QueuePretoucher("test", List.of(queue),
                    TimeUnit.MILLISECONDS.toNanos(1)).start();
                 ExcerptAppender appender = queue.createAppender()) {
                for (int i = 0; i < records; i++) {
                    appender.writeBytes(r.reset().orderId(i + 1).quantity(i).writerSeq(i));
                    if (i % 20_000 == 0)
                        Thread.sleep(5); // let the pretoucher's rounds run while the queue grows
                }
                Thread.sleep(20);
                assertTrue(pretoucher.pagesTouched() > (QueuePretoucher.MIN_HEADROOM >> 12),
                        "touched " + pretoucher.pagesTouched() + " pages");
            }
            try (ExcerptTailer tailer = queue.createTailer()) {
                int n = 0;
                while (tailer.readBytes(r.reset())) {
                    assertEquals(n + 1, r.orderId());
                    assertEquals(n, r.quantity());
                    n++;
                }
                assertEquals(records, n);
            }
        }
    }

    /**
     * Bursts far larger than a round's worth, rounds far apart: the headroom follows the writer's rate but stays
     * within {@link QueuePretoucher#MAX_HEADROOM}, so the file holds no more than that beyond its records (it followed
     * eight rounds' advance before, without bound: a replica's 323 MB copy was touched to 2.4 GB).
     */
    @Test
    void touchesNoMoreThanTheMostHeadroomAheadOfABurstyWriter(@TempDir Path dir) throws Exception {
        try (ChronicleQueue queue = net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder
                .binary(dir).rollCycle(RollCycles.FAST_DAILY).build()) {
            OrderInfo r = new OrderInfo();
            try (QueuePretoucher pretoucher = new QueuePretoucher("test", List.of(queue),
                    TimeUnit.MILLISECONDS.toNanos(300)).start();
                 ExcerptAppender appender = queue.createAppender()) {
                int perBurst = (24 << 20) / OrderInfo.BINARY_LENGTH;
                for (int burst = 0, seq = 0; burst < 4; burst++) {
                    for (int i = 0; i < perBurst; i++, seq++)
                        appender.writeBytes(r.reset().orderId(seq + 1).writerSeq(seq));
                    Thread.sleep(400); // a round between bursts sees 24 MB more
                }
                assertTrue(pretoucher.pagesTouched() > 0);
                assertTrue(pretoucher.mostAhead() <= QueuePretoucher.MAX_HEADROOM + 4096,
                        "touched " + pretoucher.mostAhead() + " bytes ahead of the writer");
            }
        }
    }

    @Test
    void aPipelineWithPretouchProcessesAnOrderFile(@TempDir Path dir) throws Exception {
        Path orders = dir.resolve("orders.csv");
        java.nio.file.Files.writeString(orders, "ts_nanos,action,order_id,account,symbol,side,type,tif,price,qty\n"
                + "1,NEW,1,7,AAPL,BUY,LIMIT,GTC,189.2500,300\n"
                + "2,NEW,2,8,AAPL,SELL,LIMIT,GTC,189.2500,100\n");
        PipelineConfig config = TestPipelines.config(dir.resolve("data"), orders);
        config.pretouch = true;
        Pipeline pipeline = TestPipelines.runToEnd(config.validate());
        assertEquals(4, pipeline.counts().reports()); // NEW; NEW and two TRADEs
    }
}
