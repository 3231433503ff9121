package dev.orderpipe.pipeline.stage;

import dev.orderpipe.pipeline.DiskSpaceGuard;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Queues;
import dev.orderpipe.pipeline.codes.RejectReason;
import dev.orderpipe.pipeline.risk.RiskEngine;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;

/**
 * Reads {@code orders}, applies the pre-trade checks of {@link RiskEngine} and writes every record to
 * {@code checked}: passed, or REJECTED with a reason. Records already rejected upstream pass through unchanged.
 * On start it resumes after the last input record whose result it wrote (the {@code sourceIndex} of its last output),
 * replaying the input before that point through the risk engine without writing, so its state (seen order ids,
 * rate windows) is what it was.
 */
public final class RiskStage extends QueueInputStage {
    private final ChronicleQueue output;
    private final RiskEngine engine;
    private final OrderInfo out = new OrderInfo();
    private final DiskSpaceGuard diskGuard;
    private final String outputName;
    private final SyncPolicy syncPolicy;
    private ExcerptAppender appender;

    public RiskStage(ChronicleQueue input, ChronicleQueue output, RiskEngine engine, Stage upstream,
                     DiskSpaceGuard diskGuard, String outputName, SyncPolicy syncPolicy) {
        super("risk", input, upstream);
        this.syncPolicy = syncPolicy;
        this.diskGuard = diskGuard;
        this.outputName = outputName;
        this.output = output;
        this.engine = engine;
    }

    @Override
    public void open() {
        appender = output.createAppender();
        openTailer();
        long last = Queues.readLast(output, out);
        if (last >= 0) {
            long resumeAfter = out.sourceIndex();
            // rebuild state deterministically from the input already processed
            while (tailer.readBytes(in.reset())) {
                if (!in.isRejected())
                    engine.check(in);
                if (tailer.lastReadIndex() == resumeAfter)
                    break;
            }
            inputIndex = resumeAfter;
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
        if (diskGuard.isLow())
            throw diskGuard.stop(outputName);
        appender.writeBytes(out);
        syncPolicy.afterWrite(appender);
    }

    @Override
    protected void closeOutput() {
        if (appender != null)
            appender.close();
    }
}
