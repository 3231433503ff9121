package dev.orderpipe.pipeline.snapshot;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.book.MatchingEngine;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.config.SymbolConfig;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.risk.RiskEngine;
import net.openhft.chronicle.queue.ChronicleQueue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The state a fresh pipeline starts from instead of nothing: risk's and matching's snapshots in another data
 * directory (a capture), each covering a given input of that directory, and the last report matching had written
 * then. What {@code replay --from-session} seeds its pipeline with, so that it re-drives one session of a multi-day
 * capture: the pipeline's stages restore the snapshots when their outputs are empty ({@link #restore}), matching's
 * report numbering goes on from that report's seq, and egress reads its first report as the one after it.
 */
public final class SnapshotSeed {
    private final Path dataDir;
    private final PipelineConfig config;
    private final SnapshotStore.Found risk;
    private final SnapshotStore.Found matching;
    private final OrderInfo lastReport;

    private SnapshotSeed(Path dataDir, PipelineConfig config, SnapshotStore.Found risk, SnapshotStore.Found matching,
                         OrderInfo lastReport) {
        this.dataDir = dataDir;
        this.config = config;
        this.risk = risk;
        this.matching = matching;
        this.lastReport = lastReport;
    }

    /**
     * The newest valid snapshot of {@code stage} in the data directory {@code dataDir} that covers exactly the input
     * at {@code coveredInput}, of the shape {@code config} gives the stage; null when there is none (none taken
     * there, or damaged, or of another shape: the snapshot store's WARN says which).
     */
    public static SnapshotStore.Found find(Path dataDir, PipelineConfig config, String stage, long coveredInput) {
        Path dir = SnapshotStore.dir(dataDir, stage);
        if (!Files.isDirectory(dir) || !Queues.isQueueDir(dir))
            return null;
        try (ChronicleQueue q = Queues.openVerified(dir)) {
            return new SnapshotStore(stage, q, config.snapshots, shape(config, stage))
                    .latest(f -> f.coveredInput == coveredInput);
        }
    }

    /**
     * A seed of both stages.
     *
     * @param lastReport the report at {@code matching}'s last output ({@link SnapshotStore.Found#outputLast}), read
     *                   from the data directory's executions queue
     */
    public static SnapshotSeed of(Path dataDir, PipelineConfig config, SnapshotStore.Found risk,
                                  SnapshotStore.Found matching, OrderInfo lastReport) {
        // the seeded pipeline's inputs are indexed afresh: its first report names an input after none
        OrderInfo before = new OrderInfo().copyFrom(lastReport).sourceIndex(-1);
        return new SnapshotSeed(dataDir, config, risk, matching, before);
    }

    private static long shape(PipelineConfig config, String stage) {
        return stage.equals("risk") ? RiskEngine.snapshotShape(config.risk)
                : MatchingEngine.snapshotShape(config.matching, SymbolConfig.names(config.risk.symbols));
    }

    /**
     * Restores {@code stage}'s snapshot into the engine ({@code restore} reads the payload as the stage's restart
     * does), on the stage's thread.
     */
    public void restore(String stage, Consumer<SnapshotReader> restore) {
        SnapshotStore.Found found = stage.equals("risk") ? risk : matching;
        try (ChronicleQueue q = Queues.openVerified(SnapshotStore.dir(dataDir, stage));
             SnapshotStore.Payload payload = new SnapshotStore(stage, q, config.snapshots, shape(config, stage))
                     .open(found)) {
            restore.accept(payload.reader());
            if (!payload.reader().atEnd())
                throw new IllegalStateException(SnapshotStore.DIR + "/" + stage + ": the seed snapshot "
                        + Queues.describeIndex(q, found.index) + " holds more than was restored");
        }
    }

    /**
     * The report before the first one the seeded pipeline writes (its seq, and whether its input's reports are
     * complete), naming no input: the seeded pipeline's inputs are indexed afresh.
     */
    public OrderInfo lastReport() {
        return lastReport;
    }
}
