package dev.orderpipe.bench;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.codes.ExecType;
import dev.orderpipe.pipeline.codes.RejectReason;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.stage.AbstractStage;
import dev.orderpipe.pipeline.stage.ExecutionListener;
import dev.orderpipe.pipeline.stage.Stage;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The risk, matching and egress stages as a naive implementation writes them, for the bench's "allocating" variant:
 * the same queues, the same {@link Stage} contract and records per call, run by the same {@code StageRunner}, and the
 * same records on every queue, but a new {@link OrderInfo} for every record read and every record written, and the
 * naive engines ({@link NaiveRiskEngine}, {@link NaiveMatchingEngine}) in place of the pooled ones.
 */
final class NaiveStages {
    private NaiveStages() {
    }

    /**
     * What the three naive stages share: a new {@link OrderInfo} for every record read, up to
     * {@link Stage#MAX_RECORDS_PER_CALL} per call, handed to {@link #handle(OrderInfo)}; an appender when the stage has
     * an output queue.
     */
    private abstract static class NaiveStage extends AbstractStage {
        private final ChronicleQueue input;
        private final ChronicleQueue output;
        private ExcerptTailer tailer;
        ExcerptAppender appender;
        long inputIndex = -1;

        NaiveStage(String name, ChronicleQueue input, ChronicleQueue output) {
            super(name);
            this.input = input;
            this.output = output;
        }

        @Override
        public void open() {
            tailer = input.createTailer().toStart();
            if (output != null)
                appender = output.createAppender();
        }

        @Override
        public int doWork() {
            int work = 0;
            while (work < Stage.MAX_RECORDS_PER_CALL) {
                OrderInfo in = new OrderInfo();
                if (!tailer.readBytes(in))
                    break;
                inputIndex = tailer.lastReadIndex();
                handle(in);
                work++;
            }
            return work;
        }

        abstract void handle(OrderInfo in);

        @Override
        public long inputIndex() {
            return inputIndex;
        }

        @Override
        public boolean atEndOfInput() {
            long last = input.lastIndex();
            return last < 0 || inputIndex >= last;
        }

        @Override
        public void close() {
            if (tailer != null)
                tailer.close();
            if (appender != null)
                appender.close();
        }
    }

    /** orders to checked, through {@link NaiveRiskEngine}. */
    static final class Risk extends NaiveStage {
        private final NaiveRiskEngine engine;

        Risk(ChronicleQueue input, ChronicleQueue output, PipelineConfig config) {
            super("risk", input, output);
            this.engine = new NaiveRiskEngine(config.risk);
        }

        @Override
        void handle(OrderInfo in) {
            OrderInfo out = new OrderInfo().copyFrom(in).sourceIndex(inputIndex);
            if (!in.isRejected()) {
                RejectReason reason = engine.check(in);
                if (reason != RejectReason.NONE)
                    out.rejectReason(reason);
            }
            appender.writeBytes(out.riskNanos(System.nanoTime()));
        }
    }

    /** checked to executions, through {@link NaiveMatchingEngine}; the same provenance, seq and flags as the real. */
    static final class Matching extends NaiveStage {
        private final NaiveMatchingEngine engine;
        private long seq;

        Matching(ChronicleQueue input, ChronicleQueue output, PipelineConfig config) {
            super("matching", input, output);
            this.engine = new NaiveMatchingEngine(config);
        }

        @Override
        void handle(OrderInfo in) {
            List<OrderInfo> reports = engine.onOrder(in);
            for (int i = 0; i < reports.size(); i++) {
                OrderInfo r = reports.get(i);
                r.seq(++seq).eventTime(in.eventTime()).sourceLine(in.sourceLine()).sourceIndex(inputIndex)
                        .writerId(in.writerId()).writerSeq(in.writerSeq()).ingressNanos(in.ingressNanos())
                        .riskNanos(in.riskNanos());
                if (i == reports.size() - 1)
                    r.flags(OrderInfo.FLAG_LAST_FOR_INPUT);
                appender.writeBytes(r.matchNanos(System.nanoTime()));
            }
        }
    }

    /** Reads executions and counts them by type in a boxed map. */
    static final class Egress extends NaiveStage {
        private final Map<ExecType, Long> counts = new HashMap<>();
        private volatile ExecutionListener listener;

        Egress(ChronicleQueue input) {
            super("egress", input, null);
        }

        @Override
        void handle(OrderInfo in) {
            in.egressNanos(System.nanoTime());
            counts.merge(in.execType(), 1L, Long::sum);
            ExecutionListener l = listener;
            if (l != null)
                l.onReport(in);
        }

        /** Told of every report read, on this stage's thread (like the real egress stage's listener). */
        void listener(ExecutionListener l) {
            this.listener = l;
        }
    }
}
