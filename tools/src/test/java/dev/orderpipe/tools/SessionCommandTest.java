package dev.orderpipe.tools;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.TestPipelines;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.infra.DataDirLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code orderpipe session open|close}: the events it writes land on {@code orders} between the orders written before
 * and after them, through the order-entry writer, and a pipeline started again acts on them (DAY expiry, orders
 * refused between sessions, an id used again the next day) after rebuilding risk and matching from the first run.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SessionCommandTest {
    private static final String HEADER = "ts_nanos,action,order_id,account,symbol,side,type,tif,price,qty\n";

    @Test
    void sessionEventsWrittenByHandCloseAndOpenTradingDays(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("orders.csv");
        Path data = dir.resolve("data");
        Files.writeString(file, HEADER
                + "1000,NEW,1,7,AAPL,BUY,LIMIT,DAY,189.0000,100\n"
                + "2000,NEW,2,7,AAPL,BUY,LIMIT,GTC,188.0000,100\n", StandardCharsets.US_ASCII);
        PipelineConfig config = TestPipelines.config(data, file);
        TestPipelines.runToEnd(config);

        Cli close = Cli.run("session", "close", "--data", data.toString());
        assertEquals(0, close.exitCode, close.toString());
        assertTrue(close.out.startsWith("SESSION_CLOSE written to " + data.resolve("orders") + " at index 0x"),
                close.out);
        assertTrue(close.out.endsWith(" (writer 1000001, writerSeq 1)\n"), close.out);
        // the orders appended to the file now come after the close: refused until the next open
        Files.writeString(file, "3000,NEW,3,7,AAPL,BUY,LIMIT,GTC,188.5000,10\n", StandardCharsets.US_ASCII,
                StandardOpenOption.APPEND);
        TestPipelines.runToEnd(config);
        Cli open = Cli.run("session", "open", "--date", "2026-12-01", "--data", data.toString(), "--writer", "42");
        assertEquals(0, open.exitCode, open.toString());
        assertTrue(open.out.startsWith("SESSION_OPEN 2026-12-01 written to "), open.out);
        assertTrue(open.out.endsWith(" (writer 42, writerSeq 1)\n"), open.out);
        Files.writeString(file, "4000,NEW,1,7,AAPL,BUY,LIMIT,DAY,189.5000,10\n"
                + "5000,NEW,2,7,AAPL,BUY,LIMIT,GTC,189.5000,10\n", StandardCharsets.US_ASCII,
                StandardOpenOption.APPEND);
        TestPipelines.runToEnd(config);

        assertEquals(List.of(
                "1,1,7,AAPL,BUY,NEW,NEW,,,100,0,,",
                "2,2,7,AAPL,BUY,NEW,NEW,,,100,0,,",
                // the close ends the implicit session: DAY order 1 expires, GTC order 2 rests on
                "3,1,7,AAPL,BUY,EXPIRED,EXPIRED,,,0,0,,END_OF_DAY",
                "4,,,,,SESSION_CLOSE,,,,,,,",
                "5,3,7,AAPL,BUY,REJECTED,REJECTED,,,0,0,,SESSION_CLOSED",
                "6,,,,,SESSION_OPEN,,,,,,,2026-12-01",
                "7,1,7,AAPL,BUY,NEW,NEW,,,10,0,,",
                "8,2,7,AAPL,BUY,REJECTED,REJECTED,,,0,0,,DUPLICATE_ORDER_ID"),
                TestPipelines.executionLines(data.resolve("executions")));
        List<OrderInfo> orders = TestPipelines.readAll(data.resolve("orders"));
        assertEquals(1000001, orders.get(2).writerId());
        assertEquals(42, orders.get(4).writerId());
        assertEquals(20261201, orders.get(4).tradingDate());
    }

    @Test
    void badArgumentsAreOneLine(@TempDir Path dir) throws Exception {
        Cli c = Cli.run("session", "pause", "--data", dir.toString());
        assertEquals(2, c.exitCode, c.toString());
        assertEquals("orderpipe: session takes open or close, was 'pause'", c.oneLineError());
        c = Cli.run("session", "open", "--date", "2026-13-01", "--data", dir.toString());
        assertEquals(2, c.exitCode, c.toString());
        assertEquals("orderpipe: --date '2026-13-01' is not a date YYYY-MM-DD", c.oneLineError());
        c = Cli.run("session", "close", "--writer", "0", "--data", dir.toString());
        assertEquals(2, c.exitCode, c.toString());
        assertEquals("orderpipe: --writer must be > 0 (0 is the pipeline's file ingress), was 0", c.oneLineError());
        Path missing = dir.resolve("nosuch");
        c = Cli.run("session", "close", "--data", missing.toString());
        assertEquals(1, c.exitCode, c.toString());
        assertEquals("orderpipe: data directory " + missing + " does not exist: give a pipeline's data directory"
                + " (--data DIR)", c.oneLineError());
        assertTrue(!Files.exists(missing), "nothing created");
        Path unused = dir.resolve("unused");
        c = Cli.run("session", "open", "--data", Files.createDirectory(unused).toString());
        assertEquals(1, c.exitCode, c.toString());
        assertEquals("orderpipe: data directory " + unused + " was never used by a pipeline (it has no "
                + DataDirLock.FILE + "): start the pipeline on it first (orderpipe run --data " + unused
                + "), or check the path", c.oneLineError());
        try (var left = Files.list(unused)) {
            assertEquals(List.of(), left.toList(), "nothing written there");
        }
    }
}
