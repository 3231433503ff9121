package dev.orderpipe.pipeline.integrity;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.codes.ExecType;
import dev.orderpipe.pipeline.infra.QueueDamagedException;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.TestPipelines;
import dev.orderpipe.pipeline.config.PipelineConfig;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code verify}'s checks of what the records say, on queues written record by record: each stage's sourceIndex
 * chain against its input, seq density, last-for-input flags, and how far each stage is behind. (The framing and
 * checksum checks are {@link CycleFilesTest}'s and, on a real pipeline's queues, the tools' damaged-queue tests'.)
 */
class DataDirVerifierTest {

    /** Writes records to one queue of a data directory and remembers their indices. */
    private static final class Writer implements AutoCloseable {
        final ChronicleQueue queue;
        final ExcerptAppender appender;
        final List<Long> indices = new ArrayList<>();

        Writer(Path dir) {
            queue = Queues.open(dir, RollCycles.FAST_DAILY);
            appender = queue.createAppender();
        }

        long write(OrderInfo r) {
            appender.writeBytes(r);
            indices.add(appender.lastIndexAppended());
            return appender.lastIndexAppended();
        }

        @Override
        public void close() {
            appender.close();
            queue.close();
        }
    }

    /**
     * A data directory as a pipeline leaves it: 10 orders, 8 of them checked, reports for the first 6 checked
     * records (the k-th gets k % 3 + 1 reports, the last flagged), then {@code extra} edits the plan.
     */
    private static PipelineConfig dataDir(Path dir, Plan plan) {
        PipelineConfig config = TestPipelines.config(dir, null);
        OrderInfo r = new OrderInfo();
        try (Writer orders = new Writer(dir.resolve("orders"));
             Writer checked = new Writer(dir.resolve("checked"));
             Writer executions = new Writer(dir.resolve("executions"))) {
            for (int i = 1; i <= 10; i++)
                orders.write(r.reset().orderId(i).sourceIndex(i).sourceLine(i).writerSeq(i));
            for (int k = 0; k < 8; k++)
                checked.write(r.reset().orderId(k + 1).sourceLine(k + 1).writerSeq(k + 1) // as risk copies the order
                        .sourceIndex(plan.checkedSource(k, orders.indices))
                        .riskNanos(k + 1)); // what makes it a checked record (RecordKind)
            long seq = 0;
            for (int k = 0; k < 6; k++) {
                int reports = k % 3 + 1;
                for (int j = 0; j < reports; j++) {
                    boolean last = j == reports - 1;
                    if (plan.skipReport(k, j))
                        continue;
                    executions.write(r.reset().orderId(k + 1).seq(plan.seq(++seq)).execType(ExecType.NEW)
                            .sourceLine(k + 1).writerSeq(k + 1).riskNanos(k + 1) // as matching copies the checked
                            .sourceIndex(plan.executionSource(k, checked.indices))
                            .flags(last && !plan.dropLastFlag(k) ? OrderInfo.FLAG_LAST_FOR_INPUT : 0));
                }
            }
        }
        return config;
    }

    /** What a test changes in the records {@link #dataDir} writes. */
    private interface Plan {
        default long checkedSource(int k, List<Long> orders) {
            return orders.get(k);
        }

        default long executionSource(int k, List<Long> checked) {
            return checked.get(k);
        }

        default long seq(long seq) {
            return seq;
        }

        default boolean skipReport(int k, int j) {
            return false;
        }

        default boolean dropLastFlag(int k) {
            return false;
        }
    }

    private static DataDirVerifier.QueueReport queue(DataDirVerifier.Report report, String name) {
        return report.queues().stream().filter(q -> q.name().equals(name)).findFirst().orElseThrow();
    }

    private static QueueDamagedException problem(DataDirVerifier.Report report, String name) {
        QueueDamagedException p = queue(report, name).problem();
        assertNotNull(p, name + " should have a problem");
        assertEquals(1, report.damaged().size(), "only " + name + " is damaged");
        return p;
    }

    @Test
    void soundQueuesWithStagesBehindTheirInputs(@TempDir Path dir) {
        DataDirVerifier.Report report = DataDirVerifier.verify(dataDir(dir, new Plan() { }));
        assertTrue(report.sound(), () -> String.valueOf(report.damaged().get(0).problem()));
        assertEquals(10, queue(report, "orders").records());
        assertEquals(8, queue(report, "checked").records());
        assertEquals(1 + 2 + 3 + 1 + 2 + 3, queue(report, "executions").records());
        assertEquals(2, queue(report, "checked").behind(), "orders not yet checked");
        assertEquals(2, queue(report, "executions").behind(), "checked records not yet matched");
        assertNull(queue(report, "executions").note());
        assertEquals(10 + 8 + 12, report.records());
    }

