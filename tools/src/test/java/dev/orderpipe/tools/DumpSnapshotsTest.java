package dev.orderpipe.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderpipe.pipeline.ExitCodes;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.integrity.QueueMetadata;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code orderpipe dump} of a snapshot queue lists its snapshots (it said the queue was damaged before: its documents
 * are not order records): one line each with where it is, what it covers and whether a restart would restore it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DumpSnapshotsTest {
    @Test
    void aSnapshotQueueIsListedASnapshotPerLineWithWhyOneIsNotValid(@TempDir Path dir) throws Exception {
        Path orders = dir.resolve("orders.csv");
        assertEquals(0, Cli.run("generate", "-n", "1000", "--seed", "7", "--out", orders.toString()).exitCode);
        Path config = dir.resolve("snap.yaml");
        try (InputStream in = PipelineConfig.class.getResourceAsStream(PipelineConfig.EMBEDDED_DEFAULT)) {
            String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Files.writeString(config, yaml.replace("everyInputs: 1000000", "everyInputs: 300"));
        }
        Path data = dir.resolve("data");
        Cli run = Cli.run("run", "-i", orders.toString(), "-d", data.toString(), "--exit-when-done",
                "--status-every", "0", "--config", config.toString());
        assertEquals(0, run.exitCode, run.toString());
        Path risk = data.resolve("snapshots").resolve("risk");

        Cli dump = Cli.run("dump", risk.toString());
        assertEquals(0, dump.exitCode, dump.toString());
        List<String> lines = dump.out.lines().toList();
        assertEquals("snapshots/risk: 3 snapshot(s) of risk, 3 valid", lines.get(lines.size() - 1), dump.out);
        for (String line : lines.subList(0, 3))
            assertTrue(line.matches("0x[0-9a-f]+ cycle \\d+ seq \\d+ risk snapshot format 2 covering input 0x[0-9a-f]+"
                    + " output last 0x[0-9a-f]+ taken \\S+ session none shape 0x[0-9a-f]+ \\d+ chunks [0-9,]+ bytes"
                    + " crc32c [0-9a-f]{8} trailer 0x[0-9a-f]+: valid"), line);

        Cli json = Cli.run("dump", risk.toString(), "--json", "--last", "1");
        assertEquals(0, json.exitCode, json.toString());
        JsonNode last = new ObjectMapper().readTree(json.out.strip());
        assertEquals("risk", last.get("stage").asText());
        assertTrue(last.get("valid").asBoolean(), json.out);
        assertTrue(lines.get(2).startsWith(last.get("index").asText() + " "), json.out);

        // a snapshot begun and never finished (the stage killed while it wrote it): listed, and why it is not used
        try (ChronicleQueue q = Queues.open(risk, QueueMetadata.read("risk", risk).rollCycle());
             ExcerptAppender a = q.createAppender()) {
            a.writeBytes(b -> b.writeByte((byte) 'H').writeInt(0x4E53504F).writeInt(2).writeUnsignedByte(4)
                    .write("risk".getBytes(StandardCharsets.US_ASCII)).writeLong(1).writeLong(1).writeLong(1)
                    .writeLong(1).writeLong(1).writeLong(0).writeByte((byte) 0));
        }
        dump = Cli.run("dump", risk.toString());
        assertEquals(0, dump.exitCode, dump.toString());
        lines = dump.out.lines().toList();
        assertEquals("snapshots/risk: 4 snapshot(s) of risk, 3 valid", lines.get(4), dump.out);
        assertTrue(lines.get(3).endsWith(": NOT VALID, no trailer: being written, or cut short by a crash"), dump.out);

        Cli filtered = Cli.run("dump", risk.toString(), "--order-id", "3");
        assertEquals(ExitCodes.USAGE, filtered.exitCode, filtered.toString());
        assertTrue(filtered.oneLineError().contains("holds risk's snapshots, not order records: dump lists them whole"),
                filtered.toString());
        Cli records = Cli.run("dump", data.resolve("orders").toString(), "-n", "1");
        assertEquals(0, records.exitCode, records.toString());
        assertTrue(records.out.contains("action: NEW"), records.out);
    }
}
