package dev.orderpipe.tools.live;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The live metrics of a pipeline ({@link LiveStatus}) as a Prometheus endpoint ({@code /metrics}, the official
 * {@code io.prometheus} client's HTTP server), opt-in with {@code orderpipe run --metrics-port PORT}, bound to
 * {@code --metrics-host} (loopback by default). Each scrape takes one sample; the metrics:
 * <ul>
 *     <li>per stage (label {@code stage}): {@code orderpipe_stage_records_in_total},
 *     {@code orderpipe_stage_records_out_total}, {@code orderpipe_stage_errors_total},
 *     {@code orderpipe_stage_busy_seconds_total}, and the gauges
 *     {@code orderpipe_stage_rate_per_second} (records in, since the previous scrape; the first scrape's is the mean
 *     since the pipeline started),
 *     {@code orderpipe_stage_lag_records}, {@code orderpipe_stage_lag_seconds}, {@code orderpipe_stage_idle_ratio};</li>
 *     <li>per queue (label {@code queue}): {@code orderpipe_queue_records}, {@code orderpipe_queue_last_index};</li>
 *     <li>per named consumer (label {@code consumer}): {@code orderpipe_consumer_lag_records};</li>
 *     <li>per replica and queue (labels {@code replica}, {@code queue}) when {@code orderpipe replicate} ran in the
 *     data directory: {@code orderpipe_replication_lag_records}, {@code orderpipe_replication_lag_seconds},
 *     {@code orderpipe_replication_acked_index};</li>
 *     <li>{@code orderpipe_disk_free_bytes} of the data directory's file system.</li>
 * </ul>
 */
public final class PrometheusEndpoint implements AutoCloseable {
    private final HTTPServer server;

    private PrometheusEndpoint(HTTPServer server) {
        this.server = server;
    }

    /**
     * Starts serving.
     *
     * @param host the address to bind (127.0.0.1 unless the operator chose another)
     * @param port the port; 0 for any free one ({@link #port()})
     */
    public static PrometheusEndpoint start(LiveStatus status, String host, int port) {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register((MultiCollector) () -> snapshots(status.sample()));
        try {
            return new PrometheusEndpoint(HTTPServer.builder().hostname(host).port(port).registry(registry)
                    .buildAndStart());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** The port it listens on. */
    public int port() {
        return server.getPort();
    }

    static MetricSnapshots snapshots(LiveStatus.Status s) {
        List<MetricSnapshot> out = new ArrayList<>();
        List<LiveStatus.StageStatus> stages = s.stages();
        out.add(stageCounter("orderpipe_stage_records_in", "Input records (lines for ingress) read since the "
                + "pipeline started", stages, LiveStatus.StageStatus::recordsIn));
        out.add(stageCounter("orderpipe_stage_records_out", "Records written to the stage's output queue since the "
                + "pipeline started (not for egress)", stages.stream().filter(t -> t.recordsOut() >= 0).toList(),
                LiveStatus.StageStatus::recordsOut));
        out.add(stageCounter("orderpipe_stage_busy_seconds", "Seconds the stage's thread spent in calls that found "
                + "work since the pipeline started (with records_in: what a record costs the stage)", stages,
                t -> t.busyNanos() / 1e9));
        out.add(stageCounter("orderpipe_stage_errors", "Stage failures (one stops the pipeline)", stages,
                LiveStatus.StageStatus::errors));
        out.add(stageGauge("orderpipe_stage_rate_per_second", "Input records per second since the previous scrape "
                + "(the first scrape: the mean since the pipeline started)",
                stages, LiveStatus.StageStatus::ratePerSecond));
        out.add(stageGauge("orderpipe_stage_lag_records", "Records on the stage's input queue not yet read",
                stages.stream().filter(t -> t.lagRecords() >= 0).toList(), LiveStatus.StageStatus::lagRecords));
        out.add(stageGauge("orderpipe_stage_lag_seconds", "With a backlog, seconds since the stage last had nothing "
                + "to read; 0 without", stages, LiveStatus.StageStatus::lagSeconds));
        out.add(stageGauge("orderpipe_stage_idle_ratio", "Share of the stage's polls that found nothing to read, "
                + "since the previous scrape (the first scrape: since the pipeline started)", stages,
                LiveStatus.StageStatus::idleRatio));
        GaugeSnapshot.Builder records = GaugeSnapshot.builder().name("orderpipe_queue_records")
                .help("Records in the queue");
        GaugeSnapshot.Builder lastIndex = GaugeSnapshot.builder().name("orderpipe_queue_last_index")
                .help("Index of the queue's last record (-1 when empty)");
        for (LiveStatus.QueueStatus q : s.queues()) {
            records.dataPoint(point("queue", q.name(), q.entries()));
            lastIndex.dataPoint(point("queue", q.name(), q.lastIndex()));
        }
        out.add(records.build());
        out.add(lastIndex.build());
        GaugeSnapshot.Builder consumers = GaugeSnapshot.builder().name("orderpipe_consumer_lag_records")
                .help("Execution reports after the named consumer's committed position");
        for (LiveStatus.ConsumerStatus c : s.consumers())
            if (c.lagRecords() >= 0)
                consumers.dataPoint(point("consumer", c.name(), c.lagRecords()));
        out.add(consumers.build());
        GaugeSnapshot.Builder replicaRecords = GaugeSnapshot.builder().name("orderpipe_replication_lag_records")
                .help("Records of the queue the replica has not acknowledged");
        GaugeSnapshot.Builder replicaSeconds = GaugeSnapshot.builder().name("orderpipe_replication_lag_seconds")
                .help("With records not acknowledged, seconds (to the microsecond) since the replica last had all; 0"
                        + " without");
        GaugeSnapshot.Builder replicaAcked = GaugeSnapshot.builder().name("orderpipe_replication_acked_index")
                .help("Index of the queue's last record the replica acknowledged (-1: none)");
        for (LiveStatus.ReplicaStatus r : s.replicas()) {
            Labels labels = Labels.of("replica", r.replica(), "queue", r.queue());
            replicaRecords.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels)
                    .value(r.recordsBehind()).build());
            replicaSeconds.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels)
                    .value(r.microsBehind() / 1e6).build());
            replicaAcked.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels)
                    .value(r.ackedIndex()).build());
        }
        out.add(replicaRecords.build());
        out.add(replicaSeconds.build());
        out.add(replicaAcked.build());
        out.add(GaugeSnapshot.builder().name("orderpipe_disk_free_bytes")
                .help("Usable bytes on the data directory's file system")
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(s.diskFreeBytes()).build())
                .build());
        return new MetricSnapshots(out);
    }

    private static CounterSnapshot stageCounter(String name, String help, List<LiveStatus.StageStatus> stages,
                                                ToDoubleFunction<LiveStatus.StageStatus> value) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
        for (LiveStatus.StageStatus st : stages)
            b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(Labels.of("stage", st.name()))
                    .value(value.applyAsDouble(st)).build());
        return b.build();
    }

    private static GaugeSnapshot stageGauge(String name, String help, List<LiveStatus.StageStatus> stages,
                                            ToDoubleFunction<LiveStatus.StageStatus> value) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        for (LiveStatus.StageStatus st : stages)
            b.dataPoint(point("stage", st.name(), value.applyAsDouble(st)));
        return b.build();
    }

    private static GaugeSnapshot.GaugeDataPointSnapshot point(String label, String value, double v) {
        return GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.of(label, value)).value(v).build();
    }

    @Override
    public void close() {
        server.close();
    }
}
