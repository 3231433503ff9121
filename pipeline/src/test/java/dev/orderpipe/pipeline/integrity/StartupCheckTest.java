package dev.orderpipe.pipeline.integrity;

import dev.orderpipe.pipeline.DamagedFiles;
import dev.orderpipe.pipeline.DamagedFiles.Damage;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Pipeline;
import dev.orderpipe.pipeline.infra.QueueDamagedException;
import dev.orderpipe.pipeline.infra.QueueInput;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.TestPipelines;
import dev.orderpipe.pipeline.config.PipelineConfig;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pipeline's start-up check ({@link QueueVerifier#checkAtStart}) on copies of a finished data directory: a damaged
 * queue stops the start with one line before any stage runs (and releases the data directory), the not-ready newest
 * file of a crash while Chronicle created it is left to the crash repair, and a sound directory starts.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StartupCheckTest {
    @TempDir
    static Path shared;
    private static Path fixture;
    private static Path orderFile;

    @BeforeAll
    static void finishedRun() throws Exception {
        orderFile = shared.resolve("orders.csv");
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= 300; i++)
            sb.append(i).append(",NEW,").append(i).append(",7,AAPL,").append(i % 2 == 0 ? "BUY" : "SELL")
                    .append(",LIMIT,GTC,189.").append(20 + i % 10).append(",100\n");
        Files.writeString(orderFile, sb, StandardCharsets.UTF_8);
        fixture = shared.resolve("fixture");
        TestPipelines.runToEnd(TestPipelines.config(fixture, orderFile));
    }

    private static PipelineConfig copy(Path dir) {
        return TestPipelines.config(DamagedFiles.copyTree(fixture, dir.resolve("data")), orderFile);
    }

    private static long lastIndex(Path queueDir) {
        try (ChronicleQueue q = Queues.openExisting(queueDir)) {
            return QueueInput.readLast("q", q, new OrderInfo());
        }
    }

    @Test
    void aSoundDataDirectoryPassesAndStarts(@TempDir Path dir) throws Exception {
        PipelineConfig config = copy(dir);
        QueueVerifier.checkAtStart(config);
        TestPipelines.runToEnd(config);
    }

    @Test
    void aDamagedQueueStopsTheStartAndReleasesTheDataDirectory(@TempDir Path dir) throws Exception {
        PipelineConfig config = copy(dir);
        Path executions = config.dataPath().resolve("executions");
        Path file = DamagedFiles.newestCycleFile(executions);
        byte[] intact = Files.readAllBytes(file);
        long offset = DamagedFiles.damage(executions, Damage.HEADER, 100);
        QueueDamagedException e = assertThrows(QueueDamagedException.class, () -> Pipeline.start(config));
        assertEquals("executions", e.queue());
        assertTrue(e.getMessage().startsWith("queue executions is damaged at index 0x"), e.getMessage());
        assertTrue(e.where().endsWith("record 100), byte " + offset + " of " + file.getFileName()), e.where());
        assertTrue(e.what().contains("a zero header"), e.what());
        Files.write(file, intact); // restored from a copy: the same directory starts (nothing was left locked)
        TestPipelines.runToEnd(config);
    }

    /** The crash repair's case: a newest cycle file emptied or with its first header incomplete is not damage here. */
    @Test
    void aNotReadyNewestCycleFileIsLeftToTheCrashRepair(@TempDir Path dir) {
        PipelineConfig empty = copy(dir.resolve("empty"));
        Path executions = empty.dataPath().resolve("executions");
        DamagedFiles.damage(executions, Damage.CUT_TO_ZERO, 0);
        QueueVerifier.checkAtStart(empty);
        QueueDamagedException e = assertThrows(QueueDamagedException.class,
                () -> QueueVerifier.checkQueue("executions", executions, RollCycles.FAST_DAILY));
        assertTrue(e.what().startsWith("the file is empty (0 bytes)"), "but a tool refuses it: " + e.getMessage());

        PipelineConfig incomplete = copy(dir.resolve("incomplete"));
        DamagedFiles.markFirstHeaderIncomplete(incomplete.dataPath().resolve("executions"));
        QueueVerifier.checkAtStart(incomplete);
        e = assertThrows(QueueDamagedException.class, () -> QueueVerifier.checkQueue("executions",
                incomplete.dataPath().resolve("executions"), RollCycles.FAST_DAILY));
        assertTrue(e.what().startsWith("its queue header is marked incomplete"), e.getMessage());
    }

    /** An emptied orders file is skipped like a crash's, but checked names orders records: they were lost. */
    @Test
    void recordsLostFromAnInputQueueAreRefused(@TempDir Path dir) {
        for (String queue : List.of("orders", "checked")) {
            PipelineConfig config = copy(dir.resolve(queue));
            Path lost = config.dataPath().resolve(queue);
            long named = lastIndex(lost);
            DamagedFiles.damage(lost, Damage.CUT_TO_ZERO, 0);
            QueueDamagedException e = assertThrows(QueueDamagedException.class,
                    () -> QueueVerifier.checkAtStart(config));
            assertEquals(queue, e.queue());
            assertEquals(named, e.index(), e.getMessage());
            assertTrue(e.what().startsWith("the record is missing (" + queue + " holds no records)"), e.what());
        }
    }

    @Test
    void everyDamageToTheNewestFileOfEveryQueueIsRefused(@TempDir Path dir) {
        for (String queue : List.of("orders", "checked", "executions")) {
            for (Damage damage : List.of(Damage.BYTES, Damage.HEADER, Damage.CUT_MID, Damage.CUT_TO_100)) {
                PipelineConfig config = copy(dir.resolve(queue + "-" + damage));
                long offset = DamagedFiles.damage(config.dataPath().resolve(queue), damage, 150);
                QueueDamagedException e = assertThrows(QueueDamagedException.class,
                        () -> QueueVerifier.checkAtStart(config), queue + " " + damage);
                assertEquals(queue, e.queue());
                assertTrue(e.where().contains(damage.inRecord() ? "record 150), byte " + offset : "byte 0 of"),
                        queue + " " + damage + ": " + e.getMessage());
            }
        }
    }
    /**
     * The check of a large newest file (here forced: {@code wholeBelow} 0) walks only its tail, from the last indexed
     * record on: damage where a crash leaves it (after that record) is refused, and a file cut short anywhere (its end
     * is checked).
     */
    @Test
    void damageToTheTailOfALargeNewestFileIsRefused(@TempDir Path dir) {
        for (String queue : List.of("orders", "checked", "executions")) {
            for (Damage damage : List.of(Damage.BYTES, Damage.HEADER, Damage.CUT_MID, Damage.CUT_TO_100)) {
                PipelineConfig config = copy(dir.resolve(queue + "-" + damage));
                Path queueDir = config.dataPath().resolve(queue);
                int record = damage == Damage.BYTES || damage == Damage.HEADER ? lastRecord(queueDir) : 150;
                long offset = DamagedFiles.damage(queueDir, damage, record);
                QueueDamagedException e = assertThrows(QueueDamagedException.class,
                        () -> QueueVerifier.checkAtStart(config, 0), queue + " " + damage);
                assertEquals(queue, e.queue());
                assertTrue(e.where().contains(damage.inRecord() ? "record " + record + "), byte " + offset
                        : "byte 0 of"), queue + " " + damage + ": " + e.getMessage());
            }
        }
    }

    /**
     * Bytes overwritten in, or a header zeroed at, a record before a large newest file's last indexed one is not
     * what a crash leaves (Chronicle appends): the start check does not read those records again; verify, which reads
     * every record, refuses the directory.
     */
    @Test
    void damageBeforeTheLastIndexedRecordOfALargeFileIsLeftToVerify(@TempDir Path dir) {
        for (String queue : List.of("orders", "checked", "executions")) {
            for (Damage damage : List.of(Damage.BYTES, Damage.HEADER)) {
                PipelineConfig config = copy(dir.resolve(queue + "-" + damage));
                Path queueDir = config.dataPath().resolve(queue);
                long offset = DamagedFiles.damage(queueDir, damage, 150);
                QueueVerifier.checkAtStart(config, 0);
                assertThrows(QueueDamagedException.class, () -> QueueVerifier.checkAtStart(config),
                        "a small file is still read whole");
                QueueDamagedException e = DataDirVerifier.verify(config).queues().stream()
                        .filter(q -> q.name().equals(queue)).findFirst().orElseThrow().problem();
                assertTrue(e != null && e.where().contains("record 150), byte " + offset), queue + " " + damage
                        + ": " + e);
            }
        }
    }

    /** The number (0-based) of the last record of the queue's newest file. */
    private static int lastRecord(Path queueDir) {
        return DamagedFiles.recordOffsets(DamagedFiles.newestCycleFile(queueDir)).size() - 1;
    }
}
