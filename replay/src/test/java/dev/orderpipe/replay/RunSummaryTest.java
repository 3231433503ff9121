package dev.orderpipe.replay;

import dev.orderpipe.pipeline.BadFileException;
import dev.orderpipe.pipeline.config.EffectiveGroup;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.config.StageGroupConfig;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunSummaryTest {
    @Test
    void roundTripsThroughSummaryYaml(@TempDir Path dir) throws Exception {
        Histogram h = new Histogram(3);
        for (int i = 1; i <= 1000; i++)
            h.recordValue(i * 1000L);
        RunSummary s = new RunSummary();
        s.capture = "orders.csv";
        s.pacing = "rate";
        s.pacingValue = 10_000;
        s.sent = 1000;
        s.rejectsByReason.put("PRICE_BAND", 3L);
        s.histograms.add(HistogramSummary.of(RunSummary.END_TO_END, "intended send to execution read", h));
        s.save(dir);
        String text = Files.readString(dir.resolve(RunSummary.FILE));
        assertTrue(text.contains("p99:"), text);
        RunSummary back = RunSummary.load(dir);
        assertEquals(s, back);
        assertEquals(h.getValueAtPercentile(99), back.histogram(RunSummary.END_TO_END).p99);
        assertEquals(3L, back.rejectsByReason.get("PRICE_BAND"));
    }

    @Test
    void recordsTheStageGroupsAsTheyRan(@TempDir Path dir) throws Exception {
        PipelineConfig config = PipelineConfig.loadDefault();
        StageGroupConfig hot = new StageGroupConfig();
        hot.name = "hot";
        hot.stages = List.of("risk", "matching", "egress");
        hot.pauser = "busy";
        hot.cpu = Runtime.getRuntime().availableProcessors() - 1;
        StageGroupConfig edge = config.groups.get(0);
        edge.name = "edge";
        edge.stages = List.of("ingress");
        edge.pauser = "sleepy";
        edge.maxPauseMicros = 2_000;
        config.groups = List.of(hot, edge);
        RunSummary s = new RunSummary();
        s.pipelineConfig = config.validate();
        s.groups = EffectiveGroup.of(config);
        s.save(dir);
        String text = Files.readString(dir.resolve(RunSummary.FILE));
        assertTrue(text.contains("  groups: [\n    { name: hot, stages: [ risk, matching, egress ], pauser: busy (spin), cpu: "
                + hot.cpu + " },\n"), text);
        RunSummary back = RunSummary.load(dir);
        assertEquals(s, back);
        assertEquals(2, back.groups.size());
        EffectiveGroup h = back.groups.get(0);
        assertEquals("hot", h.name);
        assertEquals(List.of("risk", "matching", "egress"), h.stages);
        assertEquals("busy (spin)", h.pauser);
        assertEquals(hot.cpu, h.cpu);
        EffectiveGroup e = back.groups.get(1);
        assertEquals("edge: ingress; pauser sleepy (yield 50 us, then sleep 500..2000 us); unpinned", e.describe());
        assertEquals(2_000, back.pipelineConfig.groups.get(1).maxPauseMicros);
    }

    @Test
    void aSummaryWrittenBeforeGroupsWereRecordedStillLoads(@TempDir Path dir) throws Exception {
        RunSummary s = new RunSummary();
        s.capture = "orders.csv";
        s.pacing = "rate";
        s.pipelineConfig = PipelineConfig.loadDefault();
        String now = s.toString();
        // as an earlier release wrote it: no groups, and groups in the config without maxPauseMicros
        String old = now.replace("  groups: [ ],\n", "").replace(", maxPauseMicros: 1000 }", " }");
        assertFalse(old.contains("maxPauseMicros") || old.contains("  groups: [ ]"), old);
        Files.writeString(dir.resolve(RunSummary.FILE), old);
        RunSummary back = RunSummary.load(dir);
        assertTrue(back.groups.isEmpty());
        assertEquals(StageGroupConfig.DEFAULT_MAX_PAUSE_MICROS, back.pipelineConfig.groups.get(0).maxPauseMicros);
        assertEquals(s, back);
    }

    @Test
    void aDirectoryWithoutSummaryIsAOneLineError(@TempDir Path dir) {
        BadFileException e = assertThrows(BadFileException.class, () -> RunSummary.load(dir));
        assertEquals(dir + " is not a replay run directory: it has no summary.yaml", e.getMessage());
    }
}
