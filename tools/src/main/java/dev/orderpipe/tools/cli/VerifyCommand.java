package dev.orderpipe.tools.cli;

import dev.orderpipe.pipeline.ExitCodes;
import dev.orderpipe.pipeline.infra.QueueDamagedException;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.integrity.DataDirVerifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code orderpipe verify}: is every record of a data directory intact and consistent? */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check every record of a data directory's queues (orders, checked, executions): the framing of "
                + "every cycle file (no header zeroed, no file cut short), each record's length, format and CRC32C, "
                + "each record's place (seq 1, 2, 3... on executions with each input's reports together, each writer's "
                + "numbers on orders: docs/formats.md) and that each stage's sourceIndex chain matches its input "
                + "(every input accounted for, in order). Reads only; run it with the pipeline stopped or running.",
                "Prints one line per queue, the first problem of each damaged queue, and a summary. "
                        + "Exit 0 only when everything is sound, 1 when anything is damaged."})
public final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;
    @Parameters(index = "0", paramLabel = "DATA_DIR", description = "The pipeline's data directory.")
    Path dataDir;

    @Override
    public Integer call() {
        if (!Files.isDirectory(dataDir))
            throw UserException.failure(dataDir + " is not a directory");
        PipelineConfig cfg = config.load();
        cfg.dataDir = dataDir.toString();
        DataDirVerifier.Report report = DataDirVerifier.verify(cfg);
        List<DataDirVerifier.QueueReport> present = report.queues().stream()
                .filter(DataDirVerifier.QueueReport::present).toList();
        if (present.isEmpty())
            throw UserException.failure(dataDir + " holds none of the queues " + cfg.ingress.queue + ", "
                    + cfg.risk.queue + ", " + cfg.matching.queue + " (is it the pipeline's dataDir?)");
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-12s %12s %6s %18s %18s  %s%n", "queue", "records", "files", "first index", "last index",
                "result");
        long bytes = 0;
        for (DataDirVerifier.QueueReport q : report.queues()) {
            if (!q.present()) {
                out.printf("%-12s %12s %6s %18s %18s  %s%n", q.name(), "-", "-", "-", "-", "absent");
                continue;
            }
            bytes += q.bytes();
            out.printf(Locale.ROOT, "%-12s %,12d %6d %18s %18s  %s%n", q.name(), q.records(), q.files(),
                    q.firstIndex(), q.lastIndex(), result(q));
        }
        for (DataDirVerifier.QueueReport q : report.queues()) {
            QueueDamagedException p = q.problem();
            if (p != null)
                out.println(q.name() + ": damaged at " + p.where() + ": " + p.what());
            else if (q.note() != null)
                out.println(q.name() + ": " + q.note());
        }
        List<DataDirVerifier.QueueReport> damaged = report.damaged();
        String took = String.format(Locale.ROOT, "%,d records in %d queues (%,.1f MB of files) read in %.2f s",
                report.records(), present.size(), bytes / 1e6, report.nanos() / 1e9);
        if (damaged.isEmpty()) {
            out.println(dataDir + " is sound: " + took);
            out.flush();
            return ExitCodes.OK;
        }
        out.println(dataDir + " is damaged (" + String.join(", ", damaged.stream()
                .map(DataDirVerifier.QueueReport::name).toList()) + "): the records before each problem are intact;"
                + " restore the damaged queues from a copy (" + took + ")");
        out.flush();
        return ExitCodes.FAILURE;
    }

    private static String result(DataDirVerifier.QueueReport q) {
        if (q.problem() != null)
            return "DAMAGED (intact records before the problem)";
        if (q.behind() > 0)
            return String.format(Locale.ROOT, "sound (%,d input records not yet processed)", q.behind());
        return "sound";
    }
}
