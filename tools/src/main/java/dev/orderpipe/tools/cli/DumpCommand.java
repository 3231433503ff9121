package dev.orderpipe.tools.cli;

import dev.orderpipe.pipeline.ExitCodes;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.codes.ExecType;
import dev.orderpipe.replay.Documents;
import dev.orderpipe.pipeline.infra.QueueInput;
import dev.orderpipe.pipeline.integrity.RecordKind;
import dev.orderpipe.pipeline.snapshot.SnapshotStore;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.RollCycle;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import sun.misc.Signal;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code orderpipe dump}: readable records of a queue, with index and cycle, as lines, YAML or JSON, filtered by order,
 * account, symbol, execution type and event time, from an index or the last N.
 */
@Command(name = "dump", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print the records of a queue (orders, checked or executions): one per line, as YAML documents "
                + "or as JSON lines (one object per record). Fields as in the record layout of docs/formats.md.",
                "A snapshot queue (snapshots/risk, snapshots/matching) is listed a snapshot per line: its header "
                        + "(the input it covers, the session), chunks, payload bytes, CRC32C, and whether a restart "
                        + "would restore it (valid) or why not.",
                "Filters combine (all must match): --order-id, --account, --symbol, --exec-type, --since, --until."})
public final class DumpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Parameters(index = "0", paramLabel = "QUEUE", description = "Queue directory, e.g. data/pipeline/executions.")
    Path queue;
    @Option(names = "--from", paramLabel = "INDEX",
            description = "First index to read: decimal, or hex with 0x as printed by dump (default: the start).")
    String from;
    @Option(names = "--last", paramLabel = "N", description = "Print only the last N records that match (then, with "
            + "--follow, every new one).")
    Long last;
    @Option(names = {"-n", "--count"}, paramLabel = "N", description = "Print at most N records.")
    Long count;
    @Option(names = {"-f", "--follow"}, description = "Keep printing records as they are appended (until Ctrl-C).")
    boolean follow;
    @Option(names = "--order-id", paramLabel = "ID", description = "Only records of this order id.")
    Long orderId;
    @Option(names = "--account", paramLabel = "N", description = "Only records of this account.")
    Long account;
    @Option(names = "--symbol", paramLabel = "SYMBOL", description = "Only records of this symbol, in any case (symbols are upper-case in the "
            + "pipeline: aapl is AAPL), as --exec-type.")
    String symbol;
    @Option(names = "--exec-type", paramLabel = "TYPE",
            description = "Only execution reports of this type, in any case: NEW, TRADE, CANCELED, REPLACED, EXPIRED, "
                    + "REJECTED, SESSION_OPEN, SESSION_CLOSE.")
    ExecType execType;
    @Option(names = "--since", paramLabel = "TIME", description = "Only records whose event time (ts_nanos) is at or "
            + "after TIME: epoch nanoseconds or an ISO-8601 instant such as 2026-11-28T09:30:00Z.")
    String since;
    @Option(names = "--until", paramLabel = "TIME", description = "Only records whose event time is before TIME (as "
            + "--since); it must be later than --since.")
    String until;
    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Format format = new Format();

    static final class Format {
        @Option(names = "--yaml", description = "One YAML document per record instead of one line.")
        boolean yaml;
        @Option(names = "--json", description = "One JSON object per line and record (JSON Lines).")
        boolean json;
    }

    private volatile boolean stopped;

    @Override
    public Integer call() throws InterruptedException {
        if (count != null && count < 0)
            throw UserException.usage("--count must be 0 or more, was " + count);
        if (last != null && last < 0)
            throw UserException.usage("--last must be 0 or more, was " + last);
        if (last != null && from != null)
            throw UserException.usage("--last and --from cannot be combined: --last counts back from the end");
        PrintWriter out = spec.commandLine().getOut();
        long fromIndex = from == null ? -1 : parseIndex(from);
        long sinceNanos = since == null ? Long.MIN_VALUE : time("--since", since);
        long untilNanos = until == null ? Long.MAX_VALUE : time("--until", until);
        if (sinceNanos >= untilNanos) // [since, until) is empty: a swapped pair, not a question with no answer
            throw UserException.usage("--since " + since + " is not before --until " + until
                    + ": no record could match; swap them");
        Filter filter = new Filter(orderId, account, symbol == null ? 0 : symbol(symbol), execType, sinceNanos,
                untilNanos);
        if (follow) {
            Signal.handle(new Signal("INT"), s -> stopped = true);
            Signal.handle(new Signal("TERM"), s -> stopped = true);
        }
        if (snapshots(out))
            return ExitCodes.OK;
        try (ChronicleQueue q = QueueArgs.openExisting(queue); QueueInput input = new QueueInput(queue.toString(), q)) {
            RollCycle rc = q.rollCycle();
            input.open();
            if (fromIndex >= 0 && !input.moveTo(fromIndex))
                throw UserException.failure("index " + from + " is not in " + queue + " (first 0x"
                        + Long.toHexString(q.firstIndex()) + ", last 0x" + Long.toHexString(q.lastIndex()) + ")");
            OrderInfo r = new OrderInfo();
            if (execType != null && execType != ExecType.NONE)
                requireReports(q, r);
            long skip = 0;
            if (last != null) {
                // two passes: count what matches now, then print the last N of it (no copy of the records is kept)
                long matching = 0;
                try (QueueInput counting = new QueueInput(queue.toString(), q).open()) {
                    while (counting.readOrEnd(r))
                        if (filter.test(r))
                            matching++;
                }
                skip = Math.max(0, matching - last);
            }
            long printed = 0;
            while (count == null || printed < count) {
                if (!input.readOrEnd(r)) {
                    if (!follow || stopped)
                        break;
                    out.flush();
                    Thread.sleep(10);
                    continue;
                }
                if (!filter.test(r))
                    continue;
                if (skip > 0) {
                    skip--;
                    continue;
                }
                print(out, r, input.lastReadIndex(), rc);
                printed++;
            }
            out.flush();
        }
        return ExitCodes.OK;
    }

    /**
     * A snapshot queue ({@code snapshots/risk}, {@code snapshots/matching}, told by its first header) is listed a
     * snapshot a line ({@link SnapshotDump}); the record filters, --from and --follow, which select order records,
     * are refused for it with one line.
     *
     * @return whether {@link #queue} was a snapshot queue (then it is printed)
     */
    private boolean snapshots(PrintWriter out) {
        String stage;
        try (ChronicleQueue q = QueueArgs.openVerified(queue)) {
            stage = SnapshotStore.stageOf(q);
            if (stage == null)
                return false;
            String name = queue.getParent() == null ? queue.toString() : queue.getParent().getFileName() + "/"
                    + queue.getFileName();
            if (orderId != null || account != null || symbol != null || execType != null || since != null
                    || until != null || from != null || follow)
                throw UserException.usage(queue + " holds " + stage + "'s snapshots, not order records: dump lists"
                        + " them whole (with --last, --count, --yaml or --json); --order-id, --account, --symbol,"
                        + " --exec-type, --since, --until, --from and --follow select records of orders, checked or"
                        + " executions");
            SnapshotDump.print(out, q, name, stage, last, count, format.yaml, format.json);
        }
        out.flush();
        return true;
    }

    private void print(PrintWriter out, OrderInfo r, long index, RollCycle rc) {
        String where = "0x" + Long.toHexString(index) + " cycle " + rc.toCycle(index) + " seq "
                + rc.toSequenceNumber(index);
        if (format.json) {
            out.print(Documents.jsonLine(RecordDocument.of(r, index, rc)));
        } else if (format.yaml) {
            out.println("--- # " + where);
            out.print(Documents.yaml(RecordDocument.of(r, index, rc)));
        } else {
            out.println(where + " " + r);
        }
    }

    /**
     * --exec-type on a queue of orders or checked orders would print nothing, as if no report of that type existed:
     * their records have no exec type. Told from the first record, as every tool tells a queue's kind.
     */
    private void requireReports(ChronicleQueue q, OrderInfo r) {
        try (QueueInput first = new QueueInput(queue.toString(), q).open()) {
            if (!first.readOrEnd(r))
                return;
        }
        RecordKind kind = RecordKind.of(r);
        if (kind != RecordKind.REPORT)
            throw UserException.usage("--exec-type " + execType + " selects execution reports, but " + queue
                    + " holds " + kind.queueName() + " records (no exec type): dump an executions queue");
    }

    /** What --order-id, --account, --symbol, --exec-type, --since and --until let through. */
    private record Filter(Long orderId, Long account, long symbol, ExecType execType, long since, long until) {
        boolean test(OrderInfo r) {
            return (orderId == null || r.orderId() == orderId)
                    && (account == null || r.account() == account)
                    && (symbol == 0 || r.symbol() == symbol)
                    && (execType == null || r.execType() == execType)
                    && r.eventTime() >= since && r.eventTime() < until;
        }
    }

    private static long symbol(String text) {
        try {
            // upper-case as the pipeline's symbols are (the order file's parser takes them so)
            return Symbols.encode(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw UserException.usage("--symbol '" + text + "' is not a symbol (1 to 8 of A-Z 0-9 .)");
        }
    }

    /** Epoch nanoseconds, or an ISO-8601 instant. */
    static long time(String option, String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            // an instant then
        }
        try {
            Instant t = Instant.parse(text);
            return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
        } catch (DateTimeParseException | ArithmeticException e) {
            throw UserException.usage(option + " '" + text + "' is neither epoch nanoseconds nor an ISO-8601 instant"
                    + " such as 2026-11-28T09:30:00Z");
        }
    }

    static long parseIndex(String text) {
        try {
            return text.startsWith("0x") || text.startsWith("0X") ? Long.parseUnsignedLong(text.substring(2), 16) : Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw UserException.usage("--from '" + text + "' is not an index (decimal, or hex with 0x)");
        }
    }
}
