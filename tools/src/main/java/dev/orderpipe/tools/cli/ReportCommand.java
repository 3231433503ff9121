package dev.orderpipe.tools.cli;

import dev.orderpipe.pipeline.ExitCodes;
import dev.orderpipe.report.HtmlReport;
import dev.orderpipe.report.ReportResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code orderpipe report}: the latency report of a replay run. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write the latency report of a replay run: one self-contained HTML page (no network, no "
                + "JavaScript) with the percentile distributions, latency and throughput over time, the tables behind "
                + "them and the run's settings and counts; the charts also as PNG files beside it.",
                "File formats: docs/formats.md."})
public final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "A replay run directory (with summary.yaml).")
    Path runDir;
    @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "HTML file to write (default: RUN_DIR/report.html).")
    Path out;
    @Option(names = "--log-scale", description = "Draw every latency axis on a log scale (by default the percentile "
            + "charts are linear and the charts over time logarithmic when their values span two decades).")
    boolean logScale;

    @Override
    public Integer call() {
        ReportResult result = HtmlReport.write(runDir, out, logScale);
        PrintWriter console = spec.commandLine().getOut();
        console.printf("report: %s%n", result.html().toAbsolutePath());
        console.printf("charts: %d PNG files beside it%n", result.images().size());
        console.flush();
        return ExitCodes.OK;
    }
}
