package dev.orderpipe.pipeline.stage;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.config.ConfigException;
import dev.orderpipe.pipeline.infra.CpuPlacement;
import dev.orderpipe.pipeline.infra.PlacementFixture;
import dev.orderpipe.pipeline.infra.QueueInput;
import dev.orderpipe.pipeline.infra.Queues;
import net.openhft.affinity.Affinity;
import net.openhft.affinity.AffinityLock;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.threads.Pauser;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runner's finish protocol and its stall watch, on real queues. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StageRunnerTest {

    /** Reads its queue and counts; {@link Gate} stops it from reading. */
    private static class Reader extends QueueInputStage {
        volatile boolean reading = true;
        long read;

        Reader(QueueInput input) {
            super("reader", input);
        }

        @Override
        public void open() {
            openInput();
        }

        @Override
        protected void onRecord() {
            read++;
        }

        @Override
        protected void closeOutput() {
        }
    }

    /** A stage that reads only while its reader's {@code reading} is set: unset, a reader blind to its input. */
    private static final class Gate implements Stage {
        private final Reader reader;

        Gate(Reader reader) {
            this.reader = reader;
        }

        @Override
        public String name() {
            return "matching";
        }

        @Override
        public void open() {
            reader.open();
        }

        @Override
        public int doWork() {
            return reader.reading ? reader.doWork() : 0;
        }

        @Override
        public long inputIndex() {
            return reader.inputIndex();
        }

        @Override
        public boolean atEndOfInput() {
            return reader.atEndOfInput();
        }

        @Override
        public void close() {
            reader.close();
        }
    }

    private static void write(ChronicleQueue q, int n) {
        try (ExcerptAppender appender = q.createAppender()) {
            OrderInfo r = new OrderInfo();
            for (int i = 1; i <= n; i++)
                appender.writeBytes(r.reset().orderId(i));
        }
    }

    @Test
    void aStageWithInputWaitingAndNoProgressIsReportedAndStopsThePipeline(@TempDir Path dir) throws Exception {
        try (ChronicleQueue q = Queues.open(dir.resolve("checked"), RollCycles.FAST_DAILY)) {
            write(q, 50);
            Reader reader = new Reader(new QueueInput("checked", q));
            Gate stage = new Gate(reader);
            AtomicBoolean upstreamDone = new AtomicBoolean(true);
            StageLink link = StageLink.source(stage, upstreamDone::get);
            CompletableFuture<Throwable> failure = new CompletableFuture<>();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream stderr = System.err;
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            StageRunner runner = new StageRunner("g", -1, Pauser.millis(1), 600,
                    (s, index, error) -> failure.complete(error), List.of(link));
            try {
                runner.start();
                waitUntil(link::isFinished, "finished at the end of its input");
                assertEquals(50, reader.read);
                Thread.sleep(1_000);
                assertFalse(failure.isDone(), "an idle stage at the end of its input is not stalled");
            } finally {
                runner.stop();
                runner.join(5_000);
            }
            // a reader that reads the 50 records, then stops seeing its input while 30 more arrive
            QueueInput blindInput = new QueueInput("checked", q);
            Reader blind = new Reader(blindInput);
            StageLink blindLink = StageLink.fedFromOutside(new Gate(blind), blindInput); // never finished
            StageRunner second = new StageRunner("g", -1, Pauser.millis(1), 600,
                    (s, index, error) -> failure.complete(error), List.of(blindLink));
            try {
                blind.reading = true;
                second.start();
                waitUntil(() -> blind.read == 50, "read the 50 records");
                blind.reading = false;
                write(q, 30);
                long t0 = System.nanoTime();
                Throwable error = failure.get(10, TimeUnit.SECONDS);
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertInstanceOf(StageStalledException.class, error);
                assertTrue(error.getMessage().startsWith("stage 'matching' has made no progress for "),
                        error.getMessage());
                assertTrue(error.getMessage().contains("its input queue 'checked' holds 30 records beyond its reader"),
                        error.getMessage());
                assertFalse(error.getMessage().contains("\n"), "one line");
                assertTrue(ms >= 600 && ms < 5_000, "stopped after the stall timeout, not before: " + ms + " ms");
            } finally {
                second.stop();
                second.join(5_000);
                System.setErr(stderr);
            }
            String log = err.toString(StandardCharsets.UTF_8);
            assertTrue(log.contains("WARN") && log.contains("stage 'matching' has made no progress")
                    && log.contains("'checked' holds 30 records"), log);
        }
    }

    @Test
    void aStageIsFinishedOnlyAfterItsUpstreamAndAtTheEndOfItsInput(@TempDir Path dir) throws Exception {
        try (ChronicleQueue q = Queues.open(dir.resolve("orders"), RollCycles.FAST_DAILY)) {
            write(q, 10);
            Reader reader = new Reader(new QueueInput("orders", q));
            Gate stage = new Gate(reader);
            AtomicBoolean upstreamDone = new AtomicBoolean(false);
            StageLink up = StageLink.source(stage, upstreamDone::get);
            StageRunner runner = new StageRunner("g", -1, Pauser.millis(1), 60_000,
                    (s, index, error) -> { }, List.of(up));
            try {
                runner.start();
                waitUntil(() -> reader.read == 10, "read everything");
                Thread.sleep(50);
                assertFalse(up.isFinished(), "not finished while its upstream may still write");
                reader.reading = false;
                write(q, 5);
                upstreamDone.set(true);
                Thread.sleep(100);
                assertFalse(up.isFinished(), "not finished with input it has not read");
                assertFalse(runner.isFinished());
                reader.reading = true;
                waitUntil(up::isFinished, "finished once it read the rest");
                assertEquals(15, reader.read);
                waitUntil(runner::isFinished, "the runner reports its group finished");
            } finally {
                runner.stop();
                runner.join(5_000);
            }
        }
    }

    @Test
    void anUnpinnedGroupKeepsOffTheCpusOtherGroupsArePinnedTo(@TempDir Path dir) throws Exception {
        BitSet all = AffinityLock.BASE_AFFINITY;
        Assumptions.assumeTrue(all.cardinality() >= 2 && Affinity.getAffinity().equals(all),
                "needs two CPUs and a settable thread affinity");
        BitSet pinned = new BitSet();
        pinned.set(all.length() - 1); // the last CPU, as a busy group would take it
        BitSet expected = (BitSet) all.clone();
        expected.andNot(pinned);
        try (ChronicleQueue q = Queues.open(dir.resolve("orders"), RollCycles.FAST_DAILY)) {
            CompletableFuture<BitSet> seen = new CompletableFuture<>();
            Reader reader = new Reader(new QueueInput("orders", q)) {
                @Override
                public void open() {
                    seen.complete(Affinity.getAffinity());
                    super.open();
                }
            };
            StageRunner runner = new StageRunner("g", -1, Pauser.millis(1), 60_000, (s, index, error) -> { },
                    List.of(StageLink.source(reader, () -> false))).keepOff(pinned);
            try {
                runner.start();
                assertEquals(expected, seen.get(20, TimeUnit.SECONDS));
            } finally {
                runner.stop();
                runner.join(5_000);
            }
        }
        // the helper gives a thread back what it had
        BitSet before = CpuPlacement.keepOff(pinned, "test");
        try {
            assertEquals(expected, Affinity.getAffinity());
        } finally {
            CpuPlacement.restore(before);
        }
        assertEquals(all, Affinity.getAffinity());
        assertEquals(null, CpuPlacement.keepOff(new BitSet(), "nothing pinned"));
    }

    /**
     * A group that asks for a CPU OpenHFT Affinity will not reserve (CPU 0 by default: it stays for the operating system)
     * fails with its one line. Affinity's acquireLock(cpu) binds the thread to any other free CPU instead, and the group
     * spun there while the config, the logs and every thread that keeps off pinned CPUs took it to be on the CPU asked
     * for: on a 2-core machine the senders ran beside the spinning group, and the sweep moved no thread (the CPU asked
     * for and the one bound left no CPU for them).
     */
    @Test
    void aGroupThatAsksForACpuItCannotReserveFailsInsteadOfSpinningOnAnother(@TempDir Path dir) throws Exception {
        int cpu = -1;
        for (int c = AffinityLock.BASE_AFFINITY.nextSetBit(0); c >= 0; c = AffinityLock.BASE_AFFINITY.nextSetBit(c + 1))
            if (!AffinityLock.RESERVED_AFFINITY.get(c)) {
                cpu = c;
                break;
            }
        Assumptions.assumeTrue(cpu >= 0 && AffinityLock.RESERVED_AFFINITY.intersects(AffinityLock.BASE_AFFINITY),
                "needs a CPU of this process Affinity does not reserve, and one it does");
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        CompletableFuture<BitSet> openedOn = new CompletableFuture<>();
        try (ChronicleQueue q = Queues.open(dir.resolve("orders"), RollCycles.FAST_DAILY)) {
            Reader reader = new Reader(new QueueInput("orders", q)) {
                @Override
                public void open() {
                    openedOn.complete(Affinity.getAffinity());
                    super.open();
                }
            };
            StageRunner runner = pinned(cpu, reader, failed);
            try {
                runner.start();
                waitUntil(() -> failed.isDone() || openedOn.isDone(), "the group failed or opened");
                assertTrue(failed.isDone(), "group asked for CPU " + cpu + " opened on " + openedOn.getNow(null)
                        + ", bound to CPU " + runner.boundCpu());
                assertInstanceOf(ConfigException.class, failed.get());
                assertTrue(failed.get().getMessage().contains("could not reserve CPU " + cpu),
                        failed.get().getMessage());
                assertEquals(-1, runner.boundCpu());
            } finally {
                runner.stop();
                runner.join(5_000);
            }
        }
    }

    @Test
    void aPinnedGroupMovesTheJvmsOtherThreadsOffItsCpuUntilItStops(@TempDir Path dir) throws Exception {
        BitSet all = PlacementFixture.assumePlaceable();
        int cpu = all.length() - 1;
        BitSet rest = (BitSet) all.clone();
        rest.clear(cpu);
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        try (PlacementFixture.Waiting b = PlacementFixture.Waiting.bystander("bystander");
             ChronicleQueue q = Queues.open(dir.resolve("orders"), RollCycles.FAST_DAILY)) {
            StageRunner runner = pinned(cpu, new Reader(new QueueInput("orders", q)), failed);
            try {
                runner.start();
                waitUntil(() -> rest.equals(CpuPlacement.allowedCpus(b.tid)) || failed.isDone(),
                        "the bystander moved off CPU " + cpu);
                Assumptions.assumeFalse(failed.isDone(), () -> "CPU " + cpu + " could not be reserved: "
                        + failed.getNow(null));
                assertEquals(cpu, runner.boundCpu());
                assertEquals(rest, Affinity.getAffinity(), "the thread that started the group moved too");
            } finally {
                runner.stop();
                runner.join(5_000);
            }
            assertEquals(all, CpuPlacement.allowedCpus(b.tid), "given its CPUs back when the group stopped");
            assertEquals(all, Affinity.getAffinity());
        } finally {
            Affinity.setAffinity(all);
        }
    }

    /**
     * A thread started while a pinned group runs, by a thread the group moved off its CPU (the command's own, a pool's),
     * inherits the narrowed CPUs: when the group stops it gets the CPU back too, as the threads moved did.
     */
    @Test
    void aThreadStartedWhileAPinnedGroupRunsGetsItsCpuBackWhenTheGroupStops(@TempDir Path dir) throws Exception {
        BitSet all = PlacementFixture.assumePlaceable();
        int cpu = all.length() - 1;
        BitSet rest = (BitSet) all.clone();
        rest.clear(cpu);
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        PlacementFixture.Waiting later = null;
        try (ChronicleQueue q = Queues.open(dir.resolve("orders"), RollCycles.FAST_DAILY)) {
            StageRunner runner = pinned(cpu, new Reader(new QueueInput("orders", q)), failed);
            try {
                runner.start();
                waitUntil(() -> rest.equals(Affinity.getAffinity()) || failed.isDone(), "this thread moved off CPU " + cpu);
                Assumptions.assumeFalse(failed.isDone(), () -> "CPU " + cpu + " could not be reserved: "
                        + failed.getNow(null));
                later = PlacementFixture.Waiting.bystander("later");
                assertEquals(rest, CpuPlacement.allowedCpus(later.tid), "started off CPU " + cpu + ", as its creator");
            } finally {
                runner.stop();
                runner.join(5_000);
            }
            assertEquals(all, Affinity.getAffinity(), "the thread moved got its CPUs back");
            assertEquals(all, CpuPlacement.allowedCpus(later.tid), "so did the thread started while the group ran");
        } finally {
            if (later != null)
                later.close();
            Affinity.setAffinity(all);
        }
    }

    /** A group of {@code reader} pinned to {@code cpu}, spinning; its failure completes {@code failed}. */
    private static StageRunner pinned(int cpu, Reader reader, CompletableFuture<Throwable> failed) {
        return new StageRunner("hot", cpu, Pauser.busy(), 60_000, (s, index, error) -> failed.complete(error),
                List.of(StageLink.source(reader, () -> false)));
    }

    private static void waitUntil(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline)
                throw new AssertionError("timed out waiting: " + what);
            Thread.sleep(5);
        }
    }
}
