package dev.orderpipe.pipeline.infra;

import dev.orderpipe.pipeline.OrderInfo;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.TimeZone;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The start-up check of queue files ({@link CycleFiles}): the newest cycle file left half-created by a crash at a
 * roll, after complete older ones, in each state a kill leaves (0 bytes; first header word 0; the not-complete bit),
 * is moved aside, and a tailer opened afterwards reads the old records and the new ones the writer adds; a file whose
 * header looks unfinished but which holds records is refused. A {@code metadata.cq4t} whose header a crash left
 * begun is moved aside; one whose header nobody has begun (another process is creating it) is left to Chronicle.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CycleFilesTest {
    private static final RollCycle SECONDLY = TestRollCycles.TEST_SECONDLY;

    @Test
    void aZeroByteCycleFileAtARollIsMovedAsideAndReadersSeeWhatTheWriterAddsNext(@TempDir Path dir) throws Exception {
        rollWithHalfCreatedFile(dir, 0, -1);
    }

    @Test
    void aCycleFileWithAZeroFirstHeaderIsMovedAside(@TempDir Path dir) throws Exception {
        rollWithHalfCreatedFile(dir, 83_886_080, 0);
    }

    @Test
    void aCycleFileWithTheNotCompleteBitIsMovedAside(@TempDir Path dir) throws Exception {
        rollWithHalfCreatedFile(dir, 83_886_080, 0x8000_0000);
    }

    /** Writes 20 records in one cycle, then leaves the current cycle's file as a crash in its creation would. */
    private static void rollWithHalfCreatedFile(Path dir, long size, int header) throws Exception {
        Path queue = dir.resolve("checked");
        try (ChronicleQueue q = Queues.open(queue, SECONDLY)) {
            write(q, 1, 20);
        }
        Path halfCreated = nextCycleFile(queue);
        try (RandomAccessFile f = new RandomAccessFile(halfCreated.toFile(), "rw")) {
            f.setLength(size);
            if (header != -1)
                f.writeInt(Integer.reverseBytes(header)); // little-endian, as Chronicle writes it
        }
        try (ChronicleQueue q = CycleFiles.openRepaired("checked", queue, SECONDLY, SyncMode.NONE);
             QueueInput reader = new QueueInput("checked", q).open()) {
            assertFalse(Files.exists(halfCreated), "the half-created file was moved aside");
            assertEquals(1, discarded(queue).size(), "kept beside the queue as <file>-<millis>.discard");
            OrderInfo r = new OrderInfo();
            for (int i = 1; i <= 20; i++) {
                assertTrue(reader.read(r), "old record " + i);
                assertEquals(i, r.orderId());
            }
            assertFalse(reader.read(r));
            write(q, 21, 30); // recreates the current cycle's file
            for (int i = 21; i <= 30; i++) {
                assertTrue(reader.read(r), "new record " + i + ": the reader is not blind");
                assertEquals(i, r.orderId());
            }
            assertTrue(reader.atEnd());
        }
    }

    @Test
    void aFileWhoseHeaderLooksUnfinishedButHoldsRecordsIsRefusedNotDiscarded(@TempDir Path dir) throws Exception {
        Path queue = dir.resolve("executions");
        try (ChronicleQueue q = Queues.open(queue, SECONDLY)) {
            write(q, 1, 5);
        }
        Path file = cycleFiles(queue).get(0);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.writeInt(Integer.reverseBytes(0x8000_0000)); // a damaged header word, records after it
        }
        CycleFiles.RefusedException e = assertThrows(CycleFiles.RefusedException.class,
                () -> CycleFiles.openRepaired("executions", queue, SECONDLY, SyncMode.NONE).close());
        assertTrue(e.getMessage().startsWith("queue executions: " + file + " has an incomplete first header"
                + " (0x80000000) but holds records"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertTrue(Files.exists(file), "never moved");
        assertTrue(discarded(queue).isEmpty());
    }

    @Test
    void aMetadataFileAnotherProcessHasBegunIsWaitedForNotRefused(@TempDir Path dir) throws Exception {
        // two processes start on a new data directory together: one holds metadata.cq4t's lock while it writes it
        metadataBeingCreated(dir, 0x8000_0000);
    }

    @Test
    void aMetadataFileAnotherProcessHasNotBegunIsWaitedForNotRefused(@TempDir Path dir) throws Exception {
        metadataBeingCreated(dir, 0);
    }

    private static void metadataBeingCreated(Path dir, int header) throws Exception {
        Path queue = Files.createDirectories(dir.resolve("orders"));
        Path metadata = queue.resolve(Queues.METADATA_FILE);
        writeMetadata(metadata, header);
        Process holder = new ProcessBuilder(JvmOptions.javaCommand(List.of("-Xmx64m"), LockHolder.class.getName(),
                metadata.toString(), "1500")).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream()));
            assertEquals("locked", out.readLine());
            try (ChronicleQueue q = CycleFiles.openRepaired("orders", queue, SECONDLY, SyncMode.NONE)) {
                assertTrue(holder.waitFor(10, TimeUnit.SECONDS), "the holder ended before the queue opened");
                assertEquals(0, holder.exitValue());
                write(q, 1, 3);
                assertEquals(List.of(1L, 2L, 3L), orderIds(q));
            }
        } finally {
            holder.destroyForcibly();
        }
    }

    /**
     * Chronicle creates metadata.cq4t, maps it and only then takes its lock to begin the header: a process starting
     * beside another on a new directory sees a first header word of 0 and nobody holding the lock. Moving that file
     * aside made the other process fail on the missing file (NoSuchFileException from Chronicle's lock, seen in
     * AckedFailoverTest); the file must stay where it is, the same file, and Chronicle begins it.
     */
    @Test
    void aMetadataFileNobodyHasBegunIsLeftInPlaceForChronicle(@TempDir Path dir) throws Exception {
        Path queue = Files.createDirectories(dir.resolve("orders"));
        Path metadata = queue.resolve(Queues.METADATA_FILE);
        writeMetadata(metadata, 0);
        Object created = Files.readAttributes(metadata, BasicFileAttributes.class).fileKey();
        try (ChronicleQueue q = CycleFiles.openRepaired("orders", queue, SECONDLY, SyncMode.NONE)) {
            assertTrue(discarded(queue).isEmpty(), "nothing moved aside");
            assertEquals(created, Files.readAttributes(metadata, BasicFileAttributes.class).fileKey(),
                    "the file the other process created and mapped");
            assertTrue(CycleFiles.headerReady(metadata), "Chronicle wrote its header");
            write(q, 1, 3);
            // the other process's Chronicle opens the same file and sees the same queue
            try (ChronicleQueue other = Queues.open(queue, SECONDLY)) {
                assertEquals(List.of(1L, 2L, 3L), orderIds(other));
            }
        }
    }

    /** A crash after Chronicle began metadata.cq4t's header (nobody holds its lock any more): moved aside. */
    @Test
    void aMetadataFileACrashLeftBegunIsMovedAside(@TempDir Path dir) throws Exception {
        Path queue = Files.createDirectories(dir.resolve("orders"));
        Path metadata = queue.resolve(Queues.METADATA_FILE);
        writeMetadata(metadata, 0x8000_0000);
        try (ChronicleQueue q = CycleFiles.openRepaired("orders", queue, SECONDLY, SyncMode.NONE)) {
            assertEquals(1, discarded(queue).size(), "kept beside the queue as <file>-<millis>.discard");
            assertTrue(CycleFiles.headerReady(metadata), "created again");
            write(q, 1, 3);
            assertEquals(List.of(1L, 2L, 3L), orderIds(q));
        }
    }

    /**
     * A metadata file cut to a few bytes that are not all 0 (truncated by hand or by a disk): Chronicle would grow it
     * and read those bytes as a ready header, then fail on its 10 s lock timeout; it is moved aside like a begun one.
     */
    @Test
    void aMetadataFileOfAFewBytesNotAllZeroIsMovedAside(@TempDir Path dir) throws Exception {
        Path queue = Files.createDirectories(dir.resolve("orders"));
        Path metadata = queue.resolve(Queues.METADATA_FILE);
        Files.write(metadata, new byte[]{(byte) 0x94, 0, 0});
        assertFalse(CycleFiles.headerReady(metadata));
        try (ChronicleQueue q = CycleFiles.openRepaired("orders", queue, SECONDLY, SyncMode.NONE)) {
            assertEquals(1, discarded(queue).size());
            write(q, 1, 3);
            assertEquals(List.of(1L, 2L, 3L), orderIds(q));
        }
    }

    /** A complete metadata file cut inside its header document: damage, refused in one line, never touched. */
    @Test
    void aMetadataFileCutInsideItsHeaderIsRefused(@TempDir Path dir) throws Exception {
        Path queue = dir.resolve("orders");
        Path metadata = writtenQueuesMetadata(queue);
        try (RandomAccessFile f = new RandomAccessFile(metadata.toFile(), "rw")) {
            f.setLength(100);
        }
        assertTrue(CycleFiles.headerReady(metadata));
        CycleFiles.RefusedException e = assertThrows(CycleFiles.RefusedException.class,
                () -> CycleFiles.openRepaired("orders", queue, SECONDLY, SyncMode.NONE).close());
        assertTrue(e.getMessage().startsWith("queue orders: " + metadata + " ends inside its header (its header"
                + " word announces "), e.getMessage());
        assertTrue(e.getMessage().contains(" bytes, the file holds 100: cut short, or the word damaged); run"
                + " 'orderpipe verify' on the data directory and restore it from a copy"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertEquals(100, Files.size(metadata), "never touched");
        assertTrue(discarded(queue).isEmpty());
    }

    /**
     * A damaged header word that reads as ready (garbage announcing a header longer than the file): refused in one
     * line at once, where Chronicle failed on its 10 s lock timeout with a message about a lock.
     */
    @Test
    void aMetadataFileWithAGarbageHeaderWordIsRefusedAtOnce(@TempDir Path dir) throws Exception {
        Path queue = dir.resolve("orders");
        Path metadata = writtenQueuesMetadata(queue);
        try (RandomAccessFile f = new RandomAccessFile(metadata.toFile(), "rw")) {
            f.writeInt(Integer.reverseBytes(0x1234_5678));
        }
        long start = System.nanoTime();
        CycleFiles.RefusedException e = assertThrows(CycleFiles.RefusedException.class,
                () -> CycleFiles.openRepaired("orders", queue, SECONDLY, SyncMode.NONE).close());
        assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) < 5, "no lock timeout");
        assertTrue(e.getMessage().contains("ends inside its header (its header word announces 305419900 bytes, the"
                + " file holds "), e.getMessage());
        assertThrows(CycleFiles.RefusedException.class, () -> CycleFiles.requireTableStoreUsable("orders", queue));
    }

    /**
     * A writer that does not repair (another process's OrderEntry) refuses a metadata file a crash left begun, in one
     * line and at once, instead of Chronicle's stack trace after its 10 s lock timeout; the file stays for the
     * pipeline's repair.
     */
    @Test
    void aWriterThatDoesNotRepairRefusesABegunMetadataFileInOneLine(@TempDir Path dir) throws Exception {
        Path queue = Files.createDirectories(dir.resolve("orders"));
        Path metadata = queue.resolve(Queues.METADATA_FILE);
        writeMetadata(metadata, 0x8000_0000);
        long start = System.nanoTime();
        CycleFiles.RefusedException e = assertThrows(CycleFiles.RefusedException.class,
                () -> CycleFiles.requireTableStoreUsable("orders", queue));
        assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) < 5, "no lock timeout");
        assertEquals("queue orders: " + metadata + " was left half-created by a crash: start the pipeline on its data"
                + " directory ('orderpipe run'), which repairs it, before writing to the queue", e.getMessage());
        assertTrue(Files.exists(metadata));
        assertTrue(discarded(queue).isEmpty());
        writeMetadata(metadata, 0); // created, not begun: Chronicle's to begin
        CycleFiles.requireTableStoreUsable("orders", queue);
    }

    /** A FIFO where metadata.cq4t should be would block a read forever: refused in one line instead. */
    @Test
    void aMetadataFileThatIsNotARegularFileIsRefused(@TempDir Path dir) throws Exception {
        Path queue = Files.createDirectories(dir.resolve("orders"));
        Path metadata = queue.resolve(Queues.METADATA_FILE);
        assertEquals(0, new ProcessBuilder("mkfifo", metadata.toString()).start().waitFor());
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> CycleFiles.openRepaired("orders", queue, SECONDLY, SyncMode.NONE).close());
        assertEquals("cannot read " + metadata + ": not a regular file", e.getMessage());
    }

    /**
     * A queue directory, metadata.cq4t or cycle file that is a symbolic link to nothing: Chronicle would create the
     * link's target, wherever it points (outside the data directory), or fail with a stack trace; every opening of a
     * queue to write (the pipeline's repair, an OrderEntry, the gateway's own queues: all through Queues.open)
     * refuses it in one line instead, and nothing is created.
     */
    @Test
    void aDanglingSymbolicLinkInAQueueIsRefusedAndItsTargetNeverCreated(@TempDir Path dir) throws Exception {
        Path queue = Files.createDirectories(dir.resolve("orders"));
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        String what = ", which leads to no file (missing, or a loop of links): remove the link, or restore its target";

        Path metadata = queue.resolve(Queues.METADATA_FILE);
        Files.createSymbolicLink(metadata, elsewhere.resolve("metadata.cq4t"));
        CycleFiles.RefusedException e = assertThrows(CycleFiles.RefusedException.class,
                () -> CycleFiles.openRepaired("orders", queue, SECONDLY, SyncMode.NONE).close());
        assertEquals("queue " + queue + ": " + metadata + " is a symbolic link to " + elsewhere.resolve("metadata.cq4t")
                + what, e.getMessage());
        assertThrows(CycleFiles.RefusedException.class, () -> Queues.open(queue, SECONDLY).close());
        Files.delete(metadata);

        // a cycle file, this cycle's or a later one's (what a writer's roll would create)
        Path cycle = queue.resolve("20991231-235959T.cq4");
        Files.createSymbolicLink(cycle, elsewhere.resolve("cycle.cq4"));
        e = assertThrows(CycleFiles.RefusedException.class, () -> Queues.open(queue, SECONDLY).close());
        assertEquals("queue " + queue + ": " + cycle + " is a symbolic link to " + elsewhere.resolve("cycle.cq4")
                + what, e.getMessage());
        Files.delete(cycle);

        // a loop of links
        Files.createSymbolicLink(metadata, queue.resolve("a"));
        Files.createSymbolicLink(queue.resolve("a"), metadata);
        assertThrows(CycleFiles.RefusedException.class, () -> Queues.open(queue, SECONDLY).close());
        Files.delete(metadata);
        Files.delete(queue.resolve("a"));

        // the queue directory itself
        Path linked = dir.resolve("checked");
        Files.createSymbolicLink(linked, elsewhere.resolve("gone"));
        e = assertThrows(CycleFiles.RefusedException.class, () -> Queues.open(linked, SECONDLY).close());
        assertEquals("queue " + linked + ": " + linked + " is a symbolic link to " + elsewhere.resolve("gone") + what,
                e.getMessage());

        // a lock file (the pipeline's, retention's, the gateway's): opening it would create the target
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.createSymbolicLink(data.resolve(DataDirLock.FILE), elsewhere.resolve("pipeline.lock"));
        e = assertThrows(CycleFiles.RefusedException.class, () -> DataDirLock.tryAcquire(data, DataDirLock.FILE));
        assertEquals(data.resolve(DataDirLock.FILE) + " is a symbolic link to " + elsewhere.resolve("pipeline.lock")
                + ", which leads to no file (missing, or a loop of links): remove the link, or restore its target",
                e.getMessage());

        try (Stream<Path> created = Files.list(elsewhere)) {
            assertEquals(List.of(), created.toList(), "nothing created where a link points");
        }

        // a link to a file that exists is the user's choice: used as the file itself
        Path real = writtenQueuesMetadata(dir.resolve("real"));
        Files.createSymbolicLink(metadata, real);
        try (ChronicleQueue q = CycleFiles.openRepaired("orders", queue, SECONDLY, SyncMode.NONE)) {
            write(q, 1, 3);
        }
        assertTrue(Files.isSymbolicLink(metadata));
    }

    /** Writes 3 records to a new queue in {@code queue} and closes it: its complete metadata file. */
    private static Path writtenQueuesMetadata(Path queue) {
        try (ChronicleQueue q = Queues.open(queue, SECONDLY)) {
            write(q, 1, 3);
        }
        return queue.resolve(Queues.METADATA_FILE);
    }

    /** A metadata file of Chronicle's mapped size whose first header word is {@code header}, the rest zeros. */
    private static void writeMetadata(Path metadata, int header) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(metadata.toFile(), "rw")) {
            f.setLength(131_072);
            f.writeInt(Integer.reverseBytes(header)); // little-endian, as Chronicle writes it
        }
    }

    /** Holds the file lock of {@code args[0]} for {@code args[1]} ms (as Chronicle does while it creates the file). */
    public static final class LockHolder {
        public static void main(String[] args) throws Exception {
            try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.READ, StandardOpenOption.WRITE);
                 FileLock lock = ch.lock()) {
                System.out.println("locked");
                System.out.flush();
                Thread.sleep(Long.parseLong(args[1]));
            }
        }
    }

    private static void write(ChronicleQueue q, int from, int to) {
        try (ExcerptAppender appender = q.createAppender()) {
            OrderInfo r = new OrderInfo();
            for (int i = from; i <= to; i++)
                appender.writeBytes(r.reset().orderId(i));
        }
    }

    private static List<Long> orderIds(ChronicleQueue q) {
        List<Long> ids = new ArrayList<>();
        try (ExcerptTailer tailer = q.createTailer()) {
            OrderInfo r = new OrderInfo();
            while (tailer.readBytes(r.reset()))
                ids.add(r.orderId());
        }
        return ids;
    }

    /** The file of the cycle that is current once the clock has moved past the last written one. */
    private static Path nextCycleFile(Path queue) throws InterruptedException, IOException {
        int last = SECONDLY.current(SystemTimeProvider.INSTANCE, 0);
        while (SECONDLY.current(SystemTimeProvider.INSTANCE, 0) == last)
            Thread.sleep(10);
        int cycle = SECONDLY.current(SystemTimeProvider.INSTANCE, 0);
        SimpleDateFormat format = new SimpleDateFormat(SECONDLY.format());
        format.setTimeZone(TimeZone.getTimeZone("UTC"));
        String name = format.format(new Date((long) cycle * SECONDLY.lengthInMillis()));
        Path file = queue.resolve(name + Queues.QUEUE_FILE_SUFFIX);
        assertFalse(Files.exists(file));
        assertFalse(cycleFiles(queue).isEmpty(), "complete older files"); // the 20 records may span two seconds
        return file;
    }

    private static List<Path> cycleFiles(Path queue) throws IOException {
        try (Stream<Path> s = Files.list(queue)) {
            return s.filter(p -> p.toString().endsWith(Queues.QUEUE_FILE_SUFFIX)).sorted().toList();
        }
    }

    private static List<Path> discarded(Path queue) throws IOException {
        try (Stream<Path> s = Files.list(queue)) {
            return s.filter(p -> p.toString().endsWith(CycleFiles.DISCARD_SUFFIX)).toList();
        }
    }
}
