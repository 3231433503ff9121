package dev.orderpipe.tools.cli;

import dev.orderpipe.report.RunComparison;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code orderpipe compare}: two replay runs side by side, with a CI gate. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compare two replay runs: the ratio B/A per percentile and per stage on the console and in an "
                + "HTML page with both runs on the same axes.",
                "With --fail-if-worse PCT, exit 1 when B is worse than A by more than PCT percent at p99 or above "
                + "(end to end or any stage), for use in CI.",
                "File formats: docs/formats.md."})
public final class CompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Parameters(index = "0", paramLabel = "RUN_A", description = "The baseline run directory.")
    Path a;
    @Parameters(index = "1", paramLabel = "RUN_B", description = "The run to judge.")
    Path b;
    @Option(names = "--fail-if-worse", paramLabel = "PCT", description = "Fail (exit 1) when B is more than PCT%% worse at p99+.")
    Double failIfWorse;
    @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "HTML page to write (default: RUN_B/compare.html).")
    Path out;
    @Option(names = "--json", description = "Print the comparison as JSON (runs, limit, verdict, every ratio; "
            + "latencies in microseconds) instead of the table.")
    boolean json;

    @Override
    public Integer call() {
        if (failIfWorse != null && (failIfWorse.isNaN() || failIfWorse < 0))
            throw UserException.usage("--fail-if-worse must be a percentage >= 0, was " + failIfWorse);
        return RunComparison.compare(a, b, failIfWorse == null ? RunComparison.NO_LIMIT : failIfWorse, out,
                WriterStream.of(spec.commandLine().getOut()), json);
    }
}
