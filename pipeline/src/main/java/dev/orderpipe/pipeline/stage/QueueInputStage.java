package dev.orderpipe.pipeline.stage;

import dev.orderpipe.pipeline.OrderInfo;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;

/**
 * A stage that reads {@link OrderInfo} records from a queue into one reused instance and handles them one at a time,
 * up to {@link Stage#BATCH} per {@link #doWork()} call. Subclasses position {@link #tailer} in {@link #open()} (it is
 * created there, on the runner's thread) and implement {@link #onRecord()}.
 */
public abstract class QueueInputStage extends AbstractStage {
    protected final ChronicleQueue input;
    /** The record just read; reset before every read. */
    protected final OrderInfo in = new OrderInfo();
    protected ExcerptTailer tailer;
    /** Index of the record being handled, or of the one about to be read (named if reading it fails). */
    protected long inputIndex = -1;

    protected QueueInputStage(String name, ChronicleQueue input, Stage upstream) {
        super(name, upstream);
        this.input = input;
    }

    /** Creates the tailer at the start of the input; subclasses call it first in {@link #open()}. */
    protected final void openTailer() {
        tailer = input.createTailer().toStart();
    }

    @Override
    public final int doWork() {
        int work = 0;
        while (work < BATCH && readNext()) {
            onRecord();
            work++;
        }
        return work;
    }

    /** Reads the next input record into {@link #in}; false when there is none yet. */
    protected final boolean readNext() {
        inputIndex = tailer.index();
        if (!tailer.readBytes(in.reset()))
            return false;
        inputIndex = tailer.lastReadIndex();
        return true;
    }

    /** Handles the record in {@link #in} read from {@link #inputIndex}. */
    protected abstract void onRecord();

    @Override
    public final long inputIndex() {
        return inputIndex;
    }

    /** Closes the stage's other resources; the tailer is closed after it. */
    protected abstract void closeOutput();

    @Override
    public final void close() {
        try {
            closeOutput();
        } finally {
            if (tailer != null)
                tailer.close();
        }
    }
}
