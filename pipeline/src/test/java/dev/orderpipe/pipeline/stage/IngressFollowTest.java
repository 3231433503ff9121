package dev.orderpipe.pipeline.stage;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Pipeline;
import dev.orderpipe.pipeline.TestPipelines;
import dev.orderpipe.pipeline.config.PipelineConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
}
