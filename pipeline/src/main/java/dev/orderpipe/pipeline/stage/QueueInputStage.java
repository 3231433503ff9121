package dev.orderpipe.pipeline.stage;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.infra.QueueInput;

/**
 * A stage that reads {@link OrderInfo} records from a queue ({@link QueueInput}: checked reads) into one reused
 * instance and handles them one at a time, up to {@link Stage#MAX_RECORDS_PER_CALL} per {@link #doWork()} call.
 * Subclasses open {@link #input} in {@link #open()} (on the runner's thread) and implement {@link #onRecord()}.
 */
public abstract class QueueInputStage extends AbstractStage {
    protected final QueueInput input;
    /** The record just read; reset before every read. */
    protected final OrderInfo in = new OrderInfo();
    /** Index of the record being handled. */
    protected long inputIndex = -1;

    protected QueueInputStage(String name, QueueInput input) {
        super(name);
        this.input = input;
    }

    /** Opens the reader at the start of the input; subclasses call it first in {@link #open()}. */
    protected final void openInput() {
        input.open();
    }

    @Override
    public final int doWork() {
        int work = 0;
        while (work < MAX_RECORDS_PER_CALL && readNext()) {
            onRecord();
            work++;
        }
        return work;
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
