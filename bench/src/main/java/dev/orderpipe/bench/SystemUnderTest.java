package dev.orderpipe.bench;

import dev.orderpipe.pipeline.OperatorError;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.infra.QueueInput;
import dev.orderpipe.pipeline.Pipeline;
import dev.orderpipe.pipeline.infra.QueuePretoucher;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.metrics.MetricsReader;
import dev.orderpipe.pipeline.metrics.MetricsSnapshot;
import dev.orderpipe.pipeline.config.GroupPauser;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.config.StageGroupConfig;
import dev.orderpipe.pipeline.stage.ExecutionListener;
import dev.orderpipe.pipeline.stage.QueueInputStage;
import dev.orderpipe.pipeline.stage.Stage;
import dev.orderpipe.pipeline.stage.StageRunner;
import dev.orderpipe.replay.Replayer;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.threads.BusyPauser;
import net.openhft.chronicle.threads.Pauser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a bench run drives: the sending thread appends to {@link #input()}; whatever runs in between (nothing for the
 * floor) runs on {@link #stageThreads()}; the measurement is told of every report as the system's last stage reads
 * it ({@link #attach(ExecutionListener)}). A system is returned started: every stage has opened its tailers and
 * appenders, so a run measures the flow of orders, not the start-up.
 */
abstract class SystemUnderTest implements AutoCloseable {
    /** How long the stages may take to open. */
    private static final long START_TIMEOUT_SECONDS = 30;

    private final List<ChronicleQueue> opened = new ArrayList<>();
    private final List<StageRunner> runners = new ArrayList<>();
    private volatile RuntimeException failure;
    private QueuePretoucher driverPretoucher;

    /** The queue the sending thread appends to (its own instance). */
    abstract ChronicleQueue input();

    /** The threads that run the stages, for their allocation; empty for the floor. */
    abstract List<Thread> stageThreads();

    /** Installs the measurement on the system's last stage, which calls it on its own thread, like the replay's. */
    abstract void attach(ExecutionListener listener);

    /** Flags the sending thread sets on every order: 0 where a matching stage marks the last report of each. */
    int sendFlags() {
        return 0;
    }

    /** Whether the sending thread writes checksummed records: false only for the floor without checksums. */
    boolean checksums() {
        return true;
    }

    /** The stages' live counters (busy time and records per stage) now, or null for a system without them. */
    MetricsSnapshot stageCounters() {
        return null;
    }

    /**
     * The checked records and reports the stages took from a handoff rather than read from the queue
     * ({@link Pipeline#readsHandedOver}), or {0, 0}.
     */
    long[] readsHandedOver() {
        return new long[2];
    }

    /** What stopped a stage, or null. */
    RuntimeException failure() {
        return failure;
    }

    /** Waits until every stage has opened. */
    void awaitStarted() throws InterruptedException {
        boolean ok = StageRunner.awaitOpened(runners, START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (failure != null)
            throw failure;
        if (!ok)
            throw new IllegalStateException("the bench's stages did not open within " + START_TIMEOUT_SECONDS + " s");
    }

    /** Stops the stages and closes every queue. */
    @Override
    public void close() {
        if (driverPretoucher != null)
            driverPretoucher.close();
        closeStages();
        runners.forEach(StageRunner::stop);
        for (StageRunner r : runners) {
            try {
                r.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        opened.forEach(ChronicleQueue::close);
    }

    void closeStages() {
    }

    ChronicleQueue open(Path dir, PipelineConfig config) {
        ChronicleQueue q = Queues.open(dir, config.rollCycle());
        opened.add(q);
        return q;
    }

    /** Pretouches the sending thread's own instance of the input queue (the pipeline pretouches its own). */
    void pretouchInput() {
        driverPretoucher = new QueuePretoucher("bench-input", List.of(input()),
                QueuePretoucher.DEFAULT_INTERVAL_NANOS).start();
    }

    /** Starts a group of the bench's own stages on a {@link StageRunner}, the pipeline's runner. */
    StageRunner run(String group, List<Stage> stages, int cpu, Pauser pauser) {
        StageRunner runner = new StageRunner(group, stages, cpu, pauser, (stage, index, error) -> {
            // one the operator must act on (the CPU it pins to is taken) is reported as its one line
            failure = error instanceof OperatorError && error instanceof RuntimeException r ? r
                    : new IllegalStateException("bench stage '" + (stage == null ? group : stage.name())
                    + "' failed: " + error, error);
            runners.forEach(StageRunner::stop);
        });
        runners.add(runner);
        runner.start();
        return runner;
    }

    /** The threads of the bench's own runners. */
    List<Thread> runnerThreads() {
        List<Thread> threads = new ArrayList<>();
        for (StageRunner r : runners)
            threads.add(r.thread());
        return threads;
    }

    /** Returns {@code sut} once its stages have opened, or closes it and throws. */
    private static SystemUnderTest started(SystemUnderTest sut) {
        try {
            sut.awaitStarted();
            return sut;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sut.close();
            throw new IllegalStateException("bench interrupted");
        } catch (RuntimeException e) {
            sut.close();
            throw e;
        }
    }

    /**
     * The floor: one queue, appended in one thread and read in another (a runner that spins, on {@code cpu} unless it is
     * -1); nothing in between.
     * Without {@code checksums} the writer's and the reader's records skip the CRC32C
     * ({@link OrderInfo#withoutChecksum()}), so the difference between the two measures what the checksum costs.
     */
    static SystemUnderTest floor(Path dir, PipelineConfig config, boolean pretouch, boolean checksums, int cpu) {
        return started(new SystemUnderTest() {
            private final ChronicleQueue queue = open(dir.resolve("floor"), config);
            private final QueuePretoucher pretoucher = pretouch ? new QueuePretoucher("floor", List.of(queue),
                    QueuePretoucher.DEFAULT_INTERVAL_NANOS).start() : null;
            private final FloorReader reader = new FloorReader(queue, checksums);

            {
                run("floor", List.of(reader), cpu, BusyPauser.INSTANCE); // the floor: a reader that spins
            }

            @Override
            ChronicleQueue input() {
                return queue;
            }

            @Override
            List<Thread> stageThreads() {
                return List.of();
            }

            @Override
            void attach(ExecutionListener listener) {
                reader.listener = listener;
            }

            @Override
            boolean checksums() {
                return checksums;
            }

            /** No matching stage marks the last report of each order: every record is its own last. */
            @Override
            int sendFlags() {
                return OrderInfo.FLAG_LAST_FOR_INPUT;
            }

            @Override
            void closeStages() {
                if (pretoucher != null)
                    pretoucher.close();
            }
        });
    }

    /** The real pipeline ({@link Pipeline}) in {@code dir}, with the config's groups; its ingress idles. */
    static SystemUnderTest pipeline(Path dir, PipelineConfig source, boolean pretouch) {
        PipelineConfig config = benchConfig(source, dir, pretouch);
        Pipeline pipeline = Pipeline.start(config);
        SystemUnderTest sut = new SystemUnderTest() {
            private final ChronicleQueue in = open(dir.resolve(config.ingress.queue), config);

            @Override
            ChronicleQueue input() {
                return in;
            }

            @Override
            List<Thread> stageThreads() {
                List<Thread> threads = new ArrayList<>();
                for (StageRunner r : pipeline.runners())
                    threads.add(r.thread());
                return threads;
            }

            @Override
            RuntimeException failure() {
                return pipeline.failure();
            }

            @Override
            void awaitStarted() throws InterruptedException {
                if (!pipeline.awaitStarted(START_TIMEOUT_SECONDS, TimeUnit.SECONDS))
                    throw new IllegalStateException("the pipeline's stages did not open within "
                            + START_TIMEOUT_SECONDS + " s");
            }

            @Override
            void attach(ExecutionListener listener) {
                pipeline.executionListener(listener);
            }

            @Override
            MetricsSnapshot stageCounters() {
                try (MetricsReader reader = MetricsReader.open(pipeline.dataDir())) {
                    return reader == null ? null : reader.read();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            long[] readsHandedOver() {
                return pipeline.readsHandedOver();
            }

            @Override
            void closeStages() {
                pipeline.close();
            }
        };
        if (config.pretouch)
            sut.pretouchInput();
        return started(sut);
    }

    /**
     * The allocating variant: {@link NaiveStages} on the same queues, grouped on the same {@link StageRunner}
     * threads (same names, CPUs and pausers) as the config's groups.
     */
    static SystemUnderTest allocating(Path dir, PipelineConfig source, boolean pretouch) {
        PipelineConfig config = benchConfig(source, dir, pretouch);
        return started(new SystemUnderTest() {
            private final ChronicleQueue orders = open(dir.resolve(config.ingress.queue), config);
            private final ChronicleQueue checked = open(dir.resolve(config.risk.queue), config);
            private final ChronicleQueue executions = open(dir.resolve(config.matching.queue), config);
            private final ChronicleQueue in = open(dir.resolve(config.ingress.queue), config);
            private final QueuePretoucher pretoucher = pretouch ? new QueuePretoucher("allocating",
                    List.of(orders, checked, executions, in), QueuePretoucher.DEFAULT_INTERVAL_NANOS).start() : null;
            private final NaiveStages.Egress egress = new NaiveStages.Egress(executions);

            {
                Map<String, Stage> byName = Map.of(
                        "risk", new NaiveStages.Risk(orders, checked, config),
                        "matching", new NaiveStages.Matching(checked, executions, config),
                        "egress", egress);
                for (int i = 0; i < config.groups.size(); i++) {
                    StageGroupConfig g = config.groups.get(i);
                    List<Stage> stages = new ArrayList<>();
                    for (String name : g.stages)
                        if (byName.containsKey(name))
                            stages.add(byName.get(name));
                    if (!stages.isEmpty())
                        run(g.name, stages, g.cpu, GroupPauser.of(g, "groups[" + i + "]").create());
                }
            }

            @Override
            ChronicleQueue input() {
                return in;
            }

            @Override
            List<Thread> stageThreads() {
                return runnerThreads();
            }

            @Override
            void attach(ExecutionListener listener) {
                egress.listener(listener);
            }

            @Override
            void closeStages() {
                if (pretoucher != null)
                    pretoucher.close();
            }
        });
    }

    /**
     * The config with the run's data directory, no order file, no egress file and no free-space floor; pretouch on
     * when asked or when the source has it on (a layout that turns it on, as the latency layout does).
     */
    static PipelineConfig benchConfig(PipelineConfig source, Path dir, boolean pretouch) {
        PipelineConfig config = Replayer.replayConfig(source, dir);
        config.minFreeDiskMb = 0;
        config.pretouch |= pretouch;
        return config.validate();
    }


    /** The floor's reading side: each record read is stamped with its read time and handed to the measurement. */
    private static final class FloorReader extends QueueInputStage {
        volatile ExecutionListener listener;

        FloorReader(ChronicleQueue queue, boolean checksums) {
            super("floor", new QueueInput("floor", queue));
            if (!checksums)
                in.withoutChecksum();
        }

        @Override
        public void open() {
            openInput();
        }

        @Override
        protected void onRecord() {
            in.egressNanos(System.nanoTime());
            ExecutionListener l = listener;
            if (l != null)
                l.onReport(in);
        }

        @Override
        protected void closeOutput() {
        }
    }
}
