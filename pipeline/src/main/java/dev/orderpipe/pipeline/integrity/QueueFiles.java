package dev.orderpipe.pipeline.integrity;

import dev.orderpipe.pipeline.infra.CycleFiles;
import dev.orderpipe.pipeline.infra.HistoryStart;
import dev.orderpipe.pipeline.infra.QueueDamagedException;
import dev.orderpipe.pipeline.infra.Queues;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.RollingResourcesCache;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The cycle files of one queue directory in cycle order, with the roll cycle that numbers their records, the kind of
 * record they must hold, and what the start-up repair would do to the directory's {@code metadata.cq4t}.
 */
final class QueueFiles {
    private final String name;
    private final RollCycle rollCycle;
    private final List<Path> files;
    private final int[] cycles;
    private final RecordKind.Check kinds;
    private final QueueDamagedException repair;
    private final HistoryStart history;
    /** Files before the history's start: a retention pass that was interrupted left them, the next removes them. */
    private final List<Path> beforeHistory = new ArrayList<>();

    private QueueFiles(String name, RollCycle rollCycle, List<Path> files, int[] cycles, RecordKind expected,
                       QueueDamagedException repair, HistoryStart history) {
        this.name = name;
        this.rollCycle = rollCycle;
        this.files = files;
        this.cycles = cycles;
        this.kinds = new RecordKind.Check(expected);
        this.repair = repair;
        this.history = history;
    }

    /** The kind of record the queue must hold: the expected one, else the first record read's; null before. */
    RecordKind kind() {
        return kinds.kind();
    }

    /**
     * Lists a queue directory. The roll cycle and epoch come from the queue's metadata file when it has one
     * ({@link QueueMetadata}), else {@code fallback} with epoch 0: what Chronicle records when the pipeline, started
     * with that roll cycle, recreates a missing or half-created metadata file.
     *
     * @param name     the queue's name for messages
     * @param expected the kind of record the queue must hold, or null for "one kind, whichever its first record is"
     * @return the files; none when {@code dir} does not exist
     * @throws QueueDamagedException when the metadata cannot be read or a cycle file is not named for the roll cycle
     */
    static QueueFiles list(String name, Path dir, RollCycle fallback, RecordKind expected) {
        if (!Files.isDirectory(dir))
            return new QueueFiles(name, fallback, List.of(), new int[0], expected, null, null);
        List<Path> paths;
        try (Stream<Path> list = Files.list(dir)) {
            paths = new ArrayList<>(list.filter(p -> p.getFileName().toString().endsWith(Queues.QUEUE_FILE_SUFFIX))
                    .toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        RollCycle rollCycle = fallback;
        long epoch = 0;
        QueueDamagedException repair = null;
        Path metadata = dir.resolve(Queues.METADATA_FILE);
        String dangling = CycleFiles.danglingLink(metadata);
        if (dangling != null)
            throw new QueueDamagedException(name, -1, Queues.METADATA_FILE, Queues.METADATA_FILE + " is " + dangling);
        for (Path p : paths) {
            String link = CycleFiles.danglingLink(p);
            if (link != null)
                throw new QueueDamagedException(name, -1, p.getFileName().toString(), p.getFileName() + " is " + link);
        }
        if (!paths.isEmpty()) {
            if (!Files.exists(metadata)) {
                repair = QueueDamagedException.repairable(name, Queues.METADATA_FILE, Queues.METADATA_FILE
                        + " (the queue's roll cycle and epoch) is missing: starting the pipeline recreates it with"
                        + " the config's rollCycle and epoch 0 (the cycle files are named for " + fallback + ")");
            } else if (!CycleFiles.headerReady(metadata)) {
                repair = QueueDamagedException.repairable(name, Queues.METADATA_FILE, Queues.METADATA_FILE
                        + " was left half-created by a crash: starting the pipeline recreates it"
                        + " with the config's rollCycle (the cycle files are named for " + fallback + ")");
            } else if (CycleFiles.headerCutShort(metadata)) {
                throw new QueueDamagedException(name, -1, Queues.METADATA_FILE, Queues.METADATA_FILE + " ends inside"
                        + " its header (cut short, or its header word damaged)");
            } else {
                QueueMetadata recorded = QueueMetadata.read(name, dir);
                rollCycle = recorded.rollCycle();
                epoch = recorded.epoch();
            }
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
                        + rollCycle + (repair == null ? " (a foreign file: move it out of the queue directory)"
                        : ", the config's, which is assumed as " + Queues.METADATA_FILE + " cannot tell (set"
                        + " rollCycle to the one the queue was written with)"));
            }
        }
        order.sort(Comparator.comparingInt(a -> a[0]));
        // after retention, the files before the history's start (a crash left them) are not the queue's any more
        HistoryStart history = HistoryStart.read(dir);
        List<Path> before = new ArrayList<>();
        if (history != null) {
            int first = history.firstCycle(rollCycle);
            for (int[] a : order)
                if (a[0] < first)
                    before.add(paths.get(a[1]));
            order.removeIf(a -> a[0] < first);
        }
        List<Path> sorted = new ArrayList<>();
        int[] cycles = new int[order.size()];
        for (int i = 0; i < cycles.length; i++) {
            cycles[i] = order.get(i)[0];
            sorted.add(paths.get(order.get(i)[1]));
        }
        QueueFiles listed = new QueueFiles(name, rollCycle, List.copyOf(sorted), cycles, expected, repair, history);
        listed.beforeHistory.addAll(before);
        return listed;
    }

    /**
     * What the start-up repair does to this queue's {@code metadata.cq4t} (missing, or left half-created by a crash),
     * as a repairable failure naming it; null when the file is there and complete.
     */
    QueueDamagedException repair() {
        return repair;
    }

    /** Where the queue's history starts after retention removed its oldest files; null when never cut. */
    HistoryStart history() {
        return history;
    }

    /** The files before {@link #history()}'s start, oldest first: left by an interrupted retention pass. */
    List<Path> beforeHistory() {
        return beforeHistory;
    }

    /** The i-th file (in cycle order). */
    Path path(int i) {
        return files.get(i);
    }

    /** Records before the first file listed: those retention removed (0 when none). */
    long recordsBefore() {
        return history == null ? 0 : history.recordsBefore();
    }

    /** Opens the i-th file (in cycle order) for a walk. */
    CycleFile open(int i) {
        return new CycleFile(name, files.get(i), cycles[i], rollCycle, i == files.size() - 1, kinds);
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
