package dev.orderpipe.tools.bench;

import dev.orderpipe.pipeline.Pipeline;
import dev.orderpipe.pipeline.QueuePretoucher;
import dev.orderpipe.pipeline.Queues;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.config.StageGroupConfig;
import dev.orderpipe.pipeline.stage.ExecutionListener;
import dev.orderpipe.pipeline.stage.Stage;
import dev.orderpipe.pipeline.stage.StageRunner;
import net.openhft.chronicle.queue.ChronicleQueue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a bench run drives: the sending thread appends to {@link #input()}, the measuring thread tails
 * {@link #output()}, and whatever runs in between (nothing for the floor) runs on {@link #stageThreads()}.
 */
abstract class SystemUnderTest implements AutoCloseable {
    private final List<ChronicleQueue> opened = new ArrayList<>();
    private QueuePretoucher driverPretoucher;

    /** The queue the sending thread appends to (its own instance). */
    abstract ChronicleQueue input();

    /** The queue the measuring thread reads (its own instance). */
    abstract ChronicleQueue output();

    /** Names of the threads that run the stages, for their allocation; empty for the floor. */
    abstract List<String> stageThreads();

    /** What stopped a stage, or null. */
    abstract Throwable failure();

    /**
     * Installs the measurement on the system's egress stage (its own thread, like the replay); false when there is
     * no stage to carry it (the floor), so the bench reads the output on a thread of its own.
     */
    boolean attach(ExecutionListener listener) {
        return false;
    }

    /** Stops the stages and closes every queue. */
    @Override
    public void close() {
        if (driverPretoucher != null)
            driverPretoucher.close();
        closeStages();
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

    /** The floor: one queue, appended in one thread and tailed in another; nothing in between. */
    static SystemUnderTest floor(Path dir, PipelineConfig config, boolean pretouch) {
        return new SystemUnderTest() {
            private final ChronicleQueue queue = open(dir.resolve("floor"), config);
            private final QueuePretoucher pretoucher = pretouch ? new QueuePretoucher("floor", List.of(queue),
                    QueuePretoucher.DEFAULT_INTERVAL_NANOS).start() : null;

            @Override
            ChronicleQueue input() {
                return queue;
            }

            @Override
            ChronicleQueue output() {
                return queue;
            }

            @Override
            List<String> stageThreads() {
                return List.of();
            }

            @Override
            Throwable failure() {
                return null;
            }

            @Override
            void closeStages() {
                if (pretoucher != null)
                    pretoucher.close();
            }
        };
    }

    /** The real pipeline ({@link Pipeline}) in {@code dir}, with the config's groups; its ingress idles. */
    static SystemUnderTest pipeline(Path dir, PipelineConfig source, boolean pretouch) {
        PipelineConfig config = benchConfig(source, dir, pretouch);
        Pipeline pipeline = Pipeline.start(config);
        SystemUnderTest sut = new SystemUnderTest() {
            private final ChronicleQueue in = open(dir.resolve(config.ingress.output), config);
            private final ChronicleQueue out = open(dir.resolve(config.matching.output), config);

            @Override
            ChronicleQueue input() {
                return in;
            }

            @Override
            ChronicleQueue output() {
                return out;
            }

            @Override
            List<String> stageThreads() {
                return threadNames(config);
            }

            @Override
            Throwable failure() {
                return pipeline.failure();
            }

            @Override
            boolean attach(ExecutionListener listener) {
                pipeline.executionListener(listener);
                return true;
            }

            @Override
            void closeStages() {
                pipeline.close();
            }
        };
        if (pretouch)
            sut.pretouchInput();
        return sut;
    }

    /**
     * The allocating variant: {@link NaiveStages} on the same queues, grouped on the same {@link StageRunner}
     * threads (same names, CPUs and pausers) as the config's groups.
     */
    static SystemUnderTest allocating(Path dir, PipelineConfig source, boolean pretouch) {
        PipelineConfig config = benchConfig(source, dir, pretouch);
        return new SystemUnderTest() {
            private final ChronicleQueue orders = open(dir.resolve(config.ingress.output), config);
            private final ChronicleQueue checked = open(dir.resolve(config.risk.output), config);
            private final ChronicleQueue executions = open(dir.resolve(config.matching.output), config);
            private final ChronicleQueue in = open(dir.resolve(config.ingress.output), config);
            private final ChronicleQueue out = open(dir.resolve(config.matching.output), config);
            private final QueuePretoucher pretoucher = pretouch ? new QueuePretoucher("allocating",
                    List.of(orders, checked, executions, in), QueuePretoucher.DEFAULT_INTERVAL_NANOS).start() : null;
            private final List<StageRunner> runners = new ArrayList<>();
            private final NaiveStages.Egress egress = new NaiveStages.Egress(executions);
            private volatile Throwable failure;

            {
                Map<String, Stage> byName = Map.of(
                        "risk", new NaiveStages.Risk(orders, checked, config),
                        "matching", new NaiveStages.Matching(checked, executions, config),
                        "egress", egress);
                for (StageGroupConfig g : config.groups) {
                    List<Stage> stages = new ArrayList<>();
                    for (String name : g.stages)
                        if (byName.containsKey(name))
                            stages.add(byName.get(name));
                    if (stages.isEmpty())
                        continue;
                    runners.add(new StageRunner(g.name, stages, g.cpu,
                            PipelineConfig.pauserMode(g, "groups[" + g.name + "]").get(), (stage, index, error) -> {
                                failure = error;
                                runners.forEach(StageRunner::stop);
                            }));
                }
                runners.forEach(StageRunner::start);
            }

            @Override
            ChronicleQueue input() {
                return in;
            }

            @Override
            ChronicleQueue output() {
                return out;
            }

            @Override
            List<String> stageThreads() {
                return threadNames(config);
            }

            @Override
            Throwable failure() {
                return failure;
            }

            @Override
            boolean attach(ExecutionListener listener) {
                egress.listener(listener);
                return true;
            }

            @Override
            void closeStages() {
                runners.forEach(StageRunner::stop);
                for (StageRunner r : runners) {
                    try {
                        r.join(10_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                if (pretoucher != null)
                    pretoucher.close();
            }
        };
    }

    /** The config with the run's data directory, no order file and no egress file. */
    static PipelineConfig benchConfig(PipelineConfig source, Path dir, boolean pretouch) {
        PipelineConfig config = source.deepCopy();
        config.dataDir = dir.toString();
        config.ingress.input = "";
        config.ingress.follow = false;
        config.egress.output = "";
        config.minFreeDiskMb = 0;
        config.pretouch = pretouch;
        return config.validate();
    }

    private static List<String> threadNames(PipelineConfig config) {
        List<String> names = new ArrayList<>();
        for (StageGroupConfig g : config.groups)
            names.add("orderpipe-" + g.name);
        return names;
    }
}
