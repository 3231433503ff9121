package dev.orderpipe.replication;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A primary's or a replica's loop ({@link ReplicationSource#run}, {@link Replica#run}) on a thread of its own, for an
 * embedder that runs replication beside its own work (the bench, tests): {@link #close()} stops it and waits for it;
 * a failure that ended it is kept ({@link #failure()}, {@link #check()}).
 */
public final class ReplicationLoop implements AutoCloseable {
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stop;

    /**
     * How the replication loops (and with them the embedded driver) wait when a round found nothing to do. Chronicle's
     * and Aeron's busy spin would take a CPU each, which a host of two shares with the pipeline; so it spins a little,
     * then yields for about 100 us (a yield lets any runnable thread have the CPU, and a record or acknowledgement
     * that comes meanwhile, the next write of a writer waiting for its acknowledgement for one, is taken at once),
     * and only then parks, from 10 to 100 us (a park on Linux lasts at least the timer slack, 50 us).
     */
    public static IdleStrategy idleStrategy() {
        return new BackoffIdleStrategy(20, 200, 10_000, 100_000);
    }

    /** Starts {@code body} (given "stop now?") on a daemon thread named {@code name}. */
    public ReplicationLoop(String name, Consumer<BooleanSupplier> body) {
        thread = new Thread(() -> {
            try {
                body.accept(() -> stop);
            } catch (Throwable t) {
                failure.set(t);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * The CPU time the loop's thread has used so far, in nanoseconds (-1 where the JVM does not measure it): what a
     * stretch of replication cost, apart from whatever else this host ran meanwhile.
     */
    public long cpuNanos() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        return mx.isThreadCpuTimeSupported() ? mx.getThreadCpuTime(thread.getId()) : -1;
    }

    /** Whether the loop still runs. */
    public boolean alive() {
        return thread.isAlive();
    }

    /** Waits at most {@code millis} for the loop to end by itself. */
    public void join(long millis) throws InterruptedException {
        thread.join(millis);
    }

    /** What ended the loop, or null. */
    public Throwable failure() {
        return failure.get();
    }

    /** Throws when the loop ended with a failure. */
    public void check() {
        Throwable t = failure.get();
        if (t != null)
            throw new IllegalStateException(thread.getName() + " failed: " + t, t);
    }

    @Override
    public void close() {
        stop = true;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
