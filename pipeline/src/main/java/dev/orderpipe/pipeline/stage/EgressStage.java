package dev.orderpipe.pipeline.stage;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.csv.AsciiOut;
import dev.orderpipe.pipeline.csv.ExecutionCsv;
import net.openhft.chronicle.queue.ChronicleQueue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The end of the pipeline: reads execution reports off {@code executions}, stamps its own time, keeps the run's
 * {@link ExecutionCounts} and, when configured, writes the executions CSV as reports arrive. Allocation-free per
 * report. Its counts cover the reports of this run (those after the last report on the queue when the pipeline
 * started; the queue itself is the complete record). Its CSV file covers the whole queue: after a restart it is
 * recovered ({@link ExecutionCsv#recover}) and continued, so it holds every report exactly once.
 */
public final class EgressStage extends QueueInputStage {
    private final Path csvFile;
    private final ExecutionCounts counts = new ExecutionCounts();
    private AsciiOut csv;
    private long csvDoneSeq;
    private volatile ExecutionListener listener;
    private final long skipThrough;

    /**
     * @param csvFile     executions CSV to write, or null
     * @param skipThrough index of the last report already on the queue when the pipeline started (read from the
     *                    next one), or -1 to read from the start
     */
    public EgressStage(ChronicleQueue input, Path csvFile, long skipThrough, Stage upstream) {
        super("egress", input, upstream);
        this.csvFile = csvFile;
        this.skipThrough = skipThrough;
    }

    @Override
    public void open() {
        openTailer();
        if (csvFile != null && skipThrough >= 0 && Files.exists(csvFile)) {
            // a restart: the CSV continues where the last run's left off, each report exactly once
            csvDoneSeq = ExecutionCsv.recover(csvFile);
            csv = AsciiOut.append(csvFile);
            if (csvDoneSeq == 0 && sizeOf(csvFile) == 0)
                ExecutionCsv.header(csv);
            while (csvDoneSeq > 0) {
                long index = tailer.index();
                if (!tailer.readBytes(in.reset()))
                    break;
                if (in.seq() >= csvDoneSeq || tailer.lastReadIndex() >= skipThrough) {
                    if (in.seq() > csvDoneSeq)
                        tailer.moveToIndex(index); // not yet in the file: read it again in doWork
                    break;
                }
            }
            return;
        }
        if (csvFile != null) {
            csv = new AsciiOut(csvFile); // a fresh data directory: a fresh file
            ExecutionCsv.header(csv);
        }
        if (skipThrough >= 0) {
            if (!tailer.moveToIndex(skipThrough) || !tailer.readBytes(in.reset()))
                throw new IllegalStateException("executions index 0x" + Long.toHexString(skipThrough) + " vanished");
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected void onRecord() {
        in.egressNanos(System.nanoTime());
        if (inputIndex > skipThrough)
            counts.add(in);
        if (csv != null && in.seq() > csvDoneSeq)
            ExecutionCsv.line(csv, in);
        ExecutionListener l = listener;
        if (l != null)
            l.onReport(in);
    }

    /** Installs (or with null removes) the listener told of every report from the next one read. */
    public void listener(ExecutionListener listener) {
        this.listener = listener;
    }

    /** Counts of this run; read them after the pipeline stopped. */
    public ExecutionCounts counts() {
        return counts;
    }

    @Override
    protected void closeOutput() {
        if (csv != null)
            csv.close();
    }
}
