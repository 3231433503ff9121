package dev.orderpipe.replication;

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
