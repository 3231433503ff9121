package dev.orderpipe.pipeline.infra;

import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.config.StageGroupConfig;
import net.openhft.affinity.Affinity;
import net.openhft.affinity.AffinityLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.openhft.affinity.impl.LinuxHelper;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Keeps threads that are not pinned off the CPUs that stage groups are pinned to. A group pinned to a CPU with a
 * busy pauser spins there; an unpinned thread (another group, the replay driver, a command's main thread) that the
 * scheduler puts on that CPU would take turns with the spinner and both would see milliseconds of delay. Linux lets any
 * thread run on any CPU of the process unless told otherwise, so each such thread narrows its own affinity to the
 * process's CPUs minus the pinned ones.
 *
 * <p>The threads of the JVM itself (the JIT compilers, the GC, the VM thread) and of libraries never ask: a pinned group
 * therefore moves every other thread of the process off the pinned CPUs once it has opened ({@link #moveOthersOff}),
 * and gives them their CPUs back when it stops. Measured on the 2-core build machine before that (the latency layout at
 * 10,000 orders/s): the C2 compiler thread took 178 ms of CPU 1 from the spinning group in a 3 s run, in slices of up
 * to 4 ms. Threads started later inherit the CPUs of the thread that starts them, so those too keep off. Other
 * processes and the kernel's own threads are not ours to move: on a larger machine, isolate the CPU ({@code
 * isolcpus}, a cpuset) as well.
 */
public final class CpuPlacement {
    private static final Logger LOG = LoggerFactory.getLogger(CpuPlacement.class);

    /** Guards pinning against a sweep, so a sweep never moves a thread that is pinning itself. */
    private static final Object PLACEMENT = new Object();
    /** Native ids of the threads pinned through {@link #pin}: a sweep leaves them where they are. */
    private static final Set<Integer> PINNED_THREADS = new HashSet<>();
    private static final Path TASKS = Path.of("/proc/self/task");
    /** Sweeps of {@link #moveOthersOff} at most, for threads started while one ran. */
    private static final int MAX_PASSES = 10;

    private CpuPlacement() {
    }

    /**
     * Binds the calling thread to {@code cpu} (reserving it through OpenHFT Affinity) and registers it as pinned, so
     * {@link #moveOthersOff} leaves it there. Check {@link AffinityLock#isBound()} and {@link AffinityLock#cpuId()}:
     * Affinity binds a CPU it cannot reserve to another free one, and a thread bound elsewhere is not registered. Give
     * the lock to {@link #unpin}.
     */
    public static AffinityLock pin(int cpu) {
        synchronized (PLACEMENT) {
            AffinityLock lock = AffinityLock.acquireLock(cpu);
            if (lock.isBound() && lock.cpuId() == cpu)
                PINNED_THREADS.add(Affinity.getThreadId());
            return lock;
        }
    }

    /** Releases what {@link #pin} reserved; on the thread that pinned. */
    public static void unpin(AffinityLock lock) {
        synchronized (PLACEMENT) {
            PINNED_THREADS.remove(Affinity.getThreadId());
            lock.release();
        }
    }

    /**
     * Moves every thread of this process that may run on a CPU of {@code pinned}, except the threads {@link #pin}
     * bound, onto the CPUs it may run on other than those (a thread with no other CPU stays). Linux only (elsewhere
     * nothing moves); not for a hot path.
     *
     * @return what was moved, for {@link Moved#restore()}
     */
    public static Moved moveOthersOff(BitSet pinned) {
        Moved moved = new Moved();
        if (pinned.isEmpty() || !Files.isDirectory(TASKS))
            return moved;
        synchronized (PLACEMENT) {
            // A thread started while a pass runs, by a thread the pass has listed but not yet moved, starts on the pinned
            // CPUs (it inherits its creator's) and was not listed: passes repeat until one has nothing new to move.
            Set<Integer> seen = new HashSet<>();
            List<String> stuck = new ArrayList<>(); // may run on pinned CPUs only
            Set<Integer> placedThemselves = new HashSet<>(); // off the pinned CPUs already when the sweep began
            for (int pass = 0; pass < MAX_PASSES; pass++) {
                List<Integer> tids;
                try {
                    tids = threadIds();
                } catch (IOException e) {
                    LOG.warn("cannot list this process's threads ({}): threads of the JVM may share the pinned CPUs {}",
                            e.toString(), pinned);
                    break;
                }
                int before = moved.size();
                for (int tid : tids) {
                    if (!seen.add(tid) || PINNED_THREADS.contains(tid))
                        continue;
                    BitSet allowed = allowedCpus(tid);
                    if (allowed != null && pass == 0 && !allowed.intersects(pinned))
                        placedThemselves.add(tid);
                    if (allowed == null || !allowed.intersects(pinned))
                        continue;
                    BitSet rest = (BitSet) allowed.clone();
                    rest.andNot(pinned);
                    if (rest.isEmpty()) {
                        stuck.add(threadName(tid));
                        continue;
                    }
                    try {
                        LinuxHelper.sched_setaffinity(tid, rest);
                        moved.add(tid, allowed, rest, threadName(tid));
                    } catch (RuntimeException | LinkageError e) {
                        LOG.debug("thread {} not moved off CPUs {}: {}", tid, pinned, e.toString()); // it ended
                    }
                }
                if (moved.size() == before)
                    break;
            }
            moved.swept(placedThemselves, pinned);
            if (!stuck.isEmpty())
                LOG.warn("{} threads of this process may run on the pinned CPUs {} only (was it started on those"
                        + " alone, with taskset?): they take turns with the pinned group there: {}", stuck.size(),
                        pinned, stuck);
        }
        if (!moved.isEmpty())
            LOG.debug("moved {} threads off the pinned CPUs {}: {}", moved.size(), pinned, moved.names());
        return moved;
    }

    /**
     * The CPUs the thread of this process with native id {@code tid} may run on (Linux: its {@code
     * /proc/self/task/TID/status}); null when it has ended or elsewhere.
     */
    public static BitSet allowedCpus(int tid) {
        Path task = TASKS.resolve(Integer.toString(tid));
        try {
            for (String line : Files.readAllLines(task.resolve("status")))
                if (line.startsWith("Cpus_allowed_list:"))
                    return parseCpuList(line.substring(line.indexOf(':') + 1).trim());
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot read the CPUs of {}: {}", task, e.toString());
        }
        return null;
    }

    /** The native ids of this process's threads now (Linux: {@code /proc/self/task}). */
    private static List<Integer> threadIds() throws IOException {
        List<Integer> tids = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(TASKS)) {
            for (Path task : dir) {
                try {
                    tids.add(Integer.parseInt(task.getFileName().toString()));
                } catch (NumberFormatException e) {
                    // not a thread
                }
            }
        }
        return tids;
    }

    private static String threadName(int tid) {
        try {
            return Files.readString(TASKS.resolve(Integer.toString(tid)).resolve("comm")).trim();
        } catch (IOException e) {
            return Integer.toString(tid);
        }
    }

    /** A Linux CPU list ({@code 0-3,5,7-8}) as a set. */
    static BitSet parseCpuList(String list) {
        BitSet cpus = new BitSet();
        if (list.isEmpty())
            return cpus;
        for (String part : list.split(",")) {
            int dash = part.indexOf('-');
            if (dash < 0) {
                cpus.set(Integer.parseInt(part.trim()));
            } else {
                cpus.set(Integer.parseInt(part.substring(0, dash).trim()),
                        Integer.parseInt(part.substring(dash + 1).trim()) + 1);
            }
        }
        return cpus;
    }

    /** The threads {@link #moveOthersOff} moved, with the CPUs each had. */
    public static final class Moved {
        private record Entry(int tid, BitSet before, BitSet after, String name) {
        }

        private final List<Entry> entries = new ArrayList<>();
        /**
         * The threads that kept off the pinned CPUs by themselves before the sweep, and the process's CPUs less the
         * pinned ones (null when nothing was swept).
         */
        private Set<Integer> placedThemselves;
        private BitSet kept;

        private void swept(Set<Integer> placedThemselves, BitSet pinned) {
            this.placedThemselves = placedThemselves;
            this.kept = (BitSet) AffinityLock.BASE_AFFINITY.clone();
            kept.andNot(pinned);
        }

        private void add(int tid, BitSet before, BitSet after, String name) {
            entries.add(new Entry(tid, before, after, name));
        }

        public boolean isEmpty() {
            return entries.isEmpty();
        }

        public int size() {
            return entries.size();
        }

        /** The names of the threads moved (as the kernel has them: 15 characters at most). */
        public List<String> names() {
            List<String> names = new ArrayList<>();
            for (Entry e : entries)
                names.add(e.name);
            return names;
        }

        /**
         * Gives each moved thread that still runs where it was put its CPUs back (one that has ended, or was placed
         * again since, is left alone), and so every other thread that runs on the process's CPUs less the pinned ones
         * but did not keep off them by itself before the sweep: started since, it inherited them from a thread moved
         * (or from one keeping off), and nothing else would give them back. Safe to call more than once.
         */
        public void restore() {
            synchronized (PLACEMENT) {
                for (Entry e : entries) {
                    BitSet now = allowedCpus(e.tid);
                    if (now == null || !now.equals(e.after))
                        continue;
                    setAffinity(e.tid, e.before);
                }
                entries.clear();
                if (placedThemselves != null && !kept.isEmpty()) {
                    try {
                        for (int tid : threadIds())
                            if (!placedThemselves.contains(tid) && !PINNED_THREADS.contains(tid)
                                    && kept.equals(allowedCpus(tid)))
                                setAffinity(tid, AffinityLock.BASE_AFFINITY);
                    } catch (IOException | RuntimeException e) {
                        LOG.debug("threads started while the group ran not given their CPUs back: {}", e.toString());
                    }
                }
                placedThemselves = null;
            }
        }

        private static void setAffinity(int tid, BitSet cpus) {
            try {
                LinuxHelper.sched_setaffinity(tid, cpus);
            } catch (RuntimeException | LinkageError x) {
                LOG.debug("thread {} not given its CPUs back: {}", tid, x.toString()); // it ended
            }
        }
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
