/**
 * Replay: re-drives a captured {@code orders} queue (or an order CSV file) through a fresh pipeline, measures latency
 * in HdrHistogram and checks the executions against the capture's.
 *
 * <p>Entry point: {@link dev.orderpipe.replay.Replayer#run(ReplayOptions)} with
 * {@link dev.orderpipe.replay.ReplayOptions} and a {@link dev.orderpipe.replay.Pacing};
 * {@link dev.orderpipe.replay.SummaryTable#print} prints the result.
 *
 * <pre>{@code
 * ReplayResult result = Replayer.run(new ReplayOptions()
 *         .capture(Path.of("data/pipeline/orders"))
 *         .config(PipelineConfig.loadDefault(), "embedded default")
 *         .outDir(Path.of("runs/today"))
 *         .pacing(Pacing.parse("speed:10"))
 *         .warmup(10_000)
 *         .progress(System.err));
 * SummaryTable.print(result.summary(), System.out);
 * System.exit(result.exitCode());
 * }</pre>
 *
 * <p>A run directory holds:
 * <ul>
 *     <li>{@code summary.yaml}: {@link dev.orderpipe.replay.RunSummary} (counts, pacing, duration, throughput,
 *     percentiles of every histogram in nanoseconds, verification, config, JVM and host)</li>
 *     <li>{@code end-to-end.hgrm}, {@code send.hgrm}, {@code risk.hgrm}, {@code matching.hgrm}, {@code egress.hgrm}:
 *     HdrHistogram's {@code outputPercentileDistribution} in microseconds, for its plotter</li>
 *     <li>{@code latency.hlog}: the end-to-end interval log (1 s intervals, nanoseconds) for
 *     {@code HistogramLogReader} and {@code HistogramLogProcessor}</li>
 *     <li>{@code data/}: the replay pipeline's queues (orders, checked, executions), for dump and export</li>
 * </ul>
 */
package dev.orderpipe.replay;
