package dev.orderpipe.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderpipe.pipeline.TestPipelines;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.metrics.ReplicationStatus;
import dev.orderpipe.tools.live.LiveStatus;
import dev.orderpipe.tools.live.PrometheusEndpoint;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The replication lag that {@code replicate} writes (replication.dat) in {@code stats}, its JSON and Prometheus. */
class ReplicationLagTest {
    @Test
    void lagPerReplicaAndQueueInStatsAndMetrics(@TempDir Path data) throws Exception {
        TestPipelines.writeOrders(data.resolve("orders"), RollCycles.FAST_DAILY,
                new SetTimeProvider("2026-01-05T10:00:00"), 1, 100);
        long behindSince = SystemTimeProvider.INSTANCE.currentTimeMicros() - 5_000_000;
        try (ChronicleQueue orders = Queues.openExisting(data.resolve("orders"));
             ReplicationStatus status = ReplicationStatus.create(data)) {
            long first = orders.firstIndex();
            status.update(0, 0, "standby-a", "orders", orders, orders.lastIndex(), first + 59, first + 80, behindSince);
            status.update(1, 0, "standby-b", "orders", orders, orders.lastIndex(), first + 99, first + 99, behindSince);
            status.heartbeat();

            Cli json = Cli.run("stats", "--json", data.toString());
            assertEquals(0, json.exitCode, json.toString());
            JsonNode replicas = new ObjectMapper().readTree(json.out).get("live").get("replicas");
            assertEquals(2, replicas.size(), json.out);
            JsonNode a = replicas.get(0);
            assertEquals("standby-a", a.get("replica").asText());
            assertEquals("orders", a.get("queue").asText());
            assertEquals(first + 59, a.get("acked_index").asLong());
            assertEquals(first + 99, a.get("primary_last_index").asLong());
            assertEquals(40, a.get("records_behind").asLong());
            long micros = a.get("micros_behind").asLong();
            assertTrue(micros >= 5_000_000 && micros < 60_000_000, "micros behind " + micros);
            assertTrue(a.get("replicating").asBoolean());
            JsonNode b = replicas.get(1);
            assertEquals(0, b.get("records_behind").asLong(), "caught up");
            assertEquals(0, b.get("micros_behind").asLong(), "caught up");

            status.heartbeat(); // as replicate does every 100 ms: the first stats above may take seconds
            Cli table = Cli.run("stats", data.toString());
            assertEquals(0, table.exitCode, table.toString());
            assertTrue(table.out.contains("replication (orderpipe replicate running)"), table.out);
            assertTrue(table.out.lines().anyMatch(l -> l.startsWith("standby-a") && l.contains(" orders ")
                    && l.contains("0x" + Long.toHexString(first + 59)) && l.contains(" 40 ")), table.out);

            PipelineConfig config = TestPipelines.config(data, null);
            try (LiveStatus live = new LiveStatus(config);
                 PrometheusEndpoint endpoint = PrometheusEndpoint.start(live, "127.0.0.1", 0)) {
                String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertTrue(body.contains("orderpipe_replication_lag_records{queue=\"orders\",replica=\"standby-a\"} 40.0"),
                        body);
                assertTrue(body.contains("orderpipe_replication_lag_records{queue=\"orders\",replica=\"standby-b\"} 0.0"),
                        body);
                assertTrue(body.contains("orderpipe_replication_acked_index{queue=\"orders\",replica=\"standby-a\"} "
                        + (double) (first + 59)), body);
                String seconds = body.lines().filter(l -> l.startsWith(
                        "orderpipe_replication_lag_seconds{queue=\"orders\",replica=\"standby-a\"}")).findFirst()
                        .orElseThrow();
                double lag = Double.parseDouble(seconds.substring(seconds.lastIndexOf(' ') + 1));
                assertTrue(lag >= 5 && lag < 60, seconds);
            }
            status.stopped();
            Cli stopped = Cli.run("stats", data.toString());
            assertTrue(stopped.out.contains("replication (orderpipe replicate not running: its last figures)"),
                    stopped.out);
        }
    }
}
