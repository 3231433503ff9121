package dev.orderpipe.pipeline.stage;

import dev.orderpipe.pipeline.infra.CrashPoints;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.infra.QueueInput;
import dev.orderpipe.pipeline.infra.QueueOutput;
import dev.orderpipe.pipeline.book.MatchingEngine;
import dev.orderpipe.pipeline.book.ReportSink;
import dev.orderpipe.pipeline.codes.Action;
import dev.orderpipe.pipeline.snapshot.SnapshotReader;
import dev.orderpipe.pipeline.snapshot.SnapshotSeed;
import dev.orderpipe.pipeline.snapshot.SnapshotStore;
import dev.orderpipe.pipeline.snapshot.SnapshotWriter;
import dev.orderpipe.pipeline.integrity.RecordKind;
import dev.orderpipe.pipeline.integrity.RecordLink;

import java.util.function.Function;

/**
 * Reads {@code checked}, runs the {@link MatchingEngine}, writes its execution reports to {@code executions}.
 *
 * <p>Every report carries the index of the input record that caused it, a dense 1-based {@code seq}, the input's
 * provenance and stage timestamps, and the last report of each input is flagged {@link OrderInfo#FLAG_LAST_FOR_INPUT},
 * so a restarted stage can tell an input whose reports are all written from one cut short by a crash. The stage
 * holds back one report to set that flag: two reused records, no allocation.
 */
public final class MatchingStage extends QueueInputStage implements ReportSink {
    private final QueueOutput output;
    private final MatchingEngine engine;
    private final OrderInfo reportA = new OrderInfo();
    private final OrderInfo reportB = new OrderInfo();
    /** A report of the output read back while the books are rebuilt at a restart. */
    private final OrderInfo readBack = new OrderInfo();
    private OrderInfo claimed;
    private OrderInfo pending;
    private long seq;
    /**
     * While the books are rebuilt at a restart, a reader of the reports already written, each of which must be the
     * report the engine makes again; null otherwise.
     */
    private QueueInput rebuilding;
    /** The index of the last report on the output when the rebuild began. */
    private long lastWritten;
    /** Rebuilding the input whose reports a crash cut short: the reports beyond those written are written now. */
    private boolean finishing;
    private long resumedAfter = -1;
    private final SnapshotStore snapshots;
    private SnapshotSeed seed;
    /**
     * Starts an empty output from {@code seed}'s matching state (books, counters, the last report's seq) instead of
     * nothing ({@link SnapshotSeed}); set before the stage's thread starts.
     */
    public void seed(SnapshotSeed seed) {
        this.seed = seed;
    }

    /** The input index the snapshot restored at the start covers, -1 for none. */
    private long restoredAt = -1;
    /** The {@code matchNanos} of the last report on the output (a snapshot names it with its index). */
    private long lastStamp;

    /**
     * @param engine builds the engine over the sink it is given, this stage: the engine writes through the stage and
     *               the stage drives the engine, so the stage hands itself over once it exists and both keep a final
     *               reference (the engine only stores its sink while it is built)
     */
    public MatchingStage(QueueInput input, QueueOutput output, Function<ReportSink, MatchingEngine> engine,
                         SnapshotStore snapshots) {
        super("matching", input);
        this.output = output;
        this.engine = engine.apply(this);
        this.snapshots = snapshots;
    }

    @Override
    public void open() {
        output.open();
        openInput();
        snapshots.open();
        if (snapshots.enabled())
            engine.prepareSnapshots();
        resume();
    }

