package dev.orderpipe.pipeline.stage;

import net.openhft.affinity.AffinityLock;
import net.openhft.chronicle.threads.Pauser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * A thread that runs a group of stages round-robin until stopped, optionally pinned to one CPU with OpenHFT
 * Affinity, idling with a Chronicle {@link Pauser} when no stage had work.
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

    private final String name;
    private final Stage[] stages;
    private final int cpu;
    private final Pauser pauser;
    private final FailureListener failureListener;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean finished;
    private volatile int boundCpu = -1;
    private Stage failing;

    /**
     * @param name   group name; the thread is called {@code orderpipe-<name>}
     * @param stages stages in the order they run in each round
     * @param cpu    CPU to reserve, or -1 for none
     * @param pauser how to idle
     */
    public StageRunner(String name, List<Stage> stages, int cpu, Pauser pauser, FailureListener failureListener) {
        this.name = name;
        this.stages = stages.toArray(new Stage[0]);
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
        int opened = 0;
        Stage current = null;
        try {
            if (cpu >= 0) {
                lock = AffinityLock.acquireLock(cpu);
                if (!lock.isBound()) {
                    throw new IllegalStateException("group '" + name + "' could not reserve CPU " + cpu
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
            loop();
        } catch (Throwable t) {
            Stage failed = current != null ? current : this.failing;
            failureListener.onStageFailure(failed, failed == null ? -1 : failed.inputIndex(), t);
        } finally {
            for (int i = 0; i < opened; i++) {
                try {
                    stages[i].close();
                } catch (Throwable t) {
                    LOG.warn("closing stage {} failed: {}", stages[i].name(), t.toString());
                }
            }
            if (lock != null)
                lock.release();
        }
    }

    private void loop() {
        final Stage[] stages = this.stages;
        final Pauser pauser = this.pauser;
        while (running) {
            int work = 0;
            boolean allFinished = true;
            for (Stage stage : stages) {
                failing = stage;
                if (stage.isFinished())
                    continue;
                boolean upstreamDone = stage.upstreamFinished();
                int done = stage.doWork();
                if (done == 0 && upstreamDone && stage.atEndOfInput())
                    stage.markFinished();
                else
                    allFinished = false;
                work += done;
            }
            failing = null;
            if (allFinished) {
                finished = true;
                pauser.pause();
            } else if (work > 0) {
                pauser.reset();
            } else {
                pauser.pause();
            }
        }
    }
}
