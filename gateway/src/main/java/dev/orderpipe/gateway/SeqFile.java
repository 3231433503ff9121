package dev.orderpipe.gateway;

import dev.orderpipe.pipeline.infra.CycleFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A session's next expected inbound MsgSeqNum(34), in a memory-mapped file: written after each inbound message is
 * handled, it is in the page cache at once and survives a crash of the gateway (not of the machine).
 */
final class SeqFile implements AutoCloseable {
    private final FileChannel channel;
    private final MappedByteBuffer map;

    SeqFile(Path file) {
        CycleFiles.refuseDanglingLink(file); // opening would create the link's target, wherever it points
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            map = channel.map(FileChannel.MapMode.READ_WRITE, 0, Long.BYTES);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    /** The stored value, 0 when never written. */
    long get() {
        return map.getLong(0);
    }

    void set(long value) {
        map.putLong(0, value);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
