package dev.orderpipe.tools.bench;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.codes.ExecType;
import dev.orderpipe.pipeline.codes.RejectReason;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.stage.AbstractStage;
import dev.orderpipe.pipeline.stage.Stage;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The risk, matching and egress stages as a naive implementation writes them, for the bench's "allocating" variant:
 * the same queues, the same {@link Stage} contract and batch size, run by the same {@code StageRunner}, and the same
 * records on every queue, but a new {@link OrderInfo} for every record read and every record written, and the naive
 * engines ({@link NaiveRiskEngine}, {@link NaiveMatchingEngine}) in place of the pooled ones.
 */
final class NaiveStages {
    private NaiveStages() {
    }

    /** orders to checked, through {@link NaiveRiskEngine}. */
    static final class Risk extends AbstractStage {
        private final ChronicleQueue input;
        private final ChronicleQueue output;
        private final NaiveRiskEngine engine;
        private ExcerptTailer tailer;
        private ExcerptAppender appender;
        private long inputIndex = -1;

        Risk(ChronicleQueue input, ChronicleQueue output, PipelineConfig config) {
            super("risk", null);
            this.input = input;
            this.output = output;
            this.engine = new NaiveRiskEngine(config.risk);
        }

        @Override
        public void open() {
            tailer = input.createTailer().toStart();
            appender = output.createAppender();
        }

        @Override
        public int doWork() {
            int work = 0;
            while (work < Stage.BATCH) {
                OrderInfo in = new OrderInfo();
                if (!tailer.readBytes(in))
                    break;
                inputIndex = tailer.lastReadIndex();
                OrderInfo out = new OrderInfo().copyFrom(in).sourceIndex(inputIndex);
                if (!in.isRejected()) {
                    RejectReason reason = engine.check(in);
                    if (reason != RejectReason.NONE)
                        out.rejectReason(reason);
                }
                appender.writeBytes(out.riskNanos(System.nanoTime()));
                work++;
            }
            return work;
        }

        @Override
        public long inputIndex() {
            return inputIndex;
        }

        @Override
        public void close() {
            closeAll(tailer, appender);
        }
    }

    /** checked to executions, through {@link NaiveMatchingEngine}; the same provenance, seq and flags as the real. */
    static final class Matching extends AbstractStage {
        private final ChronicleQueue input;
        private final ChronicleQueue output;
        private final NaiveMatchingEngine engine;
        private ExcerptTailer tailer;
        private ExcerptAppender appender;
        private long inputIndex = -1;
        private long seq;

        Matching(ChronicleQueue input, ChronicleQueue output, PipelineConfig config) {
            super("matching", null);
            this.input = input;
            this.output = output;
            this.engine = new NaiveMatchingEngine(config);
        }

        @Override
        public void open() {
            tailer = input.createTailer().toStart();
            appender = output.createAppender();
        }

        @Override
        public int doWork() {
            int work = 0;
            while (work < Stage.BATCH) {
                OrderInfo in = new OrderInfo();
                if (!tailer.readBytes(in))
                    break;
                inputIndex = tailer.lastReadIndex();
                List<OrderInfo> reports = engine.onOrder(in);
                for (int i = 0; i < reports.size(); i++) {
                    OrderInfo r = reports.get(i);
                    r.seq(++seq).eventTime(in.eventTime()).sourceLine(in.sourceLine()).sourceIndex(inputIndex)
                            .writerId(in.writerId()).writerSeq(in.writerSeq()).ingressNanos(in.ingressNanos())
                            .riskNanos(in.riskNanos());
                    if (i == reports.size() - 1)
                        r.flags(OrderInfo.FLAG_LAST_OF_BATCH);
                    appender.writeBytes(r.matchNanos(System.nanoTime()));
                }
                work++;
            }
            return work;
        }

        @Override
        public long inputIndex() {
            return inputIndex;
        }

        @Override
        public void close() {
            closeAll(tailer, appender);
        }
    }

    /** Reads executions and counts them by type in a boxed map. */
    static final class Egress extends AbstractStage {
        private final ChronicleQueue input;
        private final Map<ExecType, Long> counts = new HashMap<>();
        private ExcerptTailer tailer;
        private long inputIndex = -1;
        private volatile dev.orderpipe.pipeline.stage.ExecutionListener listener;

        Egress(ChronicleQueue input) {
            super("egress", null);
            this.input = input;
        }

        @Override
        public void open() {
            tailer = input.createTailer().toStart();
        }

        @Override
        public int doWork() {
            int work = 0;
            while (work < Stage.BATCH) {
                OrderInfo in = new OrderInfo();
                if (!tailer.readBytes(in))
                    break;
                inputIndex = tailer.lastReadIndex();
                in.egressNanos(System.nanoTime());
                counts.merge(in.execType(), 1L, Long::sum);
                dev.orderpipe.pipeline.stage.ExecutionListener l = listener;
                if (l != null)
                    l.onReport(in);
                work++;
            }
            return work;
        }

        @Override
        public long inputIndex() {
            return inputIndex;
        }

        /** Told of every report read, on this stage's thread (like the real egress stage's listener). */
        void listener(dev.orderpipe.pipeline.stage.ExecutionListener l) {
            this.listener = l;
        }

        @Override
        public void close() {
            closeAll(tailer, null);
        }
    }

    private static void closeAll(ExcerptTailer tailer, ExcerptAppender appender) {
        if (tailer != null)
            tailer.close();
        if (appender != null)
            appender.close();
    }
}