    /**
     * Finds where to resume from this stage's own output and rebuilds the books: the last report written names the
     * input that caused it ({@code sourceIndex}) and says whether it was the last for that input. The latest snapshot
     * the output agrees with is restored ({@link #restoreSnapshot}); every input after it (all of them without one) up
     * to that input is fed again to the (deterministic) engine, and every report it makes again is compared with the
     * one written then, in order ({@link RecordLink#requireRemade}: the input it names, what it carries over, every
     * field but {@code matchNanos}), instead of being written: reports from another run or altered are refused before
     * this run writes one. The reports of an input cut short by a crash are finished: those written are compared,
     * the rest written. Nothing is lost, nothing is written twice.
     */
    private void resume() {
        long last = output.readLast(reportA);
        if (last < 0) {
            if (seed != null)
                seed.restore(name(), this::restore);
            return;
        }
        long resumeIndex = reportA.sourceIndex();
        lastStamp = reportA.matchNanos();
        boolean complete = reportA.lastForInput();
        lastWritten = last;
        try (QueueInput written = output.reader().open()) {
            restoredAt = restoreSnapshot(snapshots, last, resumeIndex, complete, written, readBack,
                    OrderInfo::matchNanos, this::restore);
            rebuilding = written;
            while (restoredAt < resumeIndex) {
                if (!readNext() || inputIndex > resumeIndex)
                    throw input.damaged(resumeIndex, "cannot resume matching: this input record, named by the last"
                            + " report on " + output.name() + ", is not on the input");
                finishing = inputIndex == resumeIndex && !complete;
                onRecord();
                if (finishing)
                    break; // it wrote: no longer a rebuild
                CrashPoints.hit(CrashPoints.Point.MATCHING_REBUILD);
                if (inputIndex == resumeIndex)
                    break;
            }
        } finally {
            rebuilding = null;
            finishing = false;
        }
        resumedAfter = Math.max(resumeIndex, restoredAt);
    }

    private void restore(SnapshotReader r) {
        seq = r.getLong();
        engine.restore(r);
    }

    /** The input index this run resumed after, or -1 for a fresh start. */
    public long resumedAfter() {
        return resumedAfter;
    }

    /** The input index the snapshot restored at the start covers, or -1 when none was (or for a fresh start). */
    public long restoredAt() {
        return restoredAt;
    }

    /** The stage's snapshots. */
    public SnapshotStore snapshots() {
        return snapshots;
    }

    @Override
    protected void onRecord() {
        engine.onOrder(in);
        if (pending != null) { // the last report of this input: flag it
            write(pending, OrderInfo.FLAG_LAST_FOR_INPUT);
            pending = null;
        }
        // between inputs only: every report of this one is written (none held back), and not while rebuilding
        boolean close = in.action() == Action.SESSION_CLOSE && !in.isRejected();
        snapshots.writeOn(); // a step more of the one under way, if any
        if (rebuilding == null && snapshots.due(close, lastStamp)) {
            SnapshotWriter w = snapshots.begin(inputIndex, output.lastIndex(), lastStamp, engine.lastSessionDate(),
                    close ? SnapshotStore.AT_SESSION_CLOSE : 0);
            w.putLong(seq);
            snapshots.stepwise(engine.beginSave(w));
        }
    }

    /** A turn with no input: a step more of the snapshot under way, if any. */
    @Override
    protected int idle() {
        return snapshots.writeOn() ? 1 : 0;
    }

    @Override
    public OrderInfo claim() {
        if (pending != null) {
            write(pending, 0);
            pending = null;
        }
        claimed = claimed == reportA ? reportB : reportA;
        return claimed.reset();
    }

    @Override
    public void publish() {
        OrderInfo r = claimed;
        r.seq(++seq)
                .eventTime(in.eventTime())
                .sourceLine(in.sourceLine())
                .sourceIndex(inputIndex)
                .writerId(in.writerId())
                .writerSeq(in.writerSeq())
                .ingressNanos(in.ingressNanos())
                .riskNanos(in.riskNanos());
        pending = r;
    }

    /**
     * Writes a report; while the books are rebuilt, compares it with the one written then (the next on the output)
     * instead, until the reports written of an input cut short by a crash run out.
     */
    private void write(OrderInfo r, int flags) {
        r.flags(r.flags() | flags);
        if (rebuilding != null && !(finishing && rebuilding.lastReadIndex() == lastWritten)) {
            RecordLink.requireRemade(name(), RecordKind.REPORT, input, inputIndex, in, r, rebuilding, readBack);
            return;
        }
        r.matchNanos(System.nanoTime());
        output.write(r);
        lastStamp = r.matchNanos();
        if (flags == 0)
            CrashPoints.hit(CrashPoints.Point.EXECUTIONS_MID_INPUT);
    }

    /** Execution reports written by this run. */
    public long reports() {
        return output.written();
    }

    /** The engine, for its end-of-run summary. */
    public MatchingEngine engine() {
        return engine;
    }

    @Override
    protected void closeOutput() {
        try {
            snapshots.close(); // finishes the one under way: of a state already reached
        } finally {
            output.close();
        }
    }
}
