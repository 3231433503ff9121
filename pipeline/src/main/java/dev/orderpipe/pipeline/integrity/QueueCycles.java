package dev.orderpipe.pipeline.integrity;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.infra.HistoryStart;
import net.openhft.chronicle.queue.RollCycle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The cycle files of one queue as retention sees them: each with its cycle, records and bytes, read as plain bytes
 * like the start-up check (any queue, the snapshot queues too: no record is decoded), and the files an interrupted
 * retention pass left before the queue's {@link HistoryStart}.
 */
public final class QueueCycles {
    /** One cycle file: its cycle, path, records (from its header, else counted) and length in bytes. */
    public record Cycle(int cycle, Path file, long records, long bytes) {
    }

    private final QueueFiles files;
    private final RollCycle rollCycle;
    private final HistoryStart history;
    private final List<Cycle> cycles;
    private final List<Path> beforeHistory;

    private QueueCycles(QueueFiles files, RollCycle rollCycle, HistoryStart history, List<Cycle> cycles,
                        List<Path> beforeHistory) {
        this.files = files;
        this.rollCycle = rollCycle;
        this.history = history;
        this.cycles = cycles;
        this.beforeHistory = beforeHistory;
    }

    /**
     * Lists the queue in {@code dir} (none when it does not exist). The newest file's records are those its header
     * names (a live writer may be adding more): retention never removes it.
     *
     * @param name     the queue's name for messages
     * @param fallback the roll cycle when the queue's metadata does not say
     */
    public static QueueCycles list(String name, Path dir, RollCycle fallback) {
        QueueFiles files = QueueFiles.list(name, dir, fallback, null);
        List<Cycle> cycles = new ArrayList<>(files.count());
        for (int i = 0; i < files.count(); i++) {
            long records;
            try (CycleFile f = files.open(i)) {
                if (f.notReady()) {
                    records = 0;
                } else {
                    f.readHeader();
                    records = f.recordsFromHeader();
                    if (records < 0) {
                        while (f.next()) {
                            // the header does not say: counted by the framing walk
                        }
                        records = f.records();
                    }
                }
            }
            cycles.add(new Cycle(files.cycle(i), files.path(i), records, size(files.path(i))));
        }
        return new QueueCycles(files, files.rollCycle(), files.history(), List.copyOf(cycles),
                List.copyOf(files.beforeHistory()));
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    /**
     * The reports of the {@code i}-th file that end an input's reports ({@link OrderInfo#lastForInput()}), read and
     * checked record by record: on {@code executions}, the inputs it accounts for.
     */
    public long inputsEnded(int i) {
        OrderInfo r = new OrderInfo();
        long n = 0;
        try (CycleFile f = files.open(i)) {
            f.readHeader();
            while (f.next()) {
                f.decode(r, f.sequence());
                if (r.lastForInput())
                    n++;
            }
        }
        return n;
    }

    /** The roll cycle that names and numbers the files (the queue's own). */
    public RollCycle rollCycle() {
        return rollCycle;
    }

    /** Where the history starts after an earlier retention pass, null when never cut. */
    public HistoryStart history() {
        return history;
    }

    /** The files of the history, oldest first. */
    public List<Cycle> cycles() {
        return cycles;
    }

    /** Files before the history's start that an interrupted retention pass left, oldest first. */
    public List<Path> beforeHistory() {
        return beforeHistory;
    }
}
