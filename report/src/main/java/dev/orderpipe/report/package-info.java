/**
 * Latency reports: {@link dev.orderpipe.report.HtmlReport} (one replay run as an HTML page with charts, PNG files
 * beside it) and {@link dev.orderpipe.report.RunComparison} (two runs side by side, with a gate for CI). Both are pure
 * functions of run directories as the replay writes them ({@code summary.yaml}, the {@code .hgrm} files,
 * {@code latency.hlog}): nothing here runs a pipeline.
 */
package dev.orderpipe.report;
