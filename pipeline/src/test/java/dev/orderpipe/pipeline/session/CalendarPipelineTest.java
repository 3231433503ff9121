package dev.orderpipe.pipeline.session;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Pipeline;
import dev.orderpipe.pipeline.TestPipelines;
import dev.orderpipe.pipeline.TradingDates;
import dev.orderpipe.pipeline.codes.Action;
import dev.orderpipe.pipeline.config.PipelineConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The calendar wired into a real pipeline: the ingress writes the session open before the order file's first line,
 * and a restart inside the same session writes none again.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CalendarPipelineTest {
    @Test
    void ingressOpensTheCalendarsSessionBeforeTheFirstLine(@TempDir Path dir) throws Exception {
        LocalTime now = LocalTime.now(ZoneOffset.UTC);
        // a session from 00:00 to 23:59 UTC every day: open now unless the test runs within a minute of its ends
        assumeTrue(now.isAfter(LocalTime.of(0, 1)) && now.isBefore(LocalTime.of(23, 57)), "too close to midnight");
        Path file = dir.resolve("orders.csv");
        Files.writeString(file, "ts_nanos,action,order_id,account,symbol,side,type,tif,price,qty\n"
                + "1000,NEW,1,7,AAPL,BUY,LIMIT,DAY,189.0000,100\n", StandardCharsets.US_ASCII);
        PipelineConfig config = TestPipelines.config(dir.resolve("data"), file);
        config.session.calendar = true;
        config.session.open = "00:00";
        config.session.close = "23:59";
        config.session.tradingDays = List.of("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN");
        config.validate();
        TestPipelines.runToEnd(config);
        String today = TradingDates.toString(TradingDates.of(LocalDate.now(ZoneOffset.UTC)));
        List<String> expected = List.of("1,,,,,SESSION_OPEN,,,,,,," + today, "2,1,7,AAPL,BUY,NEW,NEW,,,100,0,,");
        assertEquals(expected, TestPipelines.executionLines(config.dataPath().resolve("executions")));

        Pipeline again = TestPipelines.runToEnd(config);
        assertEquals(0, again.counts().inputsAccounted(), "nothing new: the open was written once");
        assertEquals(expected, TestPipelines.executionLines(config.dataPath().resolve("executions")));
        List<OrderInfo> orders = TestPipelines.readAll(config.dataPath().resolve("orders"));
        assertEquals(Action.SESSION_OPEN, orders.get(0).action());
        assertEquals(1_000_000, orders.get(0).writerId());
        assertEquals(2, orders.size());
    }
}
