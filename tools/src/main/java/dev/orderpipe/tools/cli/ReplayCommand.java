package dev.orderpipe.tools.cli;

import dev.orderpipe.replay.Pacing;
import dev.orderpipe.replay.ReplayOptions;
import dev.orderpipe.replay.ReplayResult;
import dev.orderpipe.replay.Replayer;
import dev.orderpipe.replay.SummaryTable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code orderpipe replay}: re-drive a capture through a fresh pipeline and record latency. */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Re-drive captured traffic (an orders queue, a pipeline data directory, or an order file) through "
                + "a fresh pipeline in OUT/data, record end-to-end and per-stage latency in HdrHistogram (coordinated "
                + "omission corrected at paced runs) and check the executions against the capture's.",
                "Writes OUT/summary.yaml and OUT/summary.json, one .hgrm per histogram and OUT/latency.hlog (end to end "
                + "and each hop, tagged), all described in docs/formats.md; exits 1 when the executions differ."})
public final class ReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Parameters(index = "0", paramLabel = "CAPTURE", description = "Orders queue directory, pipeline data directory, or order CSV file.")
    Path capture;
    @Mixin
    ConfigOption config;
    @Mixin
    LayoutOption layout;
    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "Run directory for the outputs.")
    Path out;

    @ArgGroup(exclusive = true, multiplicity = "0..1", heading = "Pacing (default: --pace recorded):%n")
    PacingChoice pacing = new PacingChoice();

    static final class PacingChoice {
        @Option(names = "--pace", paramLabel = "recorded", description = "The captured inter-arrival gaps (ts_nanos).")
        String pace;
        @Option(names = "--speed", paramLabel = "N", description = "The captured gaps divided by N.")
        Double speed;
        @Option(names = "--rate", paramLabel = "N", description = "A fixed N orders per second.")
        Double rate;
        @Option(names = "--max", description = "As fast as the pipeline takes them (a throughput run).")
        boolean max;
    }

    @Option(names = "--max-gap", paramLabel = "DURATION",
            description = "With recorded or speed pacing, shorten captured gaps longer than this ("
                    + Durations.FORM + ").")
    String maxGap;
    @Option(names = "--interval", paramLabel = "DURATION",
            description = "Interval of the latency log OUT/latency.hlog and of the report's charts over time "
                    + "(" + Durations.FORM + "; default 1s, at least 10ms).")
    String interval;
    @Option(names = "--warmup", defaultValue = "0", paramLabel = "N", description = "Leave the first N orders out of the histograms.")
    long warmup;
    @Option(names = "--limit", defaultValue = "0", paramLabel = "N", description = "Replay only the first N orders (0: all).")
    long limit;
    @Option(names = "--from-session", paramLabel = "N|YYYY-MM-DD",
            description = "Re-drive one trading session of a multi-day queue capture (a data directory): session N "
                    + "(the capture's N-th SESSION_OPEN) or the session of a date. The pipeline starts from the "
                    + "snapshots of risk and matching taken at the previous session's close, is driven with the "
                    + "inputs after that close up to this session's close, and only that session's executions are "
                    + "compared with the capture's.")
    String fromSession;
    @Option(names = "--expected", paramLabel = "FILE|QUEUE",
            description = "Executions to compare with (CSV or queue); default: the capture's own executions queue when there is one.")
    Path expected;
    @Option(names = "--no-verify", description = "Do not compare the executions with the capture's.")
    boolean noVerify;
    @Option(names = "--via", paramLabel = "queue|fix", defaultValue = "queue",
            description = "How the orders reach the pipeline: 'queue' appends them to its orders queue (default); 'fix' "
                    + "starts a FIX gateway on a free loopback port in front of it, with one order-entry session for "
                    + "every account (one stream keeps the capture's order), and sends them as FIX (D/F/G) from a "
                    + "Philadelphia client: adds the gateway-in and gateway-out histograms, end to end then ends when "
                    + "the client has decoded the ExecutionReport; the executions are verified (mapped from the "
                    + "gateway's order ids) and must be.")
    String via;
    @Option(names = "--overwrite", description = "Replace the outputs of an earlier run in OUT.")
    boolean overwrite;
    @Option(names = "--drop-queues", description = "Delete the replay's queues (OUT/data) once its executions matched "
            + "the capture's; kept when they differ or were not compared.")
    boolean dropQueues;

    @Override
    public Integer call() {
        PrintWriter console = spec.commandLine().getOut();
        PrintStream err = WriterStream.of(spec.commandLine().getErr());
        ReplayOptions options = new ReplayOptions()
                .capture(capture)
                .config(layout.apply(config.load()), layout.describe(config.describe()))
                .outDir(out)
                .pacing(pacing())
                .warmup(warmup)
                .limit(limit)
                .fromSession(fromSession)
                .overwrite(overwrite)
                .dropQueues(dropQueues)
                .verify(!noVerify)
                .viaFix(via())
                .progress(err);
        if (expected != null)
            options.expectedExecutions(expected);
        if (interval != null)
            options.interval(Durations.parse("--interval", interval));
        ReplayResult result = Replayer.run(options);
        PrintStream con = WriterStream.of(console);
        SummaryTable.print(result.summary(), con);
        con.flush();
        console.printf("run directory: %s%n", result.runDir());
        if (dropQueues)
            console.println(result.summary().queuesDropped ? "queues dropped: " + result.runDir().resolve("data")
                    + " deleted after verification" : "queues kept in " + result.runDir().resolve("data")
                    + ": the executions were not verified as matching");
        console.flush();
        return result.exitCode();
    }

    private boolean via() {
        if (via.equals("queue") || via.equals("fix"))
            return via.equals("fix");
        throw UserException.usage("--via takes 'queue' or 'fix', was '" + via + "'");
    }

    private Pacing pacing() {
        Pacing p;
        if (pacing.max)
            p = Pacing.max();
        else if (pacing.rate != null)
            p = Pacing.rate(positive(pacing.rate, "--rate"));
        else if (pacing.speed != null)
            p = Pacing.speed(positive(pacing.speed, "--speed"));
        else if (pacing.pace == null || pacing.pace.equals("recorded"))
            p = Pacing.recorded();
        else
            throw UserException.usage("--pace takes 'recorded' (for other pacing use --speed, --rate or --max), was '"
                    + pacing.pace + "'");
        if (maxGap != null)
            p = p.withMaxGap(Durations.parse("--max-gap", maxGap).toNanos());
        return p;
    }

    private static double positive(double v, String option) {
        if (!(v > 0) || Double.isInfinite(v))
            throw UserException.usage(option + " must be a positive number, was " + v);
        return v;
    }
}
