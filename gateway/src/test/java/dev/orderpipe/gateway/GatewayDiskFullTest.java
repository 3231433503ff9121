package dev.orderpipe.gateway;

import dev.orderpipe.pipeline.SmallTmpfs;
import dev.orderpipe.pipeline.TestPipelines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import quickfix.Message;
import quickfix.field.Side;
import quickfix.field.TimeInForce;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static dev.orderpipe.gateway.GatewayFixture.cancel;
import static dev.orderpipe.gateway.GatewayFixture.order;
import static dev.orderpipe.gateway.GatewayFixture.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway on a disk that fills (its orders queue on a small tmpfs): a request it takes while the disk has less
 * free than minFreeDiskMb (64 MB, the default config's) is answered with a BusinessMessageReject, reason 4
 * (application not available) and the reason, and nothing is written; once space is freed requests are taken again
 * in the same FIX session. Before, the gateway's writer hit a SIGBUS in the mapped queue file.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GatewayDiskFullTest {
    private static final char BUY = Side.BUY;
    private static final char GTC = TimeInForce.GOOD_TILL_CANCEL;

    private static GatewayFixture start(GatewayFixture f, GatewayConfig config) {
        f.gateway = Gateway.start(config, f.data);
        return f;
    }

    /** Writes {@code filler} (real blocks, not sparse) until {@code fs} has {@code leave} bytes free. */
    private static void fill(Path filler, Path fs, long leave) throws IOException {
        long fill = Files.getFileStore(fs).getUsableSpace() - leave;
        try (RandomAccessFile out = new RandomAccessFile(filler.toFile(), "rw")) {
            out.seek(out.length());
            byte[] block = new byte[1 << 20];
            for (long n = 0; n < fill; n += block.length)
                out.write(block, 0, (int) Math.min(block.length, fill - n));
        }
    }

    @Test
    void requestsOnANearlyFullDiskAreRejectedWithTheReasonAndTakenAgainOnceSpaceIsFreed(@TempDir Path dir)
            throws Exception {
        // a fixed port: the client reconnects to the gateway started again
        GatewayConfig config = GatewayConfig.parse(GatewayFixture.config(GatewayFixture.freePort()), "test");
        try (SmallTmpfs fs = SmallTmpfs.mount(dir.resolve("small-fs"), 160);
             GatewayFixture f = new GatewayFixture(fs.path());
             FixClient c1 = start(f, config).client(dir, "CLIENT1", "pw1")) {
            int taken = 0;
            c1.send(order("A1", BUY, 100, 189.25, GTC));
            assertEquals("0", str(c1.next("8"), 150));
            taken++;

            Path filler = fs.path().resolve("filler");
            fill(filler, fs.path(), 32L << 20); // below the 64 MB mark, above a quarter of it
            // the gateway's guard sees it within its poll (5 ms): orders are taken until then
            Message m;
            int i = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            do {
                assertTrue(System.nanoTime() < deadline, "a request refused once the disk is nearly full");
                c1.send(order("B" + i++, BUY, 1, 188.00, GTC));
                m = c1.next();
                if (m.getHeader().getString(35).equals("8")) {
                    assertEquals("0", str(m, 150));
                    taken++;
                }
            } while (!m.getHeader().getString(35).equals("j"));
            assertEquals("B" + (i - 1), str(m, 379));
            assertEquals("D", str(m, 372));
            assertEquals("4", str(m, 380), "application not available");
            assertTrue(str(m, 58).matches("disk nearly full: \\d+ MB free, below minFreeDiskMb 64; nothing taken: send"
                    + " again later"), str(m, 58));

            c1.send(cancel("X1", "A1", BUY));
            Message refusedCancel = c1.next();
            assertEquals("j", refusedCancel.getHeader().getString(35));
            assertEquals("F", str(refusedCancel, 372));
            assertEquals("4", str(refusedCancel, 380));

            Files.delete(filler);
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int j = 0;
            do {
                assertTrue(System.nanoTime() < deadline, "requests taken again once space is freed");
                c1.send(order("C" + j++, BUY, 1, 188.00, GTC));
                m = c1.next();
            } while (m.getHeader().getString(35).equals("j"));
            assertEquals("8", m.getHeader().getString(35));
            assertEquals("0", str(m, 150));
            taken++;
            c1.send(cancel("X2", "A1", BUY));
            assertEquals("4", str(c1.next("8"), 150), "the order refused a cancel before is canceled now");
            taken++;

            // below a quarter of the mark the gateway writes nothing of its own (the answers it stores, its
            // journal): it stops in one line, every file whole, and once space is freed and it is started again the
            // session goes on in sequence (the request it stopped at is asked for again and taken)
            Gateway stopping = f.gateway;
            fill(filler, fs.path(), 8L << 20);
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (Files.getFileStore(fs.path()).getUsableSpace() > (16L << 20) && System.nanoTime() < deadline)
                Thread.sleep(5);
            Thread.sleep(50); // ten polls of the guard
            c1.send(order("D1", BUY, 1, 188.00, GTC));
            stopping.thread().join(10_000);
            assertTrue(!stopping.thread().isAlive(), "the gateway stopped");
            f.gateway = null;
            Files.delete(filler);
            start(f, config);
            Message d1 = c1.next("8"); // after the reconnect, the resend of D1
            assertEquals("D1", str(d1, 11));
            assertEquals("0", str(d1, 150));
            taken++;
            assertTrue(c1.admin.stream().noneMatch(adm -> adm.toString().contains("\u000135=3\u0001")),
                    "no session Reject: " + c1.admin);

            // what the gateway wrote: exactly the requests it took, each whole
            final int expected = taken;
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            long written;
            while ((written = TestPipelines.readAll(f.data.resolve("orders")).stream()
                    .filter(o -> o.writerId() == 900).count()) < expected && System.nanoTime() < deadline)
                Thread.sleep(20);
            assertEquals(expected, written);
        }
    }
}
