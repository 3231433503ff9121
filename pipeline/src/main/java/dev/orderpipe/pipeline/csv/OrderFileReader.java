package dev.orderpipe.pipeline.csv;

import dev.orderpipe.pipeline.BadFileException;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.codes.LineError;
import dev.orderpipe.pipeline.codes.RejectReason;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * Splits an order file (CSV, docs/formats.md) into lines and decodes each one into an {@link OrderInfo}, exactly as the
 * ingress stage does, so that every reader of an order file (the ingress, replay) agrees on records and line numbers.
 *
 * <p>Every data line becomes one record: a valid order, or a REJECTED one with reason {@code BAD_LINE} and its
 * {@link LineError}. Comment lines ({@code #}), blank lines and the header are skipped; a UTF-8 BOM, {@code \r\n}
 * line ends and a last line without a newline are accepted; a line longer than {@code maxLineLength} is rejected as
 * {@link LineError#TOO_LONG} without being buffered. The record's {@code sourceLine} is the 1-based line number;
 * provenance and timestamps are the caller's.
 *
 * <p>The file is read through a direct buffer and decoded in place: nothing is allocated per line. One call does a
 * bounded amount of work (at most about one buffer of an overlong line is skipped per call), so a caller that
 * interleaves other work is never held up by a huge line. Only a regular file is accepted: a directory, a device such
 * as {@code /dev/zero}, a FIFO or a socket is refused before it is opened ({@link #whyNotReadable(Path)}).
 *
 * <p>With {@code follow} the reader keeps returning {@link #NOT_YET} at the end of the file and picks up lines
 * appended later; a last line without its newline waits for it. A followed file may only grow: when it is truncated
 * below what was read, rewritten (the bytes before the read offset change), removed, or replaced by another file at
 * its path (another file key, as log rotation does), {@link #read(OrderInfo)} throws a {@link OrderFileChangedException}
 * naming the file, the byte offset and what to do, rather than skip lines or decode a fragment as a line. Resuming
 * ({@link #skipThroughLine(long)}) a file that ends before the line to resume after is the same stop. Not thread-safe.
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
    /**
     * {@link #read(OrderInfo)}: input was consumed that holds no record (a header, comment, blank or resumed line, or
     * a buffer of an overlong line being skipped); call again.
     */
    public static final int SKIPPED = 0;
    /** {@link #read(OrderInfo)}: no complete line is available now; {@link #isDone()} says whether one ever will be. */
    public static final int NOT_YET = -1;

    /** Bytes before the read offset kept to tell, when a followed file grows, that it still holds what was read. */
    private static final int TAIL = 64;
    /** How often a followed file at its end checks that its path still names the file open (this allocates). */
    private static final long IDENTITY_CHECK_NANOS = 1_000_000_000L;

    private final Path file;
    private final boolean follow;
    private final int maxLineLength;
    private final OrderCsvParser parser = new OrderCsvParser();
    private final FileChannel channel;
    private final ByteBuffer buf;
    /** Following: the last bytes read (up to {@link #TAIL}) and a buffer to read them again. */
    private final ByteBuffer tail;
    private final ByteBuffer reread;
    /** Following: the file key of the file opened (null when the file system has none). */
    private final Object fileKey;
    private int tailLength;
    /** Bytes read from the file: its offset at {@code buf[end]}. */
    private long readOffset;
    private long nextIdentityCheck;
    private int start;
    private int scan;
    private int end;
    private long lineNo;
    private long skipThroughLine;
    /** Lines the file must have: those of the data directory it resumes. */
    private long requiredLines;
    private boolean skippingLongLine;
    private boolean endOfFile;
    private boolean done;

    /**
     * Opens the file.
     *
     * @throws BadFileException     when it is not a readable regular file ({@link #whyNotReadable(Path)})
     * @throws UncheckedIOException when it cannot be opened
     */
    public OrderFileReader(Path file, int maxLineLength, boolean follow) {
        String problem = whyNotReadable(file);
        if (problem != null)
            throw new BadFileException("order file " + file + " " + problem);
        this.file = file;
        this.follow = follow;
        this.maxLineLength = maxLineLength;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
            fileKey = follow ? Files.readAttributes(file, BasicFileAttributes.class).fileKey() : null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open order file " + file + ": " + e.getMessage(), e);
        }
        buf = ByteBuffer.allocateDirect(Math.max(1 << 16, 2 * maxLineLength + 2));
        tail = follow ? ByteBuffer.allocateDirect(TAIL) : null;
        reread = follow ? ByteBuffer.allocateDirect(TAIL) : null;
    }

    /**
     * Why {@code file} cannot be read as an order file, as the end of a sentence that starts with its name ("does not
     * exist", "is a directory"...), or null when it can. It must be a readable regular file: opening a FIFO blocks
     * until a writer comes, and a device such as {@code /dev/zero} yields bytes forever, so both are refused before
     * they are opened, as is a directory.
     */
    public static String whyNotReadable(Path file) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return "does not exist";
        } catch (IOException e) {
            return "cannot be read: " + e.getMessage();
        }
        if (attributes.isDirectory())
            return "is a directory";
        if (!attributes.isRegularFile())
            return "is not a regular file (a device, FIFO or socket)";
        if (!Files.isReadable(file))
            return "is not readable";
        return null;
    }

    /** Lines up to and including {@code line} are consumed as {@link #SKIPPED} (resuming after an earlier run). */
    public OrderFileReader skipThroughLine(long line) {
        this.skipThroughLine = line;
        this.requiredLines = line;
        return this;
    }

    /**
     * Skips the lines before {@code line} and reads {@code line} again (a restart compares it with what was written of
     * it); a file that ends before {@code line} is the same stop as for {@link #skipThroughLine(long)}.
     */
    public OrderFileReader resumeAtLine(long line) {
        this.skipThroughLine = Math.max(0, line - 1);
        this.requiredLines = line;
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
                if (fill()) {
                    if (skippingLongLine)
                        return SKIPPED; // bounds the work of one call on an endless line
                    continue;
                }
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
                long lines = lineNo + (end > start && !skippingLongLine ? 1 : 0); // with a last line still partial
                if (endOfFile && lines < requiredLines)
                    throw shorterThanResumed(lines);
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
            if (n <= 0) {
                if (follow)
                    checkStillTheFileOpen();
                return false;
            }
            if (follow) {
                checkUnchangedBeforeReadOffset();
                rememberTail(end, n);
            }
            endOfFile = false;
            end += n;
            readOffset += n;
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("reading order file " + file + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * At the end of a followed file: refuses a file truncated below what was read (its next line would be read from
     * the middle of one), and, every {@link #IDENTITY_CHECK_NANOS}, a path that no longer names the file open.
     */
    private void checkStillTheFileOpen() throws IOException {
        long size = channel.size();
        if (size < readOffset)
            throw changed("was truncated to " + size + " bytes");
        long now = System.nanoTime();
        if (now - nextIdentityCheck < 0)
            return;
        nextIdentityCheck = now + IDENTITY_CHECK_NANOS;
        Object key;
        try {
            key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            throw changed("was removed or renamed");
        }
        if (!Objects.equals(key, fileKey))
            throw changed("was replaced by another file (file key " + key + ", the file read has " + fileKey + ")");
    }

    /**
     * After reading more of a followed file: the bytes just before the read offset must still be those read there.
     * A file truncated and written again (as {@code > file} does) differs there, and its new bytes at the old offset
     * would otherwise be decoded as if they continued the old file.
     */
    private void checkUnchangedBeforeReadOffset() throws IOException {
        if (tailLength == 0)
            return;
        long at = readOffset - tailLength;
        reread.clear().limit(tailLength);
        while (reread.hasRemaining()) {
            if (channel.read(reread, at + reread.position()) < 0)
                throw changed("was truncated to " + channel.size() + " bytes");
        }
        for (int i = 0; i < tailLength; i++) {
            if (reread.get(i) != tail.get(i))
                throw changed("was rewritten (the last bytes read differ now)");
        }
    }

    /** Keeps the last {@link #TAIL} bytes read, after {@code n} new ones at {@code buf[from]}. */
    private void rememberTail(int from, int n) {
        int take = Math.min(n, TAIL);
        int keep = Math.min(tailLength, TAIL - take);
        for (int i = 0; i < keep; i++)
            tail.put(i, tail.get(tailLength - keep + i));
        for (int i = 0; i < take; i++)
            tail.put(keep + i, buf.get(from + n - take + i));
        tailLength = keep + take;
    }

    private OrderFileChangedException changed(String what) {
        return new OrderFileChangedException("followed order file " + file + " " + what + " after byte offset " + readOffset
                + " (line " + lineNo + ") had been read: a followed file may only grow; restore it and run again, or "
                + "give a new file a new data directory (log rotation must not truncate or replace the followed file)");
    }

    private OrderFileChangedException shorterThanResumed(long lines) {
        return new OrderFileChangedException("order file " + file + " ends at line " + lines + " (byte offset " + readOffset
                + "), but its line " + requiredLines + " is already in this data directory: it is not the file the data"
                + " directory was fed from, or it was truncated; restore that file, or give a new file a new data"
                + " directory");
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
