package dev.orderpipe.tools.cli;

import dev.orderpipe.pipeline.ExitCodes;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.codes.RejectReason;
import dev.orderpipe.pipeline.infra.QueueInput;
import dev.orderpipe.pipeline.integrity.RecordKind;
import dev.orderpipe.pipeline.util.AtomicFile;
import dev.orderpipe.pipeline.csv.AsciiOut;
import dev.orderpipe.pipeline.csv.ExecutionCsv;
import dev.orderpipe.pipeline.csv.OrderCsv;
import net.openhft.chronicle.queue.ChronicleQueue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code orderpipe export}: a queue as CSV, in the formats of docs/formats.md. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write a queue as CSV: an executions queue in the executions file format, an orders or checked "
                + "queue in the order file format (bad lines, which have no valid fields, are counted and left out).",
                "The file appears at --out only when every record was written; an existing file is replaced only "
                        + "with --overwrite. A queue directory named orders, checked or executions that holds another "
                        + "kind of record is refused.",
                "File formats: docs/formats.md."})
public final class ExportCommand implements Callable<Integer> {
    /** What to write. */
    public enum Format { auto, executions, orders }

    @Spec
    CommandSpec spec;
    @Parameters(index = "0", paramLabel = "QUEUE", description = "Queue directory, e.g. data/pipeline/executions.")
    Path queue;
    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "CSV file to write.")
    Path out;
    @Option(names = "--format", defaultValue = "auto",
            description = "executions, orders, or auto (by the queue's first record; default).")
    Format format;
    @Option(names = "--overwrite", description = "Replace FILE when it exists (without it, an existing file is refused).")
    boolean overwrite;

    @Override
    public Integer call() throws IOException {
        PrintWriter console = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // refused before the queue is read: an earlier export (or any other file) is not replaced by mistake
        if (Files.exists(out) && !overwrite)
            throw UserException.usage(out + " already exists: choose another --out or pass --overwrite to replace it");
        // a queue named orders, checked or executions must hold that kind of record (checked before it is read)
        RecordKind named = RecordKind.ofQueueName(queue.getFileName().toString());
        try (ChronicleQueue q = QueueArgs.openExisting(queue, named);
             QueueInput input = new QueueInput(queue.toString(), q)) {
            OrderInfo r = new OrderInfo();
            RecordKind kind = named;
            try (QueueInput peek = new QueueInput(queue.toString(), q).open()) {
                if (peek.read(r))
                    kind = RecordKind.of(r);
            }
            Format f = format != Format.auto ? format
                    : kind == RecordKind.REPORT || kind == null && format == Format.executions ? Format.executions
                    : Format.orders;
            if (kind != null && (f == Format.executions) != (kind == RecordKind.REPORT))
                throw UserException.usage(queue + " holds " + kind.queueName() + " (its first record is "
                        + kind.article() + "), which --format " + f + " does not write: export it with --format "
                        + (kind == RecordKind.REPORT ? Format.executions : Format.orders) + " (or auto)");
            input.open();
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent))
                throw UserException.failure("cannot write " + out + ": directory " + parent + " does not exist");
            RecordKind.Check kinds = new RecordKind.Check(named);
            long written = 0;
            long skipped = 0;
            long t0 = System.nanoTime();
            long nextProgress = t0 + 2_000_000_000L;
            // the CSV appears at --out only once every record is written: a failure midway leaves no partial file
            try (AtomicFile file = AtomicFile.create(out)) {
                try (AsciiOut csv = new AsciiOut(file.temp())) {
                    if (f == Format.executions)
                        ExecutionCsv.header(csv);
                    else
                        OrderCsv.header(csv);
                    while (input.readOrEnd(r)) {
                        String wrongKind = kinds.check(r);
                        if (wrongKind != null)
                            throw input.damaged(input.lastReadIndex(), wrongKind);
                        if (f == Format.executions) {
                            ExecutionCsv.line(csv, r);
                        } else if (r.rejectReason() == RejectReason.BAD_LINE) {
                            skipped++;
                            continue;
                        } else {
                            OrderCsv.line(csv, r);
                        }
                        if (++written % 65_536 == 0 && System.nanoTime() > nextProgress) {
                            nextProgress += 2_000_000_000L;
                            err.printf("export: %,d records...%n", written);
                            err.flush();
                        }
                    }
                }
                file.commit();
            }
            console.printf("wrote %,d %s records to %s%s%n", written, f, out,
                    skipped > 0 ? " (" + skipped + " bad-line records without valid fields left out)" : "");
            console.flush();
        }
        return ExitCodes.OK;
    }
}
