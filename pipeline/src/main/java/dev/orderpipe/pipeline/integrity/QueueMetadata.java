package dev.orderpipe.pipeline.integrity;

import dev.orderpipe.pipeline.infra.QueueDamagedException;
import dev.orderpipe.pipeline.infra.Queues;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The roll cycle and epoch a queue's {@code metadata.cq4t} records: what its cycle files are named and numbered by.
 * A reader opens the queue with them, so that Chronicle has nothing to override (it would log a warning that it does).
 */
public final class QueueMetadata {
    private final RollCycle rollCycle;
    private final long epoch;

    private QueueMetadata(RollCycle rollCycle, long epoch) {
        this.rollCycle = rollCycle;
        this.epoch = epoch;
    }

    /**
     * Reads the metadata file of the queue in {@code dir}: as bytes ({@code roll: { length, format, epoch }} of its
     * header), cheap where a read-only Chronicle open costs seconds of start-up in a fresh JVM; as Chronicle reads it
     * when the layout is not the one known here.
     *
     * @param name the queue's name for messages
     * @throws QueueDamagedException when the metadata cannot be read
     */
    public static QueueMetadata read(String name, Path dir) {
        QueueMetadata m = fromBytes(dir.resolve(Queues.METADATA_FILE));
        return m != null ? m : fromChronicle(name, dir);
    }

    public RollCycle rollCycle() {
        return rollCycle;
    }

    public long epoch() {
        return epoch;
    }

    /** Null when it cannot tell. */
    private static QueueMetadata fromBytes(Path metadata) {
        byte[] doc;
        try (FileChannel ch = FileChannel.open(metadata, StandardOpenOption.READ)) {
            ByteBuffer word = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            if (ch.read(word, 0) != 4)
                return null;
            int length = word.getInt(0) & CycleFile.LENGTH_MASK;
            if (length > 1 << 16 || length + 4L > ch.size())
                return null;
            ByteBuffer body = ByteBuffer.allocate(length);
            while (body.hasRemaining() && ch.read(body, 4L + body.position()) > 0) {
                // read the whole header document
            }
            doc = body.array();
        } catch (IOException e) {
            return null;
        }
        long[] length = WireFields.longs(doc, "length");
        long[] epoch = WireFields.longs(doc, "epoch");
        String format = WireFields.text(doc, "format");
        if (length.length != 1 || format == null)
            return null;
        for (RollCycle rc : RollCycles.all())
            if (rc.lengthInMillis() == length[0] && rc.format().equals(format))
                return new QueueMetadata(rc, epoch.length == 1 ? epoch[0] : 0);
        return null;
    }

    /** As Chronicle reads it: a read-only open reads only the metadata. */
    private static QueueMetadata fromChronicle(String name, Path dir) {
        try (SingleChronicleQueue q = SingleChronicleQueueBuilder.binary(dir).readOnly(true).build()) {
            return new QueueMetadata(q.rollCycle(), q.epoch());
        } catch (RuntimeException e) {
            throw new QueueDamagedException(name, -1, Queues.METADATA_FILE, "the queue's metadata cannot be read ("
                    + firstLine(e) + ")");
        }
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
