package dev.orderpipe.tools.cli;

import dev.orderpipe.pipeline.ExitCodes;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.api.ExecutionFeed;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.csv.AsciiOut;
import dev.orderpipe.pipeline.csv.ExecutionCsv;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import sun.misc.Signal;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code orderpipe tail executions}: an example consumer. It reads execution reports through the
 * {@link ExecutionFeed} API under a name, so a restart continues where it stopped.
 */
@Command(name = "tail", mixinStandardHelpOptions = true,
        description = {"Example consumer: print execution reports as the pipeline writes them, through the "
                + "ExecutionFeed API. With --name the position survives restarts.",
                "File formats: docs/formats.md."})
public final class TailCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;
    @Parameters(index = "0", paramLabel = "QUEUE", description = "What to tail: executions.")
    String what;
    @Option(names = {"-d", "--data"}, paramLabel = "DIR", description = "Data directory (overrides dataDir).")
    Path data;
    @Option(names = "--name", description = "Keep the position under this name (continue after a restart).")
    String name;
    @Option(names = "--from-end", description = "Without a stored position, start after the last report (default: the first).")
    boolean fromEnd;
    @Option(names = {"-n", "--count"}, paramLabel = "N", description = "Stop after N reports.")
    Long count;
    @Option(names = "--idle-exit", defaultValue = "0", paramLabel = "SECONDS",
            description = "Stop when no report arrived for SECONDS (default: never).")
    double idleExit;
    @Option(names = "--csv", description = "Print executions CSV lines (docs/formats.md format) instead of records.")
    boolean csv;
    @Option(names = "--out", paramLabel = "FILE", description = {"Append to FILE instead of printing. With --csv the file "
            + "also records progress: after a crash, reports already in it are not written again."})
    Path outFile;

    private volatile boolean stopped;

    @Override
    public Integer call() {
        if (count != null && count < 0)
            throw UserException.usage("--count must be 0 or more, was " + count);
        if (!(idleExit >= 0))
            throw UserException.usage("--idle-exit must be 0 or more seconds, was " + idleExit);
        if (!"executions".equals(what))
            throw UserException.usage("tail reads 'executions' (the pipeline's outbox), not '" + what + "'");
        if (name != null && !ExecutionFeed.isValidName(name))
            throw UserException.usage("--name must be " + ExecutionFeed.NAME_RULE + ", was '" + name + "'");
        PipelineConfig cfg = config.load();
        if (data != null)
            cfg.dataDir = data.toString();
        Signal.handle(new Signal("INT"), s -> stopped = true);
        Signal.handle(new Signal("TERM"), s -> stopped = true);
        PrintWriter out = spec.commandLine().getOut();
        AsciiOut file = null;
        try (ExecutionFeed feed = ExecutionFeed.open(cfg, name, fromEnd ? ExecutionFeed.Start.END : ExecutionFeed.Start.BEGINNING)) {
            long doneSeq = 0;
            if (outFile != null) {
                doneSeq = csv ? ExecutionCsv.recover(outFile) : 0;
                file = AsciiOut.append(outFile);
            }
            OrderInfo report = new OrderInfo();
            long n = 0;
            long lastSeen = System.nanoTime();
            while (!stopped && (count == null || n < count)) {
                if (!feed.next(report)) {
                    if (idleExit > 0 && System.nanoTime() - lastSeen > idleExit * 1e9)
                        break;
                    if (file != null)
                        file.flush();
                    out.flush();
                    LockSupport.parkNanos(1_000_000);
                    continue;
                }
                lastSeen = System.nanoTime();
                if (report.seq() <= doneSeq) {
                    feed.commit(); // already in the CSV file: written before a crash, not yet committed
                    continue;
                }
                if (file != null) {
                    if (csv)
                        ExecutionCsv.line(file, report);
                    else
                        file.text(report.toString()).newline();
                    file.flush(); // written before the position moves on: a restart repeats nothing it finished
                } else if (csv) {
                    out.println(csvLine(report));
                    out.flush();
                } else {
                    out.println(report);
                    out.flush();
                }
                feed.commit();
                n++;
            }
            out.flush();
        } finally {
            if (file != null)
                file.close();
        }
        return ExitCodes.OK;
    }

    private final java.io.ByteArrayOutputStream lineBytes = new java.io.ByteArrayOutputStream(256);
    private final AsciiOut lineOut = AsciiOut.to(lineBytes);

    /** One executions CSV line, for printing (allocates: the example prints through a PrintWriter). */
    private String csvLine(OrderInfo r) {
        lineBytes.reset();
        ExecutionCsv.line(lineOut, r);
        lineOut.flush();
        return lineBytes.toString(java.nio.charset.StandardCharsets.US_ASCII).stripTrailing();
    }
}
