package dev.orderpipe.pipeline.stage;

import dev.orderpipe.pipeline.config.ConfigException;
import dev.orderpipe.pipeline.infra.CpuPlacement;
import net.openhft.affinity.AffinityLock;
import net.openhft.chronicle.threads.Pauser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A thread that runs a group of stages round-robin until stopped, optionally pinned to one CPU with OpenHFT
 * Affinity, idling with a Chronicle {@link Pauser} when no stage had work.
 *
 * <p>The runner decides when a stage is finished ({@link StageLink}): its upstream finished, its {@code doWork()}
 * returned 0 and it is at the end of its input. It also watches for a stalled stage: one whose input holds records
 * it does not read. Checked only in rounds where no stage had work (and every {@value #BUSY_ROUNDS_PER_CHECK} busy
 * rounds, for a stage that stalls beside a busy one), at most every {@code stallTimeout / 10}: a stage that made no
 * progress (same {@link Stage#inputIndex()}) and is not {@link Stage#atEndOfInput() at the end of its input} for half
 * the stall timeout is logged at WARN, and at the full timeout it stops the pipeline with a
 * {@link StageStalledException}.
 *
 * <p>A stage that throws stops the whole pipeline through the {@link FailureListener}, with the stage's name and
 * input index: a runner never dies silently.
 */
public final class StageRunner implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(StageRunner.class);

    /** Told when a stage fails; it stops every runner of the pipeline. */
    public interface FailureListener {
        void onStageFailure(Stage stage, long inputIndex, Throwable error);
    }

    /** How many busy rounds pass between two stall checks (a power of two). */
    static final int BUSY_ROUNDS_PER_CHECK = 1 << 16;
    /** The stall timeout of runners built without one (the default of {@code stallTimeoutMs}). */
    public static final long DEFAULT_STALL_TIMEOUT_MS = 10_000;

    private final String name;
    private final StageLink[] links;
    private final Stage[] stages;
    private final long stallTimeoutNanos;
    private final long stallCheckNanos;
    private final int cpu;
    /** CPUs other groups are pinned to, which this group keeps off when it is unpinned itself. */
    private volatile BitSet keepOff = new BitSet();
    private final Pauser pauser;
    private final FailureListener failureListener;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean finished;
    private volatile int boundCpu = -1;
    private volatile boolean opened;
    private final CountDownLatch openedOrFailed = new CountDownLatch(1);
    private Stage failing;

    private long nextStallCheck;
    private long lastStallCheck;
    private int busyRounds;

    /**
     * Runs stages fed by other processes, which never finish (the bench's), with the default stall timeout.
     *
     * @param name   group name; the thread is called {@code orderpipe-<name>}
     * @param stages stages in the order they run in each round
     * @param cpu    CPU to reserve, or -1 for none
     * @param pauser how to idle
     */
    public StageRunner(String name, List<Stage> stages, int cpu, Pauser pauser, FailureListener failureListener) {
        this(name, cpu, pauser, DEFAULT_STALL_TIMEOUT_MS, failureListener,
                stages.stream().map(s -> StageLink.fedFromOutside(s, null)).toList());
    }

    /**
     * @param name               group name; the thread is called {@code orderpipe-<name>}
     * @param cpu                CPU to reserve, or -1 for none
     * @param pauser             how to idle
     * @param stallTimeoutMillis how long a stage may have input waiting without progress before the pipeline fails
     * @param links              the stages, as wired, in the order they run in each round
     */
    public StageRunner(String name, int cpu, Pauser pauser, long stallTimeoutMillis, FailureListener failureListener,
                       List<StageLink> links) {
        this.name = name;
        this.links = links.toArray(new StageLink[0]);
        this.stages = links.stream().map(StageLink::stage).toArray(Stage[]::new);
        this.stallTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(stallTimeoutMillis);
        this.stallCheckNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(TimeUnit.SECONDS.toNanos(1),
                stallTimeoutNanos / 10));
        this.cpu = cpu;
        this.pauser = pauser;
        this.failureListener = failureListener;
        this.thread = new Thread(this, "orderpipe-" + name);
    }

    /** Starts the thread. */
    public void start() {
        thread.start();
    }

    /** Asks the thread to stop after its current round; each stage finishes the message it is on. */
    public void stop() {
        running = false;
        pauser.unpause();
    }

    /** Waits for the thread to end. */
    public boolean join(long millis) throws InterruptedException {
        thread.join(millis);
        return !thread.isAlive();
    }

    /** Whether every stage of the group has finished. */
    public boolean isFinished() {
        return finished;
    }

    /** The runner's thread (for per-thread measurements such as allocated bytes). */
    public Thread thread() {
        return thread;
    }

    /**
     * When this group is unpinned, its thread keeps off these CPUs (those other groups are pinned to, where a busy
     * pauser may spin). Call before {@link #start()}.
     */
    public StageRunner keepOff(BitSet cpus) {
        keepOff = (BitSet) cpus.clone();
        return this;
    }

    /** The CPU this group's thread is bound to, or -1 when it runs unpinned. */
    public int boundCpu() {
        return boundCpu;
    }

    public String name() {
        return name;
    }

    @Override
    public void run() {
        AffinityLock lock = null;
        CpuPlacement.Moved moved = null;
        int opened = 0;
        Stage current = null;
        try {
            if (cpu < 0)
                CpuPlacement.keepOff(keepOff, "group " + name);
            if (cpu >= 0) {
                lock = CpuPlacement.pin(cpu);
                // Affinity binds a CPU it cannot reserve to another free one: spinning there, the group would share a
                // CPU with every thread that keeps off the one the config names
                if (!lock.isBound() || lock.cpuId() != cpu) {
                    throw new ConfigException("group '" + name + "' could not reserve CPU " + cpu
                            + " (it may be taken or not reservable: set cpu: -1 to run unpinned)");
                }
                boundCpu = lock.cpuId();
                LOG.info("group {} pinned to CPU {}", name, boundCpu);
            }
            for (Stage stage : stages) {
                current = stage;
                stage.open();
                opened++;
            }
            current = null;
            if (boundCpu >= 0) {
                // the JVM's own threads (JIT compilers, GC) and those opening started never keep off by themselves
                BitSet pinned = (BitSet) keepOff.clone();
                pinned.set(boundCpu);
                moved = CpuPlacement.moveOthersOff(pinned);
                if (!moved.isEmpty())
                    LOG.info("group {}: {} other threads of this JVM moved off CPU {}", name, moved.size(), boundCpu);
            }
            for (StageLink link : links)
                link.counters.opened(link.stage.inputIndex()); // a restarted stage's lag counts from its resume point
            this.opened = true;
            openedOrFailed.countDown();
            loop();
        } catch (Throwable t) {
            Stage failed = current != null ? current : this.failing;
            for (StageLink link : links)
                if (link.stage == failed)
                    link.counters.error();
            failureListener.onStageFailure(failed, failed == null ? -1 : failed.inputIndex(), t);
        } finally {
            for (int i = 0; i < opened; i++) {
                try {
                    stages[i].close();
                } catch (Throwable t) {
                    LOG.warn("closing stage {} failed: {}", stages[i].name(), t.toString());
                }
            }
            if (moved != null)
                moved.restore();
            if (lock != null)
                CpuPlacement.unpin(lock);
            openedOrFailed.countDown(); // a group that failed to open releases its waiters too
        }
    }

    /**
     * Waits until every runner has opened its stages (tailers and appenders created, resume positions found, state
     * rebuilt) or one of them failed or ended.
     *
     * @return true once all have opened; false on time-out or when one ended without opening
     */
    public static boolean awaitOpened(List<StageRunner> runners, long timeout, TimeUnit unit)
            throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (StageRunner r : runners) {
            if (!r.openedOrFailed.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS) || !r.opened)
                return false;
        }
        return true;
    }

    private void loop() {
        final StageLink[] links = this.links;
        final Pauser pauser = this.pauser;
        while (running) {
            int work = 0;
            boolean allFinished = true;
            // one clock read per stage call: the time from the previous read is the call's (the bookkeeping between
            // calls, a few plain stores, is counted with it)
            long before = System.nanoTime();
            for (StageLink link : links) {
                if (link.isFinished())
                    continue;
                Stage stage = link.stage;
                failing = stage;
                boolean upstreamDone = link.upstreamFinished();
                int done = stage.doWork();
                long now = System.nanoTime();
                if (done > 0)
                    link.counters.worked(done, stage.inputIndex(), now - before); // plain stores, once per call
                else
                    link.counters.idle();
                if (done == 0 && upstreamDone && stage.atEndOfInput())
                    link.markFinished();
                else
                    allFinished = false;
                work += done;
                before = now;
            }
            failing = null;
            if (allFinished) {
                finished = true;
                pauser.pause();
            } else if (work > 0) {
                pauser.reset();
                if ((++busyRounds & (BUSY_ROUNDS_PER_CHECK - 1)) == 0)
                    checkStalls();
            } else {
                checkStalls();
                pauser.pause();
            }
        }
    }

    /** Rate-limited: see the class comment. Throws {@link StageStalledException} for a stage stalled too long. */
    private void checkStalls() {
        long now = System.nanoTime();
        if (now - nextStallCheck < 0)
            return;
        // a gap between checks (the machine suspended, the thread descheduled) is not the stages' stall
        boolean watched = now - lastStallCheck <= 3 * stallCheckNanos;
        lastStallCheck = now;
        nextStallCheck = now + stallCheckNanos;
        for (StageLink link : links) {
            if (link.isFinished())
                continue;
            Stage stage = link.stage;
            long index = stage.inputIndex();
            if (index != link.seenIndex || !watched || stage.atEndOfInput()) {
                link.seenIndex = index;
                link.stuckSince = 0;
                link.warned = false;
                continue;
            }
            if (link.stuckSince == 0) {
                link.stuckSince = now;
                continue;
            }
            long stuck = now - link.stuckSince;
            if (stuck >= stallTimeoutNanos) {
                failing = stage;
                throw new StageStalledException(link.describeStall(TimeUnit.NANOSECONDS.toMillis(stuck))
                        + ": the pipeline cannot make progress; stop it and start it again (the start-up check"
                        + " repairs a queue file a crash left half-created), and report it if it happens again");
            }
            if (!link.warned && stuck >= stallTimeoutNanos / 2) {
                link.warned = true;
                LOG.warn("{} (stallTimeoutMs {}: the pipeline stops if it stays so)",
                        link.describeStall(TimeUnit.NANOSECONDS.toMillis(stuck)),
                        TimeUnit.NANOSECONDS.toMillis(stallTimeoutNanos));
            }
        }
    }
}
