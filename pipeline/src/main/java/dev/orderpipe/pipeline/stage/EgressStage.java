package dev.orderpipe.pipeline.stage;

import dev.orderpipe.pipeline.infra.CrashPoints;
import dev.orderpipe.pipeline.infra.DiskSpaceGuard;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.infra.HistoryCutException;
import dev.orderpipe.pipeline.infra.HistoryStart;
import dev.orderpipe.pipeline.infra.QueueInput;
import dev.orderpipe.pipeline.csv.AsciiOut;
import dev.orderpipe.pipeline.csv.ExecutionCsv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The end of the pipeline: reads execution reports off {@code executions}, stamps its own time, keeps the run's
 * {@link ExecutionCounts} and, when configured, writes the executions CSV as reports arrive. Allocation-free per
 * report. Its counts cover the reports of this run (those after the last report on the queue when the pipeline
 * started; the queue itself is the complete record). Its CSV file covers the whole queue: after a restart it is
 * recovered ({@link ExecutionCsv#recover}) and continued, so it holds every report exactly once.
 */
public final class EgressStage extends QueueInputStage {
    /**
     * Reports handled per call: matching writes about two reports per order (more for an order that sweeps a book),
     * so with the same bound as the stages before it on one thread egress would fall behind by more than an order's
     * reports every round while orders keep coming, and every report's delivery would wait behind that backlog.
     */
    static final int REPORTS_PER_CALL = 4 * MAX_RECORDS_PER_CALL;
    /** How long the CSV's buffered lines wait, egress idle, before they are written to the file. */
    static final long CSV_QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Path csvFile;
    private final DiskSpaceGuard diskGuard;
    private final ExecutionCounts counts = new ExecutionCounts();
    private AsciiOut csv;
    /** {@code egressNanos} of the last CSV line buffered and not yet written to the file. */
    private long csvBufferedNanos;
    private long csvDoneSeq;
    private volatile ExecutionListener listener;
    private final long skipThrough;

    /**
     * @param csvFile     executions CSV to write, or null
     * @param diskGuard   stops writing the CSV before the disk fills, like the queue writers
     * @param skipThrough index of the last report already on the queue when the pipeline started (read from the
     *                    next one), or -1 to read from the start
     */
    public EgressStage(QueueInput input, Path csvFile, DiskSpaceGuard diskGuard, long skipThrough) {
        super("egress", input, REPORTS_PER_CALL);
        this.csvFile = csvFile;
        this.diskGuard = diskGuard;
        this.skipThrough = skipThrough;
    }

    @Override
    public void open() {
        openInput();
        if (csvFile != null && skipThrough >= 0 && Files.exists(csvFile)) {
            // a restart: the CSV continues where the last run's left off, each report exactly once
            csvDoneSeq = ExecutionCsv.recover(csvFile);
            csv = AsciiOut.append(csvFile);
            if (csvDoneSeq == 0 && sizeOf(csvFile) == 0)
                ExecutionCsv.header(csv);
        } else if (csvFile != null) {
            csv = new AsciiOut(csvFile); // a fresh file, which the catch-up fills with the reports already on the queue
            ExecutionCsv.header(csv);
        }
        if (skipThrough >= 0)
            catchUp();
    }

    /**
     * A restart reads again, checked like every read (seq, the reports of each input together), the reports that
     * were on the queue when the pipeline started from the first one the CSV lacks (the last one alone without a CSV,
     * or with a CSV that has them all): the time it takes does not grow with the queue. Reports the CSV lacks are
     * written to it; they are not counted, nor told to the listener (this run's reports are those after). A CSV
     * started afresh beside a queue that holds reports is filled from the queue's first.
     */
    private void catchUp() {
        long from = firstToCatchUp();
        if (from >= 0 && !input.resumeAt(from))
            throw input.damaged(from, "the report egress resumes at cannot be read again");
        while (true) {
            boolean read = input.readOrEnd(in);
            inputIndex = input.lastReadIndex();
            if (!read || inputIndex > skipThrough)
                throw input.damaged(skipThrough, "the last report when the pipeline started cannot be read again");
            if (csv != null && in.seq() > csvDoneSeq)
                writeCsv();
            if (inputIndex == skipThrough)
                return;
        }
    }

    /**
     * The index the catch-up starts at: the first report whose seq the CSV lacks, found walking back from the
     * queue's end (as far as the CSV lags), else the last report at the start; -1 for the queue's first record.
     */
    private long firstToCatchUp() {
        if (csv == null || csvDoneSeq == 0)
            return csv == null ? skipThrough : -1;
        HistoryStart history = HistoryStart.read(input.queue().file().toPath());
        if (history != null && csvDoneSeq + 1 < history.firstSeq())
            throw new HistoryCutException("egress: " + csvFile + " ends at seq " + csvDoneSeq + ", but retention"
                    + " removed the reports before seq " + history.firstSeq() + " from " + input.name() + ": the CSV"
                    + " would skip them; put the removed cycle files back (from retention.archiveDir or a copy), or"
                    + " move the CSV away to start it afresh from the first report kept");
        long from = skipThrough;
        try (QueueInput back = new QueueInput(input.name(), input.queue()).openBackward()) {
            while (back.read(in)) {
                if (in.seq() <= csvDoneSeq)
                    break;
                if (back.lastReadIndex() <= skipThrough)
                    from = back.lastReadIndex();
            }
        }
        return from;
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
            writeCsv();
        ExecutionListener l = listener;
        if (l != null)
            l.onReport(in);
    }

    private void writeCsv() {
        if (diskGuard.isLow())
            throw diskGuard.stop(csvFile.toString());
        ExecutionCsv.line(csv, in);
        csvBufferedNanos = in.egressNanos();
        if (CrashPoints.armed(CrashPoints.Point.EGRESS_CSV_LINE))
            tearLineAndCrash();
    }

    /**
     * A turn with no report to handle: the CSV lines still in the buffer are written to the file once egress has had
     * nothing to do for {@link #CSV_QUIET_NANOS}, so that a reader of the file ({@code tail -f}) sees a report within
     * about that on a quiet feed; while reports keep coming the buffer is written when it fills. A clock read only
     * while lines wait.
     */
    @Override
    protected int idle() {
        if (csv != null && csv.buffered() > 0 && System.nanoTime() - csvBufferedNanos >= CSV_QUIET_NANOS)
            csv.flush();
        return 0;
    }

    /** The crash test's torn line: half of the line just formatted reaches the file, then the crash point. */
    private void tearLineAndCrash() {
        csv.flushAllBut(7);
        CrashPoints.hit(CrashPoints.Point.EGRESS_CSV_LINE);
        csv.flush();
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
