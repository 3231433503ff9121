package dev.orderpipe.pipeline.stage;

import dev.orderpipe.pipeline.infra.CrashPoints;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Prices;
import dev.orderpipe.pipeline.book.SelfTradePrevention;
import dev.orderpipe.pipeline.codes.Action;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.infra.QueueInput;
import dev.orderpipe.pipeline.infra.QueueOutput;
import dev.orderpipe.pipeline.codes.RejectReason;
import dev.orderpipe.pipeline.integrity.RecordKind;
import dev.orderpipe.pipeline.integrity.RecordLink;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.risk.RiskConfigHistory;
import dev.orderpipe.pipeline.risk.RiskEngine;
import dev.orderpipe.pipeline.snapshot.SnapshotSeed;
import dev.orderpipe.pipeline.snapshot.SnapshotStore;
import dev.orderpipe.pipeline.snapshot.SnapshotWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code orders}, applies the pre-trade checks of {@link RiskEngine} and writes every record to
 * {@code checked}: passed, or REJECTED with a reason. Records already rejected upstream pass through unchanged.
 * On start it resumes after the last input record whose result it wrote (the {@code sourceIndex} of its last output),
 * restoring its latest snapshot ({@link SnapshotStore}) and replaying the input after it up to that point through the
 * risk engine without writing (the whole input before that point without a snapshot), so its state (seen order ids,
 * rate windows) is what it was, and checking each record it wrote then against what it makes of its input again
 * ({@link RecordLink#requireRemade}). Risk's verdict is its config's: the reason, and the rules it stamps into a passed
 * order ({@link RiskEngine#stampRules}); where the config changed, a different verdict is allowed.
 */
public final class RiskStage extends QueueInputStage {
    private static final Logger LOG = LoggerFactory.getLogger(RiskStage.class);
    private final QueueOutput output;
    private final RiskEngine engine;
    private final OrderInfo out = new OrderInfo();
    /** A record of the output read back while the engine is rebuilt at a restart. */
    private final OrderInfo readBack = new OrderInfo();
    /** At a restart: the orders the rebuilt engine decides otherwise than the checked records say (a changed config). */
    private long redecided;
    private long firstRedecided;
    private String firstWritten;
    private String firstNow;

    private final RiskConfigHistory configs;

    private final SnapshotStore snapshots;
    private SnapshotSeed seed;
    /**
     * Starts an empty output from {@code seed}'s risk state instead of nothing ({@link SnapshotSeed}); set before
     * the stage's thread starts.
     */
    public void seed(SnapshotSeed seed) {
        this.seed = seed;
    }

    /** The input index the snapshot restored at the start covers, -1 for none. */
    private long restoredAt = -1;

    /**
     * @param configs   which config each stretch of the output was written with, to tell a changed config's verdicts
     * @param snapshots where risk writes its snapshots and restarts from
     */
    public RiskStage(QueueInput input, QueueOutput output, RiskEngine engine, RiskConfigHistory configs,
                     SnapshotStore snapshots) {
        super("risk", input);
        this.output = output;
        this.engine = engine;
        this.configs = configs;
        this.snapshots = snapshots;
    }

    @Override
    public void open() {
        output.open();
        openInput();
        snapshots.open();
        if (snapshots.enabled())
            engine.prepareSnapshots();
        long last = output.readLast(out);
        if (last < 0) {
            if (seed != null)
                seed.restore(name(), engine::restore);
            configs.recordCurrent(-1);
            return;
        }
        long resumeAfter = out.sourceIndex();
        // rebuild the engine's state (seen order ids, rate windows) from its latest snapshot and the input processed
        // after it (all of it without a snapshot); risk wrote one record per input, in order, so its output is read
        // again beside it and each record checked against what the (deterministic) engine makes of its input again:
        // a record from another run or altered is refused here
        try (QueueInput written = output.reader().open()) {
            restoredAt = restoreSnapshot(snapshots, last, resumeAfter, true, written, readBack, OrderInfo::riskNanos,
                    engine::restore);
            while (restoredAt < resumeAfter) {
                if (!readNext() || inputIndex > resumeAfter)
                    throw input.damaged(resumeAfter, "cannot resume risk: this input record, named by the last record"
                            + " on " + output.name() + ", is not on the input");
                decide();
                RecordLink.requireRemade(name(), RecordKind.CHECKED, input, inputIndex, in, out, written, readBack);
                if (!RecordLink.sameVerdict(out, readBack)) {
                    long at = written.lastReadIndex();
                    if (configs.sameConfig(at))
                        throw written.damaged(at, written.name() + " index " + Queues.describeIndex(written.queue(), at)
                                + " is not what risk makes again of " + input.name() + " index "
                                + Queues.describeIndex(input.queue(), inputIndex) + ": "
                                + RecordLink.verdictDiffers(out, readBack) + " (made again vs written,"
                                + " with the config it was written with: the record was altered or comes from"
                                + " another run)");
                    if (redecided++ == 0) {
                        firstRedecided = inputIndex;
                        // once per restart, so allocating here is fine
                        firstWritten = verdict(readBack, out);
                        firstNow = verdict(out, readBack);
                    }
                }
                CrashPoints.hit(CrashPoints.Point.RISK_REBUILD);
                if (inputIndex == resumeAfter)
                    break;
            }
        }
        configs.recordCurrent(last);
        if (redecided > 0)
            LOG.warn("risk now decides {} of the orders it had checked otherwise (its config changed; the first,"
                            + " {} index {}, was {} and would now be {}): what was written stands, and the"
                            + " orders after {} index {} are checked with this config", redecided, input.name(),
                    Queues.describeIndex(input.queue(), firstRedecided), firstWritten, firstNow, input.name(), Queues.describeIndex(input.queue(), resumeAfter));
    }

    /**
     * Risk's verdict in {@code checked}, for the WARN line, against the {@code other} verdict on the same order: when
     * both passed, what differs is a rule risk stamped into the order (self-trade prevention, a MARKET order's
     * protection limit), so that is named too: "passed" and "passed" alone would read as no difference at all.
     */
    static String verdict(OrderInfo checked, OrderInfo other) {
        if (checked.rejectReason() != RejectReason.NONE)
            return "REJECTED " + checked.rejectReason();
        if (other.rejectReason() != RejectReason.NONE)
            return "passed";
        String rules = "passed with self-trade prevention " + SelfTradePrevention.stamped(checked);
        return checked.orderType() == OrderType.MARKET
                ? rules + " and MARKET limit " + Prices.format(checked.price()) : rules;
    }

    @Override
    protected void onRecord() {
        if (in.action().isSession()) // a session's end empties the id table the snapshot under way reads: finish it
            snapshots.finishUnderWay();
        decide();
        out.riskNanos(System.nanoTime());
        output.write(out);
        boolean close = in.action() == Action.SESSION_CLOSE && !out.isRejected();
        snapshots.writeOn(); // a step more of the one under way, if any
        if (snapshots.due(close, out.riskNanos())) {
            SnapshotWriter w = snapshots.begin(inputIndex, output.lastIndex(), out.riskNanos(), engine.sessionDate(),
                    close ? SnapshotStore.AT_SESSION_CLOSE : 0);
            snapshots.stepwise(engine.beginSave(w));
        }
    }

    /** A turn with no input: a step more of the snapshot under way, if any. */
    @Override
    protected int idle() {
        return snapshots.writeOn() ? 1 : 0;
    }

    /** The input index the snapshot restored at the start covers, or -1 when none was (or for a fresh start). */
    public long restoredAt() {
        return restoredAt;
    }

    /** The stage's snapshots. */
    public SnapshotStore snapshots() {
        return snapshots;
    }

    /** Fills {@link #out} with what risk writes for the input record {@link #in}, but its timestamp. */
    private void decide() {
        out.copyFrom(in).sourceIndex(inputIndex);
        if (!in.isRejected()) {
            RejectReason reason = engine.check(in);
            if (reason != RejectReason.NONE)
                out.rejectReason(reason);
            else
                engine.stampRules(out);
        }
    }

    /** Records written by this run. */
    public long written() {
        return output.written();
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
