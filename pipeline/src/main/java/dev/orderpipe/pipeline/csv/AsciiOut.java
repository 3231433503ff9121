package dev.orderpipe.pipeline.csv;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A buffered ASCII text writer to a file that formats numbers, fixed-point prices and symbols without allocating,
 * so the egress stage can write CSV on the hot path. Not thread-safe.
 */
public final class AsciiOut implements Closeable {
    private static final int FLUSH_AT = 1024;
    private final WritableByteChannel channel;
    private final ByteBuffer buf;
    private final byte[] digits = new byte[20];
    private final String name;

    private AsciiOut(WritableByteChannel channel, String name, ByteBuffer buf) {
        this.channel = channel;
        this.name = name;
        this.buf = buf;
    }

    /** An in-memory writer: take what was written with {@link #takeText()} (up to 64 KB between takes). */
    public AsciiOut() {
        this(null, "memory", ByteBuffer.allocate(1 << 16));
    }

    /** Creates or truncates {@code path}. */
    public AsciiOut(Path path) {
        this(open(path, StandardOpenOption.TRUNCATE_EXISTING), path.toString(), ByteBuffer.allocateDirect(1 << 16));
    }

    /** Appends to {@code path}, creating it if needed. */
    public static AsciiOut append(Path path) {
        return new AsciiOut(open(path, StandardOpenOption.APPEND), path.toString(), ByteBuffer.allocateDirect(1 << 16));
    }

    /** Writes to a stream through a small heap buffer (for tools printing a few lines). */
    public static AsciiOut to(OutputStream out) {
        return new AsciiOut(Channels.newChannel(out), "stream", ByteBuffer.allocate(FLUSH_AT * 4));
    }

    private static FileChannel open(Path path, StandardOpenOption mode) {
        try {
            return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    public AsciiOut ch(char c) {
        buf.put((byte) c);
        return this;
    }

    /** Appends an ASCII string (a constant such as an enum name: no allocation). */
    public AsciiOut text(String s) {
        for (int i = 0, n = s.length(); i < n; i++)
            buf.put((byte) s.charAt(i));
        return this;
    }

    public AsciiOut number(long v) {
        if (v == Long.MIN_VALUE) {
            text("-9223372036854775808");
            return this;
        }
        if (v < 0) {
            buf.put((byte) '-');
            v = -v;
        }
        int n = 0;
        do {
            digits[n++] = (byte) ('0' + (v % 10));
            v /= 10;
        } while (v != 0);
        while (n > 0)
            buf.put(digits[--n]);
        return this;
    }

    /** A positive number, or nothing for 0. */
    public AsciiOut numberOrEmpty(long v) {
        return v == 0 ? this : number(v);
    }

    /** A fixed-point price with exactly 4 decimals, or nothing for 0. */
    public AsciiOut price(long price) {
        if (price == 0)
            return this;
        if (price < 0) {
            buf.put((byte) '-');
            price = -price;
        }
        number(price / 10_000);
        buf.put((byte) '.');
        long frac = price % 10_000;
        buf.put((byte) ('0' + frac / 1000));
        buf.put((byte) ('0' + frac / 100 % 10));
        buf.put((byte) ('0' + frac / 10 % 10));
        buf.put((byte) ('0' + frac % 10));
        return this;
    }

    /** A trading date {@code YYYYMMDD} ({@link dev.orderpipe.pipeline.TradingDates}) as {@code YYYY-MM-DD}, 0 none. */
    public AsciiOut date(long yyyymmdd) {
        if (yyyymmdd == 0)
            return this;
        twoDigits(yyyymmdd / 1_000_000);
        twoDigits(yyyymmdd / 10_000 % 100);
        buf.put((byte) '-');
        twoDigits(yyyymmdd / 100 % 100);
        buf.put((byte) '-');
        twoDigits(yyyymmdd % 100);
        return this;
    }

    private void twoDigits(long v) {
        buf.put((byte) ('0' + v / 10));
        buf.put((byte) ('0' + v % 10));
    }

    /** A symbol encoded by {@link dev.orderpipe.pipeline.Symbols}, or nothing for 0. */
    public AsciiOut symbol(long symbol) {
        boolean started = false;
        for (int shift = 56; shift >= 0; shift -= 8) {
            int b = (int) (symbol >>> shift) & 0xFF;
            if (b != 0 || started) {
                buf.put((byte) b);
                started = true;
            }
        }
        return this;
    }

    /** Ends a line and flushes when the buffer is nearly full. */
    public AsciiOut newline() {
        buf.put((byte) '\n');
        if (buf.remaining() < FLUSH_AT)
            flush();
        return this;
    }

    /** The text written since the last take, for an in-memory writer (allocates: for tools and checks). */
    public String takeText() {
        if (channel != null)
            throw new IllegalStateException("takeText() is for an in-memory AsciiOut; this one writes " + name);
        byte[] bytes = new byte[buf.position()];
        buf.flip();
        buf.get(bytes);
        buf.clear();
        return new String(bytes, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** Bytes written to this writer and not yet to its file. */
    public int buffered() {
        return buf.position();
    }

    /**
     * Writes out all but the last {@code keep} buffered bytes: for the crash test of a torn line (a crash while a
     * line is half on disk), never on a normal path.
     */
    public void flushAllBut(int keep) {
        if (channel == null || buf.position() <= keep)
            return;
        int end = buf.position();
        buf.flip().limit(end - keep);
        try {
            while (buf.hasRemaining())
                channel.write(buf);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + name + " failed: " + e.getMessage(), e);
        }
        buf.limit(end);
        buf.compact(); // the kept bytes move to the front, still to be written
    }

    public void flush() {
        if (channel == null)
            return; // in memory: text stays until takeText()
        buf.flip();
        try {
            while (buf.hasRemaining())
                channel.write(buf);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + name + " failed: " + e.getMessage(), e);
        } finally {
            buf.clear();
        }
    }

    @Override
    public void close() {
        try {
            flush();
        } finally {
            try {
                if (channel != null)
                    channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
