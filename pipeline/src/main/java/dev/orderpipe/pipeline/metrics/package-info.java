/**
 * Live metrics of a running pipeline in shared memory, as Aeron's counters file gives them: each stage group's
 * runner stores its stages' counters into {@code <dataDir>/metrics.dat} ({@link MetricsFile}, plain stores, nothing
 * per message beyond them), and any process reads them ({@link MetricsReader}): {@code orderpipe stats --watch}, and
 * the Prometheus endpoint of {@code orderpipe run --metrics-port}.
 */
package dev.orderpipe.pipeline.metrics;
