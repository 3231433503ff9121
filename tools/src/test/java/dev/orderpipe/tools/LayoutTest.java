package dev.orderpipe.tools;

import dev.orderpipe.pipeline.config.EffectiveGroup;
import dev.orderpipe.pipeline.config.GroupPauser;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.replay.RunSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code --layout}: the latency layout's groups replace the config's, the start log and the replay summary name each
 * group's effective pauser and CPU, and a layout name that does not exist is one line.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LayoutTest {
    private static final String HOT = "hot: ingress risk matching egress; pauser busy (spin); cpu 1";

    @Test
    void runNamesEachGroupsEffectivePauserAndCpuAtStart(@TempDir Path dir) throws Exception {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "the latency layout needs CPU 1");
        Path orders = dir.resolve("orders.csv");
        assertEquals(0, Cli.run("generate", "-n", "2000", "--out", orders.toString()).exitCode);
        String balanced = GroupPauser.of(PipelineConfig.loadDefault().groups.get(0), "groups[0]").toString();
        String[][] runs = {
                {"default", "group pipeline: ingress risk matching egress; pauser " + balanced + "; unpinned"},
                {"latency", "group " + HOT}};
        for (String[] run : runs) {
            Cli c = Cli.run("run", "--layout", run[0], "-i", orders.toString(), "-d",
                    dir.resolve("data-" + run[0]).toString(), "--exit-when-done", "--status-every", "0");
            assertEquals(0, c.exitCode, c.toString());
            List<String> lines = c.out.lines().toList();
            assertEquals("orderpipe: " + run[1], lines.get(1), c.out);
            assertTrue(lines.get(2).startsWith("orders in "), c.out);
            assertTrue(c.out.contains("\norders accounted        2,000\n"), c.out);
        }
        // the default's maxPauseMicros, changed in a config file, shows in the pauser as built
        Path conf = dir.resolve("slow.yaml");
        Files.writeString(conf, Files.readString(Path.of("..", "conf", "pipeline.yaml"))
                .replace("maxPauseMicros: 1000", "maxPauseMicros: 20000"));
        Cli c = Cli.run("run", "--config", conf.toString(), "-i", orders.toString(), "-d",
                dir.resolve("data-slow").toString(), "--exit-when-done", "--status-every", "0");
        assertEquals(0, c.exitCode, c.toString());
        assertTrue(c.out.contains("; pauser " + balanced.replace("..1000 us", "..20000 us") + "; unpinned\n"), c.out);
        c = Cli.run("run", "--config", conf.toString(), "--layout", "latency", "-i", orders.toString(), "-d",
                dir.resolve("data-slow-latency").toString(), "--exit-when-done", "--status-every", "0");
        assertEquals(0, c.exitCode, c.toString());
        assertTrue(c.out.contains("\norderpipe: group " + HOT + "\n"), c.out);
    }

    @Test
    void aReplayOnTheLatencyLayoutRecordsItsGroups(@TempDir Path dir) throws Exception {
        int cpus = Runtime.getRuntime().availableProcessors();
        assumeTrue(cpus >= 2, "the latency layout needs CPU 1");
        Path orders = dir.resolve("orders.csv");
        assertEquals(0, Cli.run("generate", "-n", "3000", "--out", orders.toString()).exitCode);
        Cli c = Cli.run("replay", orders.toString(), "--out", dir.resolve("run").toString(), "--layout", "latency",
                "--rate", "20000", "--warmup", "300", "--no-verify");
        assertEquals(0, c.exitCode, c.toString());
        assertTrue(c.out.contains("\ngroup " + HOT + "\n"), c.out);
        RunSummary s = RunSummary.load(dir.resolve("run"));
        assertEquals("embedded default (conf/pipeline.yaml), layout latency", s.config);
        assertEquals(1, s.groups.size());
        EffectiveGroup hot = s.groups.get(0);
        assertEquals(HOT, hot.describe());
        assertEquals(List.of("ingress", "risk", "matching", "egress"), hot.stages);
        assertEquals(1, s.pipelineConfig.groups.get(0).cpu);
        assertEquals(3000, s.accounted);
        assertEquals(cpus, s.cpus, "every CPU, though the replay's thread keeps off CPU 1");
        // everything but the groups is the embedded default's
        PipelineConfig expected = PipelineConfig.loadDefault();
        s.pipelineConfig.groups = expected.groups;
        assertEquals(expected.risk, s.pipelineConfig.risk);
        assertEquals(expected.matching, s.pipelineConfig.matching);
    }

    @Test
    void anUnknownLayoutIsOneUsageLine(@TempDir Path dir) {
        List<String[]> commands = List.of(
                new String[]{"run", "--layout", "fast", "-d", dir.resolve("data").toString()},
                new String[]{"replay", "x.csv", "--out", dir.resolve("run").toString(), "--layout", "fast"},
                new String[]{"demo", "--layout", "fast", "--dir", dir.resolve("demo").toString()});
        for (String[] command : commands) {
            Cli c = Cli.run(command);
            assertEquals(2, c.exitCode, command[0] + ": " + c);
            assertEquals("orderpipe: --layout: unknown layout 'fast' (known: default, latency)", c.oneLineError(),
                    command[0]);
        }
        assertFalse(Files.exists(dir.resolve("data")) || Files.exists(dir.resolve("run"))
                || Files.exists(dir.resolve("demo")), "refused before anything was made");
        Cli c = Cli.run("bench", "--layouts", "config,fast", "--out", dir.resolve("b").toString());
        assertEquals(2, c.exitCode, c.toString());
        assertEquals("orderpipe: --layouts: unknown layout 'fast' (known: config, default, latency)", c.oneLineError());
        c = Cli.run("bench", "--layouts", "latency,config,latency", "--out", dir.resolve("b").toString());
        assertEquals(2, c.exitCode, c.toString());
        assertEquals("orderpipe: --layouts names 'latency' twice", c.oneLineError());
        assertFalse(Files.exists(dir.resolve("b")), "no bench ran");
    }
}
