package dev.orderpipe.pipeline.infra;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.integrity.QueueVerifier;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A writer killed with SIGKILL in the middle of a record: the queue stays readable up to the last complete record,
 * and the next writer recovers the half-written one (Chronicle's incomplete-record recovery) and appends after it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HalfWrittenRecordTest {

    /** Child JVM: writes 100 whole records, then starts a record and hangs inside it until killed. */
    public static final class HalfWriter {
        public static void main(String[] args) throws Exception {
            try (ChronicleQueue q = Queues.open(Path.of(args[0]), RollCycles.FAST_DAILY);
                 ExcerptAppender appender = q.createAppender()) {
                OrderInfo r = new OrderInfo();
                for (int i = 1; i <= 100; i++)
                    appender.writeBytes(r.reset().orderId(i));
                DocumentContext dc = appender.writingDocument();
                dc.wire().bytes().writeByte(OrderInfo.FORMAT).writeLong(101); // half an OrderInfo
                System.out.println("inside a record");
                System.out.flush();
                Thread.sleep(60_000);
            }
        }
    }

    @Test
    void aWriterKilledMidRecordLeavesTheQueueReadableAndRecoverable(@TempDir Path dir) throws Exception {
        Path queue = dir.resolve("orders");
        Process child = new ProcessBuilder(JvmOptions.javaCommand(List.of("-Xmx128m"), HalfWriter.class.getName(),
                queue.toString())).redirectErrorStream(true).start();
        String line;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()));
            while ((line = out.readLine()) != null && !line.equals("inside a record")) {
                // Chronicle's start-up log lines
            }
        } finally {
            child.destroyForcibly(); // SIGKILL, inside the record (or after a failure: never left running)
        }
        assertEquals("inside a record", line);
        assertTrue(child.waitFor(10, TimeUnit.SECONDS));
        // the integrity check (pipeline start, tools) does not take the half-written record for damage
        QueueVerifier.checkQueue("orders", queue, RollCycles.FAST_DAILY);

        try (ChronicleQueue q = Queues.open(queue, RollCycles.FAST_DAILY)) {
            // readers see every complete record and stop at the half-written one, without error
            try (ExcerptTailer tailer = q.createTailer()) {
                OrderInfo r = new OrderInfo();
                for (int i = 1; i <= 100; i++) {
                    assertTrue(tailer.readBytes(r.reset()), "record " + i);
                    assertEquals(i, r.orderId());
                }
                assertFalse(tailer.readBytes(r.reset()), "the half-written record is not delivered");
            }
            // a new writer recovers it and appends after it
            long t0 = System.nanoTime();
            try (ExcerptAppender appender = q.createAppender()) {
                appender.writeBytes(new OrderInfo().orderId(102));
            }
            System.out.printf("recovered the half-written record in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            try (ExcerptTailer tailer = q.createTailer()) {
                OrderInfo r = new OrderInfo();
                long n = 0, last = 0;
                while (tailer.readBytes(r.reset())) {
                    n++;
                    last = r.orderId();
                }
                assertEquals(101, n, "100 old records and the new one");
                assertEquals(102, last);
            }
        }
    }
}
