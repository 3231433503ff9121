package dev.orderpipe.replay;

import dev.orderpipe.pipeline.BadFileException;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.infra.HistoryStart;
import dev.orderpipe.pipeline.infra.QueueInput;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.csv.OrderFileReader;
import net.openhft.chronicle.queue.ChronicleQueue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads the order records of a capture in order, allocation-free per record: an {@code orders} queue (read-only) or
 * an order CSV file decoded exactly like the ingress stage does ({@link OrderFileReader}: BAD_LINE records and line
 * numbers included). Each record comes as the ingress would have written it, minus the writer's provenance and
 * timestamps. One instance per thread.
 */
abstract class CaptureReader implements RecordSource {
    /** Reads the next record into {@code into}; false at the end of the capture. */
    @Override
    public abstract boolean next(OrderInfo into);

    @Override
    public abstract void close();

    /** What kind of capture it is, for messages and the summary. */
    abstract String kind();

    /**
     * Resolves what the user named as a capture to an orders queue directory or an order file.
     *
     * @throws ReplayException with a one-line message when it is neither
     */
    static Path resolve(Path capture) {
        if (capture == null)
            throw ReplayException.usage("no capture given: name an orders queue directory or an order CSV file");
        if (!Files.exists(capture))
            throw ReplayException.usage("capture " + capture + " does not exist");
        if (Files.isDirectory(capture)) {
            if (Queues.isQueueDir(capture))
                return capture;
            Path orders = capture.resolve("orders");
            if (Queues.isQueueDir(orders))
                return orders; // a pipeline data directory
            throw ReplayException.usage("capture " + capture + " is not a Chronicle queue (no *"
                    + Queues.QUEUE_FILE_SUFFIX + " files) nor a pipeline data directory with an orders queue");
        }
        String problem = OrderFileReader.whyNotReadable(capture);
        if (problem != null)
            throw ReplayException.usage("capture " + capture + " " + problem
                    + ": give an orders queue directory, a pipeline data directory or an order CSV file");
        return capture;
    }

    /** Opens a resolved capture. */
    static CaptureReader open(Path resolved, int maxLineLength) {
        if (Files.isDirectory(resolved))
            return new QueueCapture(resolved);
        return new CsvCapture(resolved, maxLineLength);
    }

    /** Opens a resolved capture, only {@code session}'s inputs when it is not null (a queue capture). */
    static CaptureReader open(Path resolved, int maxLineLength, SessionRange session) {
        return session == null ? open(resolved, maxLineLength) : new QueueCapture(resolved, session);
    }

    /**
     * An orders queue, read from its start through {@link QueueInput} (checked, and to its real end), or one session's
     * inputs of it.
     */
    static final class QueueCapture extends CaptureReader {
        private final ChronicleQueue queue;
        private final QueueInput input;
        private final SessionRange session;

        QueueCapture(Path dir) {
            this(dir, null);
        }

        QueueCapture(Path dir, SessionRange session) {
            this.session = session;
            try {
                queue = Queues.openExisting(dir);
            } catch (BadFileException e) {
                throw ReplayException.usage("capture " + e.getMessage());
            }
            HistoryStart cut = HistoryStart.read(dir);
            if (cut != null) {
                String start = Queues.describeIndex(queue.rollCycle(), cut.firstIndex());
                queue.close();
                // the orders before it are gone: an empty pipeline fed the rest would not make the capture's reports
                throw ReplayException.failure(String.format(Locale.ROOT, "capture %s was cut by retention: its history"
                        + " starts at index %s, after %,d earlier orders (its %s says so); a replay needs the whole"
                        + " capture: put the archived cycle files back (retention.archiveDir) and remove %s", dir,
                        start, cut.recordsBefore(),
                        HistoryStart.FILE, HistoryStart.FILE));
            }
            input = new QueueInput(dir.toString(), queue).open();
            // after the previous session's close: the reader resumes there, the records before are not read
            if (session != null && session.after >= 0 && (!input.resumeAt(session.after)
                    || !input.read(new OrderInfo())))
                throw ReplayException.usage("capture " + dir + ": the close of the session before " + session
                        + " cannot be read again");
        }

        @Override
        public boolean next(OrderInfo into) {
            if (!input.readOrEnd(into))
                return false;
            return session == null || session.holds(input.lastReadIndex());
        }

        @Override
        String kind() {
            return "queue";
        }

        @Override
        public void close() {
            input.close();
            queue.close();
        }
    }

    /** An order CSV file, split and decoded like the ingress does. */
    static final class CsvCapture extends CaptureReader {
        private final OrderFileReader reader;

        CsvCapture(Path file, int maxLineLength) {
            try {
                reader = new OrderFileReader(file, maxLineLength, false);
            } catch (UncheckedIOException e) {
                throw ReplayException.usage("capture " + file + " cannot be read: " + e.getCause().getMessage());
            }
        }

        @Override
        public boolean next(OrderInfo into) {
            int r;
            while ((r = reader.read(into)) == OrderFileReader.SKIPPED) {
                // header, comment or blank line
            }
            if (r == OrderFileReader.RECORD) {
                into.sourceIndex(into.sourceLine()); // as the ingress writes it
                return true;
            }
            return false;
        }

        @Override
        String kind() {
            return "csv";
        }

        @Override
        public void close() {
            reader.close();
        }
    }
}
