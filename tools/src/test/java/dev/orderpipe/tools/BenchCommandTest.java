package dev.orderpipe.tools;

import dev.orderpipe.pipeline.ExitCodes;
import dev.orderpipe.pipeline.config.GroupPauser;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.tools.cli.BenchCommand;
import net.openhft.affinity.AffinityLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A smoke run of {@code orderpipe bench --quick}: every row is printed and both files are written. Not a benchmark. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BenchCommandTest {
    /**
     * The records per order of a layout with all stages on one thread: matching takes (nearly) every checked record and
     * egress the reports from the handoff, not from the queue (the first record of each queue is read from it).
     */
    private static final String HANDED_OVER = "checked 1 written and 1 read \\((0\\.9[0-9]|1\\.00) of it taken from the"
            + " handoff\\), executions [0-9.]+ written and [0-9.]+ read \\([0-9.]+ of them taken from the handoff\\)";

    @Test
    void aQuickRunPrintsEveryRowAndWritesMarkdownAndCsv(@TempDir Path dir) throws Exception {
        int cpus = Runtime.getRuntime().availableProcessors();
        assumeTrue(cpus >= 2, "the latency layout, measured by default, needs CPU 1");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new BenchCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        // the default scenarios and the opt-in restart rows
        int code = cl.execute("--quick", "--rates", "2000,20000", "--out", dir.resolve("out").toString(),
                "--data", dir.resolve("data").toString(), "--scenarios",
                "floor,pipeline,allocating,pretouch,peer,restart");
        String table = out.toString();
        assertEquals(0, code, err + "\n" + table);

        List<String> lines = table.lines().toList();
        for (String rate : List.of("2,000", "20,000")) {
            for (String[] row : new String[][]{
                    {"floor", "floor"}, {"floor", "floor-nocrc"}, {"floor", "floor+pretouch"},
                    {"pipeline", "pipeline"},
                    {"pipeline", "pipeline+pretouch"}, {"allocating", "allocating"},
                    {"pipeline", "pipeline:latency"},
                    {"ratio", "pipeline/3 hops vs floor"}, {"ratio", "pipeline vs allocating"},
                    {"ratio", "pipeline:latency/3 hops vs floor"},
                    {"ratio", "floor checksum on vs off"}, {"ratio", "floor pretouch on vs off"},
                    {"ratio", "pipeline pretouch on vs off"}})
                assertRow(lines, row[0], row[1], rate, table);
        }
        // the latency layout turns pretouch on: its own rows are pretouched, no second series
        assertTrue(lines.stream().noneMatch(l -> l.contains("pipeline:latency+pretouch")
                || l.contains("pipeline:latency pretouch on vs off")), table);
        for (String variant : List.of("floor", "pipeline", "allocating"))
            assertRow(lines, variant, variant, "max", table);
        assertRow(lines, "pipeline", "pipeline:latency", "max", table);
        assertRow(lines, "ratio", "pipeline:latency vs floor (throughput)", "max", table);
        assertRow(lines, "floor", "floor-nocrc", "max", table);
        assertTrue(lines.stream().anyMatch(l -> l.matches("checksum cost \\(floor flat out, 2 rounds on/off alternated"
                + " ABBA, medians\\): [0-9.]+ ns per record written and read with CRC32C vs [0-9.]+ ns without,"
                + " [-+][0-9.]+ ns \\([-+][0-9.]+%\\); throughput on/off [0-9.]+, per round [0-9.]+\\.\\.[0-9.]+;"
                + " p50 at 2,000/s [-+][0-9]+ ns; p50 at 20,000/s [-+][0-9]+ ns")), table);
        assertTrue(lines.stream().anyMatch(l -> l.matches("checksum cost \\(codec, one thread, median of 21 rounds of "
                + "20,000\\): [0-9.]+ ns to write and read back a record with CRC32C vs [0-9.]+ ns without, [-+][0-9.]+ ns "
                + "per hop \\(the pipeline makes 3 hops per order\\)")), table);
        assertRow(lines, "ratio", "pipeline vs floor (throughput)", "max", table);
        // the in-memory peer, what it leaves out, and the pipeline's throughput over its
        assertRow(lines, "peer", "parity-match", "max", table);
        // the restart row at --quick's histories, and its ratio
        for (String history : List.of("0", "2000", "20000"))
            assertRow(lines, "restart", "restart after " + history, "max", table);
        assertTrue(lines.stream().anyMatch(l -> l.matches("restart: start and 1,000 new orders after 20,000 orders of"
                + " history takes [0-9.]+x the time after 0 .*")), table);
        assertTrue(table.contains("in memory on one thread: no risk, no persistence, no reports written"), table);
        assertRow(lines, "ratio", "pipeline vs parity-match (throughput)", "max", table);
        assertRow(lines, "ratio", "pipeline:latency vs parity-match (throughput)", "max", table);
        // where the time goes: the queues' single-thread cost, on fresh pages and pretouched, and the ceiling it puts
        // on each layout at the cost of the way that layout runs
        // (where the platform has no /proc/thread-self the faults are said to be not counted)
        String faults = "(the writer took [0-9.]+ page faults per 1,000 writes|the writer's page faults not counted on"
                + " this platform)";
        String touchedFaults = "([0-9.]+ page faults per 1,000 writes|the writer's page faults not counted on this"
                + " platform)";
        assertTrue(lines.stream().anyMatch(l -> l.matches("queue cost \\(one thread, .*, median of 5 rounds each\\): on"
                + " fresh pages [0-9]+ ns to write a record and [0-9]+ to read one \\(" + faults + "\\); with the"
                + " pretoucher ahead [0-9]+ ns to write and [0-9]+ to read \\(" + touchedFaults + "\\); of a record's"
                + " write and read, [0-9]+ ns is our codec \\(encoding, CRC32C and decoding, on the heap: the codec"
                + " line\\), the rest Chronicle's; a record taken from the handoff instead of read \\(written by the"
                + " stage before on the same thread\\) [0-9]+ ns")), table);
        for (String variant : List.of("pipeline", "pipeline:latency")) {
            String pretouch = variant.equals("pipeline") ? "off, so the cost on fresh pages"
                    : "on, so the cost with the pretoucher ahead";
            assertTrue(lines.stream().anyMatch(l -> l.matches("ceiling of " + variant + " \\(pretouch " + pretouch
                    + "\\): per order 1 orders read, " + HANDED_OVER + ": [0-9]+ ns of queue work, so at most [0-9,]+"
                    + " orders/s on one thread; flat out it did [0-9,]+ orders/s, [0-9.]+ of that ceiling .*")), table);
            // each stage's busy time, and its own work beyond its queue work
            assertTrue(lines.stream().anyMatch(l -> l.matches("stages of " + variant + " flat out, busy ns per order .*"
                    + " risk [0-9]+ \\([0-9]+ per record; own -?[0-9]+\\), matching [0-9]+ \\([0-9]+ per record; own -?[0-9]+\\),"
                    + " egress [0-9]+ \\([0-9]+ per report; own -?[0-9]+\\), together .* and 1 read, " + HANDED_OVER)),
                    table);
        }
        assertRow(lines, "ratio", "pipeline vs allocating (throughput)", "max", table);
        assertTrue(table.contains("machine: ") && table.contains("JVM flags: ") && table.contains("pipeline config: "),
                table);
        // each variant's groups as they ran: stages, effective pauser, CPU
        String balanced = GroupPauser.of(PipelineConfig.loadDefault().groups.get(0), "groups[0]").toString();
        String defaultGroups = "pipeline: ingress risk matching egress; pauser " + balanced + "; unpinned";
        assertTrue(lines.contains("groups of pipeline (layout config): " + defaultGroups), table);
        assertTrue(lines.contains("groups of pipeline:latency (layout latency): hot: ingress risk matching egress;"
                + " pauser busy (spin); cpu 1; pretouch on"), table);
        assertTrue(lines.contains("groups of allocating: " + defaultGroups), table);
        // every CPU, though the bench's thread, which writes the header, keeps off CPU 1
        assertTrue(lines.get(0).startsWith("machine: " + cpus + " CPUs, "), table);

        String md = Files.readString(dir.resolve("out/bench.md"));
        String csv = Files.readString(dir.resolve("out/bench.csv"));
        assertTrue(md.contains("| pipeline | pipeline+pretouch |"), md);
        assertTrue(md.contains("| pipeline | pipeline:latency | 2,000 |"), md);
        assertTrue(md.contains("- groups of pipeline:latency (layout latency): hot: "), md);
        assertTrue(csv.startsWith("section,variant,kind,rate,"), csv);
        // the charts: PNGs an image reader opens, at the reports' size (760 x 430 points at 144 dpi)
        for (String chart : List.of("bench-throughput.png", "bench-latency.png")) {
            java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(dir.resolve("out").resolve(chart).toFile());
            assertTrue(image != null && image.getWidth() == 1520 && image.getHeight() == 860, chart);
        }
        assertEquals(lines.stream().filter(l -> l.matches("^(floor|pipeline|allocating|peer|ratio|restart)  .*")).count(),
                csv.lines().count() - 1, csv);
        assertTrue(Files.list(dir.resolve("data")).findAny().isEmpty(), "the bench data is deleted afterwards");
    }

    /**
     * {@code --scenarios replication}: replicate and replica on a written queue, then the pipeline alone and with all
     * its queues replicated, each row there; the replica's copy of the pipeline's reports is read to the last one.
     */
    @Test
    void aQuickReplicationRunPrintsItsRows(@TempDir Path dir) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new BenchCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute("--quick", "--out", dir.resolve("out").toString(), "--data",
                dir.resolve("data").toString(), "--scenarios", "replication");
        String table = out.toString();
        assertEquals(0, code, err + "\n" + table);
        List<String> lines = table.lines().toList();
        assertRow(lines, "replication", "async-lag", "100,000", table);
        assertRow(lines, "replication", "throughput", "max", table);
        assertRow(lines, "replication", "acked-write", "max", table);
        assertRow(lines, "replication", "pipeline", "100,000", table);
        assertRow(lines, "replication", "pipeline+replication", "100,000", table);
        assertRow(lines, "replication", "pipeline-lag", "100,000", table);
        // every queue of the pipeline is copied: orders, checked and at least one report per order
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("replication ") && l.contains(" pipeline-lag ")
                && l.matches(".* [0-9,]+ records copied in all \\(([3-9]|[1-9][0-9])\\.[0-9]{2} per order\\).*")), table);
        assertTrue(lines.stream().anyMatch(l -> l.contains(" pipeline+replication ")
                && l.contains("the driver parks between sends")), table);
        assertTrue(Files.list(dir.resolve("data")).findAny().isEmpty(), "the bench data is deleted afterwards");
    }

    @Test
    void aCpuNumberBelowMinusOneIsRefusedWithOneLine(@TempDir Path dir) {
        Cli r = Cli.run("bench", "--quick", "--pin-cpu", "-2", "--out", dir.resolve("out").toString());
        assertEquals(ExitCodes.USAGE, r.exitCode, r.toString());
        assertEquals("orderpipe: --pin-cpu must be a CPU number (or -1: none), was -2", r.oneLineError());
    }

    /** A --data that is a file says so, in one line. */
    @Test
    void aDataDirectoryThatIsAFileIsRefusedSayingSo(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        Cli r = Cli.run("bench", "--quick", "--scenarios", "floor", "--rates", "1000", "--data", file.toString(),
                "--out", dir.resolve("out").toString());
        assertTrue(r.exitCode != 0, r.toString());
        assertEquals("orderpipe: cannot create a bench data directory under " + file + ": it is a file, not a directory",
                r.oneLineError());
    }

    /** The flag the user wrote is named, not the config key it sets. */
    @Test
    void aCpuTheMachineDoesNotHaveIsRefusedNamingTheFlag(@TempDir Path dir) {
        int cpus = PipelineConfig.cpusPresent();
        Cli r = Cli.run("bench", "--quick", "--pin-cpu", String.valueOf(cpus), "--out", dir.resolve("out").toString());
        assertEquals(ExitCodes.USAGE, r.exitCode, r.toString());
        assertEquals("orderpipe: --pin-cpu " + cpus + " is not present: this machine has CPUs 0.." + (cpus - 1)
                + " (-1 leaves every variant unpinned)", r.oneLineError());
        assertFalse(Files.exists(dir.resolve("out")), "nothing measured, nothing written");
    }

    /**
     * A CPU the machine has but Affinity does not reserve (CPU 0 by default) is refused up front naming the flag, not
     * after the orders are generated with "group 'floor' could not reserve CPU 0 (... set cpu: -1 ...)", exit 1.
     */
    @Test
    void aCpuThatCannotBeReservedIsRefusedNamingTheFlag(@TempDir Path dir) {
        int cpu = -1;
        for (int c = 0; c < PipelineConfig.cpusPresent() && cpu < 0; c++)
            if (!AffinityLock.RESERVED_AFFINITY.get(c))
                cpu = c;
        assumeTrue(cpu >= 0, "every CPU here is reservable");
        int pin = cpu;
        Cli r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Cli.run("bench", "--quick", "--pin-cpu",
                String.valueOf(pin), "--scenarios", "floor", "--rates", "1000", "--out", dir.resolve("out").toString()));
        assertEquals(ExitCodes.USAGE, r.exitCode, r.toString());
        assertTrue(r.oneLineError().startsWith("orderpipe: --pin-cpu " + pin + " cannot be reserved: "), r.toString());
        assertFalse(Files.exists(dir.resolve("out")), "nothing measured, nothing written");
    }

    /**
     * --warmup-orders 0 (accepted: "must be >= 0") leaves the warm-up out; it used to start a flat-out warm-up of 0
     * orders, which never ended (a CPU spinning until the bench was killed).
     */
    @Test
    void noWarmUpOrdersIsNoWarmUp(@TempDir Path dir) {
        Cli r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Cli.run("bench", "--quick", "--warmup-orders",
                "0", "--scenarios", "pipeline", "--layouts", "config", "--rates", "2000", "--data",
                dir.resolve("data").toString(), "--out", dir.resolve("out").toString()), "bench --warmup-orders 0 hung");
        assertEquals(ExitCodes.OK, r.exitCode, r.toString());
        assertFalse(r.err.contains("warmup "), "no warm-up run: " + r);
        assertTrue(Files.exists(dir.resolve("out").resolve("bench.md")), r.toString());
    }

    private static void assertRow(List<String> lines, String section, String variant, String rate, String table) {
        boolean found = lines.stream().anyMatch(l -> l.startsWith(section + " ") && l.contains(" " + variant + " ")
                && l.contains(" " + rate + " "));
        assertTrue(found, "no row '" + section + " | " + variant + " | " + rate + "' in\n" + table);
    }
}
