package dev.orderpipe.replay;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.TestPipelines;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A paced replay of a known capture takes its schedule's time and sends in capture order, never early. Each run
 * spans about one second; the upper tolerance is generous because the build machine has 2 shared, busy cores.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReplayPacingTest {
    /** How much later than scheduled a run may end on a noisy 2-core machine. */
    private static final double LATE_TOLERANCE_SECONDS = 1.5;

    @ParameterizedTest(name = "{0} over {1} orders {2} ns apart")
    @CsvSource({
            "recorded, 401, 2500000",   // 400 gaps of 2.5 ms = 1 s
            "speed:4,  401, 10000000",  // 4 s of capture at 4x = 1 s
            "rate:500, 501, 1000"       // 500 gaps at 500/s = 1 s, whatever the captured gaps
    })
    void aPacedReplayTakesItsScheduleAndSendsInOrder(String pacing, int orders, long gapNanos, @TempDir Path dir)
            throws Exception {
        Path file = TestCaptures.orderFile(dir.resolve("orders.csv"), orders, gapNanos, 7);
        RunSummary s = Replayer.run(new ReplayOptions()
                .capture(file)
                .config(TestCaptures.config(), "test")
                .outDir(dir.resolve("run"))
                .pacing(Pacing.parse(pacing))).summary();

        HistogramSummary send = s.histogram(Replayer.SEND);
        System.out.printf("%s: scheduled %.4f s, took %.4f s; send lateness p50 %d us, p99 %d us, max %d us%n",
                pacing, s.scheduledSeconds, s.durationSeconds, send.p50 / 1000, send.p99 / 1000, send.max / 1000);
        assertEquals(1.0, s.scheduledSeconds, 1e-6, "schedule");
        assertEquals(orders, s.accounted);
        assertTrue(s.durationSeconds >= s.scheduledSeconds, "never ends before the last intended send");
        assertTrue(s.durationSeconds < s.scheduledSeconds + LATE_TOLERANCE_SECONDS, "took " + s.durationSeconds);
        assertTrue(!s.throughputRun);

        // sent in capture order, each no earlier than its intended time
        List<OrderInfo> sent = TestPipelines.readAll(dir.resolve("run/data/orders"));
        assertEquals(orders, sent.size());
        Pacing.Schedule schedule = Pacing.parse(pacing).schedule();
        long first = sent.get(0).ingressNanos();
        for (int i = 0; i < sent.size(); i++) {
            OrderInfo o = sent.get(i);
            assertEquals(i, o.writerSeq());
            assertEquals(TestCaptures.T0 + i * gapNanos, o.eventTime());
            long offset = schedule.offset(i, o.eventTime());
            assertTrue(o.ingressNanos() - first >= offset - send.max, "order " + i + " sent early");
        }
        double span = (sent.get(orders - 1).ingressNanos() - first) / 1e9;
        assertTrue(span > 1.0 - send.max / 1e9 && span < 1.0 + LATE_TOLERANCE_SECONDS, "sends spanned " + span);
    }
}
