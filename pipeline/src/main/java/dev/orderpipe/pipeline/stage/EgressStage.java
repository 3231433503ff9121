package dev.orderpipe.pipeline.stage;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.csv.AsciiOut;
import dev.orderpipe.pipeline.csv.ExecutionCsv;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;

import java.nio.file.Path;

/**
 * The end of the pipeline: reads execution reports off {@code executions}, stamps its own time, keeps the run's
 * {@link ExecutionCounts} and, when configured, writes the executions CSV as reports arrive. Allocation-free per
 * report. It starts after the last report on the queue when the pipeline started, so a restarted pipeline
 * counts only its own run (the queue itself is the complete record).
 */
public final class EgressStage extends AbstractStage {
    private final ChronicleQueue input;
    private final Path csvFile;
    private final OrderInfo in = new OrderInfo();
    private final ExecutionCounts counts = new ExecutionCounts();
    private ExcerptTailer tailer;
    private AsciiOut csv;
    private long inputIndex = -1;
    private final long skipThrough;

    /**
     * @param csvFile     executions CSV to write, or null
     * @param skipThrough index of the last report already on the queue when the pipeline started (read from the
     *                    next one), or -1 to read from the start
     */
    public EgressStage(ChronicleQueue input, Path csvFile, long skipThrough, Stage upstream) {
        super("egress", upstream);
        this.input = input;
        this.csvFile = csvFile;
        this.skipThrough = skipThrough;
    }

    @Override
    public void open() {
        tailer = input.createTailer().toStart();
        if (skipThrough >= 0) {
            if (!tailer.moveToIndex(skipThrough) || !tailer.readBytes(in.reset()))
                throw new IllegalStateException("executions index 0x" + Long.toHexString(skipThrough) + " vanished");
        }
        if (csvFile != null) {
            csv = new AsciiOut(csvFile);
            ExecutionCsv.header(csv);
        }
    }

    @Override
    public int doWork() {
        int work = 0;
        while (work < Stage.BATCH && processOne())
            work++;
        return work;
    }

    private boolean processOne() {
        inputIndex = tailer.index(); // the record about to be read, named if reading it fails
        if (!tailer.readBytes(in.reset()))
            return false;
        inputIndex = tailer.lastReadIndex();
        in.egressNanos(System.nanoTime());
        counts.add(in);
        if (csv != null)
            ExecutionCsv.line(csv, in);
        return true;
    }

    @Override
    public long inputIndex() {
        return inputIndex;
    }

    /** Counts of this run; read them after the pipeline stopped. */
    public ExecutionCounts counts() {
        return counts;
    }

    @Override
    public void close() {
        if (csv != null)
            csv.close();
        if (tailer != null)
            tailer.close();
    }
}
