package dev.orderpipe.pipeline.config;

import java.util.ArrayList;
import java.util.List;

/** One runner thread: the stages it runs round-robin, the CPU it is pinned to (-1: none) and how it idles. */
public final class StageGroupConfig extends StrictConfig {
    /** Thread name suffix. */
    public String name = "";
    /** Stage names: ingress, risk, matching, egress. */
    public List<String> stages = new ArrayList<>();
    /** CPU to reserve with OpenHFT Affinity, or -1 to leave the thread unpinned. */
    @Range(min = -1, max = 65_535, note = "-1 leaves the group unpinned")
    public int cpu = -1;
    /** Chronicle pauser when idle: busy, yielding, balanced, sleepy, milli, timedBusy. */
    public String pauser = "balanced";
}
