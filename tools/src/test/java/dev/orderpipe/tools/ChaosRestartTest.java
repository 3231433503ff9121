package dev.orderpipe.tools;

import dev.orderpipe.pipeline.TestPipelines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crash safety: a pipeline in a child JVM is killed with SIGKILL at random moments and started again each time; the
 * executions it ends with equal an uninterrupted run's, field for field (every business field and seq).
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class ChaosRestartTest {
    private static final int ORDERS = 200_000;
    private static final int KILLS = 10;

    @Test
    void killedAtRandomMomentsAndRestartedItEndsIdenticalToAnUninterruptedRun(@TempDir Path dir) throws Exception {
        Path orders = dir.resolve("orders.csv");
        assertEquals(0, Cli.run("generate", "-n", Integer.toString(ORDERS), "--malformed-pct", "0.5", "--seed", "11",
                "--out", orders.toString()).exitCode);
        Path reference = dir.resolve("reference");
        Cli ref = Cli.run("run", "-i", orders.toString(), "-d", reference.toString(), "--exit-when-done");
        assertEquals(0, ref.exitCode, ref.toString());

        // the chaos run reads the same orders from a file that grows while it runs (as a feed file does), so there
        // is always work in flight when the kill comes
        List<String> lines = Files.readAllLines(orders);
        Path growing = dir.resolve("growing.csv");
        Files.writeString(growing, lines.get(0) + "\n");
        int chunk = (lines.size() - 1) / (KILLS * 2) + 1;
        int appended = 1;
        Path data = dir.resolve("chaos");
        Path csv = dir.resolve("chaos-executions.csv");
        SplittableRandom random = new SplittableRandom(2026);
        int kills = 0;
        int runs = 0;
        Process current = null;
        try {
            while (kills < KILLS) {
                Process p = ChildJvm.start(dir, "run" + runs, "run", "-i", growing.toString(), "--follow", "-d", data.toString(),
                        "--executions-csv", csv.toString(), "--status-every", "0");
                current = p;
                runs++;
                long killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(random.nextLong(200, 1_500));
                while (System.nanoTime() < killAt && p.isAlive()) {
                    if (appended < lines.size()) {
                        int to = Math.min(lines.size(), appended + chunk / 4);
                        Files.writeString(growing, String.join("\n", lines.subList(appended, to)) + "\n",
                                StandardOpenOption.APPEND);
                        appended = to;
                    }
                    Thread.sleep(random.nextLong(20, 120));
                }
                assertTrue(p.isAlive(), "the pipeline died by itself:\n" + ChildJvm.log(dir, "run" + (runs - 1)));
                p.destroyForcibly(); // SIGKILL: during start-up, while rebuilding the books, or in full flow
                assertTrue(p.waitFor(20, TimeUnit.SECONDS));
                kills++;
            }
            if (appended < lines.size())
                Files.writeString(growing, String.join("\n", lines.subList(appended, lines.size())) + "\n",
                        StandardOpenOption.APPEND);
            Process last = ChildJvm.start(dir, "final", "run", "-i", growing.toString(), "-d", data.toString(),
                    "--exit-when-done", "--executions-csv", csv.toString(), "--status-every", "0");
            current = last;
            runs++;
            assertTrue(last.waitFor(180, TimeUnit.SECONDS), ChildJvm.log(dir, "final"));
            assertEquals(0, last.exitValue(), ChildJvm.log(dir, "final"));
        } finally {
            if (current != null)
                current.destroyForcibly(); // never leave a pipeline running after a failed assertion
        }
        System.out.printf("chaos: %d kills over %d runs%n", kills, runs);

        List<String> expected = TestPipelines.executionLines(reference.resolve("executions"));
        List<String> actual = TestPipelines.executionLines(data.resolve("executions"));
        assertEquals(expected.size(), actual.size(), "reports");
        for (int i = 0; i < expected.size(); i++)
            assertEquals(expected.get(i), actual.get(i), "report " + (i + 1));
        List<String> csvLines = Files.readAllLines(csv);
        assertEquals(expected, csvLines.subList(1, csvLines.size()), "the executions CSV, continued across restarts");
        assertEquals(TestPipelines.readAll(reference.resolve("orders")).size(),
                TestPipelines.readAll(data.resolve("orders")).size(), "orders: none lost, none twice");
        assertEquals(TestPipelines.readAll(reference.resolve("checked")).size(),
                TestPipelines.readAll(data.resolve("checked")).size(), "checked: none lost, none twice");
    }
}
