package dev.orderpipe.pipeline;

import dev.orderpipe.pipeline.stage.AbstractStage;
import dev.orderpipe.pipeline.stage.Stage;
import dev.orderpipe.pipeline.stage.StageRunner;

import java.util.concurrent.TimeUnit;

/**
 * Tells when the stage groups have opened their stages (tailers and appenders created, resume positions found): a
 * {@link StageRunner} opens a group's stages in order on its own thread, so a {@link #marker()} placed last in each
 * group opens once the group is open. A marker is finished from the start: the runner skips it and it never holds a
 * group's finishing up. {@link #abort()} releases the waiters when a group fails instead.
 */
public final class StartSignal {
    private int markers;
    private int opened;
    private boolean aborted;

    /** A stage to run last in one group. */
    public synchronized Stage marker() {
        markers++;
        return new Marker();
    }

    /** A group failed: nobody waits any longer. */
    public synchronized void abort() {
        aborted = true;
        notifyAll();
    }

    private synchronized void opened() {
        opened++;
        notifyAll();
    }

    /**
     * Waits until every group with a marker has opened its stages.
     *
     * @return true once they have; false on time-out or when aborted
     */
    public synchronized boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (opened < markers && !aborted) {
            long left = deadline - System.nanoTime();
            if (left <= 0)
                return false;
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return opened >= markers && !aborted;
    }

    private final class Marker extends AbstractStage {
        Marker() {
            super("started", null);
            markFinished();
        }

        @Override
        public void open() {
            opened();
        }

        @Override
        public int doWork() {
            return 0;
        }

        @Override
        public long inputIndex() {
            return -1;
        }

        @Override
        public boolean atEndOfInput() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
