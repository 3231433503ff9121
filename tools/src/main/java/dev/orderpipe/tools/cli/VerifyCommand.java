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
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code orderpipe verify}: is every record of a data directory intact and consistent? */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check every record of a data directory's queues (orders, checked, executions): the framing of "
                + "every cycle file (its queue header read field by field as Chronicle reads it, no record header "
                + "zeroed or turned into metadata, no file cut short), Chronicle's index in each file (every entry "
                + "pointing at exactly its record: an entry of 0, which a killed writer leaves, is noted), each "
                + "record's length, format and CRC32C, that each queue holds its kind of record (orders, checked "
                + "orders, execution reports), each record's place (seq 1, 2, 3... on executions with each input's "
                + "reports together, each writer's numbers on orders: docs/formats.md) and that each stage's "
                + "sourceIndex chain matches its input (every input accounted for, in order). Reads only; run it with "
                + "the pipeline stopped or running.",
                "Prints one line per queue, the first problem of each damaged queue, what the start-up repair would "
                        + "do, and a summary.",
                "Exit codes: 0 sound; 1 damaged (the records before each problem are intact: restore the damaged "
                        + "queue from a copy); 3 sound but in need of the start-up repair (a newest cycle file or a "
                        + "metadata.cq4t left half-created by a crash, a missing metadata.cq4t): start the pipeline "
                        + "('orderpipe run'), which repairs it; the other tools refuse the queue until then; "
                        + "2 a usage error."})
public final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;
    @Parameters(index = "0", paramLabel = "DATA_DIR", description = "The pipeline's data directory.")
    Path dataDir;

    @Override
    public Integer call() {
        PipelineConfig cfg = config.loadFor(dataDir);
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
                out.printf("%-12s %12s %6s %18s %18s  %s%n", q.name(), "-", "-", "-", "-",
                        q.problem() == null ? "absent" : "MISSING (records made from it are on the next queue)");
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
            for (QueueDamagedException r : q.repairs())
                out.println(q.name() + ": needs the start-up repair at " + r.where() + ": " + r.what());
        }
        List<DataDirVerifier.QueueReport> damaged = report.damaged();
        String took = String.format(Locale.ROOT, "%,d records in %d queues (%,.1f MB of files) read in %.2f s",
                report.records(), present.size(), bytes / 1e6, report.nanos() / 1e9);
        if (!damaged.isEmpty()) {
            out.println(dataDir + " is damaged (" + names(damaged) + "): the records before each problem are intact;"
                    + " restore the damaged queues from a copy (" + took + ")");
            out.flush();
            return ExitCodes.FAILURE;
        }
        if (report.needsRepair()) {
            out.println(dataDir + " needs the start-up repair (" + names(report.queues().stream()
                    .filter(q -> !q.repairs().isEmpty()).toList()) + "): no record is damaged; start the pipeline on"
                    + " it ('orderpipe run'), which repairs it, before other tools read it (" + took + ")");
            out.flush();
            return ExitCodes.NEEDS_REPAIR;
        }
        out.println(dataDir + " is sound: " + took);
        out.flush();
        return ExitCodes.OK;
    }

    private static String names(List<DataDirVerifier.QueueReport> queues) {
        return String.join(", ", queues.stream().map(DataDirVerifier.QueueReport::name).toList());
    }

    private static String result(DataDirVerifier.QueueReport q) {
        if (q.problem() != null)
            return "DAMAGED (intact records before the problem)";
        if (!q.repairs().isEmpty())
            return "sound, needs the start-up repair";
        if (q.behind() > 0)
            return String.format(Locale.ROOT, "sound (%,d input records not yet processed)", q.behind());
        return "sound";
    }
}
