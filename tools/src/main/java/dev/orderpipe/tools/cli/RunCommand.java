package dev.orderpipe.tools.cli;

import dev.orderpipe.pipeline.Pipeline;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.tools.live.LiveStatus;
import dev.orderpipe.tools.live.PrometheusEndpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import sun.misc.Signal;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code orderpipe run}: the production pipeline, until SIGINT or SIGTERM. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the pipeline until SIGINT or SIGTERM (then stop cleanly, exit code 0).",
                "Orders come from --input (or ingress.file in the config) and from order-entry writers.",
                "File formats: docs/formats.md."})
public final class RunCommand implements Runnable {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;
    @Mixin
    LayoutOption layout;
    @Option(names = {"-i", "--input"}, paramLabel = "FILE", description = "Order file to read (overrides ingress.file).")
    Path input;
    @Option(names = "--follow", description = "Keep reading the order file as it grows, like tail -f.")
    boolean follow;
    @Option(names = {"-d", "--data"}, paramLabel = "DIR", description = "Data directory (overrides dataDir).")
    Path data;
    @Option(names = "--exit-when-done", description = "Stop once the order file is read and every order is processed.")
    boolean exitWhenDone;
    @Option(names = "--executions-csv", paramLabel = "FILE", description = "Write execution reports as CSV (overrides egress.csvFile).")
    Path executionsCsv;
    @Option(names = "--status-every", defaultValue = "10s", paramLabel = "DURATION",
            description = "Print a status line every DURATION (" + Durations.FORM + "): each stage's records in, "
                    + "rate and lag behind its input (0: never; default ${DEFAULT-VALUE}).")
    String statusEvery;
    @Option(names = "--metrics-port", paramLabel = "PORT", description = "Serve the live metrics for Prometheus on "
            + "http://HOST:PORT/metrics (off unless given; 0 takes a free port and prints it).")
    Integer metricsPort;
    @Option(names = "--metrics-host", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "The address the metrics endpoint binds (default ${DEFAULT-VALUE}: this machine only).")
    String metricsHost;

    @Override
    public void run() {
        if (metricsPort == null && spec.commandLine().getParseResult().hasMatchedOption("--metrics-host"))
            throw UserException.usage("--metrics-host needs --metrics-port (the endpoint is off without a port)");
        PipelineConfig cfg = layout.apply(config.load());
        if (data != null)
            cfg.dataDir = data.toString();
        if (input != null)
            cfg.ingress.file = input.toString();
        if (follow)
            cfg.ingress.follow = true;
        if (executionsCsv != null)
            cfg.egress.csvFile = executionsCsv.toString();
        cfg.validate();
        if (exitWhenDone && (cfg.ingress.file.isEmpty() || cfg.ingress.follow))
            throw UserException.usage("--exit-when-done needs an order file and no --follow");
        if (metricsPort != null && (metricsPort < 0 || metricsPort > 65535))
            throw UserException.usage("--metrics-port must be 0 to 65535, was " + metricsPort);
        long statusNanos = Durations.parse("--status-every", statusEvery).toNanos();
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch stop = new CountDownLatch(1);
        // handle the signals ourselves so the JVM does not begin its shutdown: close cleanly and exit 0
        Signal.handle(new Signal("INT"), sig -> stop.countDown());
        Signal.handle(new Signal("TERM"), sig -> stop.countDown());
        LiveStatus live = new LiveStatus(cfg);
        PrometheusEndpoint endpoint = null;
        Pipeline pipeline;
        long t0 = System.nanoTime();
        try {
            // bound before the pipeline starts: a port in use stops the command before it has processed anything
            if (metricsPort != null)
                endpoint = startEndpoint(live);
            pipeline = Pipeline.start(cfg, Pipeline.FailureReport.CALLER); // reported once, below
        } catch (RuntimeException e) {
            if (endpoint != null)
                endpoint.close();
            live.close();
            throw e;
        }
        out.printf("orderpipe: pipeline running, data %s%s%n", pipeline.dataDir(),
                cfg.ingress.file.isEmpty() ? "" : ", input " + cfg.ingress.file + (cfg.ingress.follow ? " (following)" : ""));
        Summaries.printGroups(out, cfg, "orderpipe: ");
        long nextStatus = statusNanos > 0 ? System.nanoTime() + statusNanos : Long.MAX_VALUE;
        Pipeline.Accounting accounting = null;
        try {
            if (endpoint != null) {
                out.printf("orderpipe: metrics on http://%s:%d/metrics%n", metricsHost, endpoint.port());
                out.flush();
            }
            while (true) {
                if (stop.await(50, TimeUnit.MILLISECONDS)) {
                    out.println("orderpipe: stopping");
                    break;
                }
                if (pipeline.failure() != null)
                    throw pipeline.failure();
                if (exitWhenDone && pipeline.awaitFinished(0, TimeUnit.MILLISECONDS)) {
                    accounting = pipeline.accounting();
                    break;
                }
                if (System.nanoTime() >= nextStatus) {
                    nextStatus += statusNanos;
                    out.println("orderpipe: " + LiveStatus.describe(live.sample()));
                    out.flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (endpoint != null)
                endpoint.close();
            live.close();
            pipeline.close();
        }
        if (pipeline.failure() != null)
            throw pipeline.failure();
        double seconds = (System.nanoTime() - t0) / 1e9;
        Summaries.printCounts(out, pipeline, seconds);
        // exit 0 means the output is right: a finished pipeline has accounted for every order it was given
        if (accounting != null && !accounting.balanced())
            throw UserException.failure(String.format("the pipeline finished but accounted for %,d orders of the %,d on"
                    + " '%s' in %s: the output does not match the input; the data directory is left as it is for"
                    + " inspection",
                    accounting.accounted(), accounting.ordersIn(), cfg.ingress.queue, pipeline.dataDir()));
    }

    /** The endpoint, or a one-line failure saying what to change when the address cannot be bound. */
    private PrometheusEndpoint startEndpoint(LiveStatus live) {
        try {
            return PrometheusEndpoint.start(live, metricsHost, metricsPort);
        } catch (UncheckedIOException e) {
            throw UserException.failure(e.getMessage() + ": choose another --metrics-port (0 takes a free one) or a "
                    + "--metrics-host that is an address of this machine");
        }
    }
}
