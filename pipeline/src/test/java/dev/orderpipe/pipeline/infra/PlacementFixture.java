package dev.orderpipe.pipeline.infra;

import net.openhft.affinity.Affinity;
import net.openhft.affinity.AffinityLock;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The threads the CPU placement tests place, and the machine they need. Tests only. */
public final class PlacementFixture {
    private PlacementFixture() {
    }

    /**
     * Skips the test unless threads can be placed here: Linux ({@code /proc/self/task}), two CPUs or more, and the
     * calling thread on all of them.
     *
     * @return the process's CPUs
     */
    public static BitSet assumePlaceable() {
        BitSet all = AffinityLock.BASE_AFFINITY;
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/task")) && all.cardinality() >= 2
                && Affinity.getAffinity().equals(all), "needs Linux, two CPUs and a settable thread affinity");
        return all;
    }

    /**
     * A thread that waits until closed: a bystander never places itself, as the JVM's own threads (JIT, GC) do not; a
     * holder holds a CPU through {@link CpuPlacement#pin}, as a spinning group does.
     */
    public static final class Waiting implements AutoCloseable {
        private final CountDownLatch done = new CountDownLatch(1);
        private final Thread thread;
        /** Its native thread id; -1 for a holder that could not reserve its CPU. */
        public final int tid;

        public static Waiting bystander(String name) throws Exception {
            return new Waiting(name, -1);
        }

        public static Waiting holding(int cpu) throws Exception {
            return new Waiting("holder", cpu);
        }

        private Waiting(String name, int cpu) throws Exception {
            CompletableFuture<Integer> started = new CompletableFuture<>();
            thread = new Thread(() -> {
                AffinityLock lock = cpu < 0 ? null : CpuPlacement.pin(cpu);
                try {
                    started.complete(lock == null || lock.isBound() && lock.cpuId() == cpu ? Affinity.getThreadId() : -1);
                    await(done);
                } finally {
                    if (lock != null)
                        CpuPlacement.unpin(lock);
                }
            }, name);
            thread.setDaemon(true);
            thread.start();
            tid = started.get(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            done.countDown();
            thread.join(5_000);
        }
    }

    static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
