package dev.orderpipe.pipeline.metrics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reader of another process's metrics file survives the file being cut short or overwritten under it (an operator,
 * or a pipeline restarting, which truncates it): it reads no counters then, and the counters again once the file is
 * whole. Through a mapping, the first read after the truncation died of a SIGBUS (an {@link InternalError}).
 */
class MetricsReaderTest {
    @Test
    void aFileCutShortOrFilledWithGarbageReadsAsNoCountersNotAFault(@TempDir Path dir) throws IOException {
        Path file = dir.resolve(MetricsFile.FILE);
        try (MetricsFile metrics = MetricsFile.create(dir, List.of("ingress", "risk"));
             MetricsReader reader = MetricsReader.open(dir)) {
            assertNotNull(reader);
            StageCounters risk = metrics.stage("risk");
            risk.worked(4, 38, 1_000);
            risk.worked(3, 41, 750);
            MetricsSnapshot before = reader.read();
            assertNotNull(before);
            assertEquals(7, before.stage("risk").recordsIn());
            assertEquals(41, before.stage("risk").inputIndex());
            assertEquals(1_750, before.stage("risk").busyNanos());
            assertEquals(250.0, before.stage("risk").nanosPerRecord());
            assertEquals(0, before.stage("ingress").busyNanos());
            assertTrue(Double.isNaN(before.stage("ingress").nanosPerRecord()));

            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(0);
            }
            assertNull(reader.read());
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(100);
            }
            assertNull(reader.read());
            byte[] garbage = new byte[MetricsFile.SIZE];
            new Random(16).nextBytes(garbage);
            Files.write(file, garbage, StandardOpenOption.WRITE);
            assertNull(reader.read());

            // the pipeline starting again rewrites the file: the same reader reads its new counters
            try (MetricsFile again = MetricsFile.create(dir, List.of("ingress", "risk"))) {
                again.stage("risk").worked(3, 2, 90);
                MetricsSnapshot after = reader.read();
                assertNotNull(after);
                assertEquals(3, after.stage("risk").recordsIn());
                assertEquals(2, after.stage("risk").inputIndex());
                assertEquals(90, after.stage("risk").busyNanos()); // counters start again with each start
            }
        }
    }
}
