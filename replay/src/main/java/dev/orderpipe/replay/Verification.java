package dev.orderpipe.replay;

import dev.orderpipe.pipeline.BadFileException;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.infra.QueueInput;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.csv.AsciiOut;
import dev.orderpipe.pipeline.csv.ExecutionCsv;
import net.openhft.chronicle.queue.ChronicleQueue;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongUnaryOperator;

/**
 * Compares the execution reports a replay produced with what the capture produced, as executions CSV lines
 * ({@link ExecutionCsv}): every business field (seq, order, account, symbol, side, exec type, status, prices,
 * quantities, contra order, reject reason with its line number) and no timestamp. Reports are compared in queue order,
 * position by position; a report missing on either side is a difference too. Runs after the replay, off the hot path.
 */
public final class Verification {
    /** Outcome in summary.yaml. */
    public static final String MATCHES = "matches";
    public static final String DIFFERS = "differs";
    public static final String NOT_CHECKED = "not-checked";

    private final String expected;
    private final boolean prefix;
    private final long compared;
    private final long differences;
    private final long firstDifferenceSeq;
    private final String expectedLine;
    private final String actualLine;

    private Verification(String expected, boolean prefix, long compared, long differences, long firstDifferenceSeq,
                         String expectedLine, String actualLine) {
        this.expected = expected;
        this.prefix = prefix;
        this.compared = compared;
        this.differences = differences;
        this.firstDifferenceSeq = firstDifferenceSeq;
        this.expectedLine = expectedLine;
        this.actualLine = actualLine;
    }

    /**
     * Compares the executions the replay wrote with the expected ones.
     *
     * @param expected an executions queue directory or an executions CSV file
     * @param actual   the replay's executions queue directory
     */
    public static Verification compare(Path expected, Path actual) {
        return compare(expected, actual, false);
    }

    /**
     * Compares as {@link #compare(Path, Path)}; with {@code prefix}, only as many expected reports as the replay
     * produced (a replay limited to the first orders of a capture).
     */
    public static Verification compare(Path expected, Path actual, boolean prefix) {
        return compare(expected, actual, prefix, LongUnaryOperator.identity());
    }

    /**
     * Compares as {@link #compare(Path, Path, boolean)}, the replay's order ids (and contra order ids) first mapped
     * to the capture's by {@code captureIds}: a replay through a FIX gateway, whose orders have the gateway's ids.
     */
    public static Verification compare(Path expected, Path actual, boolean prefix, LongUnaryOperator captureIds) {
        return compare(expected, lines(expected), new QueueLines(actual, captureIds, null), prefix, 0);
    }

    /**
     * Compares the executions of a replay of one session ({@code replay --from-session}) with the expected reports of
     * that session: those with a seq after {@code afterSeq} up to {@code throughSeq}, exactly (every one, no more).
     * The replay's queue starts after {@code lastReport} (its first report's seq follows that one's).
     */
    public static Verification compareSession(Path expected, Path actual, long afterSeq, long throughSeq,
                                              OrderInfo lastReport) {
        return compare(expected, new SeqRange(lines(expected), afterSeq, throughSeq),
                new QueueLines(actual, LongUnaryOperator.identity(), lastReport), false, afterSeq);
    }

    /** @param base the seq before the first report compared (0: both start at seq 1) */
    private static Verification compare(Path expected, Lines expectedLines, Lines actualLines, boolean prefix,
                                        long base) {
        try (Lines exp = expectedLines; Lines act = actualLines) {
            long position = 0;
            long differences = 0;
            long firstSeq = 0;
            String firstExpected = null;
            String firstActual = null;
            while (true) {
                String a = act.next();
                if (a == null && prefix)
                    break;
                String e = exp.next();
                if (e == null && a == null)
                    break;
                position++;
                if (e != null && e.equals(a))
                    continue;
                if (differences++ == 0) {
                    firstSeq = base + position;
                    firstExpected = e;
                    firstActual = a;
                }
            }
            return new Verification(expected.toString(), prefix, position, differences, firstSeq, firstExpected,
                    firstActual);
        }
    }

    /**
     * Refuses, in one line and before a replay spends its run, expected executions it could not be compared with:
     * missing, a directory that is not an intact executions queue, something other than a regular file (such as
     * {@code /dev/null}), a file whose first line is neither the executions CSV header nor a report, or no report at
     * all (an empty file or queue). Reads them as {@link #compare} does, up to the first report.
     */
    public static void requireExpected(Path expected) {
        try (Lines lines = lines(expected)) {
            if (lines.next() == null)
                throw ReplayException.usage("expected executions " + expected + " holds no execution report: nothing "
                        + "to compare the replay with (give the capture's executions, or --no-verify)");
        }
    }

