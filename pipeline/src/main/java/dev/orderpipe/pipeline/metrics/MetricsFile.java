package dev.orderpipe.pipeline.metrics;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;

/**
 * The shared-memory counters file of a running pipeline, {@code <dataDir>/metrics.dat}: created afresh by each start
 * (counters start at 0 with the process, as Prometheus counters do), mapped by the pipeline, which writes it, and by
 * readers in any process ({@link MetricsReader}).
 *
 * <p>Layout (little-endian longs, docs/formats.md): a 64-byte header (magic {@code OPMETRIC}, version, pid, start
 * time in epoch ms, number of stages, when the pipeline stopped in epoch ms or 0 while it runs), then one 128-byte slot per stage (two cache lines, so that stages of different
 * groups never share one): records in, records out, polls, idle polls, input index, when it last found nothing to read
 * (epoch ms), errors, the nanoseconds its {@code doWork()} calls that found work took, and its name (32 ASCII bytes).
 */
public final class MetricsFile implements AutoCloseable {
    /** File name in the data directory. */
    public static final String FILE = "metrics.dat";
    static final long MAGIC = 0x43495254454D504FL; // "OPMETRIC" as little-endian bytes
    static final long VERSION = 1;
    static final int HEADER = 64;
    static final int SLOT = 128;
    static final int SIZE = 4096;
    static final int MAX_STAGES = (SIZE - HEADER) / SLOT;
    // header offsets
    static final int H_MAGIC = SharedFiles.H_MAGIC;
    static final int H_VERSION = SharedFiles.H_VERSION;
    static final int H_PID = SharedFiles.H_PID;
    static final int H_START = SharedFiles.H_START;
    static final int H_STAGES = 32;
    static final int H_STOPPED = 40;
    // slot offsets
    static final int IN = 0;
    static final int OUT = 8;
    static final int POLLS = 16;
    static final int IDLE_POLLS = 24;
    static final int INPUT_INDEX = 32;
    static final int IDLE_AT = 40;
    static final int ERRORS = 48;
    static final int BUSY_NANOS = 56;
    static final int NAME = 64;
    static final int NAME_BYTES = 32;

    private final FileChannel channel;
    private final MappedByteBuffer buffer;
    private final List<String> stages;

    private MetricsFile(FileChannel channel, MappedByteBuffer buffer, List<String> stages) {
        this.channel = channel;
        this.buffer = buffer;
        this.stages = stages;
    }

    /** Creates (or replaces) the file for these stages, in this order, and writes its header. */
    public static MetricsFile create(Path dataDir, List<String> stages) {
        if (stages.size() > MAX_STAGES)
            throw new IllegalArgumentException("at most " + MAX_STAGES + " stages");
        SharedFiles.Mapped m = SharedFiles.create(dataDir.resolve(FILE), SIZE);
        MappedByteBuffer b = m.buffer();
        b.putLong(H_STAGES, stages.size());
        for (int i = 0; i < stages.size(); i++) {
            int slot = HEADER + i * SLOT;
            b.putLong(slot + OUT, -1);
            b.putLong(slot + INPUT_INDEX, -1);
            SharedFiles.putName(b, slot + NAME, stages.get(i), NAME_BYTES);
        }
        m.publish(VERSION, MAGIC);
        return new MetricsFile(m.channel(), b, List.copyOf(stages));
    }

    /** The counters of a stage named at creation, for its runner's thread. */
    public StageCounters stage(String name) {
        int i = stages.indexOf(name);
        if (i < 0)
            throw new IllegalArgumentException("no stage " + name + " in " + stages);
        return new StageCounters(buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN), HEADER + i * SLOT);
    }

    /** Counters that go nowhere (a heap buffer): for runners without a metrics file. */
    public static StageCounters detached() {
        return new StageCounters(ByteBuffer.allocate(SLOT).order(ByteOrder.LITTLE_ENDIAN), 0);
    }

    /** Marks the pipeline stopped (readers then know its counters are final) and unmaps the file. */
    @Override
    public void close() {
        try {
            buffer.putLong(H_STOPPED, System.currentTimeMillis());
            buffer.force();
            channel.close();
        } catch (IOException | RuntimeException e) {
            // the counters are for live reading: nothing is lost when the last values do not reach the disk
        }
    }
}
