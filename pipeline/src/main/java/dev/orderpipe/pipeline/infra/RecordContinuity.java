package dev.orderpipe.pipeline.infra;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.integrity.RecordKind;
import dev.orderpipe.pipeline.util.FixedLongIndex;
import net.openhft.chronicle.queue.RollCycle;

/**
 * The order of the records on one queue, checked record by record as a reader reads them forward: each record is
 * intact on its own (its CRC32C says so), and this says whether it is in its place. Chronicle's tailer passes over a
 * missing cycle file without a word, and a record copied over another, or two records exchanged, read as well as any;
 * what the records say about each other is what tells. The rules, per kind of queue ({@link RecordKind},
 * docs/formats.md):
 * <ul>
 *     <li>{@link RecordKind#REPORT} ({@code executions}): {@code seq} is the previous report's + 1, and 1 for the
 *     queue's first report; the reports of one input come together: a report names the input ({@code sourceIndex})
 *     of the report before unless that one was flagged last for its input, and then it names a later one;</li>
 *     <li>{@link RecordKind#CHECKED}: each record names a later input ({@code sourceIndex}, an orders index) than the
 *     one before (risk writes one record per order, in order);</li>
 *     <li>{@link RecordKind#ORDER} ({@code orders}): per writer ({@code writerId}), {@code writerSeq} follows the
 *     writer's previous record: the file ingress's (writer 0, whose writerSeq is the line of the order file, from
 *     1) is greater, as lines may be skipped (the header, comments, blank lines); an order-entry writer's is the
 *     previous + 1 (it numbers its records densely). Up to {@value #WRITERS} writers are followed; records of writers
 *     beyond them, and records of writer 0 without a line (writerSeq 0: not the file ingress's), are not
 *     checked.</li>
 * </ul>
 * What it cannot see: a lost cycle file of {@code orders} that held only the file ingress's records (line numbers
 * may skip) or the records of writers that wrote nothing after it, and a lost cycle file of {@code checked} whose
 * orders were all in lost orders files too; the cross-queue checks ({@code orderpipe verify}, the pipeline's start)
 * see those that the other queues name.
 *
 * <p>One instance per reader and queue; {@link #accept} allocates nothing. A reader that starts in the middle of a
 * queue {@link #seed seeds} it with the record before its first. Used by {@link QueueInput} (every reader) and by
 * {@code orderpipe verify}'s scan of the files: one implementation of each rule.
 */
public final class RecordContinuity {
    /** Order-entry writers followed per orders reader (a fixed table, allocated once). */
    public static final int WRITERS = 1024;
    private static final long NONE = Long.MIN_VALUE;

    /** The rule a record broke. */
    private enum Break { NONE, SEQ, INPUT_CUT, INPUT_REPEATED, SOURCE, FILE_LINE, WRITER_SEQ }

    private RecordKind kind;
    private boolean havePrevious;
    private boolean fromStart;
    /** The seq the first report must have when reading from the start: 1, or the first after a retained start. */
    private long firstSeq = 1;
    /** The previous record's seq, sourceIndex and flag (executions), sourceIndex (checked). */
    private long previousSeq;
    private long previousSource;
    private boolean previousLast;
    /** Orders: the file ingress's last line, and each order-entry writer's last writerSeq by slot. */
    private long fileLine = NONE;
    private FixedLongIndex writers;
    private long[] writerSeqs;
    /** The slot of the writer of the record being checked, {@link FixedLongIndex#FULL} when not followed. */
    private int writerSlot;
    /** The first break, kept for the message; once broken, every record is refused. */
    private Break broken = Break.NONE;
    private long expected;
    private long found;
    private long writer;
    private long seqFound;

    /**
     * @param kind the queue's kind, or null to take it from the first record read or seeded ({@link RecordKind#of})
     */
    public RecordContinuity(RecordKind kind) {
        this.kind = kind;
        // allocated here, before any record is read: the reading thread allocates nothing per record
        if (kind == null || kind == RecordKind.ORDER) {
            writers = new FixedLongIndex(WRITERS);
            writerSeqs = new long[WRITERS];
        }
    }

    /** The next record is the queue's first: no record before it, and executions start at seq 1. */
    public RecordContinuity startOfQueue() {
        forget();
        fromStart = true;
        firstSeq = 1;
        return this;
    }

    /**
     * The next record is the first of the queue's history: {@link #startOfQueue()}, or, after retention removed the
     * queue's oldest files ({@code history} not null), the first record kept, with no record before it and executions
     * starting at {@link HistoryStart#firstSeq()}.
     */
    public RecordContinuity startAt(HistoryStart history) {
        startOfQueue();
        if (history != null)
            firstSeq = history.firstSeq();
        return this;
    }

    /** The next record follows {@code before} (a reader that starts after the start of the queue). */
    public RecordContinuity seed(OrderInfo before) {
        forget();
        fromStart = false;
        if (kind == null)
            kind = RecordKind.of(before);
        if (kind == RecordKind.ORDER && before.writerId() != 0)
            writerSlot = writers.slotOf(before.writerId(), true);
        remember(before);
        return this;
    }

