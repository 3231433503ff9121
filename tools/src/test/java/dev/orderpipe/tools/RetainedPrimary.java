package dev.orderpipe.tools;

import dev.orderpipe.pipeline.config.PipelineConfig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the retention tests share: a config whose queues roll every second and keep one cycle (so a pass removes
 * files within a test), a primary fed in three runs each in a cycle of its own, and the runs and exports they compare.
 */
final class RetainedPrimary {
    private RetainedPrimary() {
    }

    /** Writes to {@code file} the embedded default with 1-second cycles, a snapshot every 200 inputs, 1 cycle kept. */
    static Path retentionConfig(Path file) throws IOException {
        try (InputStream in = PipelineConfig.class.getResourceAsStream(PipelineConfig.EMBEDDED_DEFAULT)) {
            String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String changed = yaml.replace("rollCycle: FAST_DAILY", "rollCycle: TEST_SECONDLY")
                    .replace("everyInputs: 1000000", "everyInputs: 200").replace("everySeconds: 300", "everySeconds: 0")
                    .replace("keepCycles: 7", "keepCycles: 1");
            assertTrue(changed.contains("TEST_SECONDLY") && changed.contains("keepCycles: 1"));
            Files.writeString(file, changed);
        }
        return file;
    }

    /** A primary after {@link #create}: its order lines, config, input file, data directory and the retain pass. */
    record Retained(List<String> lines, Path config, Path input, Path primary, Cli retain) {
    }

    /**
     * Generates 3,000 orders ({@code seed}), feeds three quarters of them to {@code dir/primary} in three runs in
     * cycles of their own ({@link #feedInThreeCycles}) and runs a retention pass on it, which must succeed.
     */
    static Retained create(Path dir, String seed) throws Exception {
        Path orders = dir.resolve("orders.csv");
        assertEquals(0, Cli.run("generate", "-n", "3000", "--seed", seed, "--out", orders.toString()).exitCode);
        List<String> lines = Files.readAllLines(orders);
        Path config = retentionConfig(dir.resolve("retention.yaml"));
        Path primary = dir.resolve("primary");
        Path input = dir.resolve("feed.csv");
        feedInThreeCycles(lines, input, primary, config);
        Cli retain = Cli.run("retain", "--data", primary.toString(), "--config", config.toString());
        assertEquals(0, retain.exitCode, retain.toString());
        return new Retained(lines, config, input, primary, retain);
    }

    /**
     * Verifies {@code standby} (a replica of the primary), then feeds every order to both, the standby's {@code run}
     * as a fail-over; its executions must end as the primary's.
     */
    static void verifyAndFailOver(Retained primary, Path standby) throws IOException {
        Cli verify = Cli.run("verify", standby.toString(), "--config", primary.config().toString());
        assertEquals(0, verify.exitCode, verify.toString());
        Files.write(primary.input(), primary.lines());
        Cli onPrimary = run(primary.input(), primary.primary(), primary.config());
        assertEquals(0, onPrimary.exitCode, onPrimary.toString());
        Cli onStandby = run(primary.input(), standby, primary.config());
        assertEquals(0, onStandby.exitCode, onStandby.toString());
        Path dir = standby.getParent();
        assertEquals(export(primary.primary(), dir.resolve("p.csv")), export(standby, dir.resolve("s.csv")));
    }

    /** Runs the pipeline on {@code primary} on the first 1/4, 2/4, 3/4 of {@code lines}, each in a cycle of its own. */
    static void feedInThreeCycles(List<String> lines, Path input, Path primary, Path config) throws Exception {
        for (int part = 1; part <= 3; part++)
            feedPart(lines, part, input, primary, config);
    }

    /** Runs the pipeline on {@code primary} on the first {@code part}/4 of {@code lines}, in a cycle of its own. */
    static void feedPart(List<String> lines, int part, Path input, Path primary, Path config) throws Exception {
        Files.write(input, lines.subList(0, 1 + part * (lines.size() - 1) / 4));
        Thread.sleep(1_050 - System.currentTimeMillis() % 1_000);
        Cli r = run(input, primary, config);
        assertEquals(0, r.exitCode, r.toString());
    }

    static Cli run(Path input, Path data, Path config) {
        return Cli.run("run", "-i", input.toString(), "-d", data.toString(), "--exit-when-done", "--status-every",
                "0", "--config", config.toString());
    }

    /** The executions of {@code data} exported to {@code out}, as lines. */
    static List<String> export(Path data, Path out) throws IOException {
        Cli export = Cli.run("export", data.resolve("executions").toString(), "--out", out.toString());
        assertEquals(0, export.exitCode, export.toString());
        return Files.readAllLines(out);
    }
}
