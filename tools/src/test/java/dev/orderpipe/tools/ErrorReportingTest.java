package dev.orderpipe.tools;

import dev.orderpipe.pipeline.BadFileException;
import dev.orderpipe.pipeline.ExitCodes;
import dev.orderpipe.pipeline.PipelineFailedException;
import dev.orderpipe.pipeline.Symbols;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Command;

import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the command line prints when a command throws: one line for the types made for a user's mistake, the
 * internal-error banner and the stack trace for anything else, above all an {@link IllegalArgumentException} that
 * library code throws for an argument a program got wrong (a bug, however much it looks like bad input).
 */
class ErrorReportingTest {
    private static final String BUG = "orderpipe: internal error (a bug, please report it with this trace):";

    /** A command that runs {@code body}: what a subcommand would do when it reached the failure. */
    @Command(name = "fail")
    static final class Failing implements Runnable {
        private final Runnable body;

        Failing(Runnable body) {
            this.body = body;
        }

        @Override
        public void run() {
            body.run();
        }
    }

    private static Cli fail(Runnable body) {
        return Cli.runWith(new Failing(body), "fail");
    }

    @Test
    void anIllegalArgumentFromLibraryCodeIsABugAndPrintsItsTrace() {
        Cli cli = fail(() -> Symbols.encode("not a symbol"));
        assertEquals(ExitCodes.FAILURE, cli.exitCode, cli.toString());
        String[] lines = cli.err.split("\n");
        assertEquals(BUG, lines[0], cli.toString());
        assertEquals("java.lang.IllegalArgumentException: symbol 'not a symbol' must be 1 to 8 of A-Z 0-9 .",
                lines[1].strip(), cli.toString());
        assertTrue(lines[2].startsWith("\tat dev.orderpipe.pipeline.Symbols.encode("), cli.toString());
    }

    @Test
    void aStageThatFailedOnABugPrintsTheTraceAndOneThatStoppedForTheOperatorOneLine() {
        Cli bug = fail(() -> {
            throw new PipelineFailedException("risk", 7, new IllegalArgumentException("capacity must be >= 1"));
        });
        assertEquals(ExitCodes.FAILURE, bug.exitCode, bug.toString());
        assertTrue(bug.err.startsWith(BUG + "\n"), bug.toString());
        assertTrue(bug.err.contains("Caused by: java.lang.IllegalArgumentException: capacity must be >= 1"),
                bug.toString());

        Cli stopped = fail(() -> {
            throw new PipelineFailedException("ingress", 3, new BadFileException("order file x.csv does not exist"));
        });
        assertEquals(ExitCodes.FAILURE, stopped.exitCode, stopped.toString());
        assertEquals("orderpipe: stage 'ingress' stopped at input line 3: order file x.csv does not exist",
                stopped.oneLineError());
    }

    @Test
    void aBadFileIsOneLine() {
        Cli cli = fail(() -> {
            throw new BadFileException("/tmp/nope does not exist");
        });
        assertEquals(ExitCodes.FAILURE, cli.exitCode, cli.toString());
        assertEquals("orderpipe: /tmp/nope does not exist", cli.oneLineError());
    }

    /** Values the libraries refuse, given on the command line: deliberate user errors, not a library's exception. */
    @Test
    void flagsAndPathsTheLibrariesRefuseAreOneLine(@TempDir Path dir) {
        Cli c = Cli.run("tail", "executions", "--data", dir.toString(), "--name", "bad name!");
        assertEquals(ExitCodes.USAGE, c.exitCode, c.toString());
        assertEquals("orderpipe: --name must be 1 to 64 of A-Z a-z 0-9 _ . -, was 'bad name!'", c.oneLineError());

        c = Cli.run("tail", "executions", "--data", dir.resolve("nope").toString(), "--name", "x");
        assertEquals(ExitCodes.FAILURE, c.exitCode, c.toString());
        assertEquals("orderpipe: data directory " + dir.resolve("nope") + " does not exist", c.oneLineError());

        // a negative count is refused, not taken as "no limit" (tail would wait forever)
        c = Cli.run("tail", "executions", "--data", dir.toString(), "--count", "-5");
        assertEquals(ExitCodes.USAGE, c.exitCode, c.toString());
        assertEquals("orderpipe: --count must be 0 or more, was -5", c.oneLineError());
        c = Cli.run("tail", "executions", "--data", dir.toString(), "--idle-exit", "-1");
        assertEquals(ExitCodes.USAGE, c.exitCode, c.toString());
        assertEquals("orderpipe: --idle-exit must be 0 or more seconds, was -1.0", c.oneLineError());
        c = Cli.run("dump", dir.resolve("executions").toString(), "--count", "-1");
        assertEquals(ExitCodes.USAGE, c.exitCode, c.toString());
        assertEquals("orderpipe: --count must be 0 or more, was -1", c.oneLineError());

        String[] replay = {"replay", dir.resolve("orders").toString(), "--out", dir.resolve("run").toString()};
        c = Cli.run(concat(replay, "--rate", "2e9"));
        assertEquals(ExitCodes.USAGE, c.exitCode, c.toString());
        assertEquals("orderpipe: rate must be 0 < orders/s <= 1e9, was 2.0E9", c.oneLineError());
        c = Cli.run(concat(replay, "--rate", "100", "--max-gap", "1s"));
        assertEquals(ExitCodes.USAGE, c.exitCode, c.toString());
        assertEquals("orderpipe: a max gap applies to recorded and speed pacing, not rate", c.oneLineError());
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
