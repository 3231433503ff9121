package dev.orderpipe.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packaged jar through tools/bin/orderpipe, as a user runs it, from a directory outside the project. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LauncherIT {
    private static final Path LAUNCHER = Path.of("bin", "orderpipe").toAbsolutePath();

    record Result(int exitCode, String out, String err) {
    }

    private static Process start(Path cwd, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(LAUNCHER.toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
        pb.environment().remove("ORDERPIPE_JAVA_OPTS");
        return pb.start();
    }

    private static Result run(Path cwd, String... args) throws Exception {
        Process p = start(cwd, args);
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out, err);
    }

    @Test
    void versionAndHelpFromAnyDirectory(@TempDir Path cwd) throws Exception {
        Result r = run(cwd, "--version");
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.out.startsWith("orderpipe "), r.out);
        r = run(cwd, "generate", "--help");
        assertEquals(0, r.exitCode, r.toString());
    }

    @Test
    void demoRunsThroughTheLauncher(@TempDir Path cwd) throws Exception {
        Result r = run(cwd, "demo", "--orders", "20000");
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.out.contains("orders accounted       20,000"), r.out);
        assertTrue(Files.isDirectory(cwd.resolve("orderpipe-demo").resolve("data").resolve("executions")));
        assertTrue(!r.err.contains("Exception"), r.err);
    }

    @Test
    void replayReportAndCompareThroughTheLauncher(@TempDir Path cwd) throws Exception {
        assertEquals(0, run(cwd, "generate", "-n", "4000", "--out", "orders.csv").exitCode);
        Result r = run(cwd, "replay", "orders.csv", "--out", "runs/a", "--rate", "20000");
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.out.contains("end-to-end"), r.out);
        assertEquals(0, run(cwd, "replay", "orders.csv", "--out", "runs/b", "--max").exitCode);
        r = run(cwd, "report", "runs/a");
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(Files.exists(cwd.resolve("runs/a/report.html")));
        r = run(cwd, "compare", "runs/a", "runs/b", "--fail-if-worse", "1000000");
        assertEquals(0, r.exitCode, r.toString());
        r = run(cwd, "replay", "no-such.csv", "--out", "runs/c");
        assertTrue(r.exitCode == 1 || r.exitCode == 2, r.toString());
        assertEquals(1, r.err.strip().split("\n").length, r.err);
        r = run(cwd, "compare", "runs/a");
        assertEquals(2, r.exitCode, r.toString());
        r = run(cwd, "report", "runs");
        assertEquals(1, r.exitCode, r.toString());
        assertEquals(1, r.err.strip().split("\n").length, r.err);
    }

    @Test
    void userErrorsAreOneLineWithExitCodes(@TempDir Path cwd) throws Exception {
        Result r = run(cwd, "generate", "--out", "x.csv", "--nope");
        assertEquals(2, r.exitCode, r.toString());
        assertTrue(r.err.startsWith("orderpipe: Unknown option: '--nope'"), r.err);
        r = run(cwd, "dump", "no-such-queue");
        assertEquals(1, r.exitCode, r.toString());
        assertEquals("orderpipe: no-such-queue does not exist", r.err.strip());
        r = run(cwd, "run", "--config", "no-such.yaml");
        assertEquals(1, r.exitCode, r.toString());
        assertEquals("orderpipe: config file no-such.yaml does not exist", r.err.strip());
    }

    /** The launcher execs java, so the process is the JVM itself. */
    private static long javaPid(Process p) {
        return p.pid();
    }

    @Test
    void sigtermStopsRunCleanlyWithExitZero(@TempDir Path cwd) throws Exception {
        Process p = start(cwd, "run", "--data", cwd.resolve("data").toString());
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertTrue(first != null && first.startsWith("orderpipe: pipeline running"), String.valueOf(first));
            Result second = run(cwd, "run", "--data", cwd.resolve("data").toString());
            assertEquals(1, second.exitCode, second.toString());
            assertTrue(second.err.startsWith("orderpipe: data directory ") && second.err.contains(
                    "is in use by another orderpipe pipeline (pid " + javaPid(p) + ","), second.err);
            // SIGTERM (Process.destroy() would also close our end of the pipes)
            assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(javaPid(p))).start().waitFor());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "stopped after SIGTERM");
            StringBuilder rest = new StringBuilder();
            for (String line; (line = out.readLine()) != null; )
                rest.append(line).append('\n');
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), rest + err);
            assertTrue(rest.toString().contains("orderpipe: stopping"), rest.toString());
            assertTrue(rest.toString().contains("orders accounted"), rest.toString());
        } finally {
            p.destroyForcibly(); // never leave a pipeline spinning after a failed assertion
        }
    }
}
