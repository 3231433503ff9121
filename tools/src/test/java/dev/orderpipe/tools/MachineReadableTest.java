package dev.orderpipe.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderpipe.pipeline.BuildInfo;
import dev.orderpipe.pipeline.DamagedFiles;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.TestPipelines;
import dev.orderpipe.pipeline.codes.ExecType;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.metrics.MetricsReader;
import dev.orderpipe.pipeline.metrics.MetricsSnapshot;
import dev.orderpipe.tools.live.LiveStatus;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the tools print for other programs: stats --json and --watch, dump's filters as JSON and YAML, --version. */
class MachineReadableTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    private static FinishedRun run;
    private static List<OrderInfo> executions;
    private static List<OrderInfo> orders;
    private static List<OrderInfo> checked;

    @BeforeAll
    static void finishedRun() throws Exception {
        run = FinishedRun.create(dir);
        executions = TestPipelines.readAll(run.data.resolve("executions"));
        orders = TestPipelines.readAll(run.data.resolve("orders"));
        checked = TestPipelines.readAll(run.data.resolve("checked"));
    }

    @Test
    void statsJsonHasTheQueuesStagesAndTheLiveCountersOfTheRun() throws Exception {
        Cli c = Cli.run("stats", run.data.toString(), "--json");
        assertEquals(0, c.exitCode, c.toString());
        JsonNode doc = JSON.readTree(c.out);
        assertEquals(3, doc.get("queues").size());
        assertEquals(orders.size(), queue(doc.get("queues"), "orders").get("records").asLong());
        assertEquals(executions.size(), queue(doc.get("queues"), "executions").get("records").asLong());
        assertEquals(List.of("risk", "matching", "egress"), names(doc.get("stages"), "stage"));
        assertEquals(0, doc.get("stages").get(0).get("behind").asLong());
        assertEquals(0, doc.get("stages").get(1).get("behind").asLong());
        assertEquals(-1, doc.get("stages").get(2).get("behind").asLong(), "egress: known while its pipeline runs");
        JsonNode live = doc.get("live");
        assertTrue(live.get("metrics").asBoolean());
        assertFalse(live.get("running").asBoolean(), "the run has stopped");
        assertEquals(ProcessHandle.current().pid(), live.get("pid").asLong()); // the run was in this JVM
        assertTrue(live.get("disk_free_bytes").asLong() > 0);
        JsonNode stages = live.get("stages");
        assertEquals(List.of("ingress", "risk", "matching", "egress"), names(stages, "stage"));
        // ingress read every line of the file (the header and comments too: lines), wrote every order
        assertEquals(orders.size(), stages.get(0).get("records_out").asLong());
        assertEquals(orders.size(), stages.get(1).get("records_in").asLong());
        assertEquals(checked.size(), stages.get(1).get("records_out").asLong());
        assertEquals(checked.size(), stages.get(2).get("records_in").asLong());
        assertEquals(executions.size(), stages.get(2).get("records_out").asLong());
        assertEquals(executions.size(), stages.get(3).get("records_in").asLong());
        assertEquals(-1, stages.get(3).get("records_out").asLong());
        for (int i = 1; i < 4; i++) {
            assertEquals(0, stages.get(i).get("lag_records").asLong());
            assertEquals(0, stages.get(i).get("errors").asLong());
            double idle = stages.get(i).get("idle_ratio").asDouble();
            assertTrue(idle >= 0 && idle <= 1, stages.get(i).toString());
            // every stage that read records spent time on them: its thread's busy time, per record read
            assertTrue(stages.get(i).get("busy_ns").asLong() > 0, stages.get(i).toString());
            double perRecord = stages.get(i).get("busy_ns_per_record").asDouble();
            assertEquals(stages.get(i).get("busy_ns").asLong() / (double) stages.get(i).get("records_in").asLong(),
                    perRecord, 1e-6, stages.get(i).toString());
        }
    }

    /**
     * The first sample has no previous one: its rates are means since the pipeline started (to its stop), and both
     * the table and the JSON say so, not "rate/s" as the later refreshes' rates now.
     */
    @Test
    void theFirstSampleLabelsItsRatesAsMeansSinceTheStart() throws Exception {
        MetricsSnapshot m;
        try (MetricsReader reader = MetricsReader.open(run.data)) {
            m = reader.read();
        }
        assertTrue(m.stoppedMillis() > 0, "the run stopped");
        double ran = (m.stoppedMillis() - m.startMillis()) / 1e3;
        Cli c = Cli.run("stats", run.data.toString(), "--json");
        assertEquals(0, c.exitCode, c.toString());
        JsonNode live = JSON.readTree(c.out).get("live");
        assertEquals("pipeline_start", live.get("rates_since").asText(), c.out);
        // over the time it ran, not up to when stats read a stopped pipeline's counters
        assertEquals(Math.max(1e-3, ran), live.get("rates_over_s").asDouble(), 1e-9, c.out);
        JsonNode risk = live.get("stages").get(1);
        assertEquals(risk.get("records_in").asLong() / live.get("rates_over_s").asDouble(),
                risk.get("rate_per_s").asDouble(), 1e-6, c.out);

        c = Cli.run("stats", run.data.toString(), "--watch", "--json", "--count", "2", "--interval", "0.05");
        assertEquals(0, c.exitCode, c.toString());
        String[] lines = c.out.strip().split("\n");
        assertEquals("pipeline_start", JSON.readTree(lines[0]).get("rates_since").asText(), lines[0]);
        assertEquals("previous_sample", JSON.readTree(lines[1]).get("rates_since").asText(), lines[1]);

        c = Cli.run("stats", run.data.toString(), "--watch", "--count", "2", "--interval", "0.05");
        assertEquals(0, c.exitCode, c.toString());
        String[] frames = c.out.split("\n\n");
        assertEquals(2, frames.length, c.out);
        assertTrue(frames[0].contains("means since the pipeline started"), frames[0]);
        assertTrue(frames[0].matches("(?s).*\\nstage\\s+records in\\s+records out\\s+mean/s\\s.*"), frames[0]);
        assertFalse(frames[0].contains("rate/s"), frames[0]);
        assertTrue(frames[1].matches("(?s).*\\nstage\\s+records in\\s+records out\\s+rate/s\\s.*"), frames[1]);
        assertTrue(frames[1].contains("over the last"), frames[1]);
    }

    /** A restarted pipeline's stages read nothing new: their lag counts from where they resumed, not the start. */
    @Test
    void aRestartedPipelineIsNotBehind(@TempDir Path tmp) throws Exception {
        Path data = DamagedFiles.copyTree(run.data, tmp.resolve("data"));
        Cli c = Cli.run("run", "--input", run.orderFile.toString(), "--data", data.toString(), "--exit-when-done",
                "--status-every", "0");
        assertEquals(0, c.exitCode, c.toString());
        c = Cli.run("stats", data.toString(), "--json");
        assertEquals(0, c.exitCode, c.toString());
        JsonNode stages = JSON.readTree(c.out).get("live").get("stages");
        for (int i = 1; i < 4; i++) {
            assertEquals(0, stages.get(i).get("records_in").asLong(), stages.get(i).toString());
            assertEquals(0, stages.get(i).get("lag_records").asLong(), stages.get(i).toString());
        }
    }

    @Test
    void statsWatchPrintsTheLiveCountersEveryInterval() throws Exception {
        Cli c = Cli.run("stats", run.data.toString(), "--watch", "--json", "--count", "3", "--interval", "0.05");
        assertEquals(0, c.exitCode, c.toString());
        String[] lines = c.out.strip().split("\n");
        assertEquals(3, lines.length, c.out);
        long before = 0;
        for (String line : lines) {
            JsonNode live = JSON.readTree(line);
            assertEquals(executions.size(), live.get("stages").get(3).get("records_in").asLong());
            // nothing runs any more: no records since the previous refresh
            if (before > 0)
                assertEquals(0.0, live.get("stages").get(1).get("rate_per_s").asDouble(), line);
            assertTrue(live.get("read_at_ms").asLong() >= before);
            before = live.get("read_at_ms").asLong();
        }
        c = Cli.run("stats", run.data.toString(), "--watch", "--count", "1");
        assertEquals(0, c.exitCode, c.toString());
        assertTrue(c.out.matches("(?s).*\\negress\\s+" + String.format("%,d", executions.size()) + "\\s+-\\s.*"),
                c.out);
        c = Cli.run("stats", dir.toString(), "--watch", "--count", "1");
        assertEquals(1, c.exitCode, c.toString());
        assertTrue(c.oneLineError().contains("has no live counters"), c.toString());
    }

    /** --count and --interval only mean something with --watch: without it they were ignored without a word. */
    @Test
    void statsCountOrIntervalWithoutWatchIsAUsageError() {
        for (String[] args : List.of(new String[]{"--count", "2"}, new String[]{"--interval", "2s"},
                new String[]{"-n", "1", "--json"})) {
            List<String> line = new ArrayList<>(List.of("stats", run.data.toString()));
            line.addAll(List.of(args));
            Cli c = Cli.run(line.toArray(String[]::new));
            assertEquals(2, c.exitCode, c.toString());
            assertEquals("orderpipe: " + (args[0].equals("--interval") ? "--interval" : "--count")
                    + " goes with --watch (without it stats prints once)", c.oneLineError());
            assertEquals("", c.out);
        }
    }

    /** Orders and checked orders have no exec type: --exec-type there printed nothing, as if none matched. */
    @Test
    void dumpExecTypeOnAQueueOfOrdersIsAUsageError() {
        for (String name : List.of("orders", "checked")) {
            Path queue = run.data.resolve(name);
            Cli c = Cli.run("dump", queue.toString(), "--exec-type", "trade", "--json");
            assertEquals(2, c.exitCode, c.toString());
            assertEquals("orderpipe: --exec-type TRADE selects execution reports, but " + queue + " holds " + name
                    + " records (no exec type): dump an executions queue", c.oneLineError());
            assertEquals("", c.out);
        }
        // NONE is what their records have: it selects them all
        Cli c = Cli.run("dump", run.data.resolve("orders").toString(), "--exec-type", "NONE", "--json");
        assertEquals(0, c.exitCode, c.toString());
        assertEquals(orders.size(), c.out.strip().split("\n").length);
    }

    @Test
    void dumpFiltersAndRendersJsonLinesAndYaml() throws Exception {
        Path queue = run.data.resolve("executions");
        long aapl = Symbols.encode("AAPL");
        List<OrderInfo> trades = executions.stream()
                .filter(r -> r.execType() == ExecType.TRADE && r.symbol() == aapl).toList();
        assertFalse(trades.isEmpty());
        Cli c = Cli.run("dump", queue.toString(), "--json", "--exec-type", "TRADE", "--symbol", "AAPL");
        assertEquals(0, c.exitCode, c.toString());
        String[] lines = c.out.strip().split("\n");
        assertEquals(trades.size(), lines.length);
        for (int i = 0; i < lines.length; i++) {
            JsonNode r = JSON.readTree(lines[i]);
            OrderInfo t = trades.get(i);
            assertEquals("TRADE", r.get("exec_type").asText());
            assertEquals("AAPL", r.get("symbol").asText());
            assertEquals(t.seq(), r.get("seq").asLong());
            // money as the exact decimal, a string: no binary double on the way
            assertTrue(r.get("last_px").isTextual(), r.toString());
            assertEquals(java.math.BigDecimal.valueOf(t.lastPx(), 4).toPlainString(), r.get("last_px").asText());
            assertTrue(r.get("price").isTextual(), r.toString());
            assertEquals(t.orderId(), r.get("order_id").asLong());
            assertEquals(t.eventTime(), r.get("event_time_ns").asLong());
            assertEquals(t.matchNanos(), r.get("match_ns").asLong());
            assertEquals(t.leavesQty(), r.get("leaves_qty").asLong());
            r.fieldNames().forEachRemaining(k -> assertTrue(k.matches("[a-z][a-z0-9_]*"), "snake_case: " + k));
        }
        assertTrue(JSON.readTree(lines[0]).has("cycle_seq"));
        // symbols are upper-case in the pipeline: --symbol takes any case, as --exec-type does
        assertEquals(c.out, Cli.run("dump", queue.toString(), "--json", "--exec-type", "trade", "--symbol", "aapl").out);

        OrderInfo some = trades.get(trades.size() / 2);
        List<OrderInfo> ofOrder = executions.stream()
                .filter(r -> r.orderId() == some.orderId() && r.account() == some.account()).toList();
        c = Cli.run("dump", queue.toString(), "--json", "--order-id", Long.toString(some.orderId()), "--account",
                Long.toString(some.account()));
        assertEquals(ofOrder.size(), c.out.strip().split("\n").length, c.out);

        // time range: [since, until) of event time
        long since = executions.get(10).eventTime();
        long until = executions.get(executions.size() - 10).eventTime();
        long inRange = executions.stream().filter(r -> r.eventTime() >= since && r.eventTime() < until).count();
        c = Cli.run("dump", queue.toString(), "--json", "--since", Long.toString(since), "--until",
                Long.toString(until));
        assertEquals(inRange, c.out.strip().split("\n").length);
        // a range that ends before it starts once printed nothing, exit 0: a usage error
        c = Cli.run("dump", queue.toString(), "--since", Long.toString(until), "--until", Long.toString(since));
        assertEquals(2, c.exitCode, c.toString());
        assertEquals("orderpipe: --since " + until + " is not before --until " + since + ": no record could match; "
                + "swap them", c.oneLineError());
        c = Cli.run("dump", queue.toString(), "--since", "2026-11-28T10:00:00Z", "--until", "2026-11-28T09:00:00Z");
        assertEquals(2, c.exitCode, c.toString());

        // the last 3, as YAML documents a YAML 1.2 loader reads
        c = Cli.run("dump", queue.toString(), "--yaml", "--last", "3");
        assertEquals(0, c.exitCode, c.toString());
        List<Map<?, ?>> docs = new ArrayList<>();
        for (Object o : new Load(LoadSettings.builder().build()).loadAllFromString(c.out))
            docs.add((Map<?, ?>) o);
        assertEquals(3, docs.size(), c.out);
        for (int i = 0; i < 3; i++) {
            OrderInfo expected = executions.get(executions.size() - 3 + i);
            assertEquals(expected.seq(), ((Number) docs.get(i).get("seq")).longValue());
            assertEquals(expected.execType().name(), docs.get(i).get("exec_type"));
            assertEquals(expected.leavesQty(), ((Number) docs.get(i).get("leaves_qty")).longValue());
            assertEquals(expected.eventTime(), ((Number) docs.get(i).get("event_time_ns")).longValue());
            // a string for the YAML 1.2 loader too, the exact decimal
            assertEquals(java.math.BigDecimal.valueOf(expected.lastPx(), 4).toPlainString(),
                    docs.get(i).get("last_px"));
            assertEquals(java.math.BigDecimal.valueOf(expected.price(), 4).toPlainString(), docs.get(i).get("price"));
        }

        c = Cli.run("dump", queue.toString(), "--last", "2", "--from", "0");
        assertEquals(2, c.exitCode, c.toString());
        c = Cli.run("dump", queue.toString(), "--since", "yesterday");
        assertEquals(2, c.exitCode, c.toString());
        assertTrue(c.oneLineError().contains("--since 'yesterday' is neither epoch nanoseconds nor an ISO-8601"),
                c.toString());
        c = Cli.run("dump", queue.toString(), "--symbol", "toolongsymbol");
        assertEquals(2, c.exitCode, c.toString());
    }

    /** run's status line: each stage's records in, rate and, for the stages reading a queue, lag. */
    @Test
    void theStatusLineGivesEachStagesRecordsRateAndLag() {
        PipelineConfig config = TestPipelines.config(run.data, run.orderFile);
        String line;
        try (LiveStatus live = new LiveStatus(config)) {
            line = LiveStatus.describe(live.sample());
        }
        assertTrue(line.matches("ingress [0-9,]+ in [0-9,]+/s; risk " + String.format("%,d", orders.size())
                + " in [0-9,]+/s lag 0; matching " + String.format("%,d", checked.size()) + " in [0-9,]+/s lag 0;"
                + " egress " + String.format("%,d", executions.size()) + " in [0-9,]+/s lag 0"), line);
    }

    @Test
    void completionScript() {
        Cli c = Cli.run("generate-completion");
        assertEquals(0, c.exitCode, c.toString());
        assertTrue(c.out.contains("complete -F") && c.out.contains("orderpipe"), c.out);
        for (String option : List.of("--metrics-port", "--drop-queues", "--exec-type", "--watch"))
            assertTrue(c.out.contains(option), option);
    }

    @Test
    void versionNamesTheBuild() {
        Cli c = Cli.run("--version");
        assertEquals(0, c.exitCode, c.toString());
        BuildInfo build = BuildInfo.current();
        assertFalse(build.version().isEmpty() || build.version().equals("unknown"), build.toString());
        assertTrue(c.out.startsWith("orderpipe " + build.describe() + "\n"), c.out);
        assertFalse(c.out.contains("development build"), c.out);
    }

    private static JsonNode queue(JsonNode queues, String name) {
        for (JsonNode q : queues)
            if (q.get("name").asText().equals(name))
                return q;
        throw new AssertionError("no queue " + name + " in " + queues);
    }

    private static List<String> names(JsonNode rows, String key) {
        List<String> out = new ArrayList<>();
        rows.forEach(r -> out.add(r.get(key).asText()));
        return out;
    }
}
