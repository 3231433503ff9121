package dev.orderpipe.replay;

import dev.orderpipe.pipeline.Pipeline;
import dev.orderpipe.pipeline.TestPipelines;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.csv.OrderCsvParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Order files and captured pipeline runs for replay tests. */
final class TestCaptures {
    static final long T0 = 1_732_780_800_000_000_000L;

    private TestCaptures() {
    }

    /**
     * Writes an order file of {@code n} order events {@code gapNanos} apart: crossing LIMIT orders on two symbols,
     * some MARKET IOC, cancels, an order outside the price band and, every 500 lines, a bad line.
     */
    static Path orderFile(Path file, int n, long gapNanos, long seed) throws IOException {
        Random random = new Random(seed);
        StringBuilder sb = new StringBuilder(n * 64);
        sb.append(OrderCsvParser.HEADER).append('\n');
        sb.append("# generated for replay tests\n");
        long id = 1000;
        for (int i = 0; i < n; i++) {
            long ts = T0 + i * gapNanos;
            if (i % 500 == 250) {
                sb.append(ts).append(",NEW,").append(++id).append(",7,AAPL,BUY,LIMIT,GTC,abc,100\n");
                continue;
            }
            int kind = random.nextInt(20);
            boolean aapl = random.nextBoolean();
            String symbol = aapl ? "AAPL" : "MSFT";
            long ref = aapl ? 1_892_500 : 4_155_000;
            String side = random.nextBoolean() ? "BUY" : "SELL";
            long account = 1 + random.nextInt(9);
            long qty = 100 * (1 + random.nextInt(5));
            if (kind == 0 && id > 1001) {
                sb.append(ts).append(",CANCEL,").append(1001 + random.nextInt((int) (id - 1000))).append(",,,,,,,\n");
            } else if (kind == 1) {
                sb.append(ts).append(",NEW,").append(++id).append(',').append(account).append(',').append(symbol)
                        .append(',').append(side).append(",MARKET,IOC,,").append(qty).append('\n');
            } else if (kind == 2 && i % 7 == 0) {
                sb.append(ts).append(",NEW,").append(++id).append(',').append(account).append(',').append(symbol)
                        .append(',').append(side).append(",LIMIT,GTC,").append(price(ref * 2)).append(',')
                        .append(qty).append('\n');
            } else {
                long px = ref + (random.nextInt(21) - 10) * 500L;
                sb.append(ts).append(",NEW,").append(++id).append(',').append(account).append(',').append(symbol)
                        .append(',').append(side).append(",LIMIT,GTC,").append(price(px)).append(',').append(qty)
                        .append('\n');
            }
        }
        Files.writeString(file, sb, StandardCharsets.UTF_8);
        return file;
    }

    private static String price(long fixed) {
        return fixed / 10_000 + "." + String.format("%04d", fixed % 10_000);
    }

    /** Runs a pipeline over an order file into {@code dataDir} (optionally writing the executions CSV). */
    static Pipeline capture(Path dataDir, Path orderFile, Path executionsCsv) throws InterruptedException {
        PipelineConfig config = TestPipelines.config(dataDir, orderFile);
        if (executionsCsv != null)
            config.egress.csvFile = executionsCsv.toString();
        return TestPipelines.runToEnd(config);
    }

    /** The embedded default config for replays in tests (no free-disk check). */
    static PipelineConfig config() {
        PipelineConfig config = PipelineConfig.loadDefault();
        config.minFreeDiskMb = 0;
        return config;
    }
}