    /** A directory is read as an executions queue, a regular file as an executions CSV. */
    private static Lines lines(Path expected) {
        if (!Files.exists(expected))
            throw ReplayException.usage("expected executions " + expected + " does not exist");
        if (Files.isDirectory(expected)) {
            if (!Queues.isQueueDir(expected))
                throw ReplayException.usage("expected executions " + expected + " is not a Chronicle queue (no *"
                        + Queues.QUEUE_FILE_SUFFIX + " files) nor an executions CSV file");
            return new QueueLines(expected);
        }
        if (!Files.isRegularFile(expected))
            throw ReplayException.usage("expected executions " + expected + " is not a regular file (a device or a "
                    + "pipe): give an executions CSV file or an executions queue directory");
        return new CsvLines(expected);
    }

    /** Whether the replay produced exactly the expected reports. */
    public boolean matches() {
        return differences == 0;
    }

    /** What was compared against. */
    public String expected() {
        return expected;
    }

    /** Report positions compared (the longer of the two sides). */
    public long compared() {
        return compared;
    }

    /** Positions whose reports differ or exist on one side only. */
    public long differences() {
        return differences;
    }

    /** The 1-based position (the report seq of a single-run queue) of the first difference, 0 if none. */
    public long firstDifferenceSeq() {
        return firstDifferenceSeq;
    }

    /** The capture's line at the first difference, null when the capture has no report there. */
    public String expectedLine() {
        return expectedLine;
    }

    /** The replay's line at the first difference, null when the replay has no report there. */
    public String actualLine() {
        return actualLine;
    }

    /** {@code replay matches capture (N reports)}, or the first difference, both lines, and the count. */
    public String describe() {
        if (matches())
            return "replay matches capture (" + (prefix ? "its first " : "") + compared + " reports)";
        return "replay differs from capture: first difference at seq " + firstDifferenceSeq + ": capture "
                + quote(expectedLine) + ", replay " + quote(actualLine) + "; " + differences + " of " + compared
                + " reports differ";
    }

    private static String quote(String line) {
        return line == null ? "(no report)" : "'" + line + "'";
    }

    @Override
    public String toString() {
        return describe();
    }

    private interface Lines extends Closeable {
        /** The next report as a CSV line, null at the end. */
        String next();

        @Override
        void close();
    }

    private static final class QueueLines implements Lines {
        private final ChronicleQueue queue;
        private final QueueInput input;
        private final OrderInfo record = new OrderInfo();
        private final AsciiOut out = new AsciiOut();
        private final LongUnaryOperator ids;

        QueueLines(Path dir) {
            this(dir, LongUnaryOperator.identity(), null);
        }

        /** @param startAfter the report the queue's first follows, null for a queue of its own from seq 1 */
        QueueLines(Path dir, LongUnaryOperator ids, OrderInfo startAfter) {
            this.ids = ids;
            try {
                queue = Queues.openExisting(dir);
            } catch (BadFileException e) {
                throw ReplayException.usage("expected executions " + e.getMessage());
            }
            input = new QueueInput(dir.toString(), queue).startAfter(startAfter).open();
        }

        @Override
        public String next() {
            if (!input.readOrEnd(record))
                return null;
            if (record.orderId() != 0)
                record.orderId(ids.applyAsLong(record.orderId()));
            if (record.contraOrderId() != 0)
                record.contraOrderId(ids.applyAsLong(record.contraOrderId()));
            ExecutionCsv.line(out, record);
            String line = out.takeText();
            return line.substring(0, line.length() - 1);
        }

        @Override
        public void close() {
            input.close();
            queue.close();
        }
    }

    /** The lines of the reports with a seq (the first field) after {@code after} up to {@code through}. */
    private static final class SeqRange implements Lines {
        private final Lines lines;
        private final long after;
        private final long through;
        private boolean done;

        SeqRange(Lines lines, long after, long through) {
            this.lines = lines;
            this.after = after;
            this.through = through;
        }

        @Override
        public String next() {
            String line;
            while (!done && (line = lines.next()) != null) {
                int comma = line.indexOf(',');
                long seq = Long.parseLong(comma < 0 ? line : line.substring(0, comma));
                if (seq <= after)
                    continue;
                done = seq >= through;
                return line;
            }
            return null;
        }

        @Override
        public void close() {
            lines.close();
        }
    }

    private static final class CsvLines implements Lines {
        private final Path file;
        private final BufferedReader reader;
        private boolean first = true;

        CsvLines(Path file) {
            this.file = file;
            try {
                reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw ReplayException.usage("expected executions " + file + " cannot be read: " + e.getMessage());
            }
        }

        @Override
        public String next() {
            try {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.endsWith("\r"))
                        line = line.substring(0, line.length() - 1);
                    if (first) {
                        first = false;
                        if (line.startsWith("\uFEFF"))
                            line = line.substring(1);
                        if (line.equals(ExecutionCsv.HEADER))
                            continue;
                        if (!line.isEmpty() && !Character.isDigit(line.charAt(0)))
                            throw ReplayException.usage("expected executions " + file + " is not an executions CSV: "
                                    + "its first line is not " + ExecutionCsv.HEADER);
                    }
                    if (!line.isEmpty())
                        return line;
                }
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + file + " failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            try {
                reader.close();
            } catch (IOException ignored) {
                // read-only
            }
        }
    }
}