    private void forget() {
        havePrevious = false;
        fileLine = NONE;
        if (writers != null)
            writers.clear();
    }

    /** The kind checked, null until it is known. */
    public RecordKind kind() {
        return kind;
    }

    /**
     * Checks that {@code r}, the next record read, follows the records before, and remembers it.
     *
     * @return false when it breaks a rule (then {@link #problem} says which; this and every later record is refused)
     */
    public boolean accept(OrderInfo r) {
        if (broken != Break.NONE)
            return false;
        if (kind == null)
            kind = RecordKind.of(r);
        Break b;
        switch (kind) {
            case REPORT:
                b = checkReport(r);
                break;
            case CHECKED:
                b = checkChecked(r);
                break;
            default:
                b = checkOrder(r);
        }
        if (b != Break.NONE) {
            broken = b;
            return false;
        }
        remember(r);
        return true;
    }

    private Break checkReport(OrderInfo r) {
        seqFound = r.seq();
        if (!havePrevious) {
            return fromStart && r.seq() != firstSeq ? at(Break.SEQ, firstSeq, r.seq()) : Break.NONE;
        }
        if (r.seq() != previousSeq + 1)
            return at(Break.SEQ, previousSeq + 1, r.seq());
        if (!previousLast && r.sourceIndex() != previousSource)
            return at(Break.INPUT_CUT, previousSource, r.sourceIndex());
        if (previousLast && r.sourceIndex() <= previousSource)
            return at(Break.INPUT_REPEATED, previousSource, r.sourceIndex());
        return Break.NONE;
    }

    private Break checkChecked(OrderInfo r) {
        if (havePrevious && r.sourceIndex() <= previousSource)
            return at(Break.SOURCE, previousSource, r.sourceIndex());
        return Break.NONE;
    }

    private Break checkOrder(OrderInfo r) {
        long w = r.writerId();
        long seq = r.writerSeq();
        if (w == 0) // the file ingress's line; a record with none (0) is not the ingress's and not checked
            return seq > 0 && fileLine != NONE && seq <= fileLine ? at(Break.FILE_LINE, fileLine, seq) : Break.NONE;
        int known = writers.size();
        int slot = writers.slotOf(w, true); // one lookup: a new writer is added here, remembered below
        writerSlot = slot;
        if (slot >= 0 && writers.size() == known && seq != writerSeqs[slot] + 1) {
            writer = w;
            return at(Break.WRITER_SEQ, writerSeqs[slot] + 1, seq);
        }
        return Break.NONE;
    }

    private Break at(Break b, long expected, long found) {
        this.expected = expected;
        this.found = found;
        return b;
    }

    private void remember(OrderInfo r) {
        havePrevious = true;
        previousSeq = r.seq();
        previousSource = r.sourceIndex();
        previousLast = r.lastForInput();
        if (kind != RecordKind.ORDER)
            return;
        long w = r.writerId();
        if (w == 0) {
            if (r.writerSeq() > 0)
                fileLine = r.writerSeq();
            return;
        }
        if (writerSlot >= 0) // FULL: a writer beyond the table is not followed
            writerSeqs[writerSlot] = r.writerSeq();
    }

    /** Whether a record broke a rule. */
    public boolean broken() {
        return broken != Break.NONE;
    }

    /**
     * What the record that broke a rule says against the records before, for the one-line message (built only then).
     *
     * @param inputs the roll cycle that numbers the indices the records name (the pipeline's queues share one)
     */
    public String problem(RollCycle inputs) {
        switch (broken) {
            case SEQ:
                return "the report has seq " + found + " where " + expected
                        + (havePrevious ? " comes next" : " comes first")
                        + " (seq must be 1, 2, 3...: reports were lost, repeated or reordered)";
            case INPUT_CUT:
                return "the reports of input index " + Queues.describeIndex(inputs, expected) + " end without one"
                        + " flagged last for the input, and this one (seq " + seqFound + ") names input index "
                        + Queues.describeIndex(inputs, found) + " (reports were lost or reordered)";
            case INPUT_REPEATED:
                return "the report (seq " + seqFound + ") names input index " + Queues.describeIndex(inputs, found)
                        + ", not after input index " + Queues.describeIndex(inputs, expected) + " whose last report"
                        + " came before (reports were repeated or reordered)";
            case SOURCE:
                return "the record names input index " + Queues.describeIndex(inputs, found) + ", not after input"
                        + " index " + Queues.describeIndex(inputs, expected) + " named by the record before (one"
                        + " record per input, in order: records were repeated or reordered)";
            case FILE_LINE:
                return "the record is line " + found + " of the order file, not after line " + expected + " of the"
                        + " file ingress's record before (records were repeated or reordered)";
            case WRITER_SEQ:
                return "writer " + writer + "'s record has writerSeq " + found + " where " + expected + " comes next"
                        + " (a writer numbers its records one by one: records were lost, repeated or reordered)";
            default:
                return null;
        }
    }
}
