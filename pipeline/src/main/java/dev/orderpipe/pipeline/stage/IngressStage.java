package dev.orderpipe.pipeline.stage;

import dev.orderpipe.pipeline.DiskSpaceGuard;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.codes.LineError;
import dev.orderpipe.pipeline.codes.RejectReason;
import dev.orderpipe.pipeline.csv.OrderCsvParser;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.TailerDirection;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads an order file (CSV, DESIGN.md) line by line into the {@code orders} queue. Every data line becomes exactly one
 * record: a valid order, or a REJECTED one with reason {@code BAD_LINE}, its {@link LineError} and line number.
 * Comment lines ({@code #}) and blank lines are skipped; a UTF-8 BOM and {@code \r\n} line ends are accepted.
 *
 * <p>The file is read through a direct buffer and decoded in place: nothing is allocated per line. With
 * {@code follow} the stage keeps reading as the file grows, and a last line without its newline waits for it.
 * On start it resumes after the last line it wrote to the queue (records with writer id 0 and a line number).
 */
public final class IngressStage extends AbstractStage {
    /** Writer id of records written by the file ingress. */
    public static final long WRITER_ID = 0;

    private final ChronicleQueue output;
    private final Path file;
    private final boolean follow;
    private final int maxLineLength;
    private final int batchSize;
    private final OrderCsvParser parser = new OrderCsvParser();
    private final OrderInfo out = new OrderInfo();
    private final DiskSpaceGuard diskGuard;
    private final String outputName;

    private ExcerptAppender appender;
    private FileChannel channel;
    private ByteBuffer buf;
    private int start;
    private int scan;
    private int end;
    private long lineNo;
    private long resumeAfterLine;
    private boolean skippingLongLine;
    private boolean endOfFile;
    private volatile boolean doneReading;
    private long written;
    private long rejected;

    /**
     * @param file the order file, or null when there is none (the stage then idles, for order-entry writers)
     */
    public IngressStage(ChronicleQueue output, Path file, boolean follow, int maxLineLength, int batchSize,
                        DiskSpaceGuard diskGuard, String outputName) {
        super("ingress", null);
        this.diskGuard = diskGuard;
        this.outputName = outputName;
        this.output = output;
        this.file = file;
        this.follow = follow;
        this.maxLineLength = maxLineLength;
        this.batchSize = batchSize;
    }

    @Override
    public void open() {
        appender = output.createAppender();
        if (file == null)
            return;
        resumeAfterLine = lastLineWritten(output);
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open order file " + file + ": " + e.getMessage(), e);
        }
        buf = ByteBuffer.allocateDirect(Math.max(1 << 16, 2 * maxLineLength + 2));
    }

    /** The line number of the last record the file ingress wrote to {@code orders}, 0 if none. */
    static long lastLineWritten(ChronicleQueue orders) {
        OrderInfo record = new OrderInfo();
        try (ExcerptTailer tailer = orders.createTailer()) {
            tailer.direction(TailerDirection.BACKWARD).toEnd();
            while (tailer.readBytes(record.reset())) {
                if (record.writerId() == WRITER_ID && record.sourceLine() > 0)
                    return record.sourceLine();
            }
        }
        return 0;
    }

    @Override
    public int doWork() {
        if (channel == null)
            return 0;
        int work = 0;
        while (work < batchSize) {
            int nl = indexOfNewline();
            if (nl < 0) {
                if (skippingLongLine) {
                    start = end;
                } else if (end - start > maxLineLength) {
                    lineNo++;
                    reject(LineError.TOO_LONG);
                    skippingLongLine = true;
                    start = end;
                    work++;
                }
                scan = end;
                if (fill())
                    continue;
                if (!follow && endOfFile) {
                    if (end > start && !skippingLongLine) {
                        lineNo++;
                        line(start, end);
                        work++;
                    }
                    start = scan = end;
                    doneReading = true;
                }
                break;
            }
            int lineStart = start;
            start = scan = nl + 1;
            if (skippingLongLine) {
                skippingLongLine = false;
                continue;
            }
            lineNo++;
            if (nl - lineStart > maxLineLength) {
                reject(LineError.TOO_LONG);
            } else {
                int lineEnd = nl > lineStart && buf.get(nl - 1) == '\r' ? nl - 1 : nl;
                line(lineStart, lineEnd);
            }
            work++;
        }
        return work;
    }

    private int indexOfNewline() {
        final ByteBuffer b = buf;
        for (int i = scan; i < end; i++)
            if (b.get(i) == '\n')
                return i;
        return -1;
    }

    /** Moves unread bytes to the front and reads more; false when nothing more is available now. */
    private boolean fill() {
        if (start > 0) {
            buf.limit(end).position(start);
            buf.compact();
            end -= start;
            scan -= start;
            start = 0;
        } else {
            buf.limit(buf.capacity()).position(end);
        }
        try {
            int n = channel.read(buf);
            if (n < 0)
                endOfFile = true;
            if (n <= 0)
                return false;
            endOfFile = false;
            end += n;
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("reading order file " + file + " failed: " + e.getMessage(), e);
        }
    }

    private void line(int s, int e) {
        if (lineNo <= resumeAfterLine)
            return;
        if (lineNo == 1) {
            if (e - s >= 3 && buf.get(s) == (byte) 0xEF && buf.get(s + 1) == (byte) 0xBB && buf.get(s + 2) == (byte) 0xBF)
                s += 3;
            if (OrderCsvParser.isHeader(buf, s, e))
                return;
            int first = s < e ? buf.get(s) : '0';
            if ((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z')) {
                reject(LineError.BAD_HEADER);
                return;
            }
        }
        if (s == e || buf.get(s) == '#')
            return;
        out.reset();
        LineError error = parser.parse(buf, s, e, out);
        if (error != LineError.NONE)
            out.rejectReason(RejectReason.BAD_LINE).lineError(error);
        write(error != LineError.NONE);
    }

    private void reject(LineError error) {
        if (lineNo <= resumeAfterLine)
            return;
        out.reset().rejectReason(RejectReason.BAD_LINE).lineError(error);
        write(true);
    }

    private void write(boolean isReject) {
        out.sourceLine(lineNo).sourceIndex(lineNo).writerId(WRITER_ID).writerSeq(lineNo).ingressNanos(System.nanoTime());
        if (diskGuard.isLow())
            throw diskGuard.stop(outputName);
        appender.writeBytes(out);
        written++;
        if (isReject)
            rejected++;
    }

    @Override
    public boolean upstreamFinished() {
        return doneReading;
    }

    @Override
    public long inputIndex() {
        return lineNo;
    }

    /** Records written (valid and rejected). Read after the runner stopped, or as a rough live figure. */
    public long written() {
        return written;
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
            if (channel != null)
                channel.close();
        } catch (IOException ignored) {
            // nothing to flush on a read-only channel
        }
        if (appender != null)
            appender.close();
    }
}
