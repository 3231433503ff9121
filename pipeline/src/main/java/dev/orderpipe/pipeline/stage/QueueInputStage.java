package dev.orderpipe.pipeline.stage;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.infra.HistoryCutException;
import dev.orderpipe.pipeline.infra.QueueInput;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.snapshot.SnapshotReader;
import dev.orderpipe.pipeline.snapshot.SnapshotStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * A stage that reads {@link OrderInfo} records from a queue ({@link QueueInput}: checked reads) into one reused
 * instance and handles them one at a time, up to {@link Stage#MAX_RECORDS_PER_CALL} (or the subclass's own bound) per
 * {@link #doWork()} call.
 * Subclasses open {@link #input} in {@link #open()} (on the runner's thread) and implement {@link #onRecord()}.
 */
public abstract class QueueInputStage extends AbstractStage {
    private static final Logger LOG = LoggerFactory.getLogger(QueueInputStage.class);
    protected final QueueInput input;
    /** The record just read; reset before every read. */
    protected final OrderInfo in = new OrderInfo();
    /** Index of the record being handled. */
    protected long inputIndex = -1;

    /** Most records handled per {@link #doWork()} call. */
    private final int maxPerCall;

    protected QueueInputStage(String name, QueueInput input) {
        this(name, input, MAX_RECORDS_PER_CALL);
    }

    /**
     * @param maxPerCall most records handled per call: more than {@link #MAX_RECORDS_PER_CALL} for a stage whose
     *                   input grows faster than the inputs of the stages before it on the same thread
     */
    protected QueueInputStage(String name, QueueInput input, int maxPerCall) {
        super(name);
        this.input = input;
        this.maxPerCall = maxPerCall;
    }

    /** Opens the reader at the start of the input; subclasses call it first in {@link #open()}. */
    protected final void openInput() {
        input.open();
    }

    @Override
    public final int doWork() {
        int work = 0;
        while (work < maxPerCall && readNext()) {
            onRecord();
            work++;
        }
        return work > 0 ? work : idle();
    }

    /** Called when no input record was there to handle: the work done meanwhile (a snapshot written on), 0 for none. */
    protected int idle() {
        return 0;
    }

    /**
     * At a restart: restores the latest snapshot that the stage's output agrees with and positions both readers after
     * it: the input after the input it covers, {@code written} (the stage's output, opened) after the last output
     * record then written. A snapshot is usable when its output end is not beyond {@code outputLast} (the last record
     * on the output now) and it covers at most {@code resumeIndex} (the input that record names), or covers later
     * inputs that wrote nothing (its output end is the output's end, the last input's records complete), and the
     * output record it names carries the stage time stamp it was taken after ({@code stamp} reads it).
     *
     * @return the input index the restored snapshot covers, or -1 when none is usable (the whole input is re-fed)
     */
    protected final long restoreSnapshot(SnapshotStore snapshots, long outputLast, long resumeIndex, boolean complete,
                                         QueueInput written, OrderInfo scratch, ToLongFunction<OrderInfo> stamp,
                                         Consumer<SnapshotReader> restore) {
        SnapshotStore.Found found;
        // after retention, a snapshot from before a queue's history start needs records that are gone
        long inputStart = input.historyStart();
        long outputStart = written.historyStart();
        try (QueueInput probe = new QueueInput(written.name(), written.queue()).open()) {
            found = snapshots.latest(f -> f.outputLast <= outputLast
                    && (f.coveredInput <= resumeIndex || (f.outputLast == outputLast && complete))
                    && f.coveredInput >= inputStart && (outputStart < 0 || f.outputLast >= outputStart)
                    && outputAgrees(snapshots, f, probe, scratch, stamp));
        }
        if (found == null) {
            if (inputStart >= 0 || outputStart >= 0)
                throw new HistoryCutException(name() + " has no snapshot it can restore in " + snapshots.name()
                        + " (each one damaged, of another config shape or from before the history kept: see the"
                        + " WARNs above), and retention cut " + (inputStart >= 0 ? "its input " + input.name()
                        + " at index " + Queues.describeIndex(input.queue(), inputStart) : "its output "
                        + written.name() + " at index " + Queues.describeIndex(written.queue(), outputStart))
                        + ": it cannot rebuild its state from the whole input; put the removed cycle files back"
                        + " (from retention.archiveDir or a copy) and start again");
            return -1;
        }
        try (SnapshotStore.Payload payload = snapshots.open(found)) {
            restore.accept(payload.reader());
            if (!payload.reader().atEnd())
                throw new IllegalStateException(snapshots.name() + ": the " + name() + " snapshot "
                        + Queues.describeIndex(snapshots.queue(), found.index) + " holds more than was restored");
        }
        if (!input.resumeAt(found.coveredInput) || !readNext() || inputIndex != found.coveredInput)
            throw input.damaged(found.coveredInput, "the input record the " + name() + " snapshot "
                    + Queues.describeIndex(snapshots.queue(), found.index) + " covers is not on the input");
        if (found.outputLast >= 0 && (!written.resumeAt(found.outputLast) || !written.read(scratch)))
            throw written.damaged(found.outputLast, "the output record the " + name() + " snapshot "
                    + Queues.describeIndex(snapshots.queue(), found.index) + " names as its last is not on the output");
        LOG.info("{} restored its snapshot of input {} index {} ({} {}): re-feeding the inputs after it", name(),
                input.name(), Queues.describeIndex(input.queue(), found.coveredInput), snapshots.name(),
                Queues.describeIndex(snapshots.queue(), found.index));
        return found.coveredInput;
    }

    /**
     * Whether the output record a snapshot names as its last is the one it was taken after (its stage time stamp): a
     * snapshot left from queues deleted or replaced since names a record of another run, and is not restored.
     */
    private boolean outputAgrees(SnapshotStore snapshots, SnapshotStore.Found f, QueueInput probe, OrderInfo scratch,
                                 ToLongFunction<OrderInfo> stamp) {
        if (f.outputLast < 0)
            return true;
        if (probe.resumeAt(f.outputLast) && probe.read(scratch) && stamp.applyAsLong(scratch) == f.outputStamp)
            return true;
        LOG.warn("{} index {}: the {} snapshot names {} index {} as its last output, which is another record now (the"
                        + " queues were replaced since it was taken?): not restored", snapshots.name(),
                Queues.describeIndex(snapshots.queue(), f.index), name(), probe.name(),
                Queues.describeIndex(probe.queue(), f.outputLast));
        return false;
    }

    /** Reads the next input record into {@link #in}; false when there is none yet. */
    protected final boolean readNext() {
        boolean read = input.read(in);
        if (read)
            inputIndex = input.lastReadIndex();
        return read;
    }

    /** Handles the record in {@link #in} read from {@link #inputIndex}. */
    protected abstract void onRecord();

    /** Called on the runner's thread, also when a read failed (then it names the record that could not be read). */
    @Override
    public final long inputIndex() {
        return input.currentIndex();
    }

    @Override
    public boolean atEndOfInput() {
        return input.atEnd();
    }

    /** Closes the stage's other resources; the reader is closed after it. */
    protected abstract void closeOutput();

    @Override
    public final void close() {
        try {
            closeOutput();
        } finally {
            input.close();
        }
    }
}
