package dev.orderpipe.pipeline.metrics;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a {@link MetricsFile} from any process: a snapshot of every stage's counters at a time.
 *
 * <p>Each {@link #read()} copies the file's page with a positional read rather than through a mapping: the pipeline's
 * stores are in the same page cache, so the values are as fresh, and a file cut short under the reader (a pipeline
 * restarting truncates it before it maps it again, or an operator truncates it) is a short read, never a SIGBUS
 * that would kill {@code stats --watch} or the Prometheus endpoint with an {@link InternalError}.
 */
public final class MetricsReader implements AutoCloseable {
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(MetricsFile.SIZE).order(ByteOrder.LITTLE_ENDIAN);

    private MetricsReader(FileChannel channel) {
        this.channel = channel;
    }

    /**
     * Opens the metrics file of a data directory.
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
        return new MetricsReader(ch);
    }

    /**
     * The counters now; null when the file is not (yet, or any longer) a whole metrics file of this version.
     *
     * @throws IOException when the file cannot be read
     */
    public MetricsSnapshot read() throws IOException {
        buffer.clear();
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, buffer.position()) <= 0)
                return null; // shorter than a metrics file: cut short, or being rewritten by a starting pipeline
        }
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
                    buffer.getLong(slot + MetricsFile.IDLE_AT), buffer.getLong(slot + MetricsFile.ERRORS),
                    buffer.getLong(slot + MetricsFile.BUSY_NANOS)));
        }
        return new MetricsSnapshot(pid, start, buffer.getLong(MetricsFile.H_STOPPED), System.currentTimeMillis(),
                stages);
    }

    private String name(int slot) {
        return SharedFiles.name(buffer, slot + MetricsFile.NAME, MetricsFile.NAME_BYTES);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
