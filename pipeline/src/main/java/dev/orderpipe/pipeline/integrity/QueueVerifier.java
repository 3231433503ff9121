package dev.orderpipe.pipeline.integrity;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.infra.QueueDamagedException;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.config.PipelineConfig;
import net.openhft.chronicle.queue.RollCycle;

import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * The quick integrity check of orderpipe's queues: run by the pipeline before it opens its queues
 * ({@link #checkAtStart}), and by every tool before it reads a queue ({@link #checkQueue}). It reads the files
 * directly, never through Chronicle's mapping, so a file cut short is reported, not a SIGBUS.
 *
 * <p>What it checks, per queue:
 * <ul>
 *     <li>the newest cycle file in full: its queue header (field by field, as Chronicle reads it), every record header
 *     to the end of the written data, that
 *     the data ends where the queue header says the last record is (a zeroed or cut-off header hides records, which
 *     Chronicle would take for "nothing written yet"), and every record's length, format and CRC32C. That is one
 *     sequential read of each newest file (2 to 4 s for a directory of 1,000,000 orders, 4.2 M records in one
 *     cycle, on the shared 2-core build machine under load), less than a restarted stage spends re-reading its
 *     input: the framing walk touches every page anyway, and the checksums are what catch bytes overwritten in a
 *     record that no stage reads again;</li>
 *     <li>that every record read is of the queue's kind ({@link RecordKind}: the pipeline's queues by the config's
 *     names, a tool's by the directory's name or else by its first record);</li>
 *     <li>older cycle files in O(1) each: the queue header, the last record it names (checksum, and the end-of-data
 *     mark after it), and that the file is not shorter than its data (the older files' middles are checked by
 *     {@code orderpipe verify}, and by the checksum of every record a reader reads);</li>
 *     <li>across queues ({@link #checkAtStart}): the input record that each stage's last output names
 *     ({@code sourceIndex}) is on the input queue, and the last report's seq on {@code executions} equals the number
 *     of reports (dense, 1-based): records lost from any queue are refused rather than written again after a hole.</li>
 * </ul>
 *
 * <p>The newest cycle file of a queue that is "not ready" (empty, or its queue header still marked incomplete: what
 * a crash while Chronicle created the file leaves) is left to the pipeline's crash repair at start-up and treated as
 * holding no records here; a tool refuses it (and a missing or half-created {@code metadata.cq4t}) as
 * {@linkplain QueueDamagedException#repairable() repairable}, pointing to {@code orderpipe verify}.
 */
public final class QueueVerifier {
    private QueueVerifier() {
    }

    /**
     * Checks a pipeline's data directory before the pipeline opens its queues (missing queues are new ones).
     *
     * @throws QueueDamagedException naming the queue, the index or byte, and what to do
     */
    public static void checkAtStart(PipelineConfig config) {
        Path data = config.dataPath();
        RollCycle rc = config.rollCycle();
        QueueTail orders = QueueTail.of(config.ingress.queue, data.resolve(config.ingress.queue), rc,
                RecordKind.ORDER, true);
        QueueTail checked = QueueTail.of(config.risk.queue, data.resolve(config.risk.queue), rc, RecordKind.CHECKED,
                true);
        QueueTail executions = QueueTail.of(config.matching.queue, data.resolve(config.matching.queue), rc,
                RecordKind.REPORT, true);
        checked.requireInputHolds(orders);
        executions.requireInputHolds(checked);
        executions.requireDenseSeq();
    }

    /** {@link #checkQueue(String, Path, RollCycle, RecordKind)} with the kind the directory's name calls for. */
    public static void checkQueue(String name, Path dir, RollCycle fallback) {
        checkQueue(name, dir, fallback, RecordKind.ofQueueName(dir.getFileName().toString()));
    }

    /**
     * The quick check of one queue directory, for a tool about to read it; a not-ready newest file, and a missing or
     * half-created {@code metadata.cq4t}, are refused here (as {@linkplain QueueDamagedException#repairable()
     * repairable}: starting the pipeline repairs what a crash left).
     *
     * @param name the queue's name for messages (its directory, as the user gave it)
     * @param kind the kind of record the queue must hold, or null for "one kind, whichever its first record is"
     * @throws QueueDamagedException naming the queue, the index or byte, and what to do
     */
    public static void checkQueue(String name, Path dir, RollCycle fallback, RecordKind kind) {
        QueueTail.of(name, dir, fallback, kind, false);
    }

    /** The end of one queue as the quick check found it. */
    static final class QueueTail {
        private final QueueFiles files;
        /** Records per file (in cycle order), -1 when an older file's header does not say. */
        private final long[] counts;
        private final OrderInfo last = new OrderInfo();
        private long lastIndex = -1;

        private QueueTail(QueueFiles files) {
            this.files = files;
            this.counts = new long[files.count()];
        }

        static QueueTail of(String name, Path dir, RollCycle fallback, RecordKind kind, boolean atStart) {
            QueueFiles files = QueueFiles.list(name, dir, fallback, kind);
            if (!atStart && files.repair() != null)
                throw files.repair(); // at start, Chronicle recreates the metadata file (CycleFiles)
            QueueTail t = new QueueTail(files);
            t.check(atStart);
            return t;
        }

        private void check(boolean skipNotReadyNewest) {
            int newest = files.count() - 1;
            if (newest < 0)
                return;
            if (notReady(newest)) {
                if (skipNotReadyNewest)
                    newest--; // the crash repair's, not damage: it holds no record
                else
                    awaitReady(newest);
            }
            OrderInfo r = new OrderInfo();
            for (int i = 0; i < newest; i++) {
                try (CycleFile f = files.open(i)) {
                    f.readHeader();
                    counts[i] = f.checkLastRecord(r);
                    if (counts[i] != 0) {
                        last.copyFrom(r);
                        // -1: the header does not say which record it is; the checks that need it are skipped
                        lastIndex = counts[i] > 0 ? files.rollCycle().toIndex(files.cycle(i), counts[i] - 1) : -1;
                    }
                }
            }
            if (newest < 0)
                return;
            try (CycleFile f = files.open(newest)) {
                f.readHeader();
                while (f.next()) {
                    f.decode(r, f.sequence());
                    last.copyFrom(r);
                    lastIndex = f.index();
                }
                counts[newest] = f.records();
            }
        }

        private boolean notReady(int file) {
            try (CycleFile f = files.open(file)) {
                return f.notReady();
            }
        }

        /**
         * Gives a writer that is creating the newest file (a pipeline rolling to a new cycle while a tool opens the
         * queue) a moment to write its header; a file still not ready after that is reported by the walk.
         */
        private void awaitReady(int file) {
            for (int i = 0; i < 20 && notReady(file); i++)
                LockSupport.parkNanos(10_000_000);
        }

        /** Throws unless {@code input} holds the record that this queue's last record names as its source. */
        void requireInputHolds(QueueTail input) {
            if (lastIndex < 0)
                return;
            long source = last.sourceIndex();
            RollCycle rc = input.files.rollCycle();
            int file = input.files.fileOf(rc.toCycle(source));
            long seq = rc.toSequenceNumber(source);
            if (file >= 0 && (input.counts[file] < 0 || seq < input.counts[file]))
                return;
            String has = input.lastIndex < 0 ? "holds no records" : "ends at index "
                    + Queues.describeIndex(rc, input.lastIndex) + (file < 0 ? " and has no file for that cycle" : "");
            throw new QueueDamagedException(input.files.name(), source, "index " + Queues.describeIndex(rc, source),
                    "the record is missing (" + input.files.name() + " " + has + ") but the last record on "
                            + files.name() + ", index " + Queues.describeIndex(files.rollCycle(), lastIndex)
                            + ", was made from it: records were lost (a file cut short, emptied or removed)");
        }

        /** Throws unless the last record's seq is the number of records (executions: dense and 1-based). */
        void requireDenseSeq() {
            if (lastIndex < 0)
                return;
            long total = 0;
            for (long c : counts) {
                if (c < 0)
                    return; // an older file's header does not say: verify counts them
                total += c;
            }
            if (last.seq() != total)
                throw new QueueDamagedException(files.name(), lastIndex, "index "
                        + Queues.describeIndex(files.rollCycle(), lastIndex), "the last report has seq " + last.seq()
                        + " but the queue holds " + total + " reports: reports were lost (a cycle file cut short,"
                        + " emptied or removed)");
        }
    }
}
