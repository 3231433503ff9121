package dev.orderpipe.pipeline.config;

/**
 * Acknowledged durability (opt-in): an order-entry writer ({@link dev.orderpipe.pipeline.api.OrderEntry}) returns from
 * a write only once {@code ackedReplicas} replicas have acknowledged the record ({@code orderpipe replicate} running
 * on the data directory writes their acknowledgements to {@code replication.dat}), and fails loudly after
 * {@code ackTimeoutMs}. 0 replicas (the default): replication, if any, is asynchronous.
 */
public final class ReplicationConfig extends StrictConfig {
    /** Replicas that must acknowledge an order-entry write before it returns; 0 for none (asynchronous). */
    @Range(min = 0, max = 16)
    public int ackedReplicas = 0;
    /** How long an order-entry write waits for the acknowledgements before it fails. */
    @Range(min = 1, max = 3_600_000, note = "ms")
    public long ackTimeoutMs = 1_000;
}
