package dev.orderpipe.pipeline.infra;

import net.openhft.affinity.Affinity;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Moving the threads that never place themselves (the JVM's own, a library's) off a pinned CPU, on real threads. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CpuPlacementTest {

    @Test
    void readsLinuxCpuLists() {
        assertEquals(bits(0, 1, 2, 3, 5, 7, 8), CpuPlacement.parseCpuList("0-3,5,7-8"));
        assertEquals(bits(0), CpuPlacement.parseCpuList("0"));
        assertEquals(new BitSet(), CpuPlacement.parseCpuList(""));
    }

    @Test
    void everyThreadButThePinnedOnesLeavesThePinnedCpuAndGetsItsCpusBack() throws Exception {
        BitSet all = PlacementFixture.assumePlaceable();
        int last = all.length() - 1;
        BitSet pinned = bits(last);
        BitSet rest = (BitSet) all.clone();
        rest.andNot(pinned);
        try (PlacementFixture.Waiting b = PlacementFixture.Waiting.bystander("bystander");
             PlacementFixture.Waiting p = PlacementFixture.Waiting.holding(last)) { // pinned as a stage group pins itself
            Assumptions.assumeTrue(p.tid > 0, "CPU " + last + " could not be reserved (another process holds it)");
            assertEquals(all, CpuPlacement.allowedCpus(b.tid));

            CpuPlacement.Moved moved = CpuPlacement.moveOthersOff(pinned);
            assertEquals(rest, CpuPlacement.allowedCpus(b.tid), "the bystander keeps off the pinned CPU");
            assertEquals(rest, Affinity.getAffinity(), "so does the thread that asked");
            assertEquals(pinned, CpuPlacement.allowedCpus(p.tid), "the pinned thread stays where it is");
            assertTrue(moved.names().contains("bystander"), moved.names().toString());
            assertTrue(moved.size() >= 3, "the JVM's own threads move too: " + moved.names());

            moved.restore();
            assertEquals(all, CpuPlacement.allowedCpus(b.tid), "given back");
            assertEquals(all, Affinity.getAffinity());
            assertEquals(pinned, CpuPlacement.allowedCpus(p.tid));
        } finally {
            Affinity.setAffinity(all);
        }
    }

    /**
     * A thread inherits its creator's CPUs: a thread started while the sweep runs, by a creator it has listed but not yet
     * moved, starts on the pinned CPU and was never listed. Here a creator the sweep reaches last (after a few hundred
     * idle threads) starts threads all the while.
     */
    @Test
    void aThreadStartedWhileTheSweepRunsKeepsOffThePinnedCpuToo() throws Exception {
        BitSet all = PlacementFixture.assumePlaceable();
        BitSet pinned = bits(all.length() - 1);
        BitSet rest = (BitSet) all.clone();
        rest.andNot(pinned);
        CountDownLatch done = new CountDownLatch(1);
        List<Thread> idle = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Thread t = new Thread(() -> PlacementFixture.await(done), "idle-" + i);
            t.setDaemon(true);
            t.start();
            idle.add(t);
        }
        Map<Thread, Integer> children = new ConcurrentHashMap<>();
        AtomicBoolean spawning = new AtomicBoolean(true);
        CountDownLatch spawnerUp = new CountDownLatch(1);
        Thread spawner = new Thread(() -> {
            spawnerUp.countDown();
            for (int n = 0; spawning.get() && n < 5_000; n++) {
                Thread c = new Thread(() -> {
                    children.put(Thread.currentThread(), Affinity.getThreadId());
                    PlacementFixture.await(done);
                }, "child-" + n);
                c.setDaemon(true);
                c.start();
                LockSupport.parkNanos(20_000);
            }
        }, "spawner");
        spawner.setDaemon(true);
        spawner.start();
        CpuPlacement.Moved moved = null;
        try {
            spawnerUp.await();
            Thread.sleep(20);
            moved = CpuPlacement.moveOthersOff(pinned);
            spawning.set(false);
            spawner.join(10_000);
            Thread.sleep(50); // every child has registered its id
            List<String> onPinned = new ArrayList<>();
            for (Map.Entry<Thread, Integer> c : children.entrySet()) {
                BitSet cpus = CpuPlacement.allowedCpus(c.getValue());
                if (cpus != null && cpus.intersects(pinned))
                    onPinned.add(c.getKey().getName() + " " + cpus);
            }
            assertTrue(children.size() > 10, "children started: " + children.size());
            assertTrue(onPinned.isEmpty(), onPinned.size() + " of " + children.size()
                    + " threads started while the sweep ran may run on the pinned CPU: "
                    + onPinned.subList(0, Math.min(5, onPinned.size())));
        } finally {
            spawning.set(false);
            done.countDown();
            if (moved != null)
                moved.restore();
            for (Thread t : idle)
                t.join(5_000);
            Affinity.setAffinity(all);
        }
    }

    private static BitSet bits(int... cpus) {
        BitSet b = new BitSet();
        for (int c : cpus)
            b.set(c);
        return b;
    }
}
