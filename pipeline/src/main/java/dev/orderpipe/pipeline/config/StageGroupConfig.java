package dev.orderpipe.pipeline.config;

import java.util.ArrayList;
import java.util.List;

/**
 * One runner thread: the stages it runs round-robin, the CPU it is pinned to (-1: none) and how it idles
 * ({@link GroupPauser} builds and describes the pauser).
 */
public final class StageGroupConfig extends StrictConfig {
    /** The bound of a sleeping group's back-off unless the config gives one: see {@link #maxPauseMicros}. */
    public static final int DEFAULT_MAX_PAUSE_MICROS = 1_000;

    /** Thread name suffix. */
    public String name = "";
    /** Stage names: ingress, risk, matching, egress. */
    public List<String> stages = new ArrayList<>();
    /** CPU to reserve with OpenHFT Affinity, or -1 to leave the thread unpinned. */
    @Range(min = -1, max = 65_535, note = "-1 leaves the group unpinned")
    public int cpu = -1;
    /** Chronicle pauser when idle: busy, yielding, balanced, sleepy, milli, timedBusy. */
    public String pauser = "balanced";
    /**
     * The longest sleep of a balanced or sleepy group when idle, in microseconds: its back-off grows up to this and no
     * further, so an order that arrives after a long quiet spell waits this long at most (plus the OS's wake-up); an
     * idle group then wakes about 1,000,000 / maxPauseMicros times per second. Chronicle's own bound is 20 ms.
     */
    @Range(min = 10, max = 1_000_000, note = "longest sleep of a balanced or sleepy group, microseconds")
    public int maxPauseMicros = DEFAULT_MAX_PAUSE_MICROS;
}
