package dev.orderpipe.tools.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orderpipe.pipeline.ExitCodes;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.infra.HistoryStart;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.retention.Retention;
import dev.orderpipe.pipeline.retention.RetentionPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code orderpipe retain}: removes the cycle files nothing needs any more (README, Retention). */
@Command(name = "retain", mixinStandardHelpOptions = true,
        description = {"Remove (or move to retention.archiveDir) the old cycle files of a data directory's queues "
                + "(orders, checked, executions, snapshots/risk, snapshots/matching) that the latest snapshot risk "
                + "and matching would restore covers and that no named consumer (consumers/), egress's executions "
                + "CSV or replica (replication.dat) still needs; each queue's newest retention.keepCycles files stay. "
                + "Safe beside a running pipeline (a lock keeps one pass at a time); each queue's retention.txt then "
                + "says where its history starts, which verify, stats, dump, export and replay accept.",
                "Prints per queue the files that go (or, with --dry-run, may go) and what holds the rest. The "
                        + "retention.txt and retention.lock files are defined in docs/formats.md."})
public final class RetainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;
    @Option(names = {"-d", "--data"}, required = true, paramLabel = "DIR", description = "The pipeline's data "
            + "directory.")
    Path dataDir;
    @Option(names = "--executions-csv", paramLabel = "FILE", description = "The executions CSV the pipeline writes "
            + "(as given to run): its last line holds the reports after it. Default: egress.csvFile of the config.")
    Path executionsCsv;
    @Option(names = "--dry-run", description = "Only say what would go.")
    boolean dryRun;

    @Override
    public Integer call() {
        PipelineConfig cfg = config.loadFor(dataDir);
        if (executionsCsv != null)
            cfg.egress.csvFile = executionsCsv.toString();
        cfg.validate();
        if (!Queues.isQueueDir(dataDir.resolve(cfg.ingress.queue)))
            throw UserException.failure(dataDir + " holds no " + cfg.ingress.queue + " queue (is it the pipeline's"
                    + " dataDir?)");
        RetentionPlan plan = Retention.run(cfg, dryRun, null);
        PrintWriter out = spec.commandLine().getOut();
        print(out, plan, dryRun ? "may go" : cfg.retention.archiveDir.isEmpty() ? "deleted" : "archived");
        out.flush();
        return ExitCodes.OK;
    }

    /**
     * Per queue: where its history starts, its files, those that go and their bytes, and each hold (the lowest,
     * which stops the cut, marked {@code *}).
     *
     * @param verb what happens to the files that go ("may go", "deleted", "archived")
     */
    static void print(PrintWriter out, RetentionPlan plan, String verb) {
        int files = 0;
        long bytes = 0;
        out.printf("%-20s %22s %6s %8s %14s%n", "retention", "first kept index", "files", verb.equals("may go")
                ? "may go" : "gone", "bytes");
        for (RetentionPlan.QueuePlan q : plan.queues()) {
            long first = q.firstKeptIndex();
            out.printf(Locale.ROOT, "%-20s %22s %6d %8d %,14d%n", q.name(), first < 0 ? "-"
                    : Queues.describeIndex(q.rollCycle(), first), q.files().size(), q.removable().size(),
                    q.removableBytes());
            for (RetentionPlan.Hold hold : q.holds())
                out.printf("  %s held by %s%n", hold == q.binding() ? "*" : " ", describe(q, hold));
            if (q.keptByAge())
                out.printf("  * held by retention.keepCycles (the newest files stay)%n");
            if (!q.leftovers().isEmpty())
                out.printf("    %d file(s) before the history's start, left by an interrupted pass: removed first%n",
                        q.leftovers().size());
            files += q.removable().size();
            bytes += q.removableBytes();
        }
        out.printf(Locale.ROOT, "%d cycle file(s), %,d bytes %s%n", files, bytes, verb);
    }

    private static String describe(RetentionPlan.QueuePlan q, RetentionPlan.Hold hold) {
        return hold.holder() + (hold.all() ? ": everything" : " from index "
                + Queues.describeIndex(q.rollCycle(), hold.index()));
    }

    /** The plan as JSON rows (stats --json {@code retention}). */
    static void json(ArrayNode rows, RetentionPlan plan) {
        for (RetentionPlan.QueuePlan q : plan.queues()) {
            ObjectNode row = rows.addObject();
            row.put("queue", q.name());
            HistoryStart now = q.history();
            row.put("history_start_index", now == null ? -1 : now.firstIndex());
            row.put("records_before", now == null ? 0 : now.recordsBefore());
            row.put("first_kept_index", q.firstKeptIndex());
            row.put("files", q.files().size());
            row.put("files_may_go", q.removable().size());
            row.put("bytes_may_go", q.removableBytes());
            row.put("kept_by_age", q.keptByAge());
            ArrayNode holds = row.putArray("holds");
            for (RetentionPlan.Hold hold : q.holds()) {
                ObjectNode h = holds.addObject();
                h.put("holder", hold.holder());
                h.put("index", hold.index());
                h.put("binding", hold == q.binding());
            }
        }
    }
}
