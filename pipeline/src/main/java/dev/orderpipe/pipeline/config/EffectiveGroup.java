package dev.orderpipe.pipeline.config;

import net.openhft.chronicle.wire.SelfDescribingMarshallable;

import java.util.ArrayList;
import java.util.List;

/**
 * A stage group as it runs: its name, its stages, the pauser it idles with as built on this machine (with its
 * back-off bound, {@link GroupPauser}) and its CPU. The start log prints it; replay summaries record it (a run's
 * latency depends on it as much as on the code) and bench reports name it for each variant.
 */
public final class EffectiveGroup extends SelfDescribingMarshallable {
    public String name = "";
    public List<String> stages = new ArrayList<>();
    /** The pauser as {@link GroupPauser#toString()} describes it, e.g. {@code busy (spin)}. */
    public String pauser = "";
    /** The CPU reserved for the group's thread, -1 when it runs unpinned. */
    public int cpu = -1;

    /** The groups of a validated config, in config order. */
    public static List<EffectiveGroup> of(PipelineConfig config) {
        List<EffectiveGroup> groups = new ArrayList<>();
        for (int i = 0; i < config.groups.size(); i++)
            groups.add(of(config.groups.get(i), "groups[" + i + "]"));
        return groups;
    }

    /** One group; {@code key} names it in a message about its pauser. */
    public static EffectiveGroup of(StageGroupConfig g, String key) {
        EffectiveGroup e = new EffectiveGroup();
        e.name = g.name;
        e.stages = new ArrayList<>(g.stages);
        e.pauser = GroupPauser.of(g, key).toString();
        e.cpu = g.cpu;
        return e;
    }

    /** One line: {@code hot: ingress risk matching egress; pauser busy (spin); cpu 1}. */
    public String describe() {
        return name + ": " + String.join(" ", stages) + "; pauser " + pauser + "; "
                + (cpu < 0 ? "unpinned" : "cpu " + cpu);
    }

    /** {@link #describe()} of each group, joined by {@code separator}. */
    public static String describe(List<EffectiveGroup> groups, String separator) {
        StringBuilder sb = new StringBuilder();
        for (EffectiveGroup g : groups)
            sb.append(sb.length() == 0 ? "" : separator).append(g.describe());
        return sb.toString();
    }
}
