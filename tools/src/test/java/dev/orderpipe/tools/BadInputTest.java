package dev.orderpipe.tools;

import dev.orderpipe.pipeline.infra.ChildJvmOptions;
import net.openhft.chronicle.core.Jvm;
import net.openhft.chronicle.core.onoes.ExceptionKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Order files and config numbers a user can get wrong end in one line on stderr, quickly, through the real command
 * line: no stack trace, no Chronicle warning, no setting silently replaced by its default, no run that hangs.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BadInputTest {
    private static final Path CONF = Path.of("..", "conf", "pipeline.yaml");
    private static final String ORDERS = "ts_nanos,action,order_id,account,symbol,side,type,tif,price,qty\n"
            + "1,NEW,1,7,AAPL,BUY,LIMIT,GTC,189.25,100\n";

    @Test
    void aDirectoryOrADeviceIsNoOrderFileForRunNorReplay(@TempDir Path dir) throws IOException {
        assumeTrue(Files.exists(Path.of("/dev/zero")), "needs /dev/zero");
        Path data = dir.resolve("data");
        Path folder = Files.createDirectories(dir.resolve("folder"));
        Cli c = Cli.run("run", "--input", folder.toString(), "--data", data.toString(), "--exit-when-done");
        assertEquals(1, c.exitCode, c.toString());
        assertEquals("orderpipe: ingress.file: order file " + folder + " is a directory: give an order file (CSV)",
                c.oneLineError());
        c = Cli.run("run", "--input", "/dev/zero", "--follow", "--data", data.toString(), "--status-every", "0");
        assertEquals(1, c.exitCode, c.toString());
        assertEquals("orderpipe: ingress.file: order file /dev/zero is not a regular file (a device, FIFO or socket):"
                + " give an order file (CSV)", c.oneLineError());
        assertFalse(Files.exists(data), "refused before the data directory was made");

        c = Cli.run("replay", "/dev/zero", "--out", dir.resolve("run").toString(), "--limit", "1000", "--max");
        assertEquals(2, c.exitCode, c.toString());
        assertEquals("orderpipe: capture /dev/zero is not a regular file (a device, FIFO or socket): give an orders"
                + " queue directory, a pipeline data directory or an order CSV file", c.oneLineError());
        c = Cli.run("replay", folder.toString(), "--out", dir.resolve("run").toString(), "--limit", "1000", "--max");
        assertEquals(2, c.exitCode, c.toString());
        assertTrue(c.oneLineError().startsWith("orderpipe: capture " + folder + " is not a Chronicle queue"), c.err);
        assertFalse(Files.exists(dir.resolve("run")), "nothing written");
    }

    /** The keys the issue found falling back to their default above 2^31, and the disk guard's. */
    private static final List<String[]> KEYS = List.of(
            new String[]{"orderIdCapacity: 4194304", "risk.orderIdCapacity must be 1..268435456"},
            new String[]{"maxOpenOrders: 1048576", "matching.maxOpenOrders must be 1..67108864"},
            new String[]{"maxPriceLevels: 4096", "matching.maxPriceLevels must be 1..1048576"},
            new String[]{"linesPerCall: 64", "ingress.linesPerCall must be 1..65536"},
            new String[]{"maxOrdersPerSecond: 0", "risk.maxOrdersPerSecond must be 0..1000000000 (0 disables it)"},
            new String[]{"cpu: -1,", "groups[0].cpu must be -1..65535 (-1 leaves the group unpinned)"},
            new String[]{"minFreeDiskMb: 64",
                    "minFreeDiskMb must be 0..1073741824 (MB, 1 PB at most; 0 turns the guard off)"});

    @Test
    void configNumbersOutOfRangeAreOneLineNamingTheKeyAndTheRange(@TempDir Path dir) throws IOException {
        Path orders = Files.writeString(dir.resolve("orders.csv"), ORDERS);
        Path config = dir.resolve("pipeline.yaml");
        Map<ExceptionKey, Integer> warnings = Jvm.recordExceptions(false);
        try {
            for (String[] key : KEYS) {
                for (String value : List.of("3000000000", "-3000000000", "17592186044416")) {
                    String setting = key[0].substring(0, key[0].indexOf(':'));
                    String replacement = setting + ": " + value + (key[0].endsWith(",") ? "," : "");
                    Files.writeString(config, Files.readString(CONF).replace(key[0], replacement));
                    Cli c = Cli.run("run", "--config", config.toString(), "--input", orders.toString(), "--data",
                            dir.resolve("data").toString(), "--exit-when-done");
                    assertEquals(1, c.exitCode, c.toString());
                    assertEquals("orderpipe: " + config + ": " + key[1] + ", was " + value, c.oneLineError());
                }
            }
            assertTrue(warnings.isEmpty(), "Chronicle warned instead of the config failing: " + warnings);
        } finally {
            Jvm.resetExceptionHandlers();
        }
        assertFalse(Files.exists(dir.resolve("data")), "no run started");
    }

    @Test
    void capacitiesTheHeapCannotHoldAreOneLineWithTheFiguresBeforeAnythingIsAllocated(@TempDir Path dir)
            throws IOException {
        Path orders = Files.writeString(dir.resolve("orders.csv"), ORDERS);
        Path config = Files.writeString(dir.resolve("big.yaml"),
                Files.readString(CONF).replace("maxOpenOrders: 1048576", "maxOpenOrders: 67108864"));
        Cli c = Cli.run("run", "--config", config.toString(), "--input", orders.toString(), "--data",
                dir.resolve("data").toString(), "--exit-when-done");
        assertEquals(1, c.exitCode, c.toString());
        String line = c.oneLineError();
        assertTrue(line.matches("orderpipe: matching\\.maxOpenOrders 67108864 needs about 4\\.4 GB of heap \\(all"
                + " preallocated tables 4\\.5 GB\\), the JVM has [0-9.]+ [MG]B \\(-Xmx\\) and the tables may use 3/4 of"
                + " it: lower matching\\.maxOpenOrders or raise -Xmx"), line);
        // the tables are allocated after the data directory is made: refused before, so before any allocation
        assertFalse(Files.exists(dir.resolve("data")), "refused before the data directory was made");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aSnapshotCopyTheDirectMemoryLimitCannotHoldIsOneLineBeforeAnythingIsAllocated(@TempDir Path dir)
            throws Exception {
        Path orders = Files.writeString(dir.resolve("orders.csv"), ORDERS);
        // matching's off-heap copy of the default books is 39 MB; before, the stage died at its start with an
        // OutOfMemoryError ("Cannot reserve ... bytes of direct buffer memory") and a stack trace
        List<String> jvm = ChildJvmOptions.quick("-XX:MaxDirectMemorySize=16m");
        Process p = ChildJvm.start(jvm, dir, "direct", "run", "--input", orders.toString(), "--data", dir.resolve("data").toString(), "--exit-when-done");
        try {
            assertTrue(p.waitFor(50, TimeUnit.SECONDS), ChildJvm.log(dir, "direct"));
        } finally {
            p.destroyForcibly();
        }
        assertEquals(1, p.exitValue(), ChildJvm.log(dir, "direct"));
        assertEquals("orderpipe: matching.maxOpenOrders 1048576 needs about 39 MB of direct memory for matching's"
                + " snapshot copy of the books, the JVM allows 16 MB (-XX:MaxDirectMemorySize, by default -Xmx) and the"
                + " copy may use 3/4 of it: lower matching.maxOpenOrders, raise -XX:MaxDirectMemorySize or set"
                + " snapshots.enabled: false", Files.readString(dir.resolve("direct.err")).strip(),
                ChildJvm.log(dir, "direct"));
        assertFalse(Files.exists(dir.resolve("data")), "refused before the data directory was made");
    }

    @Test
    void aConfigErrorInARealProcessIsOneLineOnStderrAndNothingElse(@TempDir Path dir) throws Exception {
        Path orders = Files.writeString(dir.resolve("orders.csv"), ORDERS);
        Path config = Files.writeString(dir.resolve("bad.yaml"),
                Files.readString(CONF).replace("orderIdCapacity: 4194304", "orderIdCapacity: 3000000000"));
        Process p = ChildJvm.start(dir, "bad", "run", "--config", config.toString(), "--input", orders.toString(),
                "--data", dir.resolve("data").toString(), "--exit-when-done");
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), ChildJvm.log(dir, "bad"));
        } finally {
            p.destroyForcibly();
        }
        assertEquals(1, p.exitValue(), ChildJvm.log(dir, "bad"));
        assertEquals("orderpipe: " + config + ": risk.orderIdCapacity must be 1..268435456, was 3000000000\n",
                Files.readString(dir.resolve("bad.err")), "no WARN trace before the line");
    }

    /**
     * A followed file of one endless line (64 GB of NUL bytes, sparse: as /dev/zero would give, but a regular file):
     * the ingress skips it a buffer at a time and returns to its runner between calls, so SIGTERM stops the run
     * cleanly, without waiting out the runner's join time-out.
     */
    @Test
    void sigtermStopsARunFollowingAnEndlessLine(@TempDir Path dir) throws Exception {
        Path endless = dir.resolve("endless.csv");
        try (RandomAccessFile f = new RandomAccessFile(endless.toFile(), "rw")) {
            f.setLength(64L << 30);
        }
        Process p = ChildJvm.start(dir, "follow", "run", "--input", endless.toString(), "--follow", "--data",
                dir.resolve("data").toString(), "--status-every", "1");
        try {
            // until a status line shows risk holding the endless line's BAD_LINE record: the ingress has rejected
            // the line and is skipping the rest of it a buffer at a time
            String inTheLine = "; risk 1 in ";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(dir.resolve("follow.out")).contains(inTheLine) && p.isAlive()
                    && System.nanoTime() < deadline)
                Thread.sleep(50);
            assertTrue(p.isAlive(), ChildJvm.log(dir, "follow"));
            assertTrue(Files.readString(dir.resolve("follow.out")).contains(inTheLine), ChildJvm.log(dir, "follow"));
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), ChildJvm.log(dir, "follow"));
        } finally {
            p.destroyForcibly();
        }
        String log = ChildJvm.log(dir, "follow");
        assertEquals(0, p.exitValue(), log);
        assertTrue(log.contains("orderpipe: stopping") && log.contains("(1 bad lines)"), log);
        assertFalse(log.contains("did not stop"), "the runner returned between calls:\n" + log);
    }
}
