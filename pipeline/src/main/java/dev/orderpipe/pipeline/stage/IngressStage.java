package dev.orderpipe.pipeline.stage;

import dev.orderpipe.pipeline.BadFileException;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.infra.QueueInput;
import dev.orderpipe.pipeline.infra.QueueOutput;
import dev.orderpipe.pipeline.codes.LineError;
import dev.orderpipe.pipeline.csv.OrderFileReader;
import dev.orderpipe.pipeline.integrity.RecordKind;
import dev.orderpipe.pipeline.integrity.RecordLink;
import dev.orderpipe.pipeline.session.SessionClock;

import java.nio.file.Path;

/**
 * Reads an order file (CSV, docs/formats.md) line by line into the {@code orders} queue. Every data line becomes exactly one
 * record: a valid order, or a REJECTED one with reason {@code BAD_LINE}, its {@link LineError} and line number.
 * Comment lines ({@code #}) and blank lines are skipped; a UTF-8 BOM and {@code \r\n} line ends are accepted.
 *
 * <p>Line splitting and decoding are {@link OrderFileReader}'s (shared with replay, so both agree on records and line
 * numbers): nothing is allocated per line. With {@code follow} the stage keeps reading as the file grows, and a last
 * line without its newline waits for it.
 * With a session calendar it also writes the calendar's session events ({@link SessionClock}) between lines.
 * On start it resumes after the last line it wrote to the queue (records with writer id 0 and a line number).
 */
public final class IngressStage extends AbstractStage {
    /** Writer id of records written by the file ingress. */
    public static final long WRITER_ID = 0;

    private final QueueOutput output;
    private final Path file;
    private final boolean follow;
    private final int maxLineLength;
    private final int linesPerCall;
    private final OrderInfo out = new OrderInfo();
    /** At a restart: the last record written of a line of the file, which that line must decode to again. */
    private final OrderInfo resumed = new OrderInfo();
    private boolean checkResumedLine;

    /** Writes the session calendar's events between lines; null without a calendar. */
    private final SessionClock sessions;
    private OrderFileReader reader;
    private long resumeAfterLine;
    private volatile boolean doneReading;
    private boolean caughtUp;
    private long rejected;

    /**
     * @param file the order file, or null when there is none (the stage then idles, for order-entry writers)
     */
    public IngressStage(QueueOutput output, Path file, boolean follow, int maxLineLength, int linesPerCall) {
        this(output, file, follow, maxLineLength, linesPerCall, null);
    }

    /** @param sessions the session calendar's writer, driven between lines; null for none */
    public IngressStage(QueueOutput output, Path file, boolean follow, int maxLineLength, int linesPerCall,
                        SessionClock sessions) {
        super("ingress");
        this.sessions = sessions;
        this.output = output;
        this.file = file;
        this.follow = follow;
        this.maxLineLength = maxLineLength;
        this.linesPerCall = linesPerCall;
    }

    @Override
    public void open() {
        output.open();
        if (sessions != null)
            sessions.open(); // before the first line: at a start outside a session, its close comes first
        if (file == null)
            return;
        resumeAfterLine = lastLineWritten(output.reader(), resumed);
        // the last line written is read again and compared with its record: a restart on another file (of as many
        // lines, or more) stops there instead of carrying on from that line of a file the data directory never saw
        reader = new OrderFileReader(file, maxLineLength, follow).resumeAtLine(resumeAfterLine);
        checkResumedLine = resumeAfterLine > 0;
    }

    /**
     * The line number of the last record the file ingress wrote to {@code orders}, 0 if none; that record is read
     * into {@code last}.
     */
    static long lastLineWritten(QueueInput orders, OrderInfo last) {
        try (QueueInput back = orders.openBackward()) {
            while (back.read(last)) {
                if (last.writerId() == WRITER_ID && last.sourceLine() > 0)
                    return last.sourceLine();
            }
        }
        return 0;
    }

    /** At a restart: the line last written, just decoded again into {@link #out}, must be the record written of it. */
    private void requireResumedLine() {
        checkResumedLine = false;
        if (out.sourceLine() != resumeAfterLine)
            throw notTheFile("its line " + resumeAfterLine + " holds no order");
        out.sourceIndex(resumeAfterLine).writerId(WRITER_ID).writerSeq(resumeAfterLine)
                .ingressNanos(resumed.ingressNanos());
        String differs = RecordLink.remadeDiffers(RecordKind.ORDER, out, resumed);
        if (differs != null)
            throw notTheFile("its line " + resumeAfterLine + " is not the order written of it: " + differs
                    + " (the file vs " + output.name() + ")");
    }

    private BadFileException notTheFile(String what) {
        return new BadFileException("order file " + file + " is not the file this data directory was fed from: "
                + what + "; restore that file, or give a new file a new data directory");
    }

    @Override
    public int doWork() {
        int work = sessions == null ? 0 : sessions.poll();
        final OrderFileReader reader = this.reader;
        if (reader == null)
            return work;
        for (int lines = 0; lines < linesPerCall; lines++) {
            int r = reader.read(out);
            if (r == OrderFileReader.NOT_YET) {
                if (reader.isDone())
                    doneReading = true;
                caughtUp = true;
                break;
            }
            caughtUp = false;
            if (r == OrderFileReader.RECORD) {
                if (checkResumedLine)
                    requireResumedLine();
                else
                    write();
            }
            work++;
        }
        return work;
    }

    private void write() {
        long lineNo = out.sourceLine();
        out.sourceIndex(lineNo).writerId(WRITER_ID).writerSeq(lineNo).ingressNanos(System.nanoTime());
        output.write(out);
        if (out.isRejected())
            rejected++;
    }

    /**
     * Whether the order file was read to its end and will not grow (not following): no line will ever arrive
     * again. False without a file (orders then come from order-entry writers, which may write at any time).
     */
    public boolean inputComplete() {
        return doneReading;
    }

    /** Whether the file was read as far as it goes now (a file followed as it grows is at its end between lines). */
    @Override
    public boolean atEndOfInput() {
        return reader == null || caughtUp;
    }

    @Override
    public long inputIndex() {
        return reader == null ? -1 : reader.lineNo();
    }

    /** Records written (valid and rejected). Read after the runner stopped, or as a rough live figure. */
    public long written() {
        return output.written();
    }

    /** BAD_LINE records written. */
    public long rejected() {
        return rejected;
    }

    /** Lines of the file already written by an earlier run and skipped on resume. */
    public long resumedAfterLine() {
        return resumeAfterLine;
    }

    @Override
    public void close() {
        try {
            if (reader != null)
                reader.close();
            if (sessions != null)
                sessions.close();
        } finally {
            output.close();
        }
    }
}
