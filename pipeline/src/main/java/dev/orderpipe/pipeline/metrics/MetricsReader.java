package dev.orderpipe.pipeline.metrics;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** Reads a {@link MetricsFile} from any process: a snapshot of every stage's counters at a time. */
public final class MetricsReader implements AutoCloseable {
    private final FileChannel channel;
    private final MappedByteBuffer buffer;

    private MetricsReader(FileChannel channel, MappedByteBuffer buffer) {
        this.channel = channel;
        this.buffer = buffer;
    }

    /**
     * Maps the metrics file of a data directory.
     *
     * @return the reader, or null when the directory has no metrics file (no pipeline of this version ran there)
     */
    public static MetricsReader open(Path dataDir) throws IOException {
        Path file = dataDir.resolve(MetricsFile.FILE);
        if (!Files.isRegularFile(file) || Files.size(file) < MetricsFile.SIZE)
            return null;
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return null;
        }
        MappedByteBuffer b = ch.map(FileChannel.MapMode.READ_ONLY, 0, MetricsFile.SIZE);
        b.order(ByteOrder.LITTLE_ENDIAN);
        return new MetricsReader(ch, b);
    }

    /** The counters now; null when the file is not (yet) a metrics file of this version. */
    public MetricsSnapshot read() {
        if (buffer.getLong(MetricsFile.H_MAGIC) != MetricsFile.MAGIC
                || buffer.getLong(MetricsFile.H_VERSION) != MetricsFile.VERSION)
            return null;
        long pid = buffer.getLong(MetricsFile.H_PID);
        long start = buffer.getLong(MetricsFile.H_START);
        int n = (int) Math.min(MetricsFile.MAX_STAGES, Math.max(0, buffer.getLong(MetricsFile.H_STAGES)));
        List<MetricsSnapshot.Stage> stages = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int slot = MetricsFile.HEADER + i * MetricsFile.SLOT;
            stages.add(new MetricsSnapshot.Stage(name(slot), buffer.getLong(slot + MetricsFile.IN),
                    buffer.getLong(slot + MetricsFile.OUT), buffer.getLong(slot + MetricsFile.POLLS),
                    buffer.getLong(slot + MetricsFile.IDLE_POLLS), buffer.getLong(slot + MetricsFile.INPUT_INDEX),
                    buffer.getLong(slot + MetricsFile.IDLE_AT), buffer.getLong(slot + MetricsFile.ERRORS)));
        }
        return new MetricsSnapshot(pid, start, buffer.getLong(MetricsFile.H_STOPPED), System.currentTimeMillis(),
                stages);
    }

    private String name(int slot) {
        byte[] bytes = new byte[MetricsFile.NAME_BYTES];
        int n = 0;
        while (n < bytes.length && buffer.get(slot + MetricsFile.NAME + n) != 0) {
            bytes[n] = buffer.get(slot + MetricsFile.NAME + n);
            n++;
        }
        return new String(bytes, 0, n, StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
