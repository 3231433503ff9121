package dev.orderpipe.pipeline.integrity;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.infra.QueueDamagedException;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.infra.RecordContinuity;
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
 *     Chronicle would take for "nothing written yet"), every record's length, format and CRC32C, and in a pipeline's
 *     queues ({@link #checkAtStart}, {@link #checkDataDir}) each record's place after the one before in the file
 *     ({@link RecordContinuity}), and Chronicle's index in the file against its records ({@link CycleIndex}: an
 *     entry pointing at another record would start a reader that moves to its index there). For a tool that is one
 *     sequential read of each newest file (2 to 4 s for a directory of 1,000,000 orders, 4.2 M records in one
 *     cycle, on the shared 2-core build machine under load). At pipeline start a newest file of
 *     {@link #WHOLE_NEWEST_FILE_RECORDS} records or more is walked only from its last indexed record on
 *     ({@link CycleFile#skipTo}): Chronicle appends, so a crash can only damage what follows the last record it
 *     completed and indexed, and a restart from a snapshot must not cost the day's history; damage to the records
 *     before (a disk error, bytes overwritten) is {@code orderpipe verify}'s to find, and every reader's that reads
 *     such a record (checksums);</li>
 *     <li>that every record read is of the queue's kind ({@link RecordKind}: the pipeline's queues by the config's
 *     names, a tool's by the directory's name or else by its first record);</li>
 *     <li>older cycle files in O(1) each: the queue header, the last record it names (checksum, and the end-of-data
 *     mark after it), the index entries a reader follows into and out of the file (the first record's, the last
 *     one's, none set past it), and that the file is not shorter than its data (the older files' middles are checked by
 *     {@code orderpipe verify}, and by the checksum of every record a reader reads);</li>
 *     <li>across queues ({@link #checkAtStart}, {@link #checkDataDir}): the input record that each stage's last
 *     output names ({@code sourceIndex}) is on the input queue; {@code checked} holds as many records as
 *     {@code orders} holds up to the one its last record names (risk writes one record per order, in order); and the
 *     last report's seq on {@code executions} equals the number of reports (dense, 1-based): records lost from any
 *     queue (a cycle file removed, which Chronicle's readers pass over without a word) are refused rather than
 *     written again after a hole, from the records each file's header counts, in O(1) per file.</li>
 * </ul>
 *
 * <p>The newest cycle file of a queue that is "not ready" (empty, or its queue header still marked incomplete: what
 * a crash while Chronicle created the file leaves) is left to the pipeline's crash repair at start-up and treated as
 * holding no records here; a tool refuses it (and a missing or half-created {@code metadata.cq4t}) as
 * {@linkplain QueueDamagedException#repairable() repairable}, pointing to {@code orderpipe verify}.
 */
public final class QueueVerifier {
    /**
     * Below this many records the start check reads a queue's newest file whole (tens of milliseconds); from it on
     * only the file's tail, so that a restart does not grow with the day's history.
     */
    static final long WHOLE_NEWEST_FILE_RECORDS = 1 << 16;

    private QueueVerifier() {
    }

    /**
     * Checks a pipeline's data directory before the pipeline opens its queues (missing queues are new ones).
     *
     * @throws QueueDamagedException naming the queue, the index or byte, and what to do
     */
    public static void checkAtStart(PipelineConfig config) {
        checkAtStart(config, WHOLE_NEWEST_FILE_RECORDS);
    }

    /**
     * {@link #checkAtStart(PipelineConfig)} reading a newest file whole only while it holds fewer than
     * {@code wholeBelow} records (0: always only its tail).
     */
    static void checkAtStart(PipelineConfig config, long wholeBelow) {
        checkQueues(config, true, wholeBelow);
    }

    /**
     * The same check of a data directory's queues for a tool ({@code stats}), which may run beside a live pipeline:
     * a newest cycle file not yet ready is given a moment, then is damage.
     *
     * @throws QueueDamagedException naming the queue, the index or byte, and what to do
     */
    public static void checkDataDir(PipelineConfig config) {
        checkQueues(config, false, -1);
    }

    /** @param wholeBelow see {@link QueueTail#check}; -1 to read every newest file whole */
    private static void checkQueues(PipelineConfig config, boolean atStart, long wholeBelow) {
        Path data = config.dataPath();
        RollCycle rc = config.rollCycle();
        // downstream first: a live pipeline (stats, verify beside run) goes on writing while each end is read, and an
        // output record is written after the input it names, so an input queue read after its output holds every
        // record that output's end names; read upstream first, the output could name inputs written since (false
        // damage, found as soon as a stage wrote faster than the check read, at every roll of a 1-second cycle)
        QueueTail executions = QueueTail.of(data, config.matching.queue, rc, RecordKind.REPORT, atStart, wholeBelow);
        QueueTail checked = QueueTail.of(data, config.risk.queue, rc, RecordKind.CHECKED, atStart, wholeBelow);
        QueueTail orders = QueueTail.of(data, config.ingress.queue, rc, RecordKind.ORDER, atStart, wholeBelow);
        checked.requireInputHolds(orders);
        checked.requireOnePerInput(orders);
        executions.requireInputHolds(checked);
        executions.requireDenseSeq();
        checked.requireSameInput(orders, RecordKind.CHECKED);
        executions.requireSameInput(checked, RecordKind.REPORT);
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
        QueueTail.of(name, dir, fallback, kind, false, false, -1);
    }

    /**
     * Checks Chronicle's index in the cycle file of {@code index} as far as a tailer that moves to {@code index}
     * follows it ({@link CycleIndex}): every entry up to that record's, each against the record the framing walk
     * finds, or, when the file ends before it, the entries past its end. Chronicle trusts an entry: one that points at
     * another record would start the reader there and call it {@code index}. For a reader about to start in the
     * middle of a queue ({@code dump --from}, a feed resuming): one sequential read of one cycle file up to the record
     * (the quick check reads only the newest file whole, and of the older ones the entries a reader follows into and
     * out of them).
     *
     * @throws QueueDamagedException naming the entry, the record it is for, and what it points at
     */
    public static void checkIndexTo(String name, Path dir, RollCycle fallback, long index) {
        checkIndex(name, dir, fallback, index, false);
    }

    /**
     * {@link #checkIndexTo} for a reader that resumes at {@code index} and reads on to the queue's end (a restored
     * stage's readers, egress at a restart), at a cost that does not grow with the history before {@code index}: the
     * walk starts at Chronicle's index entry for the last indexed record before the one at {@code index} (the entries
     * such a reader follows: to {@code index}, and backwards to the record before it) and goes on to the last record
     * the cycle file's queue header names ({@link CycleFile#walkToLastRecord}), checking every entry it passes; the
     * number it counts there must be the one the header gives, which proves that the entry it started at points at
     * the record it is for. So it reads the records from {@code index} to the end of its file, which the reader
     * reads anyway. The entries and framing before are not read (no reader follows them from here; {@code orderpipe
     * verify} does); without a header that numbers its last record, or with {@code index} past it, the file is
     * walked from its start as {@link #checkIndexTo} does. Damage found is named as that walk from the start names
     * it, when it finds it (a redirected entry shows only at the next entry, or at the header's last record).
     *
     * @return the records walked
     * @throws QueueDamagedException naming the entry, the record it is for, and what it points at
     */
    public static long checkIndexToResume(String name, Path dir, RollCycle fallback, long index) {
        return checkIndex(name, dir, fallback, index, true);
    }

    private static long checkIndex(String name, Path dir, RollCycle fallback, long index, boolean resume) {
        QueueFiles files = QueueFiles.list(name, dir, fallback, null);
        RollCycle rc = files.rollCycle();
        int file = files.fileOf(rc.toCycle(index));
        if (file < 0)
            return 0; // no file for the cycle: nothing to move to, which the reader says
        long seq = rc.toSequenceNumber(index);
        try (CycleFile f = files.open(file)) {
            if (f.notReady())
                return 0; // being created (a live writer rolling), or the quick check's to name: nothing indexed
            f.readHeader();
            if (resume && seq <= f.lastSequence()) {
                long from = f.skipTo(seq - 1);
                try {
                    f.walkToLastRecord();
                } catch (QueueDamagedException e) {
                    // a wrong entry shows only further on: the walk from the start names the entry itself
                    checkIndex(name, dir, fallback, index, false);
                    throw e;
                }
                return f.records() - from;
            }
            while (f.next() && f.sequence() < seq) {
                // the walk checks each record's entry, and the entries past the end when it gets there
            }
            return f.records();
        }
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

        /**
         * @param kind  the kind of record the queue must hold, null for "one kind, whichever its first record is"
         * @param order whether to check the order of the newest file's records (by the rules of their kind)
         */
        static QueueTail of(String name, Path dir, RollCycle fallback, RecordKind kind, boolean order,
                            boolean atStart, long wholeBelow) {
            QueueFiles files = QueueFiles.list(name, dir, fallback, kind);
            if (!atStart && files.repair() != null)
                throw files.repair(); // at start, Chronicle recreates the metadata file (CycleFiles)
            QueueTail t = new QueueTail(files);
            t.check(order, atStart, wholeBelow);
            return t;
        }

        /**
         * The queue {@code queue} of the data directory {@code data}: named as the pipeline names it at its start, by
         * its directory for a tool (as every tool names a queue it reads).
         */
        static QueueTail of(Path data, String queue, RollCycle rc, RecordKind kind, boolean atStart,
                            long wholeBelow) {
            Path dir = data.resolve(queue);
            return of(atStart ? queue : dir.toString(), dir, rc, kind, true, atStart, wholeBelow);
        }

        /**
         * @param wholeBelow the newest file is read whole while it holds fewer records than this (-1: always), else
         *                   only from its last indexed record on ({@link CycleFile#skipTo})
         */
        private void check(boolean order, boolean atStart, long wholeBelow) {
            int newest = files.count() - 1;
            if (newest < 0)
                return;
            if (notReady(newest)) {
                if (atStart)
                    newest--; // the crash repair's, not damage: it holds no record
                else
                    awaitReady(newest);
            }
            OrderInfo r = new OrderInfo();
            boolean before = false;
            for (int i = 0; i < newest; i++) {
                try (CycleFile f = files.open(i)) {
                    f.readHeader();
                    counts[i] = f.checkLastRecord(r);
                    if (counts[i] != 0) {
                        before = true;
                        last.copyFrom(r);
                        // -1: the header does not say which record it is; the checks that need it are skipped
                        lastIndex = counts[i] > 0 ? files.rollCycle().toIndex(files.cycle(i), counts[i] - 1) : -1;
                    }
                }
            }
            if (newest < 0)
                return;
            // the newest file's records are read anyway: a pipeline's queue's are checked in their place after the one
            // before (its first too when it is the queue's first file; after an older file, the readers check it, and
            // report the first record out of place, which may be in an older file). A tool's queue is left to the
            // reader, which checks every record.
            RecordContinuity continuity = order ? new RecordContinuity(files.kind()) : null;
            try (CycleFile f = files.open(newest)) {
                f.readHeader();
                // a large file: only the tail a crash can have damaged, from the last indexed record on (verify
                // reads it all)
                long from = wholeBelow >= 0 && f.lastSequence() >= wholeBelow ? f.skipTo(f.lastSequence()) : 0;
                if (continuity != null && !before && from == 0)
                    continuity.startAt(files.history());
                while (f.next()) {
                    f.decode(r, f.sequence());
                    if (continuity != null && !continuity.accept(r))
                        throw new QueueDamagedException(files.name(), f.index(), "index "
                                + Queues.describeIndex(files.rollCycle(), f.index()),
                                continuity.problem(files.rollCycle()));
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

        /**
         * Throws unless this queue (checked) holds as many records as {@code input} (orders) holds up to the one its
         * last record names: one per input, in order. Fewer here: records of this queue were lost; more: the input's.
         */
        void requireOnePerInput(QueueTail input) {
            long total = total();
            if (lastIndex < 0 || total < 0)
                return;
            long source = last.sourceIndex();
            RollCycle rc = input.files.rollCycle();
            int file = input.files.fileOf(rc.toCycle(source));
            if (file < 0)
                return; // requireInputHolds names it
            long inputs = rc.toSequenceNumber(source) + 1 + input.files.recordsBefore();
            for (int i = 0; i < file; i++) {
                if (input.counts[i] < 0)
                    return; // an older file's header does not say: verify counts them
                inputs += input.counts[i];
            }
            String in = input.files.name();
            String mine = files.name();
            if (total < inputs)
                throw new QueueDamagedException(mine, lastIndex, "index " + Queues.describeIndex(files.rollCycle(),
                        lastIndex), "it is the last of " + total + " records, but it was made from " + in + " index "
                        + Queues.describeIndex(rc, source) + ", record number " + inputs + " of " + in + " (one record"
                        + " per input, in order): " + (inputs - total) + " records were lost (a cycle file removed or"
                        + " emptied)");
            if (total > inputs)
                throw new QueueDamagedException(in, source, "index " + Queues.describeIndex(rc, source), in
                        + " holds " + inputs + " records up to this one, but " + mine + " holds " + total + " records"
                        + " made from them one by one, the last from this one: " + (total - inputs) + " " + in
                        + " records were lost (a cycle file removed or emptied), or " + mine + " records repeated");
        }

        /**
         * Throws unless this queue's last record carries the identity of the input record it names
         * ({@link RecordLink}): a cycle file copied in from another run holds records with valid checksums, in their
         * places, whose inputs are other orders. Called after {@link #requireInputHolds}, which names a missing one.
         */
        void requireSameInput(QueueTail input, RecordKind kind) {
            if (lastIndex < 0)
                return;
            long source = last.sourceIndex();
            OrderInfo in = input.recordAt(source);
            if (in == null)
                return;
            String differs = RecordLink.differs(kind, in, last);
            if (differs == null)
                return;
            String at = Queues.describeIndex(files.rollCycle(), lastIndex);
            throw new QueueDamagedException(files.name(), lastIndex, "index " + at, RecordLink.problem(files.name(),
                    at, input.files.name(), Queues.describeIndex(input.files.rollCycle(), source), differs));
        }

        /**
         * The record at {@code index}, null when the queue has no file for its cycle or the file ends before it: the
         * last record when it is that one (the common case, a stage caught up), else read by walking its file's
         * framing to it from the last indexed record before it ({@link CycleFile#skipTo}: a few dozen records).
         */
        private OrderInfo recordAt(long index) {
            if (index == lastIndex)
                return last;
            RollCycle rc = files.rollCycle();
            int file = files.fileOf(rc.toCycle(index));
            if (file < 0)
                return null;
            long seq = rc.toSequenceNumber(index);
            try (CycleFile f = files.open(file)) {
                f.readHeader();
                f.skipTo(seq);
                while (f.next()) {
                    if (f.sequence() == seq) {
                        OrderInfo r = new OrderInfo();
                        f.decode(r, seq);
                        return r;
                    }
                }
            }
            return null;
        }

        /** Records in all files and before them (retention), -1 when an older file's header does not say. */
        private long total() {
            long total = files.recordsBefore(); // those retention removed
            for (long c : counts) {
                if (c < 0)
                    return -1;
                total += c;
            }
            return total;
        }

        /** Throws unless the last record's seq is the number of records (executions: dense and 1-based). */
        void requireDenseSeq() {
            long total = total();
            if (lastIndex < 0 || total < 0)
                return; // an older file's header does not say: verify counts them
            if (last.seq() != total)
                throw new QueueDamagedException(files.name(), lastIndex, "index "
                        + Queues.describeIndex(files.rollCycle(), lastIndex), "the last report has seq " + last.seq()
                        + " but the queue holds " + total + " reports: reports were lost (a cycle file cut short,"
                        + " emptied or removed)");
        }
    }
}
