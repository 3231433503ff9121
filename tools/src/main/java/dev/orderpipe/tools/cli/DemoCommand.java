package dev.orderpipe.tools.cli;

import dev.orderpipe.bench.OrderGenerator;
import dev.orderpipe.pipeline.Pipeline;
import dev.orderpipe.pipeline.book.BookSummary;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.util.FileTrees;
import dev.orderpipe.replay.Pacing;
import dev.orderpipe.replay.ReplayOptions;
import dev.orderpipe.replay.ReplayResult;
import dev.orderpipe.replay.Replayer;
import dev.orderpipe.replay.SummaryTable;
import dev.orderpipe.report.HtmlReport;
import dev.orderpipe.report.ReportResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code orderpipe demo}: the README's main job on the embedded default. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"The main job on the embedded default: generate a sample order file, run the pipeline over it "
                + "(counts, trades, rejects by reason, throughput, the books' final state), replay the captured orders "
                + "through a fresh pipeline at a fixed rate (latency, verification against the run) and write the "
                + "latency report.",
                "File formats: docs/formats.md."})
public final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;
    @Mixin
    LayoutOption layout;
    @Option(names = {"-n", "--orders"}, defaultValue = "200000", description = "Orders to generate (default ${DEFAULT-VALUE}).")
    long orders;
    @Option(names = {"-s", "--seed"}, defaultValue = "1", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--replay-rate", defaultValue = "50000", paramLabel = "N",
            description = "Orders per second for the replay (default ${DEFAULT-VALUE}).")
    double replayRate;
    @Option(names = "--dir", defaultValue = "orderpipe-demo", paramLabel = "DIR",
            description = "Working directory for the demo's files; its data/ is replaced each run (default ./${DEFAULT-VALUE}).")
    Path dir;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        if (orders < 1 || !(replayRate > 0))
            throw UserException.usage("--orders and --replay-rate must be positive");
        PipelineConfig cfg = layout.apply(config.load()); // a bad config is refused before anything is deleted
        Files.createDirectories(dir);
        Path orderFile = dir.resolve("orders.csv");
        Path data = dir.resolve("data");
        FileTrees.delete(data); // the queues a previous demo left (only what the demo itself creates)

        out.printf("1/4 generating %,d orders into %s%n", orders, orderFile);
        out.flush();
        OrderGenerator.Settings settings = new OrderGenerator.Settings();
        settings.orders = orders;
        settings.seed = seed;
        settings.malformedPercent = 0.1;
        GenerateCommand.write(settings, cfg.risk.symbols, orderFile, n -> {
            out.printf("    ... %,d lines%n", n);
            out.flush();
        });

        cfg.dataDir = data.toString();
        cfg.ingress.file = orderFile.toString();
        cfg.ingress.follow = false;
        cfg.egress.csvFile = dir.resolve("executions.csv").toString();
        cfg.validate();
        out.printf("2/4 running the pipeline (%s) over it, queues in %s%n", layout.describe(config.describe()), data);
        Summaries.printGroups(out, cfg, "    ");
        long t0 = System.nanoTime();
        Pipeline pipeline = Pipeline.start(cfg, Pipeline.FailureReport.CALLER); // thrown, reported once
        try {
            while (!pipeline.awaitFinished(5, TimeUnit.SECONDS))
                out.printf("    ... %,d lines in, %,d reports out%n", pipeline.ingress().written(), pipeline.counts().reports());
        } finally {
            pipeline.close();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        out.println();
        Summaries.printCounts(out, pipeline, seconds);
        out.println();
        out.println("books at the end:");
        out.println(BookSummary.of(pipeline.matching().engine()));
        out.printf("executions CSV: %s%n%n", cfg.egress.csvFile);

        Path run = dir.resolve("replay");
        Duration interval = interval(orders, replayRate);
        out.printf("3/4 replaying the captured orders through a fresh pipeline at %,.0f orders/s into %s "
                + "(intervals of %d ms over time)%n", replayRate, run, interval.toMillis());
        out.flush();
        long warmup = Math.min(orders / 10, 20_000);
        ReplayResult replay = Replayer.run(new ReplayOptions()
                .capture(data.resolve(cfg.ingress.queue))
                .config(layout.apply(config.load()), layout.describe(config.describe()))
                .outDir(run)
                .pacing(Pacing.rate(replayRate))
                .warmup(warmup)
                .interval(interval)
                .overwrite(true)
                .progress(WriterStream.of(spec.commandLine().getErr())));
        PrintStream console = WriterStream.of(out);
        SummaryTable.print(replay.summary(), console);
        console.flush();

        out.printf("%n4/4 writing the latency report%n");
        ReportResult report = HtmlReport.write(run, null);
        out.printf("report: %s%n", report.html().toAbsolutePath());
        out.flush();
        return replay.exitCode();
    }

    /**
     * The interval of the replay's charts over time: about {@link #POINTS} of them over the replay (a 1 s interval
     * drew the replay of 50,000 orders at 50,000/s as a single dot), from {@link ReplayOptions#MIN_INTERVAL} to 1 s.
     */
    static Duration interval(long orders, double ratePerSecond) {
        long nanos = (long) (orders / ratePerSecond * 1e9 / POINTS);
        long millis = Math.max(ReplayOptions.MIN_INTERVAL.toMillis(), Math.min(1000, nanos / 1_000_000));
        return Duration.ofMillis(millis);
    }

    private static final int POINTS = 20;
}
