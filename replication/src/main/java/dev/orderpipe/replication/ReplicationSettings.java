package dev.orderpipe.replication;

/**
 * How replication reaches the network: the media driver (embedded in the process by default, with its directory
 * {@code aeronDir} or a fresh one; or an external one running on {@code aeronDir}), the network interface of a
 * multicast group (null: the default one) and the term length of the data stream (0: the driver's default).
 */
public record ReplicationSettings(String aeronDir, boolean externalDriver, String networkInterface, int termLength) {
    /** An embedded driver in a fresh directory, unicast defaults. */
    public static ReplicationSettings embedded() {
        return new ReplicationSettings(null, false, null, 0);
    }
}
