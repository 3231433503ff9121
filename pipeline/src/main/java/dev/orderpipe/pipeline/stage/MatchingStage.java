package dev.orderpipe.pipeline.stage;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.book.MatchingEngine;
import dev.orderpipe.pipeline.book.ReportSink;
import dev.orderpipe.pipeline.config.PipelineConfig;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;

/**
 * Reads {@code checked}, runs the {@link MatchingEngine}, writes its execution reports to {@code executions}.
 *
 * <p>Every report carries the index of the input record that caused it, a dense 1-based {@code seq}, the input's
 * provenance and stage timestamps, and the last report of each input is flagged {@link OrderInfo#FLAG_LAST_OF_BATCH},
 * so a restarted stage can tell a complete batch from one cut short by a crash. The stage holds back one report to
 * set that flag: two reused records, no allocation.
 */
public final class MatchingStage extends AbstractStage implements ReportSink {
    private final ChronicleQueue input;
    private final ChronicleQueue output;
    private final MatchingEngine engine;
    private final OrderInfo in = new OrderInfo();
    private final OrderInfo reportA = new OrderInfo();
    private final OrderInfo reportB = new OrderInfo();
    private OrderInfo claimed;
    private OrderInfo pending;
    private ExcerptTailer tailer;
    private ExcerptAppender appender;
    private long inputIndex = -1;
    private long seq;
    private long reports;

    /** @param config the pipeline config: book capacities from {@code matching}, one book per {@code risk.symbols} */
    public MatchingStage(ChronicleQueue input, ChronicleQueue output, PipelineConfig config, Stage upstream) {
        super("matching", upstream);
        this.input = input;
        this.output = output;
        this.engine = new MatchingEngine(config, this);
    }

    @Override
    public void open() {
        appender = output.createAppender();
        tailer = input.createTailer().toStart();
    }

    @Override
    public int doWork() {
        inputIndex = tailer.index(); // the record about to be read, named if reading it fails
        if (!tailer.readBytes(in.reset()))
            return 0;
        inputIndex = tailer.lastReadIndex();
        engine.onOrder(in);
        if (pending != null) {
            write(pending, OrderInfo.FLAG_LAST_OF_BATCH);
            pending = null;
        }
        return 1;
    }

    @Override
    public OrderInfo claim() {
        if (pending != null) {
            write(pending, 0);
            pending = null;
        }
        claimed = claimed == reportA ? reportB : reportA;
        return claimed.reset();
    }

    @Override
    public void publish() {
        OrderInfo r = claimed;
        r.seq(++seq)
                .eventTime(in.eventTime())
                .sourceLine(in.sourceLine())
                .sourceIndex(inputIndex)
                .writerId(in.writerId())
                .writerSeq(in.writerSeq())
                .ingressNanos(in.ingressNanos())
                .riskNanos(in.riskNanos());
        pending = r;
    }

    private void write(OrderInfo r, int flags) {
        r.flags(r.flags() | flags).matchNanos(System.nanoTime());
        appender.writeBytes(r);
        reports++;
    }

    @Override
    public long inputIndex() {
        return inputIndex;
    }

    /** Execution reports written by this run. */
    public long reports() {
        return reports;
    }

    /** The engine, for its end-of-run summary. */
    public MatchingEngine engine() {
        return engine;
    }

    @Override
    public void close() {
        if (tailer != null)
            tailer.close();
        if (appender != null)
            appender.close();
    }
}
