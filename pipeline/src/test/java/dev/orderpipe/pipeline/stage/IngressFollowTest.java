package dev.orderpipe.pipeline.stage;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Pipeline;
import dev.orderpipe.pipeline.PipelineFailedException;
import dev.orderpipe.pipeline.TestPipelines;
import dev.orderpipe.pipeline.config.PipelineConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IngressFollowTest {

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    private static long waitForLines(Pipeline p, long n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (p.counts().inputsAccounted() < n && System.nanoTime() < deadline)
            Thread.sleep(5);
        return p.counts().inputsAccounted();
    }

    @Test
    void followPicksUpAppendedLinesAndAPartialLineWaitsForItsNewline(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("orders.csv");
        Files.writeString(file, "ts_nanos,action,order_id,account,symbol,side,type,tif,price,qty\n"
                + "1,NEW,1,7,AAPL,BUY,LIMIT,GTC,189.25,100\n");
        PipelineConfig config = TestPipelines.config(dir.resolve("data"), file);
        config.ingress.follow = true;
        Pipeline p = Pipeline.start(config);
        try {
            assertEquals(1, waitForLines(p, 1));
            append(file, "2,NEW,2,7,AAPL,BUY,LIMIT,GTC,189.2");
            Thread.sleep(300);
            assertEquals(1, p.counts().inputsAccounted(), "a partial last line waits");
            append(file, "5,100\n3,NEW,3,7,AAPL,SELL,LIMIT,GTC,190,100\n");
            assertEquals(3, waitForLines(p, 3));
            assertFalse(p.awaitFinished(100, TimeUnit.MILLISECONDS), "following never finishes");
        } finally {
            p.close();
        }
        List<OrderInfo> orders = TestPipelines.readAll(dir.resolve("data").resolve("orders"));
        assertEquals(3, orders.size());
        assertEquals(1_892_500, orders.get(1).price());
        assertFalse(orders.get(1).isRejected(), "the line joined across two writes is valid: " + orders.get(1));
    }

    @Test
    void withoutFollowAPartialLastLineIsALine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("orders.csv");
        Files.writeString(file, "1,NEW,1,7,AAPL,BUY,LIMIT,GTC,189.25,100");
        Pipeline p = TestPipelines.runToEnd(TestPipelines.config(dir.resolve("data"), file));
        assertEquals(1, p.counts().inputsAccounted());
    }

    private static final String HEADER = "ts_nanos,action,order_id,account,symbol,side,type,tif,price,qty\n";
    private static final String TWO = HEADER + "1,NEW,1,7,AAPL,BUY,LIMIT,GTC,189.25,100\n"
            + "2,NEW,2,7,AAPL,SELL,LIMIT,GTC,190.25,100\n";

    /** A pipeline following {@code file}, once it has read its first two orders (lines 2 and 3). */
    private static Pipeline followTwoOrders(Path dir, Path file) throws Exception {
        Files.writeString(file, TWO);
        PipelineConfig config = TestPipelines.config(dir.resolve("data"), file);
        config.ingress.follow = true;
        Pipeline p = Pipeline.start(config);
        assertEquals(2, waitForLines(p, 2));
        return p;
    }

    /** The failure the pipeline stops with, waiting for it; the orders queue still holds only the first two orders. */
    private static String stopMessage(Pipeline p, Path dir) throws InterruptedException {
        try {
            PipelineFailedException e = assertThrows(PipelineFailedException.class, () -> p.awaitFinished(20, TimeUnit.SECONDS));
            assertEquals("ingress", e.stage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            return e.getMessage();
        } finally {
            p.close();
            List<OrderInfo> orders = TestPipelines.readAll(dir.resolve("data").resolve("orders"));
            assertEquals(List.of(1L, 2L), orders.stream().map(OrderInfo::orderId).toList(), "nothing of the new content");
        }
    }

    private static String stop(Path file, String what) {
        return "stage 'ingress' stopped at input line 3: followed order file " + file + " " + what + " after byte offset "
                + TWO.length() + " (line 3) had been read: a followed file may only grow; restore it and run again, or"
                + " give a new file a new data directory (log rotation must not truncate or replace the followed file)";
    }

    @Test
    void aFollowedFileTruncatedAndRewrittenShorterIsALoudStop(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("orders.csv");
        Pipeline p = followTwoOrders(dir, file);
        String shorter = HEADER + "3,NEW,3,7,AAPL,BUY,LIMIT,GTC,189.25,1\n";
        Files.writeString(file, shorter); // truncates and writes, as '> file' does
        String msg = stopMessage(p, dir);
        // caught either between the truncation and the write or after it
        assertTrue(msg.equals(stop(file, "was truncated to 0 bytes"))
                || msg.equals(stop(file, "was truncated to " + shorter.length() + " bytes")), msg);
    }

    @Test
    void aFollowedFileTruncatedAndRewrittenLongerIsALoudStop(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("orders.csv");
        Pipeline p = followTwoOrders(dir, file);
        Files.writeString(file, HEADER + "3,NEW,3,7,AAPL,BUY,LIMIT,GTC,189.25,1\n".repeat(10));
        String msg = stopMessage(p, dir);
        assertTrue(msg.equals(stop(file, "was rewritten (the last bytes read differ now)"))
                || msg.equals(stop(file, "was truncated to 0 bytes")), msg);
    }

    @Test
    void aFollowedFileOverwrittenInPlaceIsALoudStop(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("orders.csv");
        Pipeline p = followTwoOrders(dir, file);
        // no truncation at all: other bytes before the offset and more after it
        Files.writeString(file, TWO.replace("189.25", "189.35") + "3,NEW,3,7,AAPL,BUY,LIMIT,GTC,189.25,1\n",
                StandardOpenOption.WRITE);
        assertEquals(stop(file, "was rewritten (the last bytes read differ now)"), stopMessage(p, dir));
    }

    @Test
    void aFollowedFileReplacedByAnotherFileIsALoudStop(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("orders.csv");
        Pipeline p = followTwoOrders(dir, file);
        Path next = dir.resolve("next.csv");
        Files.writeString(next, TWO + "3,NEW,3,7,AAPL,BUY,LIMIT,GTC,189.25,1\n");
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        String msg = stopMessage(p, dir);
        String expected = Pattern.quote(stop(file, "@")).replace("@", "\\E(was replaced by another file \\(file key"
                + " .+, the file read has .+\\))\\Q");
        assertTrue(msg.matches(expected), msg);
    }

    @Test
    void aFollowedFileRemovedIsALoudStop(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("orders.csv");
        Pipeline p = followTwoOrders(dir, file);
        Files.move(file, dir.resolve("orders.csv.1"));
        assertEquals(stop(file, "was removed or renamed"), stopMessage(p, dir));
    }

    @Test
    void aFollowedFileThatOnlyGrowsIsReadToTheEnd(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("orders.csv");
        Pipeline p = followTwoOrders(dir, file);
        try {
            for (int i = 3; i <= 40; i++) {
                append(file, i + ",NEW," + i + ",7,AAPL,BUY,LIMIT,GTC,189.25,1\n");
                if (i % 10 == 0)
                    Thread.sleep(1_100); // past the check of the file's identity
            }
            assertEquals(40, waitForLines(p, 40));
            assertTrue(p.failure() == null, "no stop: " + p.failure());
        } finally {
            p.close();
        }
    }

    @Test
    void restartingOnAShorterFileIsALoudStop(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("orders.csv");
        Files.writeString(file, TWO + "3,NEW,3,7,AAPL,BUY,LIMIT,GTC,189.25,1\n");
        PipelineConfig config = TestPipelines.config(dir.resolve("data"), file);
        assertEquals(3, TestPipelines.runToEnd(config).counts().inputsAccounted());
        Files.writeString(file, TWO); // lines 1 to 3 of a file whose line 4 was ingested
        for (boolean follow : new boolean[]{false, true}) {
            config.ingress.follow = follow;
            Pipeline p = Pipeline.start(config);
            try {
                PipelineFailedException e = assertThrows(PipelineFailedException.class,
                        () -> p.awaitFinished(20, TimeUnit.SECONDS));
                assertEquals("stage 'ingress' stopped at input line 3: order file " + file + " ends at line 3 (byte"
                        + " offset " + TWO.length() + "), but its line 4 is already in this data directory: it is not"
                        + " the file the data directory was fed from, or it was truncated; restore that file, or give a"
                        + " new file a new data directory", e.getMessage());
            } finally {
                p.close();
            }
        }
        // a last line without its newline counts as a line: the same file is resumed without a stop
        Files.writeString(file, TWO + "3,NEW,3,7,AAPL,BUY,LIMIT,GTC,189.25,1");
        config.ingress.follow = false;
        assertEquals(0, TestPipelines.runToEnd(config).counts().inputsAccounted());
        config.ingress.follow = true;
        Pipeline p = Pipeline.start(config);
        try {
            assertFalse(p.awaitFinished(500, TimeUnit.MILLISECONDS));
            assertTrue(p.failure() == null, "no stop: " + p.failure());
        } finally {
            p.close();
        }
    }
}