    @Test
    void anInputsReportsCutShortAtTheEndAreAPipelineStoppedMidInputNotDamage(@TempDir Path dir) {
        DataDirVerifier.Report report = DataDirVerifier.verify(dataDir(dir, new Plan() {
            @Override
            public boolean skipReport(int k, int j) {
                return k == 5 && j == 2; // the 6th input's last report was not written yet
            }
        }));
        assertTrue(report.sound());
        assertTrue(queue(report, "executions").note().startsWith("matching stopped inside the reports of checked"
                + " index 0x"), queue(report, "executions").note());
    }

    @Test
    void aCheckedRecordNamingTheWrongOrder(@TempDir Path dir) {
        DataDirVerifier.Report report = DataDirVerifier.verify(dataDir(dir, new Plan() {
            @Override
            public long checkedSource(int k, List<Long> orders) {
                return orders.get(k == 4 ? 5 : k); // the 5th checked record names the 6th order: the 5th is lost
            }
        }));
        QueueDamagedException p = problem(report, "checked");
        assertEquals(4, p.index() & 0xFFFFFFFFL, "named at the 5th checked record: " + p.getMessage());
        assertTrue(p.what().startsWith("the record names orders index 0x"), p.what());
        assertTrue(p.what().contains("but the next orders record is"), p.what());
        assertEquals(4, queue(report, "checked").records(), "the records before the problem");
    }

    @Test
    void aGapInTheSeqOfExecutions(@TempDir Path dir) {
        DataDirVerifier.Report report = DataDirVerifier.verify(dataDir(dir, new Plan() {
            @Override
            public long seq(long seq) {
                return seq >= 7 ? seq + 1 : seq;
            }
        }));
        QueueDamagedException p = problem(report, "executions");
        assertEquals(6, p.index() & 0xFFFFFFFFL, p.getMessage());
        assertEquals("the report has seq 8 where 7 comes next (seq must be 1, 2, 3...: reports were lost, repeated or"
                + " reordered)", p.what());
    }

    @Test
    void aMissingLastForInputFlag(@TempDir Path dir) {
        DataDirVerifier.Report report = DataDirVerifier.verify(dataDir(dir, new Plan() {
            @Override
            public boolean dropLastFlag(int k) {
                return k == 2;
            }
        }));
        QueueDamagedException p = problem(report, "executions");
        assertEquals(1 + 2 + 3, p.index() & 0xFFFFFFFFL, "at the first report of the next input: " + p.getMessage());
        assertTrue(p.what().contains("end without one flagged last for the input"), p.what());
    }

    @Test
    void aCheckedRecordWithoutReportsBeforeOthersThatHaveThem(@TempDir Path dir) {
        DataDirVerifier.Report report = DataDirVerifier.verify(dataDir(dir, new Plan() {
            @Override
            public boolean skipReport(int k, int j) {
                return k == 1; // the 2nd checked record's reports are lost
            }
        }));
        QueueDamagedException p = problem(report, "executions");
        assertEquals(1, p.index() & 0xFFFFFFFFL, p.getMessage());
        assertTrue(p.what().contains("which has no report"), p.what());
    }

    @Test
    void reportsNamingARecordBeyondTheEndOfChecked(@TempDir Path dir) {
        DataDirVerifier.Report report = DataDirVerifier.verify(dataDir(dir, new Plan() {
            @Override
            public long executionSource(int k, List<Long> checked) {
                return k == 5 ? checked.get(7) + 5 : checked.get(k);
            }
        }));
        QueueDamagedException p = problem(report, "executions");
        assertTrue(p.what().contains("but the next checked record is"), p.what());
    }

    @Test
    void aDataDirectoryWithOnlyAnOrdersQueue(@TempDir Path dir) {
        PipelineConfig config = TestPipelines.config(dir, null);
        try (Writer orders = new Writer(dir.resolve("orders"))) {
            orders.write(new OrderInfo().orderId(1));
        }
        DataDirVerifier.Report report = DataDirVerifier.verify(config);
        assertTrue(report.sound());
        assertTrue(queue(report, "orders").present());
        assertEquals(-1, queue(report, "checked").behind());
        assertTrue(!queue(report, "checked").present() && !queue(report, "executions").present());
    }
}
