package dev.orderpipe.pipeline.config;

import java.util.List;

/**
 * The stage-group layouts built into the jar, selected by name ({@code --layout} of run, replay and demo,
 * {@code --layouts} of bench): a layout is a {@code groups} section that replaces the groups of the config in use
 * (a {@code --config} file or the embedded default), and may turn {@code pretouch} on; it changes nothing else and
 * never turns pretouch off.
 * <ul>
 *     <li>{@value #DEFAULT}: the embedded default's groups (conf/pipeline.yaml): every stage on one unpinned thread
 *     that sleeps when idle. It takes little CPU and runs anywhere; an order that arrives while it sleeps waits for
 *     its wake-up.</li>
 *     <li>{@value #LATENCY}: conf/latency.yaml: every stage on one thread that spins on CPU 1, the one CPU a 2-core
 *     machine can reserve (CPU 0 stays for the order writers and the operating system). It takes that CPU whole, and
 *     turns {@code pretouch} on: the spinning thread's writes would otherwise stop for a page fault at every new
 *     page of a queue (milliseconds in the tail at 10,000/s).</li>
 * </ul>
 */
public final class Layouts {
    public static final String DEFAULT = "default";
    public static final String LATENCY = "latency";
    /** Every layout name, in the order help texts list them. */
    public static final List<String> NAMES = List.of(DEFAULT, LATENCY);
    /** Classpath location of the latency layout (conf/latency.yaml as built into the jar). */
    static final String LATENCY_FILE = "/dev/orderpipe/pipeline/conf/latency.yaml";

    private Layouts() {
    }

    /**
     * The stage groups of a layout, checked against this machine (a CPU it names must be present).
     *
     * @throws ConfigException for an unknown name or a layout this machine cannot run
     */
    public static List<StageGroupConfig> groups(String layout) {
        return read(layout).groups;
    }

    /**
     * A copy of {@code config} whose groups are the layout's, with pretouch on if the layout turns it on, validated;
     * {@code config} is left as it was.
     *
     * @throws ConfigException for an unknown name or a layout this machine cannot run
     */
    public static PipelineConfig apply(PipelineConfig config, String layout) {
        PipelineConfig read = read(layout);
        PipelineConfig c = config.deepCopy();
        c.groups = read.groups;
        c.pretouch |= read.pretouch;
        return c.validate();
    }

    /** The layout's file read over the embedded default (the file holds its own keys only). */
    private static PipelineConfig read(String layout) {
        if (DEFAULT.equals(layout))
            return PipelineConfig.loadDefault();
        if (LATENCY.equals(layout))
            return PipelineConfig.parse(PipelineConfig.embedded(LATENCY_FILE), "latency layout (conf/latency.yaml)",
                    PipelineConfig.loadDefault());
        throw new ConfigException("unknown layout '" + layout + "': use one of " + String.join(", ", NAMES));
    }
}
