package dev.orderpipe.replication;

import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A primary and a replica of different replication protocols (docs/formats.md: protocol 1 sent one record per message
 * and no version) stop the replica with one line instead of copying, each side played here by a peer that speaks
 * protocol 1 over a media driver of its own; and the receiver window the embedded drivers take from what the OS
 * grants.
 */
class ProtocolVersionTest {
    private static final String MISMATCH = "replica and primary speak different replication protocols (%s 1, %s "
            + Messages.PROTOCOL + "): run the same orderpipe version on both hosts";

    @TempDir
    Path tmp;

    @Test
    void aReplicaRefusesAPrimaryOfProtocol1WithOneLine() throws Exception {
        Endpoint replicaAt = Endpoint.freeLoopback();
        Endpoint controlAt = Endpoint.freeLoopback();
        try (Replica replica = new Replica(tmp.resolve("standby"), replicaAt, "standby",
                new ReplicationSettings(tmp.resolve("aeron-r").toString(), false, null, 0));
             AeronMedia media = AeronMedia.start(tmp.resolve("aeron-p").toString(), false)) {
            ExclusivePublication data = media.publish(replicaAt.channel(null, 0), Messages.DATA_STREAM, "--to",
                    replicaAt);
            Subscription control = media.subscribe(controlAt.channel(null, 0), Messages.CONTROL_STREAM, null,
                    "--listen", controlAt);
            ExpandableArrayBuffer out = new ExpandableArrayBuffer(256);
            AtomicReference<Long> helloNonce = new AtomicReference<>();
            ReplicationException failure = null;
            long end = System.currentTimeMillis() + 30_000;
            while (failure == null && System.currentTimeMillis() < end) {
                int at = Messages.header(out, Messages.ANNOUNCE, 42);
                out.putInt(at, 0, Messages.ORDER);
                out.putLong(at + 4, 0, Messages.ORDER);
                data.offer(out, 0, Messages.putString(out, at + 12, controlAt.toString()));
                control.poll((DirectBuffer b, int offset, int length, io.aeron.logbuffer.Header h) -> {
                    if (Messages.type(b, offset) == Messages.HELLO)
                        helloNonce.set(b.getLong(offset + Messages.HEADER + 4, Messages.ORDER));
                }, 16);
                if (helloNonce.get() != null) { // protocol 1's resume: the nonce, no version after it
                    at = Messages.header(out, Messages.RESUME, 42);
                    out.putLong(at, helloNonce.get(), Messages.ORDER);
                    data.offer(out, 0, at + 8);
                }
                media.doDriverWork();
                try {
                    replica.poll();
                } catch (ReplicationException e) {
                    failure = e;
                }
                Thread.sleep(5);
            }
            assertNotNull(failure, "the replica went on");
            assertInstanceOf(dev.orderpipe.pipeline.OperatorError.class, failure);
            assertEquals(String.format(MISMATCH, "the primary", "the replica"), failure.getMessage());
            assertTrue(!replica.inStep());
        }
    }

    @Test
    void aPrimaryRefusesAReplicaOfProtocol1AndItStopsWithOneLine() throws Exception {
        Endpoint replicaAt = Endpoint.freeLoopback();
        Endpoint controlAt = Endpoint.freeLoopback();
        Path primary = Files.createDirectories(tmp.resolve("primary"));
        Files.createFile(primary.resolve(dev.orderpipe.pipeline.infra.DataDirLock.FILE)); // a pipeline ran there
        try (ReplicationSource source = new ReplicationSource(primary, List.of(replicaAt), controlAt,
                new ReplicationSettings(tmp.resolve("aeron-p").toString(), false, null, 1 << 20));
             AeronMedia media = AeronMedia.start(tmp.resolve("aeron-r").toString(), false)) {
            Subscription data = media.subscribe(replicaAt.channel(null, 0), Messages.DATA_STREAM, null, "--listen",
                    replicaAt);
            ExclusivePublication control = media.publish(controlAt.channel(null, 0), Messages.CONTROL_STREAM,
                    "--to", controlAt);
            AtomicReference<Long> session = new AtomicReference<>();
            AtomicReference<String> refusal = new AtomicReference<>();
            AtomicReference<Integer> kind = new AtomicReference<>();
            long nonce = 77;
            ExpandableArrayBuffer out = new ExpandableArrayBuffer(256);
            long end = System.currentTimeMillis() + 30_000;
            while (refusal.get() == null && System.currentTimeMillis() < end) {
                source.doWork();
                media.doDriverWork();
                data.poll((DirectBuffer b, int offset, int length, io.aeron.logbuffer.Header h) -> {
                    int type = Messages.type(b, offset);
                    if (type == Messages.ANNOUNCE) {
                        session.set(Messages.session(b, offset));
                    } else if (type == Messages.DIVERGED) {
                        Messages.Reader r = new Messages.Reader(b, offset);
                        if (r.getLong() == nonce) {
                            refusal.set(r.getString());
                            kind.set(r.getInt());
                        }
                    }
                }, 16);
                if (session.get() != null) { // protocol 1's hello: the queues, no version after them
                    int at = Messages.header(out, Messages.HELLO, session.get());
                    out.putInt(at, 0, Messages.ORDER);
                    out.putLong(at + 4, nonce, Messages.ORDER);
                    at = Messages.putString(out, at + 12, "old");
                    out.putInt(at, 0, Messages.ORDER);
                    control.offer(out, 0, at + 4);
                }
                Thread.sleep(5);
            }
            assertEquals(String.format(MISMATCH, "the replica", "the primary"), refusal.get());
            assertEquals(Messages.DIVERGED_PROTOCOL, kind.get());
        }
    }

    @Test
    void theReceiverWindowIsWhatTheOsGrantsUpTo2Mb() {
        // the buffer the OS reports granting (rmem_max 4 MB here: a socket that asks for more gets that)
        assertEquals(2 << 20, AeronMedia.windowFor(4 << 20));
        assertEquals(2 << 20, AeronMedia.windowFor(2 << 20));
        // Linux's default rmem_max (212,992) caps the window at it
        assertEquals(212_992, AeronMedia.windowFor(212_992));
        // below Aeron's default window (128 KB): left at Aeron's default
        assertEquals(0, AeronMedia.windowFor(100_000));
        assertEquals(0, AeronMedia.windowFor(0));
    }
}
