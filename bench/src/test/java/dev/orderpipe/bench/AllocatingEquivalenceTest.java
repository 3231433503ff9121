package dev.orderpipe.bench;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.replay.LatencyRecorder;
import dev.orderpipe.replay.Pacing;
import dev.orderpipe.replay.SendSchedule;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The comparison is fair only if the allocating variant does the same work: the same workload through the real
 * pipeline and through {@link NaiveStages} gives the same execution reports, field by field (all but the stage
 * timestamps), in the same order, with the same seq, provenance and last-for-input flags.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AllocatingEquivalenceTest {
    @Test
    void theAllocatingStagesProduceTheSameExecutionsAsThePipeline(@TempDir Path dir) throws Exception {
        PipelineConfig config = PipelineConfig.loadDefault();
        Workload w = Workload.generate(config, 40_000, 7, dir.resolve("orders.csv"));
        List<String> real = run(SystemUnderTest.pipeline(dir.resolve("real"), config, false), w,
                dir.resolve("real"));
        List<String> naive = run(SystemUnderTest.allocating(dir.resolve("naive"), config, false), w,
                dir.resolve("naive"));
        assertTrue(real.size() > w.count(), "every order gives at least one report: " + real.size());
        long trades = real.stream().filter(s -> s.contains("execType: TRADE")).count();
        long rejects = real.stream().filter(s -> s.contains("execType: REJECTED")).count();
        assertTrue(trades > 1000 && rejects > 10, trades + " trades, " + rejects + " rejects: a realistic mix");
        for (int i = 0; i < Math.min(real.size(), naive.size()); i++)
            assertEquals(real.get(i), naive.get(i), "report " + i);
        assertEquals(real.size(), naive.size());
    }

    @Test
    void aPipelineWithPretouchGivesTheSameExecutionsToo(@TempDir Path dir) throws Exception {
        PipelineConfig config = PipelineConfig.loadDefault();
        Workload w = Workload.generate(config, 5_000, 3, dir.resolve("orders.csv"));
        List<String> off = run(SystemUnderTest.pipeline(dir.resolve("off"), config, false), w, dir.resolve("off"));
        List<String> on = run(SystemUnderTest.pipeline(dir.resolve("on"), config, true), w, dir.resolve("on"));
        assertEquals(off, on);
    }

    /** Sends the whole workload flat out, waits for every order, and returns the executions without timestamps. */
    private static List<String> run(SystemUnderTest sut, Workload w, Path dir) {
        sendAll(sut, w, dir);
        List<String> reports = new ArrayList<>();
        try (ChronicleQueue q = Queues.openExisting(dir.resolve("executions")); ExcerptTailer t = q.createTailer()) {
            OrderInfo r = new OrderInfo();
            while (t.readBytes(r.reset()))
                reports.add(r.ingressNanos(0).riskNanos(0).matchNanos(0).egressNanos(0).toString());
        }
        return reports;
    }

    /** Sends the whole workload flat out, checks that every order was accounted for, and closes the system. */
    static void sendAll(SystemUnderTest sut, Workload w, Path dir) {
        try {
            LatencyRecorder recorder = Bench.drive(sut, w, SendSchedule.of(Pacing.max(), w.count()), 0, dir, new BitSet());
            assertEquals(null, sut.failure());
            assertEquals(w.count(), recorder.accounted());
        } finally {
            sut.close();
        }
    }
}
