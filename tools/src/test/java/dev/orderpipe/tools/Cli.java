package dev.orderpipe.tools;

import dev.orderpipe.pipeline.ExitCodes;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the orderpipe command in-process and captures what it prints. */
final class Cli {
    final int exitCode;
    final String out;
    final String err;

    private Cli(int exitCode, String out, String err) {
        this.exitCode = exitCode;
        this.out = out;
        this.err = err;
    }

    static Cli run(String... args) {
        return runWith(null, args);
    }

    /** Runs the command line with {@code extra} (a picocli command) added as a subcommand, null for none. */
    static Cli runWith(Object extra, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintWriter outWriter = new PrintWriter(out, true);
        PrintWriter errWriter = new PrintWriter(err, true);
        CommandLine cl = OrderpipeMain.commandLine(outWriter, errWriter);
        if (extra != null) {
            cl.addSubcommand(extra);
            cl.setOut(outWriter); // again: picocli hands the writers to the subcommands there are when they are set
            cl.setErr(errWriter);
        }
        int code = cl.execute(args);
        return new Cli(code, out.toString(), err.toString());
    }

    /** The first stderr line, asserting the error is reported as a one-line message (plus the usage hint for exit 2). */
    String oneLineError() {
        String[] lines = err.strip().split("\n");
        if (!lines[0].startsWith("orderpipe: "))
            throw new AssertionError("error should start with 'orderpipe: ': " + err);
        int allowed = exitCode == ExitCodes.USAGE ? 2 : 1;
        if (lines.length > allowed || err.contains("\tat "))
            throw new AssertionError("error should be one line without a stack trace:\n" + err);
        return lines[0];
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
}
