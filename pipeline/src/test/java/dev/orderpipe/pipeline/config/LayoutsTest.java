package dev.orderpipe.pipeline.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class LayoutsTest {
    @Test
    void theLatencyLayoutSpinsEveryStageOnCpu1() {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "the latency layout needs CPU 1");
        List<StageGroupConfig> groups = Layouts.groups(Layouts.LATENCY);
        assertEquals(1, groups.size());
        StageGroupConfig hot = groups.get(0);
        assertEquals("hot", hot.name);
        assertEquals(PipelineConfig.STAGES, hot.stages);
        assertEquals(1, hot.cpu);
        assertEquals("busy", hot.pauser);
        assertEquals("hot: ingress risk matching egress; pauser busy (spin); cpu 1",
                EffectiveGroup.of(hot, "groups[0]").describe());
    }

    @Test
    void theLatencyLayoutTurnsPretouchOnAndNoLayoutTurnsItOff() {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "the latency layout needs CPU 1");
        PipelineConfig config = PipelineConfig.loadDefault();
        assertFalse(config.pretouch);
        assertTrue(Layouts.apply(config, Layouts.LATENCY).pretouch);
        assertFalse(Layouts.apply(config, Layouts.DEFAULT).pretouch);
        config.pretouch = true;
        assertTrue(Layouts.apply(config, Layouts.DEFAULT).pretouch, "a config's own pretouch stays on");
        assertTrue(Layouts.apply(config, Layouts.LATENCY).pretouch);
    }

    @Test
    void aLayoutReplacesTheGroupsTurnsPretouchOnAndNothingElse() {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "the latency layout needs CPU 1");
        PipelineConfig config = PipelineConfig.loadDefault();
        config.dataDir = "elsewhere";
        config.matching.maxPriceLevels = 7;
        PipelineConfig before = config.deepCopy();
        PipelineConfig latency = Layouts.apply(config, Layouts.LATENCY);
        assertEquals(before, config, "the config given is left as it was");
        assertEquals(Layouts.groups(Layouts.LATENCY), latency.groups);
        assertNotEquals(config.groups, latency.groups);
        assertTrue(latency.pretouch);
        latency.groups = config.groups;
        latency.pretouch = config.pretouch;
        assertEquals(config, latency, "every other key as the config has it");

        PipelineConfig back = Layouts.apply(Layouts.apply(config, Layouts.LATENCY), Layouts.DEFAULT);
        assertEquals(PipelineConfig.loadDefault().groups, back.groups);
        assertTrue(back.pretouch, "a layout never turns pretouch off");
        back.pretouch = config.pretouch;
        assertEquals(config, back);
    }

    @Test
    void theLayoutFileInConfIsTheEmbeddedOneAndHoldsOnlyGroupsAndPretouch() throws IOException {
        String embedded;
        try (InputStream in = Layouts.class.getResourceAsStream(Layouts.LATENCY_FILE)) {
            embedded = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(Files.readString(Path.of("..", "conf", "latency.yaml")), embedded);
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "the latency layout needs CPU 1");
        PipelineConfig read = PipelineConfig.parse(embedded, "t.yaml", PipelineConfig.loadDefault());
        assertNotEquals(PipelineConfig.loadDefault().groups, read.groups);
        assertTrue(read.pretouch);
        read.groups = PipelineConfig.loadDefault().groups;
        read.pretouch = false;
        assertEquals(PipelineConfig.loadDefault(), read, "the file sets the groups and pretouch, no other key");
    }

    @Test
    void anUnknownLayoutIsOneLineNamingTheKnownOnes() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Layouts.apply(PipelineConfig.loadDefault(), "fast"));
        assertEquals("unknown layout 'fast': use one of default, latency", e.getMessage());
    }
}
