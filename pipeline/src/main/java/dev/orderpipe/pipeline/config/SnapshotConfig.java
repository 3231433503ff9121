package dev.orderpipe.pipeline.config;

/**
 * Snapshots of risk's and matching's state (README, Snapshots and bounded restart): each stage writes one into its
 * queue under {@code snapshots/} in the data directory at each session close, after every {@code everyInputs} inputs
 * and after {@code everySeconds} seconds with inputs; a restart loads the latest valid one and re-feeds only the
 * inputs after it, so restart time does not grow with the history.
 */
public final class SnapshotConfig extends StrictConfig {
    /** Whether risk and matching write snapshots (a restart still uses those already written when false). */
    public boolean enabled = true;
    /** A snapshot after this many inputs since the last one (0: not by count). */
    @Range(min = 0, max = Long.MAX_VALUE, note = "inputs; 0: not by count")
    public long everyInputs = 1_000_000;
    /** A snapshot at the first input this many seconds after the last one (0: not by time). */
    @Range(min = 0, max = 31_536_000, note = "seconds; 0: not by time")
    public long everySeconds = 300;
    /** Whether a snapshot is also written at each session close (after its reports). */
    public boolean atSessionClose = true;
    /** Most payload bytes in one chunk document of a snapshot (a large book spans many chunks). */
    @Range(min = 4096, max = 1 << 20, note = "bytes")
    public int chunkBytes = 1 << 20;
}
