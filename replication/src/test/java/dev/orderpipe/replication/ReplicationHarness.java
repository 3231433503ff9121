package dev.orderpipe.replication;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/** Runs a primary and a replica in this JVM (each with its own embedded media driver) on loopback, for tests. */
final class ReplicationHarness {
    private ReplicationHarness() {
    }

    /** A UDP port free on loopback now. */
    static int freePort() {
        try (DatagramSocket s = new DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A loop on its own thread until stopped; its failure, if any, is kept. */
    static final class Loop implements AutoCloseable {
        private final Thread thread;
        private volatile boolean stop;
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Loop(String name, java.util.function.Consumer<BooleanSupplier> body) {
            thread = new Thread(() -> {
                try {
                    body.accept(() -> stop);
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, name);
            thread.start();
        }

        boolean alive() {
            return thread.isAlive();
        }

        void join(long millis) throws InterruptedException {
            thread.join(millis);
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join(10_000);
        }
    }

    /** Every record of the queue in {@code dir}: its index (hex) and bytes (hex), one string each. */
    static List<String> records(Path dir) {
        List<String> out = new ArrayList<>();
        try (ChronicleQueue q = SingleChronicleQueueBuilder.binary(dir).readOnly(true).build();
             ExcerptTailer t = q.createTailer()) {
            while (true) {
                try (DocumentContext dc = t.readingDocument()) {
                    if (!dc.isPresent())
                        break;
                    Bytes<?> b = dc.wire().bytes();
                    byte[] bytes = new byte[(int) b.readRemaining()];
                    b.read(bytes);
                    out.add(Long.toHexString(dc.index()) + " " + HexFormat.of().formatHex(bytes));
                }
            }
        }
        return out;
    }

    /** Waits until {@code condition} holds, at most {@code millis}; fails with {@code what}. */
    static void await(BooleanSupplier condition, long millis, java.util.function.Supplier<String> what)
            throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > end)
                throw new AssertionError("timed out: " + what.get());
            Thread.sleep(20);
        }
    }
}
