package dev.orderpipe.pipeline;

import dev.orderpipe.pipeline.config.PipelineConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A pipeline stopped and started again resumes every stage from its own output, with identical results. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RestartTest {

    static String orders(int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i <= to; i++) {
            String side = i % 2 == 0 ? "BUY" : "SELL";
            String price = "189." + (20 + i % 10);
            if (i % 7 == 0)
                sb.append(i).append(",CANCEL,").append(i - 3).append(",,,,,,,\n");
            else if (i % 11 == 0)
                sb.append(i).append(",NEW,").append(i).append(",7,AAPL,").append(side).append(",MARKET,IOC,,").append(150).append('\n');
            else if (i % 13 == 0)
                sb.append(i).append(",NEW,").append(i).append(",7,AAPL,").append(side).append(",LIMIT,GTC,bad,1\n");
            else
                sb.append(i).append(",NEW,").append(i).append(",").append(1 + i % 5).append(",AAPL,").append(side)
                        .append(",LIMIT,GTC,").append(price).append(',').append(100 * (1 + i % 3)).append('\n');
        }
        return sb.toString();
    }

    @Test
    void stoppingAndStartingAgainGivesWhatOneRunGives(@TempDir Path dir) throws Exception {
        Path whole = dir.resolve("whole.csv");
        Files.writeString(whole, orders(1, 3000), StandardCharsets.UTF_8);
        Pipeline reference = TestPipelines.runToEnd(TestPipelines.config(dir.resolve("ref"), whole));

        // the same input in three runs on one data directory: the file grows between runs
        Path growing = dir.resolve("growing.csv");
        Path data = dir.resolve("data");
        Files.writeString(growing, orders(1, 1000), StandardCharsets.UTF_8);
        PipelineConfig config = TestPipelines.config(data, growing);
        config.egress.output = dir.resolve("executions.csv").toString();
        TestPipelines.runToEnd(config);
        Files.writeString(growing, orders(1001, 2200), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        Pipeline second = TestPipelines.runToEnd(config);
        assertEquals(1000, second.ingress().resumedAfterLine());
        assertTrue(second.matching().resumedAfter() >= 0);
        Files.writeString(growing, orders(2201, 3000), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        Pipeline third = TestPipelines.runToEnd(config);
        assertEquals(800, third.counts().inputsAccounted(), "the third run processed only the new lines");

        List<String> expected = TestPipelines.executionLines(reference.queuePath("executions"));
        assertEquals(expected, TestPipelines.executionLines(data.resolve("executions")));
        // the egress CSV, continued across the restarts, holds every report exactly once
        List<String> csv = Files.readAllLines(dir.resolve("executions.csv"));
        assertEquals(expected, csv.subList(1, csv.size()));
    }
}
