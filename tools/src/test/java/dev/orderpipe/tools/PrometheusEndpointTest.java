package dev.orderpipe.tools;

import dev.orderpipe.pipeline.Pipeline;
import dev.orderpipe.pipeline.TestPipelines;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.tools.live.LiveStatus;
import dev.orderpipe.tools.live.PrometheusEndpoint;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Prometheus endpoint, scraped over loopback while a pipeline runs and after it finished, its text parsed by the
 * Prometheus text-format parser (the Python client's {@code prometheus_client.parser}, Debian's
 * python3-prometheus-client, which .ci/run installs; without it the test is skipped outside CI).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PrometheusEndpointTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final String PARSE = String.join("\n",
            "import sys, json",
            "from prometheus_client.parser import text_string_to_metric_families",
            "for family in text_string_to_metric_families(sys.stdin.read()):",
            "    for s in family.samples:",
            "        print(family.type + ' ' + s.name + ' ' + json.dumps(s.labels, sort_keys=True) + ' ' + repr(s.value))");

    @Test
    void scrapedDuringAndAfterARunAndParsedByThePrometheusTextParser(@TempDir Path dir) throws Exception {
        requireParser();
        Path orders = dir.resolve("orders.csv");
        Cli g = Cli.run("generate", "-n", "60000", "--seed", "5", "--out", orders.toString());
        assertEquals(0, g.exitCode, g.toString());
        PipelineConfig config = TestPipelines.config(dir.resolve("data"), orders);
        HttpClient http = HttpClient.newHttpClient();
        Map<String, Double> during;
        Map<String, Double> after;
        try (Pipeline pipeline = Pipeline.start(config);
             LiveStatus live = new LiveStatus(config);
             PrometheusEndpoint endpoint = PrometheusEndpoint.start(live, "127.0.0.1", 0)) {
            URI uri = URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics");
            during = parse(scrape(http, uri));
            assertTrue(pipeline.awaitFinished(60, TimeUnit.SECONDS));
            after = parse(scrape(http, uri));
        }
        // during the run: every metric there, each stage and queue labelled
        for (String stage : List.of("ingress", "risk", "matching", "egress")) {
            assertTrue(during.containsKey("counter orderpipe_stage_records_in_total {\"stage\": \"" + stage + "\"}"),
                    during.keySet().toString());
            assertTrue(during.containsKey("gauge orderpipe_stage_idle_ratio {\"stage\": \"" + stage + "\"}"));
            assertTrue(during.containsKey("gauge orderpipe_stage_rate_per_second {\"stage\": \"" + stage + "\"}"));
        }
        assertTrue(during.get("gauge orderpipe_disk_free_bytes {}") > 0);

        long ordersWritten = TestPipelines.readAll(config.dataPath().resolve("orders")).size();
        long checked = TestPipelines.readAll(config.dataPath().resolve("checked")).size();
        long executions = TestPipelines.readAll(config.dataPath().resolve("executions")).size();
        assertEquals(ordersWritten, after.get(stage("counter", "orderpipe_stage_records_out_total", "ingress")));
        assertEquals(ordersWritten, after.get(stage("counter", "orderpipe_stage_records_in_total", "risk")));
        assertEquals(checked, after.get(stage("counter", "orderpipe_stage_records_out_total", "risk")));
        assertEquals(executions, after.get(stage("counter", "orderpipe_stage_records_out_total", "matching")));
        for (String stage : List.of("risk", "matching", "egress"))
            assertTrue(after.get(stage("counter", "orderpipe_stage_busy_seconds_total", stage)) > 0, stage);
        assertEquals(executions, after.get(stage("counter", "orderpipe_stage_records_in_total", "egress")));
        for (String stage : List.of("risk", "matching", "egress")) {
            assertEquals(0.0, after.get(stage("gauge", "orderpipe_stage_lag_records", stage)));
            assertEquals(0.0, after.get(stage("counter", "orderpipe_stage_errors_total", stage)));
        }
        assertEquals(executions, after.get("gauge orderpipe_queue_records {\"queue\": \"executions\"}"));
        assertTrue(after.get("gauge orderpipe_queue_last_index {\"queue\": \"executions\"}") > 0);
    }

    private static String stage(String type, String name, String stage) {
        return type + " " + name + " {\"stage\": \"" + stage + "\"}";
    }

    private static String scrape(HttpClient http, URI uri) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), r.headers().toString());
        return r.body();
    }

    /** The samples as the parser reads them: "TYPE NAME LABELS" to value. */
    private static Map<String, Double> parse(String exposition) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(PYTHON, "-c", PARSE).redirectErrorStream(true).start();
        p.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "the parser refused the exposition:\n" + out + "\n" + exposition);
        Map<String, Double> samples = new HashMap<>();
        for (String line : out.strip().split("\n")) {
            int last = line.lastIndexOf(' ');
            samples.put(line.substring(0, last), Double.parseDouble(line.substring(last + 1)));
        }
        return samples;
    }

    @Test
    void aPortInUseStopsRunBeforeThePipelineStarts(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path orders = dir.resolve("orders.csv");
            assertEquals(0, Cli.run("generate", "-n", "200", "--out", orders.toString()).exitCode);
            Path data = dir.resolve("data");
            Cli c = Cli.run("run", "-i", orders.toString(), "-d", data.toString(), "--exit-when-done",
                    "--metrics-port", Integer.toString(taken.getLocalPort()));
            assertEquals(1, c.exitCode, c.toString());
            assertTrue(c.oneLineError().startsWith("orderpipe: cannot serve metrics on 127.0.0.1:"
                    + taken.getLocalPort() + ": "), c.err);
            // and it says what to change
            assertTrue(c.oneLineError().endsWith(": choose another --metrics-port (0 takes a free one) or a "
                    + "--metrics-host that is an address of this machine"), c.err);
            // once, the pipeline had started and processed orders before the bind failed
            assertFalse(Files.exists(data), "no pipeline ran: " + data);
        }
    }

    @Test
    void aMetricsHostWithoutAPortIsAUsageError(@TempDir Path dir) {
        // the endpoint is off without --metrics-port: a host alone used to be ignored without a word
        Cli c = Cli.run("run", "-i", dir.resolve("orders.csv").toString(), "-d", dir.resolve("data").toString(),
                "--exit-when-done", "--metrics-host", "127.0.0.1");
        assertEquals(2, c.exitCode, c.toString());
        assertEquals("orderpipe: --metrics-host needs --metrics-port (the endpoint is off without a port)",
                c.oneLineError(), c.toString());
        assertFalse(Files.exists(dir.resolve("data")));
    }

    private static void requireParser() throws IOException, InterruptedException {
        boolean present = false;
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import prometheus_client.parser").redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            present = p.waitFor() == 0;
        } catch (IOException e) {
            // no python3
        }
        if (System.getenv("CI") != null)
            assertTrue(present, PYTHON + " with prometheus_client is needed: apt-get install python3-prometheus-client");
        Assumptions.assumeTrue(present, "no Prometheus text parser here: apt-get install python3-prometheus-client");
    }
}
