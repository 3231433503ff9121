package dev.orderpipe.pipeline.stage;

import dev.orderpipe.pipeline.infra.CrashPoints;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.infra.QueueInput;
import dev.orderpipe.pipeline.infra.QueueOutput;
import dev.orderpipe.pipeline.codes.RejectReason;
import dev.orderpipe.pipeline.risk.RiskEngine;

/**
 * Reads {@code orders}, applies the pre-trade checks of {@link RiskEngine} and writes every record to
 * {@code checked}: passed, or REJECTED with a reason. Records already rejected upstream pass through unchanged.
 * On start it resumes after the last input record whose result it wrote (the {@code sourceIndex} of its last output),
 * replaying the input before that point through the risk engine without writing, so its state (seen order ids,
 * rate windows) is what it was.
 */
public final class RiskStage extends QueueInputStage {
    private final QueueOutput output;
    private final RiskEngine engine;
    private final OrderInfo out = new OrderInfo();

    public RiskStage(QueueInput input, QueueOutput output, RiskEngine engine) {
        super("risk", input);
        this.output = output;
        this.engine = engine;
    }

    @Override
    public void open() {
        output.open();
        openInput();
        if (output.readLast(out) < 0)
            return;
        long resumeAfter = out.sourceIndex();
        // rebuild state deterministically from the input already processed
        while (true) {
            if (!readNext() || inputIndex > resumeAfter)
                throw input.damaged(resumeAfter, "cannot resume risk: this input record, named by the last record"
                        + " on " + output.name() + ", is not on the input");
            if (!in.isRejected())
                engine.check(in);
            CrashPoints.hit(CrashPoints.Point.RISK_REBUILD);
            if (inputIndex == resumeAfter)
                break;
        }
    }

    @Override
    protected void onRecord() {
        out.copyFrom(in).sourceIndex(inputIndex);
        if (!in.isRejected()) {
            RejectReason reason = engine.check(in);
            if (reason != RejectReason.NONE)
                out.rejectReason(reason);
        }
        out.riskNanos(System.nanoTime());
        output.write(out);
    }

    /** Records written by this run. */
    public long written() {
        return output.written();
    }

    @Override
    protected void closeOutput() {
        output.close();
    }
}
