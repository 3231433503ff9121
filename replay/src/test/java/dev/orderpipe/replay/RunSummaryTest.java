package dev.orderpipe.replay;

import dev.orderpipe.pipeline.BadFileException;
import dev.orderpipe.pipeline.config.EffectiveGroup;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.config.StageGroupConfig;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Histogram;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

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
        assertTrue(text.contains("\n  p99_us: " + BigDecimal.valueOf(h.getValueAtPercentile(99), 3)
                .stripTrailingZeros().toPlainString() + "\n"), text);
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
        assertTrue(text.contains("groups:\n- name: \"hot\"\n  stages:\n  - \"risk\"\n  - \"matching\"\n  - \"egress\"\n"
                + "  pauser: \"busy (spin)\"\n  cpu: " + hot.cpu + "\n"), text);
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

    /**
     * summary.yaml is plain YAML: a YAML 1.2 loader (snakeyaml-engine) and a YAML 1.1 one in safe mode (SnakeYAML,
     * like PyYAML's safe_load) read it without custom tags, numbers as numbers, latencies in microseconds under keys
     * that say so; summary.json holds the same document.
     */
    @Test
    void summaryYamlAndJsonReadWithStandardParsers(@TempDir Path dir) throws Exception {
        Histogram h = new Histogram(3);
        for (int i = 1; i <= 1000; i++)
            h.recordValue(i * 1234L);
        RunSummary s = new RunSummary();
        s.capture = "orders.csv";
        s.pacing = "rate";
        s.pacingValue = 20_000;
        s.durationSeconds = 12_345_678.5;
        s.throughputPerSecond = 1e-5;
        s.startTime = "2026-11-28T20:00:00Z";
        s.config = "yes";
        s.pipelineConfig = PipelineConfig.loadDefault();
        s.groups = EffectiveGroup.of(s.pipelineConfig);
        s.rejectsByReason.put("PRICE_BAND", 3L);
        s.histograms.add(HistogramSummary.of(RunSummary.END_TO_END, "intended send to execution read", h));
        s.save(dir);
        String yaml = Files.readString(dir.resolve(RunSummary.FILE));
        assertFalse(yaml.contains("!"), yaml);

        Map<?, ?> v12 = (Map<?, ?>) new Load(LoadSettings.builder().build()).loadFromString(yaml);
        Map<?, ?> v11 = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        Map<?, ?> json = new ObjectMapper().readValue(dir.resolve(RunSummary.JSON_FILE).toFile(), Map.class);
        for (Map<?, ?> doc : List.of(v12, v11, json)) {
            assertEquals(20_000.0, ((Number) doc.get("pacing_value")).doubleValue());
            assertEquals(12_345_678.5, ((Number) doc.get("duration_s")).doubleValue());
            assertEquals(1e-5, ((Number) doc.get("throughput_per_s")).doubleValue());
            assertEquals("2026-11-28T20:00:00Z", doc.get("start_time"));
            assertEquals("yes", doc.get("config"));
            assertEquals(3, ((Number) ((Map<?, ?>) doc.get("rejects_by_reason")).get("PRICE_BAND")).intValue());
            Map<?, ?> e2e = (Map<?, ?>) ((List<?>) doc.get("histograms")).get(0);
            assertEquals("end-to-end", e2e.get("name"));
            assertEquals(1000, ((Number) e2e.get("count")).intValue());
            assertEquals(h.getValueAtPercentile(99) / 1e3, ((Number) e2e.get("p99_us")).doubleValue());
            assertEquals(h.getValueAtPercentile(99.9) / 1e3, ((Number) e2e.get("p99_9_us")).doubleValue());
            assertEquals(h.getMaxValue() / 1e3, ((Number) e2e.get("max_us")).doubleValue());
            assertEquals(Math.round(h.getMean()) / 1e3, ((Number) e2e.get("mean_us")).doubleValue());
            Map<?, ?> config = (Map<?, ?>) doc.get("pipeline_config");
            assertEquals(s.pipelineConfig.rollCycle, config.get("rollCycle"));
            assertEquals(s.pipelineConfig.risk.priceBandPercent,
                    ((Number) ((Map<?, ?>) config.get("risk")).get("priceBandPercent")).doubleValue());
            Map<?, ?> group = (Map<?, ?>) ((List<?>) doc.get("groups")).get(0);
            assertEquals("pipeline", group.get("name"));
            assertEquals(-1, ((Number) group.get("cpu")).intValue());
        }
        assertEquals(s, RunSummary.load(dir));
    }

    @Test
    void aDirectoryWithoutSummaryIsAOneLineError(@TempDir Path dir) {
        BadFileException e = assertThrows(BadFileException.class, () -> RunSummary.load(dir));
        assertEquals(dir + " is not a replay run directory: it has no summary.yaml", e.getMessage());
    }
}
