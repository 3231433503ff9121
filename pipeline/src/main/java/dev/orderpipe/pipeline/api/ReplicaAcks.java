package dev.orderpipe.pipeline.api;

import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.metrics.ReplicationStatus;
import net.openhft.chronicle.queue.RollCycle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * Acknowledged durability for an order-entry writer: {@link #await} returns once {@code replicas} replicas have
 * acknowledged a record of the queue (as {@code orderpipe replicate} running on the data directory writes their
 * acknowledgements to {@link ReplicationStatus#FILE}), and throws {@link NotAcknowledgedException} after the timeout.
 * A replica acknowledges a record once it is in its own copy of the queue (its page cache: it survives the loss of
 * this host and a crash of the replica's process). Allocation-free while it waits (positional reads of the file).
 */
final class ReplicaAcks implements AutoCloseable {
    /** An acknowledgement is taken only from a replicate process that wrote its heartbeat this recently. */
    private static final long STALE_MS = 1_000;
    /** Looks at the acknowledgements (a read of a few hundred bytes and a yield: a few microseconds) before parking. */
    private static final int YIELDS = 500;

    private final Path dataDir;
    private final String queueName;
    private final byte[] queue;
    private final int replicas;
    private final long timeoutNanos;
    private final RollCycle rollCycle;
    private ReplicationStatus.Reader reader;

    ReplicaAcks(Path dataDir, String queueName, RollCycle rollCycle, int replicas, long timeoutMillis) {
        this.dataDir = dataDir;
        this.queueName = queueName;
        this.queue = queueName.getBytes(StandardCharsets.US_ASCII);
        this.replicas = replicas;
        this.timeoutNanos = timeoutMillis * 1_000_000L;
        this.rollCycle = rollCycle;
    }

    /**
     * Waits until {@code index} is acknowledged by enough replicas: yielding at first (a spin would keep a CPU from
     * the replication loop the acknowledgement comes through, on a host of two; a yield lets it run and costs a
     * microsecond when nothing else waits), for about the round trip to a replica and back, then parking briefly.
     */
    void await(long index) {
        long start = System.nanoTime();
        int polls = 0;
        try {
            while (true) {
                if (reader == null)
                    reader = ReplicationStatus.Reader.open(dataDir);
                if (reader != null && reader.ackedIndex(queue, replicas, STALE_MS) >= index)
                    return;
                if (System.nanoTime() - start > timeoutNanos)
                    throw new NotAcknowledgedException("the record at " + Queues.describeIndex(rollCycle, index)
                            + " of " + queueName + " was not acknowledged by " + replicas + " replica"
                            + (replicas == 1 ? "" : "s") + " within " + timeoutNanos / 1_000_000 + " ms: it is written"
                            + " on this host but not known to be on a standby; check that orderpipe replicate runs on "
                            + dataDir + " and its replicas are in step (orderpipe stats " + dataDir + ")");
                if (++polls < YIELDS)
                    Thread.yield();
                else
                    LockSupport.parkNanos(20_000);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dataDir.resolve(ReplicationStatus.FILE) + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            if (reader != null)
                reader.close();
        } catch (IOException e) {
            // read-only: nothing to lose
        }
    }
}
