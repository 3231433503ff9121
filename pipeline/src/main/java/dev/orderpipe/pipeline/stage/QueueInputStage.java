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
    /** Index of the record being handled. */
    protected long inputIndex = -1;
    /** True while a read is in progress: if it throws, the record that failed is the one at the tailer's index. */
    private boolean reading;

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
        reading = true;
        boolean read = tailer.readBytes(in.reset());
        reading = false;
        if (read)
            inputIndex = tailer.lastReadIndex();
        return read;
    }

    /** Handles the record in {@link #in} read from {@link #inputIndex}. */
    protected abstract void onRecord();

    /** Called on the runner's thread, also when a read failed (then it names the record that could not be read). */
    @Override
    public final long inputIndex() {
        return reading && tailer != null ? tailer.index() : inputIndex;
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
