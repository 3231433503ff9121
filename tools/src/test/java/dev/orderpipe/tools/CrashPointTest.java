package dev.orderpipe.tools;

import dev.orderpipe.pipeline.infra.ChildJvmOptions;
import dev.orderpipe.pipeline.infra.CrashPoints;
import dev.orderpipe.pipeline.infra.CycleFiles;
import dev.orderpipe.pipeline.ExitCodes;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.TestPipelines;
import dev.orderpipe.pipeline.codes.Action;
import dev.orderpipe.pipeline.codes.ExecType;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.snapshot.SnapshotStore;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deterministic crash windows: a child pipeline JVM halts at a named {@link CrashPoints crash point}, as abruptly as
 * SIGKILL, and is started again with {@code run --exit-when-done}; its executions queue (exported) and its executions
 * CSV must equal an uninterrupted run's byte for byte. Each test also checks, before the restart, that the crash left
 * the state the window is about (a half-created cycle file, the reports of one input cut short, a torn CSV line, a halt
 * in the middle of a rebuild), so the recovery path is taken on every run, not by chance.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class CrashPointTest {
    private static final int ORDERS = 3_000;
    private static final int NOT_COMPLETE = 0x8000_0000;

    @TempDir
    static Path shared;
    private static Path orders;
    private static byte[] expectedExport;
    private static byte[] expectedCsv;

    @BeforeAll
    static void uninterruptedRun() throws IOException {
        orders = shared.resolve("orders.csv");
        assertEquals(0, Cli.run("generate", "-n", Integer.toString(ORDERS), "--malformed-pct", "0.5", "--seed", "23",
                "--out", orders.toString()).exitCode);
        Path csv = shared.resolve("reference.csv");
        Cli ref = Cli.run("run", "-i", orders.toString(), "-d", shared.resolve("reference").toString(),
                "--executions-csv", csv.toString(), "--exit-when-done", "--status-every", "0");
        assertEquals(0, ref.exitCode, ref.toString());
        expectedExport = export(shared.resolve("reference"), shared.resolve("reference-export.csv"));
        expectedCsv = Files.readAllBytes(csv);
        assertTrue(new String(expectedCsv, StandardCharsets.US_ASCII).split("\n").length > ORDERS, "reports");
    }

    // --- while a cycle file is being created

    @Test
    void cycleFileCreatedAtFirstStartLeftNotComplete(@TempDir Path dir) throws Exception {
        // creation 1 is orders' file, 2 is checked's: the halt comes after its not-complete header word
        Run run = new Run(dir).crash("cycle-file-created:2");
        Path file = onlyCycleFile(run.data.resolve("checked"));
        assertEquals(NOT_COMPLETE, firstHeader(file), "the crash left checked's file in its creation window");
        run.restartAndCompare();
        assertEquals(1, discarded(run.data.resolve("checked")), "the half-created file was moved aside");
    }

    @Test
    void cycleFileCreatedAtFirstStartLeftEmpty(@TempDir Path dir) throws Exception {
        Run run = new Run(dir).crash("cycle-file-created:2");
        Path file = onlyCycleFile(run.data.resolve("checked"));
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(0); // a kill after the file was created, before it was mapped
        }
        run.restartAndCompare();
        assertEquals(1, discarded(run.data.resolve("checked")));
    }

    @Test
    void cycleFileCreatedAtFirstStartLeftWithAZeroHeader(@TempDir Path dir) throws Exception {
        Run run = new Run(dir).crash("cycle-file-created:3"); // executions' file
        Path file = onlyCycleFile(run.data.resolve("executions"));
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.writeInt(0); // a kill after the file was mapped, before its first header word was written
        }
        assertEquals(0, firstHeader(file));
        run.restartAndCompare();
        assertEquals(1, discarded(run.data.resolve("executions")));
    }

    @Test
    void cycleFileCreatedAtARoll(@TempDir Path dir) throws Exception {
        // a queue file per second: a first run writes half of the orders and stops; after the second has turned, a
        // second run's writers each create a new cycle file, and it halts in the second creation
        Path config = dir.resolve("secondly.yaml");
        try (InputStream in = PipelineConfig.class.getResourceAsStream(PipelineConfig.EMBEDDED_DEFAULT)) {
            String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(yaml.contains("rollCycle: FAST_DAILY"));
            Files.writeString(config, yaml.replace("rollCycle: FAST_DAILY", "rollCycle: TEST_SECONDLY"));
        }
        List<String> lines = Files.readAllLines(orders);
        Path growing = dir.resolve("growing.csv");
        Files.write(growing, lines.subList(0, lines.size() / 2));
        Run run = new Run(dir).input(growing).config(config);
        Cli first = Cli.run(run.args());
        assertEquals(0, first.exitCode, first.toString());
        Files.write(growing, lines.subList(lines.size() / 2, lines.size()), StandardOpenOption.APPEND);
        Thread.sleep(1_100);
        run.crash("cycle-file-created:2");
        // the newest file of one queue is half-created, after complete older ones
        List<Path> halfCreated = new ArrayList<>();
        for (String queue : List.of("orders", "checked", "executions")) {
            List<Path> files = cycleFiles(run.data.resolve(queue));
            for (int i = 0; i < files.size(); i++) {
                if (firstHeader(files.get(i)) == NOT_COMPLETE) {
                    assertEquals(files.size() - 1, i, "the newest file of " + queue);
                    assertTrue(i > 0, queue + " has older, complete files");
                    halfCreated.add(files.get(i));
                }
            }
        }
        assertEquals(1, halfCreated.size(), "one file in its creation window: " + halfCreated);
        run.restartAndCompare();
        assertEquals(1, discarded(halfCreated.get(0).getParent()), "the half-created file was moved aside");
    }

    // --- between one record's write and the next

    @Test
    void ordersWritten(@TempDir Path dir) throws Exception {
        new Run(dir).crash("orders-written:1000").restartAndCompare();
    }

    @Test
    void checkedWritten(@TempDir Path dir) throws Exception {
        new Run(dir).crash("checked-written:1000").restartAndCompare();
    }

    @Test
    void executionsWritten(@TempDir Path dir) throws Exception {
        new Run(dir).crash("executions-written:1500").restartAndCompare();
    }

    @Test
    void executionsMidInput(@TempDir Path dir) throws Exception {
        Run run = new Run(dir).crash("executions-mid-input:300");
        List<OrderInfo> written = TestPipelines.readAll(run.data.resolve("executions"));
        assertFalse(written.get(written.size() - 1).lastForInput(),
                "the last report on executions is not the last of its input: matching must finish its reports");
        run.restartAndCompare();
    }

    @Test
    void egressCsvLine(@TempDir Path dir) throws Exception {
        Run run = new Run(dir).crash("egress-csv-line:500");
        byte[] torn = Files.readAllBytes(run.csv);
        assertTrue(torn.length > 0 && torn[torn.length - 1] != '\n', "the CSV ends in a torn line");
        run.restartAndCompare();
    }

    /**
     * A halt in the middle of a session close's reports (400 resting DAY orders expire): the restart finishes the
     * close's reports, and the next day's orders, exactly as one run does.
     */
    @Test
    void executionsMidInputOfASessionClose(@TempDir Path dir) throws Exception {
        StringBuilder file = new StringBuilder("ts_nanos,action,order_id,account,symbol,side,type,tif,price,qty\n");
        file.append("1,SESSION_OPEN,2026-11-30,,,,,,,\n");
        for (int i = 1; i <= 400; i++)
            file.append(1 + i).append(",NEW,").append(i).append(',').append(1 + i % 7).append(",AAPL,BUY,LIMIT,")
                    .append(i % 4 == 0 ? "GTC" : "DAY").append(",18").append(1 + i % 9).append(".00,10\n");
        file.append("500,SESSION_CLOSE,,,,,,,,\n500,SESSION_OPEN,2026-12-01,,,,,,,\n");
        for (int i = 1; i <= 100; i++)
            file.append(500 + i).append(",NEW,").append(i).append(",9,AAPL,SELL,LIMIT,DAY,18").append(1 + i % 9)
                    .append(".00,5\n");
        Path input = dir.resolve("sessions.csv");
        Files.writeString(input, file, StandardCharsets.US_ASCII);
        Path refCsv = dir.resolve("reference.csv");
        Cli ref = Cli.run("run", "-i", input.toString(), "-d", dir.resolve("reference").toString(), "--executions-csv",
                refCsv.toString(), "--exit-when-done", "--status-every", "0");
        assertEquals(0, ref.exitCode, ref.toString());
        byte[] export = export(dir.resolve("reference"), dir.resolve("reference-export.csv"));
        assertTrue(new String(export, StandardCharsets.US_ASCII).contains("END_OF_DAY"), "DAY orders expired");

        Run run = new Run(dir).input(input).expect(export, Files.readAllBytes(refCsv));
        run.crash("executions-mid-input:150");
        List<OrderInfo> written = TestPipelines.readAll(run.data.resolve("executions"));
        OrderInfo last = written.get(written.size() - 1);
        assertEquals(ExecType.EXPIRED, last.execType(), "halted among the close's expiries");
        assertEquals(Action.SESSION_CLOSE, last.action());
        assertFalse(last.lastForInput());
        run.restartAndCompare();
    }

    // --- while rebuilding after a restart

    @Test
    void riskRebuild(@TempDir Path dir) throws Exception {
        Run run = new Run(dir).crash("checked-written:1500");
        run.crash("risk-rebuild:700");
        run.restartAndCompare();
    }

    @Test
    void matchingRebuild(@TempDir Path dir) throws Exception {
        Run run = new Run(dir).crash("executions-written:2500");
        run.crash("matching-rebuild:700");
        run.restartAndCompare();
    }

    // --- while a snapshot is written, and restarting from one

    /** The default config with a snapshot every 400 inputs in chunks of 4 KB (several chunks a snapshot). */
    private static Path snapshotConfig(Path dir) throws IOException {
        return snapshotConfig(dir, 400);
    }

    /** The default config with a snapshot every {@code every} inputs in chunks of 4 KB. */
    private static Path snapshotConfig(Path dir, int every) throws IOException {
        Path config = dir.resolve("snapshots.yaml");
        try (InputStream in = PipelineConfig.class.getResourceAsStream(PipelineConfig.EMBEDDED_DEFAULT)) {
            String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String changed = yaml.replace("everyInputs: 1000000", "everyInputs: " + every)
                    .replace("everySeconds: 300", "everySeconds: 0").replace("chunkBytes: 1048576", "chunkBytes: 4096");
            assertTrue(changed.contains("everyInputs: " + every) && changed.contains("chunkBytes: 4096"));
            Files.writeString(config, changed);
        }
        return config;
    }

    @Test
    void snapshotMidChunks(@TempDir Path dir) throws Exception {
        Run run = new Run(dir).config(snapshotConfig(dir)).crash("snapshot-chunk:3");
        assertTrue(lastSnapshotDocuments(run.data).contains('C'), "the crash left a snapshot cut short");
        run.restartAndCompare();
    }

    @Test
    void snapshotBeforeTrailer(@TempDir Path dir) throws Exception {
        Run run = new Run(dir).config(snapshotConfig(dir)).crash("snapshot-before-trailer:3");
        assertTrue(lastSnapshotDocuments(run.data).contains('C'), "a snapshot without its trailer");
        run.restartAndCompare();
    }

    @Test
    void snapshotWritten(@TempDir Path dir) throws Exception {
        Run run = new Run(dir).config(snapshotConfig(dir)).crash("snapshot-written:4");
        List<Character> kinds = lastSnapshotDocuments(run.data);
        assertTrue(!kinds.isEmpty() && kinds.stream().allMatch(k -> k == 'T'), "the snapshots are whole: " + kinds);
        run.restartAndCompare();
    }

    @Test
    void snapshotWrittenThenRebuildingAfterIt(@TempDir Path dir) throws Exception {
        // a restart from a snapshot halted while it re-feeds the inputs after it, then restarted again
        Run run = new Run(dir).config(snapshotConfig(dir)).crash("executions-written:2500");
        run.crash("matching-rebuild:50");
        run.restartAndCompare();
    }

    @Test
    void riskSnapshotCutShortBetweenItsSteps(@TempDir Path dir) throws Exception {
        // risk's snapshots cover inputs 999 and 1999 (every 1,000); the second holds some 1,400 ids (16 bytes each),
        // written a 4 KB chunk a step, a step after each input: the halt after the checked record of input 2002
        // leaves it cut short, risk gone on past its point, and the first whole: the restart restores that one
        Run run = new Run(dir).config(snapshotConfig(dir, 1_000)).crash("checked-written:2003");
        String docs = snapshotDocuments(SnapshotStore.dir(run.data, "risk"));
        assertTrue(docs.matches("H999( C)+ T H1999( C)+"), "one whole snapshot, then one cut short: " + docs);
        assertEquals(2002, lastCheckedInput(run.data), "risk went on past the point of the one cut short");
        run.restartAndCompare();
    }

    /** A snapshot queue's documents in order: {@code H<covered input's sequence number>}, {@code C}, {@code T}. */
    private static String snapshotDocuments(Path dir) {
        StringBuilder docs = new StringBuilder();
        try (ChronicleQueue q = SingleChronicleQueueBuilder.binary(dir).readOnly(true).build();
             ExcerptTailer t = q.createTailer()) {
            while (true) {
                try (DocumentContext dc = t.readingDocument()) {
                    if (!dc.isPresent())
                        return docs.toString().strip();
                    net.openhft.chronicle.bytes.Bytes<?> b = dc.wire().bytes();
                    char kind = (char) b.readByte();
                    docs.append(' ').append(kind);
                    if (kind == 'H') {
                        b.readSkip(8); // magic, version
                        b.readSkip(b.readUnsignedByte()); // the stage's name
                        docs.append(q.rollCycle().toSequenceNumber(b.readLong()));
                    }
                }
            }
        }
    }

    /** The sequence number of the input the last record on {@code checked} was made of. */
    private static long lastCheckedInput(Path data) {
        try (ChronicleQueue q = SingleChronicleQueueBuilder.binary(data.resolve("checked")).readOnly(true).build();
             ExcerptTailer t = q.createTailer().direction(TailerDirection.BACKWARD).toEnd()) {
            OrderInfo last = new OrderInfo();
            assertTrue(t.readBytes(last));
            return q.rollCycle().toSequenceNumber(last.sourceIndex());
        }
    }

    /** The kind byte of the newest document on each stage's snapshot queue holding any ('C' a chunk, 'T' a trailer). */
    private static List<Character> lastSnapshotDocuments(Path data) {
        List<Character> kinds = new ArrayList<>();
        for (String stage : List.of("risk", "matching")) {
            Path dir = SnapshotStore.dir(data, stage);
            if (!Files.isDirectory(dir))
                continue;
            try (ChronicleQueue q = SingleChronicleQueueBuilder.binary(dir).readOnly(true).build();
                 ExcerptTailer t = q.createTailer().direction(TailerDirection.BACKWARD).toEnd();
                 DocumentContext dc = t.readingDocument()) {
                if (dc.isPresent())
                    kinds.add((char) dc.wire().bytes().readByte(dc.wire().bytes().readPosition()));
            }
        }
        return kinds;
    }

    /** One data directory's runs: crashes in child JVMs, then the restart, in-process. */
    private static final class Run {
        final Path dir;
        final Path data;
        final Path csv;
        Path input = orders;
        Path config;
        int crashes;
        byte[] expectedExport = CrashPointTest.expectedExport;
        byte[] expectedCsv = CrashPointTest.expectedCsv;

        Run(Path dir) {
            this.dir = dir;
            this.data = dir.resolve("data");
            this.csv = dir.resolve("executions.csv");
        }

        Run input(Path file) {
            input = file;
            return this;
        }

        Run config(Path file) {
            config = file;
            return this;
        }

        /** The outputs of an uninterrupted run of another input than the shared one. */
        Run expect(byte[] export, byte[] csv) {
            expectedExport = export;
            expectedCsv = csv;
            return this;
        }

        String[] args() {
            List<String> args = new ArrayList<>(List.of("run", "-i", input.toString(), "-d", data.toString(),
                    "--executions-csv", csv.toString(), "--exit-when-done", "--status-every", "0"));
            if (config != null)
                args.addAll(List.of("--config", config.toString()));
            return args.toArray(new String[0]);
        }

        /** Runs the pipeline in a child JVM armed to halt at {@code point}; asserts it halted there. */
        Run crash(String point) throws Exception {
            String name = "crash" + crashes++;
            List<String> jvm = ChildJvmOptions.quick("-D" + CrashPoints.PROPERTY + "=" + point);
            Process p = ChildJvm.start(jvm, dir, name, args());
            try {
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), "halted:\n" + ChildJvm.log(dir, name));
            } finally {
                p.destroyForcibly(); // never left running after a failed assertion
            }
            assertEquals(ExitCodes.KILLED, p.exitValue(), ChildJvm.log(dir, name));
            assertTrue(ChildJvm.log(dir, name).contains("crash point " + point + " reached"), ChildJvm.log(dir, name));
            return this;
        }

        /** Starts the pipeline again to the end and compares its outputs with the uninterrupted run's. */
        void restartAndCompare() throws IOException {
            Cli restart = Cli.run(args());
            assertEquals(0, restart.exitCode, restart.toString());
            assertArrayEquals(expectedExport, export(data, dir.resolve("export.csv")),
                    "the executions queue, exported, equals the uninterrupted run's");
            assertArrayEquals(expectedCsv, Files.readAllBytes(csv),
                    "the executions CSV equals the uninterrupted run's");
        }
    }

    private static byte[] export(Path data, Path out) throws IOException {
        Cli export = Cli.run("export", data.resolve("executions").toString(), "--out", out.toString());
        assertEquals(0, export.exitCode, export.toString());
        return Files.readAllBytes(out);
    }

    private static Path onlyCycleFile(Path queue) throws IOException {
        List<Path> files = cycleFiles(queue);
        assertEquals(1, files.size(), queue + ": " + files);
        return files.get(0);
    }

    private static List<Path> cycleFiles(Path queue) throws IOException {
        try (Stream<Path> s = Files.list(queue)) {
            return s.filter(p -> p.toString().endsWith(Queues.QUEUE_FILE_SUFFIX)).sorted().toList();
        }
    }

    private static long discarded(Path queue) throws IOException {
        try (Stream<Path> s = Files.list(queue)) {
            return s.filter(p -> p.toString().endsWith(CycleFiles.DISCARD_SUFFIX)).count();
        }
    }

    /** The first header word of a file, little-endian as Chronicle writes it (0 for a file shorter than 4 bytes). */
    private static int firstHeader(Path file) throws IOException {
        byte[] b = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(b, 0, 4) < 4)
                return 0;
        }
        return (b[0] & 0xFF) | (b[1] & 0xFF) << 8 | (b[2] & 0xFF) << 16 | (b[3] & 0xFF) << 24;
    }
}
