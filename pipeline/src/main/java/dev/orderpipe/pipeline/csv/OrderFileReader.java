package dev.orderpipe.pipeline.csv;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.codes.LineError;
import dev.orderpipe.pipeline.codes.RejectReason;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Splits an order file (CSV, DESIGN.md) into lines and decodes each one into an {@link OrderInfo}, exactly as the
 * ingress stage does, so that every reader of an order file (the ingress, replay) agrees on records and line numbers.
 *
 * <p>Every data line becomes one record: a valid order, or a REJECTED one with reason {@code BAD_LINE} and its
 * {@link LineError}. Comment lines ({@code #}), blank lines and the header are skipped; a UTF-8 BOM, {@code \r\n}
 * line ends and a last line without a newline are accepted; a line longer than {@code maxLineLength} is rejected as
 * {@link LineError#TOO_LONG} without being buffered. The record's {@code sourceLine} is the 1-based line number;
 * provenance and timestamps are the caller's.
 *
 * <p>The file is read through a direct buffer and decoded in place: nothing is allocated per line. With
 * {@code follow} the reader keeps returning {@link #NOT_YET} at the end of the file and picks up lines appended
 * later; a last line without its newline waits for it. Not thread-safe.
 *
 * <pre>{@code
 * try (OrderFileReader reader = new OrderFileReader(file, 1024, false)) {
 *     OrderInfo order = new OrderInfo();
 *     int r;
 *     while ((r = reader.read(order)) != OrderFileReader.NOT_YET)
 *         if (r == OrderFileReader.RECORD)
 *             handle(order);
 * }
 * }</pre>
 */
public final class OrderFileReader implements Closeable {
    /** {@link #read(OrderInfo)}: a record was decoded (valid or BAD_LINE). */
    public static final int RECORD = 1;
    /** {@link #read(OrderInfo)}: a line was consumed that holds no record (header, comment, blank, resumed). */
    public static final int SKIPPED = 0;
    /** {@link #read(OrderInfo)}: no complete line is available now; {@link #isDone()} says whether one ever will be. */
    public static final int NOT_YET = -1;

    private final Path file;
    private final boolean follow;
    private final int maxLineLength;
    private final OrderCsvParser parser = new OrderCsvParser();
    private final FileChannel channel;
    private final ByteBuffer buf;
    private int start;
    private int scan;
    private int end;
    private long lineNo;
    private long skipThroughLine;
    private boolean skippingLongLine;
    private boolean endOfFile;
    private boolean done;

    /**
     * Opens the file.
     *
     * @throws UncheckedIOException when it cannot be opened
     */
    public OrderFileReader(Path file, int maxLineLength, boolean follow) {
        this.file = file;
        this.follow = follow;
        this.maxLineLength = maxLineLength;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open order file " + file + ": " + e.getMessage(), e);
        }
        buf = ByteBuffer.allocateDirect(Math.max(1 << 16, 2 * maxLineLength + 2));
    }

    /** Lines up to and including {@code line} are consumed as {@link #SKIPPED} (resuming after an earlier run). */
    public OrderFileReader skipThroughLine(long line) {
        this.skipThroughLine = line;
        return this;
    }

    /**
     * Consumes the next line.
     *
     * @param into reset and filled when the result is {@link #RECORD}; may be partly written otherwise
     * @return {@link #RECORD}, {@link #SKIPPED} or {@link #NOT_YET}
     */
    public int read(OrderInfo into) {
        while (true) {
            int nl = indexOfNewline();
            if (nl < 0) {
                if (skippingLongLine) {
                    start = end;
                } else if (end - start > maxLineLength) {
                    lineNo++;
                    skippingLongLine = true;
                    start = end;
                    return reject(into, LineError.TOO_LONG);
                }
                scan = end;
                if (fill())
                    continue;
                if (!follow && endOfFile) {
                    int s = start;
                    boolean last = end > s && !skippingLongLine;
                    start = scan = end;
                    done = true;
                    if (last) {
                        lineNo++;
                        return line(s, end, into);
                    }
                }
                return NOT_YET;
            }
            int lineStart = start;
            start = scan = nl + 1;
            if (skippingLongLine) {
                skippingLongLine = false;
                continue;
            }
            lineNo++;
            if (nl - lineStart > maxLineLength)
                return reject(into, LineError.TOO_LONG);
            int lineEnd = nl > lineStart && buf.get(nl - 1) == '\r' ? nl - 1 : nl;
            return line(lineStart, lineEnd, into);
        }
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

    private int line(int s, int e, OrderInfo into) {
        if (lineNo <= skipThroughLine)
            return SKIPPED;
        if (lineNo == 1) {
            if (e - s >= 3 && buf.get(s) == (byte) 0xEF && buf.get(s + 1) == (byte) 0xBB
                    && buf.get(s + 2) == (byte) 0xBF)
                s += 3; // UTF-8 byte order mark
            if (OrderCsvParser.isHeader(buf, s, e))
                return SKIPPED;
            int first = s < e ? buf.get(s) : '0';
            if ((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z'))
                return reject(into, LineError.BAD_HEADER);
        }
        if (s == e || buf.get(s) == '#')
            return SKIPPED;
        into.reset();
        LineError error = parser.parse(buf, s, e, into);
        if (error != LineError.NONE)
            into.rejectReason(RejectReason.BAD_LINE).lineError(error);
        into.sourceLine(lineNo);
        return RECORD;
    }

    private int reject(OrderInfo into, LineError error) {
        if (lineNo <= skipThroughLine)
            return SKIPPED;
        into.reset().rejectReason(RejectReason.BAD_LINE).lineError(error).sourceLine(lineNo);
        return RECORD;
    }

    /** Whether the whole file has been read and no line will ever come (never true when following). */
    public boolean isDone() {
        return done;
    }

    /** The number of the line last consumed, 0 before the first. */
    public long lineNo() {
        return lineNo;
    }

    /** The file read. */
    public Path file() {
        return file;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to flush on a read-only channel
        }
    }
}
