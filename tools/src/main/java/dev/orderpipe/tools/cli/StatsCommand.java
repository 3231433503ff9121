package dev.orderpipe.tools.cli;

import dev.orderpipe.pipeline.ExitCodes;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.infra.QueueDamagedException;
import dev.orderpipe.pipeline.infra.QueueInput;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.integrity.QueueVerifier;
import dev.orderpipe.pipeline.integrity.RecordKind;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code orderpipe stats}: what is in a data directory and how far each stage is behind. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = {"Per queue: records, first and last index, roll files and size on disk, after the quick check "
                + "of the queues' files and that none lost records that another names.",
                "Per stage: how many input records it has not yet turned into output (from the sourceIndex of its last output)."})
public final class StatsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;
    @Parameters(index = "0", paramLabel = "DATA_DIR", description = "The pipeline's data directory.")
    Path dataDir;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (!Files.isDirectory(dataDir))
            throw UserException.failure(dataDir + " is not a directory");
        PipelineConfig cfg = config.load();
        cfg.dataDir = dataDir.toString();
        // the pipeline's queues together: each one's files, and that none lost records the others name
        QueueVerifier.checkDataDir(cfg);
        Set<String> verified = Set.of(cfg.ingress.queue, cfg.risk.queue, cfg.matching.queue);
        Map<String, SingleChronicleQueue> queues = new LinkedHashMap<>();
        try (Stream<Path> list = Files.list(dataDir)) {
            for (Path p : list.sorted().toList()) {
                String name = p.getFileName().toString();
                if (Queues.isQueueDir(p))
                    queues.put(name, (SingleChronicleQueue) (verified.contains(name) ? QueueArgs.openVerified(p)
                            : QueueArgs.openExisting(p, RecordKind.ofQueue(cfg, name))));
            }
        } catch (RuntimeException e) {
            queues.values().forEach(ChronicleQueue::close); // a damaged queue: close those already open
            throw e;
        }
        if (queues.isEmpty())
            throw UserException.failure(dataDir + " holds no Chronicle queues (is it the pipeline's dataDir?)");
        try {
            out.printf("%-12s %12s %20s %20s %6s %12s%n", "queue", "records", "first index", "last index", "files", "file bytes");
            for (Map.Entry<String, SingleChronicleQueue> e : queues.entrySet()) {
                SingleChronicleQueue q = e.getValue();
                long first, last, count;
                try {
                    first = q.firstIndex();
                    last = q.lastIndex();
                    count = q.entryCount();
                } catch (InternalError | IllegalStateException x) {
                    // Chronicle's index of a cycle file is damaged (the record check reads the records, not it)
                    throw new QueueDamagedException(e.getKey(), -1, "its index",
                            QueueDamagedException.whatChronicleMet(x));
                }
                boolean empty = first == Long.MAX_VALUE || last < 0;
                long[] files = files(dataDir.resolve(e.getKey()));
                out.printf("%-12s %,12d %20s %20s %6d %,12d%n", e.getKey(), count,
                        empty ? "-" : "0x" + Long.toHexString(first), empty ? "-" : "0x" + Long.toHexString(last),
                        files[0], files[1]);
            }
            out.println();
            out.printf("%-10s %-12s %-12s %14s%n", "stage", "input", "output", "behind");
            lag(out, "risk", queues.get(cfg.ingress.queue), cfg.ingress.queue, queues.get(cfg.risk.queue),
                    cfg.risk.queue);
            lag(out, "matching", queues.get(cfg.risk.queue), cfg.risk.queue, queues.get(cfg.matching.queue),
                    cfg.matching.queue);
            out.flush();
        } finally {
            queues.values().forEach(ChronicleQueue::close);
        }
        return ExitCodes.OK;
    }

    private static void lag(PrintWriter out, String stage, SingleChronicleQueue in, String inName,
                            SingleChronicleQueue output, String outName) {
        if (in == null) {
            out.printf("%-10s %-12s %-12s %14s%n", stage, inName, outName, "(no input queue)");
            return;
        }
        long inCount = in.entryCount();
        long behind;
        OrderInfo last = new OrderInfo();
        if (output == null || QueueInput.readLast(outName, output, last) < 0) {
            behind = inCount;
        } else {
            long done = last.sourceIndex();
            long lastIn = in.lastIndex();
            if (done < in.firstIndex() || done > lastIn)
                throw notOnInput(inName, outName, in, done);
            // countExcerpts counts [done, lastIn): as many as there are in (done, lastIn], the records not yet done
            try {
                behind = lastIn == done ? 0 : in.countExcerpts(done, lastIn);
            } catch (IllegalStateException e) {
                throw notOnInput(inName, outName, in, done); // Chronicle finds no cycle file for the record named
            }
        }
        out.printf("%-10s %-12s %-12s %,14d%n", stage, inName, outName, behind);
    }

    /** The last record on {@code outName} names an input record that {@code in} does not hold: records were lost. */
    private static QueueDamagedException notOnInput(String inName, String outName, SingleChronicleQueue in,
                                                    long source) {
        long first = in.firstIndex();
        String holds = first == Long.MAX_VALUE || in.lastIndex() < 0 ? "holds no records" : "holds "
                + Queues.describeIndex(in, first) + " to " + Queues.describeIndex(in, in.lastIndex());
        return new QueueDamagedException(inName, source, "index " + Queues.describeIndex(in, source), "the record is"
                + " missing (" + inName + " " + holds + ") but the last record on " + outName + " was made from it:"
                + " records were lost (a cycle file cut short, emptied or removed)");
    }

    private static long[] files(Path dir) {
        long[] r = new long[2];
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : (Iterable<Path>) list::iterator) {
                if (p.getFileName().toString().endsWith(Queues.QUEUE_FILE_SUFFIX)) {
                    r[0]++;
                    r[1] += Files.size(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return r;
    }

}
