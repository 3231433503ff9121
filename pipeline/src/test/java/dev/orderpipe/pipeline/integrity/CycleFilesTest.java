package dev.orderpipe.pipeline.integrity;

import dev.orderpipe.pipeline.DamagedFiles;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.infra.QueueDamagedException;
import dev.orderpipe.pipeline.infra.QueueInput;
import dev.orderpipe.pipeline.infra.Queues;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The framing checks on queue files of several cycles: what the quick check (start-up, tools) finds in O(1) per
 * older file, what only the full scan ({@code verify}) and the readers find, and that a live appender is never
 * taken for damage.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CycleFilesTest {
    private static final int CYCLES = 3;
    private static final int PER_CYCLE = 50;

    /** A queue of 3 one-second cycles of 50 records each (orderId 1..150), written with a clock that we move. */
    private static Path threeCycles(Path dir) {
        SetTimeProvider time = new SetTimeProvider("2026-01-05T10:00:00");
        try (ChronicleQueue q = SingleChronicleQueueBuilder.binary(dir).rollCycle(TestRollCycles.TEST_SECONDLY)
                .timeProvider(time).build(); ExcerptAppender a = q.createAppender()) {
            OrderInfo r = new OrderInfo();
            for (int c = 0; c < CYCLES; c++) {
                for (int i = 1; i <= PER_CYCLE; i++)
                    a.writeBytes(r.reset().orderId(c * PER_CYCLE + i).writerSeq(c * PER_CYCLE + i));
                time.advanceMillis(1000);
            }
        }
        return dir;
    }

    private static List<Path> cycleFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(Queues.QUEUE_FILE_SUFFIX)).sorted().toList();
        }
    }

    private static QueueDamagedException quickCheckFails(Path dir) {
        return assertThrows(QueueDamagedException.class,
                () -> QueueVerifier.checkQueue("q", dir, RollCycles.FAST_DAILY));
    }

    /** Every record of the queue through the full scan, or the problem it stopped at. */
    private static List<Long> scan(Path dir, AtomicReference<QueueDamagedException> problem) {
        List<Long> ids = new ArrayList<>();
        try (QueueScanner s = new QueueScanner(QueueFiles.list("q", dir, RollCycles.FAST_DAILY, RecordKind.ORDER))) {
            while (s.next())
                ids.add(s.record().orderId());
            problem.set(s.damage());
        }
        return ids;
    }

    @Test
    void aSoundQueueOfSeveralCyclesPassesBothChecks(@TempDir Path dir) throws IOException {
        threeCycles(dir);
        assertEquals(CYCLES, cycleFiles(dir).size());
        QueueVerifier.checkQueue("q", dir, RollCycles.FAST_DAILY);
        AtomicReference<QueueDamagedException> problem = new AtomicReference<>();
        List<Long> ids = scan(dir, problem);
        assertNull(problem.get());
        assertEquals(CYCLES * PER_CYCLE, ids.size());
        for (int i = 0; i < ids.size(); i++)
            assertEquals(i + 1, ids.get(i));
    }

    @Test
    void anOlderCycleFileCutShortIsRefusedByTheQuickCheck(@TempDir Path dir) throws IOException {
        threeCycles(dir);
        Path first = cycleFiles(dir).get(0);
        long offset = DamagedFiles.recordOffsets(first).get(20);
        try (RandomAccessFile f = new RandomAccessFile(first.toFile(), "rw")) {
            f.setLength(offset + 10);
        }
        QueueDamagedException e = quickCheckFails(dir);
        assertTrue(e.getMessage().contains(first.getFileName() + ": the file ends at byte " + (offset + 10)
                + ", before its last record"), e.getMessage());
        AtomicReference<QueueDamagedException> problem = new AtomicReference<>();
        assertEquals(20, scan(dir, problem).size(), "the full scan reads up to the cut");
        assertTrue(problem.get().where().startsWith("index 0x"), problem.get().getMessage());
        assertTrue(problem.get().where().endsWith("byte " + offset + " of " + first.getFileName()),
                problem.get().getMessage());
    }

    @Test
    void anOlderCycleWhoseLastHeaderIsZeroedIsRefusedByTheQuickCheck(@TempDir Path dir) throws IOException {
        threeCycles(dir);
        Path second = cycleFiles(dir).get(1);
        long offset = DamagedFiles.recordOffsets(second).get(PER_CYCLE - 1);
        try (RandomAccessFile f = new RandomAccessFile(second.toFile(), "rw")) {
            f.seek(offset);
            f.writeInt(0);
        }
        QueueDamagedException e = quickCheckFails(dir);
        assertTrue(e.where().contains("record " + (PER_CYCLE - 1) + "), byte " + offset + " of "
                + second.getFileName()), e.getMessage());
    }

    /**
     * A zeroed header in the middle of an older cycle is beyond what the quick check reads (O(1) per older file):
     * the full scan finds it, and a reader going through the queue stops there loudly instead of skipping to the
     * next cycle or stopping early as if at the end.
     */
    @Test
    void aZeroedHeaderInsideAnOlderCycleIsFoundByTheScanAndByReaders(@TempDir Path dir) throws IOException {
        threeCycles(dir);
        Path first = cycleFiles(dir).get(0);
        long offset = DamagedFiles.recordOffsets(first).get(10);
        try (RandomAccessFile f = new RandomAccessFile(first.toFile(), "rw")) {
            f.seek(offset);
            f.writeInt(0);
        }
        QueueVerifier.checkQueue("q", dir, RollCycles.FAST_DAILY); // documented limit of the quick check
        AtomicReference<QueueDamagedException> problem = new AtomicReference<>();
        assertEquals(10, scan(dir, problem).size());
        assertTrue(problem.get().getMessage().contains("the data ends at byte " + offset + " (a zero header) but the"
                + " queue header says records were written up to byte"), problem.get().getMessage());

        try (ChronicleQueue q = SingleChronicleQueueBuilder.binary(dir).readOnly(true).build();
             QueueInput in = new QueueInput("q", q).open()) {
            OrderInfo r = new OrderInfo();
            long read = 0;
            QueueDamagedException stopped = null;
            try {
                while (in.readOrEnd(r)) {
                    read++;
                    assertEquals(read, r.orderId(), "no record skipped");
                }
            } catch (QueueDamagedException ex) {
                stopped = ex;
            }
            assertEquals(10, read);
            assertTrue(stopped != null && stopped.index() == q.rollCycle().toIndex(
                    q.rollCycle().toCycle(q.firstIndex()), 10), "stops loudly at record 10: " + stopped);
        }
    }

    @Test
    void aFileThatIsNotACycleFileOfTheRollCycleIsNamed(@TempDir Path dir) throws IOException {
        threeCycles(dir);
        Files.writeString(dir.resolve("notes" + Queues.QUEUE_FILE_SUFFIX), "hello");
        QueueDamagedException e = quickCheckFails(dir);
        assertTrue(e.getMessage().contains("notes.cq4: not a cycle file of this queue's roll cycle"), e.getMessage());
    }

    /**
     * A live appender in another thread: the quick check, run over and over while records are appended (Chronicle
     * writes a record's bytes before its header word, and grows the file chunk by chunk: small chunks here, so it
     * grows often), never takes the growing end for damage.
     */
    @Test
    void aLiveAppenderIsNeverTakenForDamage(@TempDir Path dir) throws Exception {
        Path queue = dir.resolve("q");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> writerFailed = new AtomicReference<>();
        int checks = 0; // run while the writer writes
        try (ChronicleQueue q = SingleChronicleQueueBuilder.binary(queue).rollCycle(RollCycles.FAST_DAILY)
                .blockSize(1 << 16).build()) {
            try (ExcerptAppender a = q.createAppender()) {
                a.writeBytes(new OrderInfo().orderId(1).writerSeq(1)); // the file exists before the first check
            }
            Thread writer = new Thread(() -> {
                try (ExcerptAppender a = q.createAppender()) {
                    OrderInfo r = new OrderInfo();
                    for (long i = 2; i <= 60_000 && !stop.get(); i++) {
                        a.writeBytes(r.reset().orderId(i).writerSeq(i));
                        if (i % 200 == 0)
                            LockSupport.parkNanos(1_000_000); // paced: checks overlap many appends and file growths
                    }
                } catch (Throwable t) {
                    writerFailed.set(t);
                }
            }, "writer");
            writer.start();
            try {
                while (writer.isAlive()) {
                    QueueVerifier.checkQueue("q", queue, RollCycles.FAST_DAILY);
                    checks++;
                }
            } finally {
                stop.set(true);
                writer.join();
            }
            assertNull(writerFailed.get());
            assertEquals(60_000, q.rollCycle().toSequenceNumber(q.lastIndex()) + 1);
        }
        assertTrue(checks >= 3, "checks ran while the writer wrote: " + checks);
        QueueVerifier.checkQueue("q", queue, RollCycles.FAST_DAILY);
    }
}
