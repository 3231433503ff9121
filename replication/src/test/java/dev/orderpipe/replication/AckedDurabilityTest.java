package dev.orderpipe.replication;

import dev.orderpipe.pipeline.Prices;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.TestPipelines;
import dev.orderpipe.pipeline.api.NotAcknowledgedException;
import dev.orderpipe.pipeline.api.OrderEntry;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.codes.Side;
import dev.orderpipe.pipeline.codes.TimeInForce;
import dev.orderpipe.pipeline.config.PipelineConfig;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Acknowledged durability: with {@code replication.ackedReplicas: 1} an order-entry write returns only once the
 * replica holds the record, and fails loudly when no replica acknowledges it in time.
 */
class AckedDurabilityTest {
    private static final int ORDERS = 300;
    private static final long AAPL = Symbols.encode("AAPL");
    private static final long PRICE = Prices.parse("189.25");

    @TempDir
    Path tmp;

    @Test
    void aWriteReturnsOnlyOnceTheReplicaHoldsItAndFailsLoudlyWithoutOne() throws Exception {
        Path primary = tmp.resolve("primary");
        Path standby = tmp.resolve("standby");
        PipelineConfig config = TestPipelines.config(primary, null);
        config.replication.ackedReplicas = 1;
        config.replication.ackTimeoutMs = 300;
        Endpoint replicaAt = Endpoint.freeLoopback();
        Endpoint controlAt = Endpoint.freeLoopback();
        try (OrderEntry entry = OrderEntry.open(config, 7)) {
            // nothing replicates yet: the write is on the primary's queue, and fails after the timeout
            long start = System.nanoTime();
            NotAcknowledgedException e = assertThrows(NotAcknowledgedException.class,
                    () -> entry.newOrder(1, 1, AAPL, Side.BUY, OrderType.LIMIT, TimeInForce.GTC, PRICE, 100));
            long waited = (System.nanoTime() - start) / 1_000_000;
            assertTrue(waited >= 300 && waited < 5_000, "waited " + waited + " ms");
            assertTrue(e.getMessage().matches("the record at 0x[0-9a-f]+ \\(cycle \\d+, record 0\\) of orders was not"
                    + " acknowledged by 1 replica within 300 ms: it is written on this host but not known to be on a"
                    + " standby; check that orderpipe replicate runs on .*"), e.getMessage());

            long[] micros = new long[ORDERS];
            try (ReplicationSource source = new ReplicationSource(primary, List.of(replicaAt), controlAt,
                    new ReplicationSettings(tmp.resolve("aeron-p").toString(), false, null, 1 << 20));
                 Replica replica = new Replica(standby, replicaAt, "standby",
                         new ReplicationSettings(tmp.resolve("aeron-r").toString(), false, null, 0));
                 ReplicationLoop p = new ReplicationLoop("primary", source::run);
                 ReplicationLoop r = new ReplicationLoop("replica", replica::run);
                 ChronicleQueue copy = waitForCopy(standby.resolve("orders"))) {
                config.replication.ackTimeoutMs = 10_000;
                try (OrderEntry acked = OrderEntry.open(config, 8)) {
                    for (int i = 0; i < ORDERS; i++) {
                        long t0 = System.nanoTime();
                        long index = acked.newOrder(2 + i, 1, AAPL, Side.BUY, OrderType.LIMIT, TimeInForce.GTC, PRICE,
                                100);
                        micros[i] = (System.nanoTime() - t0) / 1_000;
                        // returned: so the replica's copy holds it already
                        assertTrue(copy.lastIndex() >= index, "write " + i + ": the replica's last index "
                                + Long.toHexString(copy.lastIndex()) + " is below the acknowledged "
                                + Long.toHexString(index));
                    }
                }
                Arrays.sort(micros);
                System.out.printf("acked write (write and acknowledgement), us: p50 %d, p90 %d, max %d%n",
                        micros[ORDERS / 2], micros[ORDERS * 9 / 10], micros[ORDERS - 1]);
                assertEquals(null, p.failure());
                assertEquals(null, r.failure());
                r.close(); // the replica goes down: writes are no longer acknowledged
                config.replication.ackTimeoutMs = 300;
                try (OrderEntry acked = OrderEntry.open(config, 8)) {
                    assertThrows(NotAcknowledgedException.class, () -> acked.newOrder(10_000, 1, AAPL, Side.BUY,
                            OrderType.LIMIT, TimeInForce.GTC, PRICE, 100));
                }
            }
        }
        // the replica holds every order written while it ran, and the first one (written before it started) too
        assertEquals(ReplicationHarness.records(primary.resolve("orders")).subList(0, 1 + ORDERS),
                ReplicationHarness.records(standby.resolve("orders")).subList(0, 1 + ORDERS));
    }

