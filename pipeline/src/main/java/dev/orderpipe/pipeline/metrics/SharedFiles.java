package dev.orderpipe.pipeline.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What the shared-memory files of the data directory ({@link MetricsFile}, {@link ReplicationStatus}) have in common:
 * created afresh and mapped by their one writer, a header of magic, version, pid and start time, names as zero-padded
 * ASCII.
 */
final class SharedFiles {
    static final int H_MAGIC = 0;
    static final int H_VERSION = 8;
    static final int H_PID = 16;
    static final int H_START = 24;

    private SharedFiles() {
    }

    /** A file mapped by its writer, with its channel. */
    record Mapped(FileChannel channel, MappedByteBuffer buffer) {
        /** Writes the version and, last, the magic: a reader that sees the magic sees the rest of the header. */
        void publish(long version, long magic) {
            buffer.putLong(H_VERSION, version);
            buffer.putLong(H_MAGIC, magic);
        }
    }

    /** Creates (or truncates) {@code file}, maps {@code size} bytes of it and writes the pid and the start time. */
    static Mapped create(Path file, int size) {
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            MappedByteBuffer b = ch.map(FileChannel.MapMode.READ_WRITE, 0, size);
            b.order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(H_PID, ProcessHandle.current().pid());
            b.putLong(H_START, System.currentTimeMillis());
            return new Mapped(ch, b);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code name} at {@code at} as {@code width} ASCII bytes, cut or zero-padded. */
    static void putName(ByteBuffer b, int at, String name, int width) {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        for (int j = 0; j < width; j++)
            b.put(at + j, j < bytes.length ? bytes[j] : 0);
    }

    /** The zero-padded ASCII name of at most {@code width} bytes at {@code at}. */
    static String name(ByteBuffer b, int at, int width) {
        byte[] bytes = new byte[width];
        int n = 0;
        while (n < width && b.get(at + n) != 0) {
            bytes[n] = b.get(at + n);
            n++;
        }
        return new String(bytes, 0, n, StandardCharsets.US_ASCII);
    }
}
