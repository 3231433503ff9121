package dev.orderpipe.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** report and compare through the command line, on real replay runs. */
class ReportCommandsTest {

    @Test
    void reportAndCompareOfRealReplayRuns(@TempDir Path dir) throws Exception {
        Path orders = dir.resolve("orders.csv");
        assertEquals(0, Cli.run("generate", "-n", "6000", "--out", orders.toString()).exitCode);
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        assertEquals(0, Cli.run("replay", orders.toString(), "--out", a.toString(), "--rate", "20000").exitCode);
        assertEquals(0, Cli.run("replay", orders.toString(), "--out", b.toString(), "--rate", "20000").exitCode);

        Cli c = Cli.run("report", a.toString());
        assertEquals(0, c.exitCode, c.toString());
        Path html = a.resolve("report.html");
        assertTrue(c.out.contains(html.toAbsolutePath().toString()), c.out);
        String page = Files.readString(html);
        for (String id : new String[]{"summary", "distribution", "over-time", "throughput", "run", "counts", "rejects", "environment"})
            assertTrue(page.contains("id=\"" + id + "\""), "section " + id);
        assertTrue(page.contains("<svg"), "inline charts");
        assertFalse(page.contains("<script"), "no JavaScript");
        assertFalse(page.matches("(?s).*(src|href)=\"https?://.*"), "nothing fetched from a network");
        try (var files = Files.list(a)) {
            assertTrue(files.anyMatch(p -> p.toString().endsWith(".png")), "PNG charts beside the page");
        }
        Path custom = dir.resolve("out").resolve("mine.html");
        assertEquals(0, Cli.run("report", a.toString(), "--out", custom.toString()).exitCode);
        assertTrue(Files.exists(custom));

        c = Cli.run("compare", a.toString(), b.toString());
        assertEquals(0, c.exitCode, c.toString());
        assertTrue(c.out.contains("end-to-end"), c.out);
        assertTrue(Files.exists(b.resolve("compare.html")));
        // a limit of 0% with two real runs on a noisy machine: one is worse somewhere at p99+, or equal; both exits are valid
        c = Cli.run("compare", a.toString(), b.toString(), "--fail-if-worse", "1000000");
        assertEquals(0, c.exitCode, "a million percent worse never happens: " + c);
    }

    @Test
    void badArgumentsAreOneLine(@TempDir Path dir) {
        Cli c = Cli.run("report", dir.resolve("nope").toString());
        assertEquals(1, c.exitCode, c.toString());
        c.oneLineError();
        c = Cli.run("report", dir.toString());
        assertEquals(1, c.exitCode, c.toString());
        assertTrue(c.oneLineError().contains("summary.yaml"), c.err);
        c = Cli.run("compare", dir.toString(), dir.toString(), "--fail-if-worse", "-3");
        assertEquals(2, c.exitCode, c.toString());
        c = Cli.run("compare", dir.toString());
        assertEquals(2, c.exitCode, c.toString());
    }
}
