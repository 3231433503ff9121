package dev.orderpipe.pipeline.config;

/**
 * Retention of the queues' cycle files (README, Retention): which old cycle files of {@code orders}, {@code checked},
 * {@code executions} and the snapshot queues may be deleted, or moved to {@code archiveDir}. A file goes only when
 * the latest valid snapshot covers it and nothing else still needs it (a stage, a named consumer, egress's CSV, a
 * replica), and never one of each queue's newest {@code keepCycles} files. {@code run} applies it at each cycle roll
 * when {@code enabled}; {@code orderpipe retain} applies it by hand.
 */
public final class RetentionConfig extends StrictConfig {
    /** Whether {@code run} removes what may go at each roll to a new cycle (the {@code retain} command always may). */
    public boolean enabled = false;
    /** Each queue's newest cycle files kept whatever else holds them (with FAST_DAILY, days). */
    @Range(min = 1, max = 1_000_000, note = "cycle files")
    public int keepCycles = 7;
    /** Where files are moved instead of deleted ({@code DIR/<queue>/<file>}); empty: deleted. */
    public String archiveDir = "";
}
