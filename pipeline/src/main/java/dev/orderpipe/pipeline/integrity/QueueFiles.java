package dev.orderpipe.pipeline.integrity;

import dev.orderpipe.pipeline.infra.QueueDamagedException;
import dev.orderpipe.pipeline.infra.Queues;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.RollingResourcesCache;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The cycle files of one queue directory in cycle order, with the roll cycle that numbers their records. */
final class QueueFiles {
    private final String name;
    private final RollCycle rollCycle;
    private final List<Path> files;
    private final int[] cycles;

    private QueueFiles(String name, RollCycle rollCycle, List<Path> files, int[] cycles) {
        this.name = name;
        this.rollCycle = rollCycle;
        this.files = files;
        this.cycles = cycles;
    }

    /**
     * Lists a queue directory. The roll cycle and epoch come from the queue's metadata file when it has one (a
     * read-only open reads only that file), else {@code fallback} with epoch 0.
     *
     * @param name the queue's name for messages
     * @return the files; none when {@code dir} does not exist
     * @throws QueueDamagedException when the metadata cannot be read or a cycle file is not named for the roll cycle
     */
    static QueueFiles list(String name, Path dir, RollCycle fallback) {
        if (!Files.isDirectory(dir))
            return new QueueFiles(name, fallback, List.of(), new int[0]);
        List<Path> paths;
        try (Stream<Path> list = Files.list(dir)) {
            paths = new ArrayList<>(list.filter(p -> p.getFileName().toString().endsWith(Queues.QUEUE_FILE_SUFFIX))
                    .toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        RollCycle rollCycle = fallback;
        long epoch = 0;
        Path metadata = dir.resolve(Queues.METADATA_FILE);
        if (!paths.isEmpty() && Files.exists(metadata)) {
            Roll roll = Roll.read(metadata);
            if (roll == null)
                roll = Roll.chronicle(name, dir); // a layout this reader does not know: ask Chronicle
            rollCycle = roll.cycle;
            epoch = roll.epoch;
        }
        RollingResourcesCache names = new RollingResourcesCache(rollCycle, epoch, n -> new File(dir.toFile(), n),
                File::getName);
        List<int[]> order = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            String file = paths.get(i).getFileName().toString();
            String cycleName = file.substring(0, file.length() - Queues.QUEUE_FILE_SUFFIX.length());
            try {
                order.add(new int[]{names.parseCount(cycleName), i});
            } catch (RuntimeException e) {
                throw new QueueDamagedException(name, -1, file, "not a cycle file of this queue's roll cycle "
                        + rollCycle + " (a foreign file: move it out of the queue directory)");
            }
        }
        order.sort(Comparator.comparingInt(a -> a[0]));
        List<Path> sorted = new ArrayList<>();
        int[] cycles = new int[order.size()];
        for (int i = 0; i < cycles.length; i++) {
            cycles[i] = order.get(i)[0];
            sorted.add(paths.get(order.get(i)[1]));
        }
        return new QueueFiles(name, rollCycle, List.copyOf(sorted), cycles);
    }

    /** The roll cycle and epoch a queue's metadata file records. */
    private static final class Roll {
        final RollCycle cycle;
        final long epoch;

        Roll(RollCycle cycle, long epoch) {
            this.cycle = cycle;
            this.epoch = epoch;
        }

        /**
         * Reads {@code roll: { length, format, epoch }} from the metadata file's header as bytes: cheap, where a
         * read-only Chronicle open costs seconds of start-up in a fresh JVM. Null when it cannot tell.
         */
        static Roll read(Path metadata) {
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
                    return new Roll(rc, epoch.length == 1 ? epoch[0] : 0);
            return null;
        }

        /** As Chronicle reads it: a read-only open reads only the metadata. */
        static Roll chronicle(String name, Path dir) {
            try (SingleChronicleQueue q = SingleChronicleQueueBuilder.binary(dir).readOnly(true).build()) {
                return new Roll(q.rollCycle(), q.epoch());
            } catch (RuntimeException e) {
                throw new QueueDamagedException(name, -1, Queues.METADATA_FILE, "the queue's metadata cannot be read ("
                        + firstLine(e) + ")");
            }
        }
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** Opens the i-th file (in cycle order) for a walk. */
    CycleFile open(int i) {
        return new CycleFile(name, files.get(i), cycles[i], rollCycle);
    }

    int count() {
        return files.size();
    }

    int cycle(int i) {
        return cycles[i];
    }

    /** The position in cycle order of the file of {@code cycle}, or -1 when the queue has none. */
    int fileOf(int cycle) {
        for (int i = 0; i < cycles.length; i++)
            if (cycles[i] == cycle)
                return i;
        return -1;
    }

    /** Bytes of all the files (their size on disk may be smaller: they are sparse). */
    long bytes() {
        long sum = 0;
        for (Path p : files) {
            try {
                sum += Files.size(p);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return sum;
    }

    String name() {
        return name;
    }

    RollCycle rollCycle() {
        return rollCycle;
    }
}
