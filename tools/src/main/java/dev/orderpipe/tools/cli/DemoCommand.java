package dev.orderpipe.tools.cli;

import dev.orderpipe.pipeline.Pipeline;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.tools.generate.OrderGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** {@code orderpipe demo}: the README's main job on the embedded default. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Generate a sample order file, run the pipeline over it and print counts, trades, rejects by "
                + "reason, throughput and the books' final state."})
public final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;
    @Option(names = {"-n", "--orders"}, defaultValue = "200000", description = "Orders to generate (default ${DEFAULT-VALUE}).")
    long orders;
    @Option(names = {"-s", "--seed"}, defaultValue = "1", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--dir", defaultValue = "orderpipe-demo", paramLabel = "DIR",
            description = "Working directory for the demo's files; its data/ is replaced each run (default ./${DEFAULT-VALUE}).")
    Path dir;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        Files.createDirectories(dir);
        Path orderFile = dir.resolve("orders.csv");
        Path data = dir.resolve("data");
        deleteQueues(data);

        out.printf("1/2 generating %,d orders into %s%n", orders, orderFile);
        out.flush();
        PipelineConfig cfg = config.load();
        OrderGenerator.Settings settings = new OrderGenerator.Settings();
        settings.orders = orders;
        settings.seed = seed;
        settings.malformedPercent = 0.1;
        GenerateCommand.write(settings, cfg.risk.symbols, orderFile);

        cfg.dataDir = data.toString();
        cfg.ingress.input = orderFile.toString();
        cfg.ingress.follow = false;
        cfg.egress.output = dir.resolve("executions.csv").toString();
        cfg.validate();
        out.printf("2/2 running the pipeline (%s) over it, queues in %s%n", config.describe(), data);
        out.flush();
        long t0 = System.nanoTime();
        Pipeline pipeline = Pipeline.start(cfg);
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
        out.println(pipeline.matching().engine().summary());
        out.printf("executions CSV: %s%n", cfg.egress.output);
        out.flush();
        return 0;
    }

    /** Removes the queue directories a previous demo left (only what the demo itself creates). */
    private static void deleteQueues(Path data) throws IOException {
        if (!Files.exists(data))
            return;
        try (Stream<Path> walk = Files.walk(data)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList())
                Files.delete(p);
        }
    }
}
