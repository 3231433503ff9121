package dev.orderpipe.pipeline.infra;

import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.config.StageGroupConfig;
import net.openhft.affinity.Affinity;
import net.openhft.affinity.AffinityLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.BitSet;

/**
 * Keeps threads that are not pinned off the CPUs that stage groups are pinned to. A group pinned to a CPU with a
 * busy pauser spins there; an unpinned thread (another group, the replay driver, a command's main thread) that the
 * scheduler puts on that CPU would take turns with the spinner and both would see milliseconds of delay. Linux lets any
 * thread run on any CPU of the process unless told otherwise, so each such thread narrows its own affinity to the
 * process's CPUs minus the pinned ones.
 */
public final class CpuPlacement {
    private static final Logger LOG = LoggerFactory.getLogger(CpuPlacement.class);

    private CpuPlacement() {
    }

    /**
     * How many CPUs the process may run on. Not {@code Runtime.availableProcessors()} alone: on Linux that counts the
     * calling thread's CPUs (and a container JVM keeps the count for 20 ms, whichever thread asked), so a thread
     * kept off a pinned CPU, or one asking just after it, is told one fewer.
     */
    public static int processCpus() {
        return Math.max(Runtime.getRuntime().availableProcessors(), AffinityLock.BASE_AFFINITY.cardinality());
    }

    /** The CPUs the config's groups are pinned to (empty when none is). */
    public static BitSet pinned(PipelineConfig config) {
        BitSet cpus = new BitSet();
        for (StageGroupConfig g : config.groups)
            if (g.cpu >= 0)
                cpus.set(g.cpu);
        return cpus;
    }

    /** The process's CPUs without {@code pinned}, or null when nothing needs to move (none pinned, or none left). */
    public static BitSet others(BitSet pinned) {
        if (pinned.isEmpty())
            return null;
        BitSet rest = (BitSet) AffinityLock.BASE_AFFINITY.clone();
        rest.andNot(pinned);
        return rest.isEmpty() ? null : rest;
    }

    /**
     * Moves the calling thread onto the process's CPUs other than {@code pinned}; nothing when none is pinned.
     *
     * @return the thread's affinity before, for {@link #restore(BitSet)}; null when it was not changed
     */
    public static BitSet keepOff(BitSet pinned, String who) {
        BitSet rest = others(pinned);
        if (rest == null)
            return null;
        BitSet before = Affinity.getAffinity();
        Affinity.setAffinity(rest);
        LOG.debug("{} runs on CPUs {}, off the pinned CPUs {}", who, rest, pinned);
        return before;
    }

    /** Gives the calling thread back the affinity {@link #keepOff} returned (nothing for null). */
    public static void restore(BitSet before) {
        if (before != null)
            Affinity.setAffinity(before);
    }
}
