package dev.orderpipe.pipeline.integrity;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.infra.QueueDamagedException;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.infra.RecordContinuity;

/**
 * Reads every record of a queue off its files in order, checking the framing of every cycle file to its end, every
 * record's length, format and checksum, and that each record is in its place ({@link RecordContinuity}, the rules
 * every reader applies). It stops at the first problem and keeps it ({@link #damage()}); a caller that finds a
 * problem in what the records say against another queue (a broken sourceIndex chain) records it with {@link #fail}.
 */
final class QueueScanner implements AutoCloseable {
    private final QueueFiles files;
    private final RecordContinuity continuity;
    private final OrderInfo record = new OrderInfo();
    private CycleFile current;
    private int file = -1;
    private long records;
    private long firstIndex = -1;
    private long index = -1;
    private long previousIndex = -1;
    private QueueDamagedException damage;
    private QueueDamagedException repair;
    private long unindexed;
    private long firstUnindexed = -1;

    QueueScanner(QueueFiles files) {
        this.files = files;
        // the kind the files' records must be of decides the order rules (taken from the first record when unknown)
        this.continuity = new RecordContinuity(files.kind()).startAt(files.history());
    }

    /** Moves to the next record; false at the end of the queue or at the first problem. */
    boolean next() {
        if (damage != null)
            return false;
        try {
            while (true) {
                if (current == null) {
                    if (file + 1 >= files.count())
                        return false;
                    current = files.open(++file);
                    current.readHeader();
                }
                if (current.next()) {
                    current.decode(record, current.sequence());
                    previousIndex = index;
                    index = current.index();
                    if (firstIndex < 0)
                        firstIndex = index;
                    records++;
                    if (continuity.accept(record))
                        return true;
                    fail(continuity.problem(files.rollCycle()));
                    return false;
                }
                noteUnindexed(current);
                current.close();
                current = null;
            }
        } catch (QueueDamagedException e) {
            if (e.repairable())
                repair = e; // the newest file left half-created: the end of the records, for the start-up repair
            else
                damage = e;
            close();
            return false;
        }
    }

    private void noteUnindexed(CycleFile f) {
        if (unindexed == 0)
            firstUnindexed = f.firstUnindexed();
        unindexed += f.unindexed();
    }

    /**
     * Records of files read to their end that Chronicle's index leaves out ({@link CycleFile#unindexed()}): not
     * damage, a reader moving near them scans from an earlier entry.
     */
    long unindexed() {
        return unindexed;
    }

    /** The index of the first of the {@link #unindexed()} records, -1 when none. */
    long firstUnindexed() {
        return firstUnindexed;
    }

    /**
     * The newest file as a crash while Chronicle created it leaves it (no record in it), which the start-up repair
     * moves aside; null when there is none.
     */
    QueueDamagedException repair() {
        return repair;
    }

    /**
     * Records that {@link #repair()}'s file, taken for a crash's leftover, held records that another queue names: it
     * was cut short or emptied, which is damage.
     *
     * @param named which record of another queue names one of this queue's beyond its end
     */
    void lost(String named) {
        if (damage == null && repair != null) {
            damage = new QueueDamagedException(files.name(), -1, repair.where(), "the queue's newest file holds no"
                    + " record, but " + named + ": records were lost (the file was cut short or emptied)");
            repair = null;
        }
    }

    /**
     * Records a problem with the current record and stops the scan; the record no longer counts as intact (its
     * bytes are, what it says is not).
     */
    void fail(String what) {
        if (damage == null) {
            damage = new QueueDamagedException(files.name(), index, "index "
                    + Queues.describeIndex(files.rollCycle(), index), what);
            records--;
            index = previousIndex;
            if (records == 0)
                firstIndex = -1;
        }
        close();
    }

    /** The current record (valid after {@link #next} returned true). */
    OrderInfo record() {
        return record;
    }

    /** The current record's index (after a problem: the last intact one's, -1 if none). */
    long index() {
        return index;
    }

    long firstIndex() {
        return firstIndex;
    }

    /** Records read (intact) so far. */
    long records() {
        return records;
    }

    /** The first problem, or null. */
    QueueDamagedException damage() {
        return damage;
    }

    QueueFiles files() {
        return files;
    }

    String describe(long anIndex) {
        return Queues.describeIndex(files.rollCycle(), anIndex);
    }

    @Override
    public void close() {
        if (current != null) {
            current.close();
            current = null;
        }
    }
}