    @Test
    void aReplicaWhoseCopyDivergesAcknowledgesNothing() throws Exception {
        // a standby that held another primary's records (the second standby after a fail-over to the first, which
        // was behind it): its hello names an index the new primary's own records reached, so the write waiting
        // there must not be acknowledged by it: it holds another record at that index, and stops on comparing it
        Path primary = tmp.resolve("primary");
        Path standby = tmp.resolve("standby");
        PipelineConfig config = TestPipelines.config(primary, null);
        try (OrderEntry other = OrderEntry.open(TestPipelines.config(standby, null), 9)) {
            for (int i = 0; i < 20; i++)
                other.newOrder(500 + i, 2, AAPL, Side.SELL, OrderType.LIMIT, TimeInForce.GTC, PRICE, 300);
        }
        try (OrderEntry async = OrderEntry.open(config, 7)) {
            for (int i = 0; i < 19; i++)
                async.newOrder(1 + i, 1, AAPL, Side.BUY, OrderType.LIMIT, TimeInForce.GTC, PRICE, 100);
        }
        config.replication.ackedReplicas = 1;
        config.replication.ackTimeoutMs = 3_000;
        java.util.concurrent.CompletableFuture<Object> write = new java.util.concurrent.CompletableFuture<>();
        Thread writer = new Thread(() -> {
            try (OrderEntry acked = OrderEntry.open(config, 8)) {
                write.complete(acked.newOrder(100, 1, AAPL, Side.BUY, OrderType.LIMIT, TimeInForce.GTC, PRICE, 100));
            } catch (Throwable t) {
                write.complete(t);
            }
        });
        writer.start();
        ReplicationHarness.await(() -> TestPipelines.readAll(primary.resolve("orders")).size() == 20, 10_000,
                () -> "the acknowledged write never reached the primary's queue");
        Endpoint replicaAt = Endpoint.freeLoopback();
        try (ReplicationSource source = new ReplicationSource(primary, List.of(replicaAt), Endpoint.freeLoopback(),
                new ReplicationSettings(tmp.resolve("aeron-p").toString(), false, null, 1 << 20));
             Replica replica = new Replica(standby, replicaAt, "standby",
                     new ReplicationSettings(tmp.resolve("aeron-r").toString(), false, null, 0));
             ReplicationLoop p = new ReplicationLoop("primary", source::run);
             ReplicationLoop r = new ReplicationLoop("replica", replica::run)) {
            r.join(30_000);
            assertTrue(r.failure() instanceof ReplicationException && r.failure().getMessage().startsWith(
                    "the replica diverges from the primary: queue orders holds another record"), "" + r.failure());
            Object result = write.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(result instanceof NotAcknowledgedException, "the write returned " + result + ", acknowledged"
                    + " by a replica that holds another record at its index");
            Thread.sleep(300); // the primary's status, written every 100 ms, still names no acknowledgement
            try (dev.orderpipe.pipeline.metrics.ReplicationStatus.Reader reader =
                         dev.orderpipe.pipeline.metrics.ReplicationStatus.Reader.open(primary)) {
                assertEquals(-1, reader.ackedIndex("orders".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 1,
                        60_000));
            }
            assertEquals(null, p.failure());
        }
        assertEquals(20, TestPipelines.readAll(standby.resolve("orders")).size(), "the copy is left as it was");
    }

    /**
     * One acknowledged write after another across many terms of the replica's control stream (64 KB terms here): an
     * offer that meets a term's end is refused once (Aeron's ADMIN_ACTION) and must be made again, or the write it
     * acknowledges waits out its timeout, no other record coming to carry a later acknowledgement (seen in the bench:
     * write 3,478 of 5,000 not acknowledged in 10 s).
     */
    @Test
    void everyWriteIsAcknowledgedAcrossTheControlStreamsTerms() throws Exception {
        Path primary = tmp.resolve("primary");
        Path standby = tmp.resolve("standby");
        PipelineConfig config = TestPipelines.config(primary, null);
        try (OrderEntry first = OrderEntry.open(config, 7)) {
            first.newOrder(1, 1, AAPL, Side.BUY, OrderType.LIMIT, TimeInForce.GTC, PRICE, 100);
        }
        Endpoint replicaAt = Endpoint.freeLoopback();
        Endpoint controlAt = Endpoint.freeLoopbackOtherThan(replicaAt);
        String before = System.getProperty("aeron.term.buffer.length");
        System.setProperty("aeron.term.buffer.length", "65536"); // the replica's driver: its control publication
        Replica replica;
        try {
            replica = new Replica(standby, replicaAt, "standby",
                    new ReplicationSettings(tmp.resolve("aeron-r").toString(), false, null, 0));
        } finally {
            if (before == null)
                System.clearProperty("aeron.term.buffer.length");
            else
                System.setProperty("aeron.term.buffer.length", before);
        }
        int writes = 3_000; // each acknowledgement frame takes 64 bytes of a term: about three terms' worth
        try (replica;
             ReplicationSource source = new ReplicationSource(primary, List.of(replicaAt), controlAt,
                     new ReplicationSettings(tmp.resolve("aeron-p").toString(), false, null, 1 << 20));
             ReplicationLoop p = new ReplicationLoop("primary", source::run);
             ReplicationLoop r = new ReplicationLoop("replica", replica::run);
             ChronicleQueue copy = waitForCopy(standby.resolve("orders"))) {
            config.replication.ackedReplicas = 1;
            config.replication.ackTimeoutMs = 5_000;
            try (OrderEntry acked = OrderEntry.open(config, 8)) {
                for (int i = 0; i < writes; i++) {
                    long index = acked.newOrder(2 + i, 1, AAPL, Side.BUY, OrderType.LIMIT, TimeInForce.GTC, PRICE,
                            100);
                    assertTrue(copy.lastIndex() >= index, "write " + i);
                }
            }
            assertEquals(null, p.failure());
            assertEquals(null, r.failure());
        }
        assertEquals(1 + writes, TestPipelines.readAll(standby.resolve("orders")).size());
    }

    /** The replica's copy of a queue, once it has one. */
    private static ChronicleQueue waitForCopy(Path dir) throws InterruptedException {
        ReplicationHarness.await(() -> dev.orderpipe.pipeline.infra.Queues.isQueueDir(dir), 30_000,
                () -> "no copy at " + dir);
        return SingleChronicleQueueBuilder.binary(dir).readOnly(true).build();
    }
}
