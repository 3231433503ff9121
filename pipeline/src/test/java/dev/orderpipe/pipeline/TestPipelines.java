package dev.orderpipe.pipeline;

import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.config.StageGroupConfig;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Helpers shared by tests of every module (published in the pipeline test-jar). */
public final class TestPipelines {
    private TestPipelines() {
    }

    /** The embedded default with its data directory and input replaced. */
    public static PipelineConfig config(Path dataDir, Path input) {
        PipelineConfig config = PipelineConfig.loadDefault();
        config.dataDir = dataDir.toString();
        config.ingress.file = input == null ? "" : input.toString();
        config.minFreeDiskMb = 0;
        return config.validate();
    }

    /**
     * Appends {@code n} orders to the queue at {@code dir} (created with {@code rollCycle} when new), orderId and
     * writerSeq (the file ingress's line) {@code from}, {@code from + 1}...: a queue written directly, for tests of
     * its files, with a clock the test moves to roll cycles.
     */
    public static void writeOrders(Path dir, RollCycle rollCycle, TimeProvider time, int from, int n) {
        try (ChronicleQueue q = SingleChronicleQueueBuilder.binary(dir).rollCycle(rollCycle).timeProvider(time)
                .build(); ExcerptAppender a = q.createAppender()) {
            OrderInfo r = new OrderInfo();
            for (int i = from; i < from + n; i++)
                a.writeBytes(r.reset().orderId(i).writerSeq(i));
        }
    }

    /** Splits the stages into the given groups, e.g. {@code "ingress,risk", "matching,egress"}. */
    public static PipelineConfig groups(PipelineConfig config, String... groups) {
        config.groups.clear();
        for (int i = 0; i < groups.length; i++) {
            StageGroupConfig g = new StageGroupConfig();
            g.name = "g" + i;
            g.stages = new ArrayList<>(List.of(groups[i].split(",")));
            config.groups.add(g);
        }
        return config.validate();
    }

    /**
     * A deterministic order file of {@code n} events on two symbols: limit orders that cross and rest, market and
     * IOC/FOK orders, cancels and replaces of earlier orders (some of them no longer live), so it produces every
     * kind of report.
     */
    public static String mixedOrders(long seed, int n) {
        java.util.Random random = new java.util.Random(seed);
        StringBuilder sb = new StringBuilder("ts_nanos,action,order_id,account,symbol,side,type,tif,price,qty\n");
        String[] symbols = {"AAPL", "MSFT"};
        int[] accountOf = new int[n + 1]; // a CANCEL names its order by account and id
        for (int i = 1; i <= n; i++) {
            String symbol = symbols[random.nextInt(symbols.length)];
            String side = random.nextBoolean() ? "BUY" : "SELL";
            String price = (symbol.equals("AAPL") ? "189." : "415.") + (10 + random.nextInt(20));
            int qty = 100 * (1 + random.nextInt(5));
            int account = 1 + random.nextInt(5);
            accountOf[i] = account;
            int roll = random.nextInt(100);
            sb.append(1_000_000L * i).append(',');
            if (roll < 10 && i > 10) {
                int id = i - 1 - random.nextInt(10);
                sb.append("CANCEL,").append(id).append(',').append(accountOf[id]).append(",,,,,,\n");
            } else if (roll < 20 && i > 10) {
                sb.append("REPLACE,").append(i - 1 - random.nextInt(10)).append(',').append(account).append(',')
                        .append(symbol).append(',').append(side).append(",LIMIT,GTC,").append(price).append(',')
                        .append(qty).append('\n');
            } else if (roll < 25) {
                sb.append("NEW,").append(i).append(',').append(account).append(',').append(symbol).append(',')
                        .append(side).append(",MARKET,IOC,,").append(qty).append('\n');
            } else if (roll < 30) {
                sb.append("NEW,").append(i).append(',').append(account).append(',').append(symbol).append(',')
                        .append(side).append(",LIMIT,").append(roll < 27 ? "IOC" : "FOK").append(',').append(price)
                        .append(',').append(qty).append('\n');
            } else {
                sb.append("NEW,").append(i).append(',').append(account).append(',').append(symbol).append(',')
                        .append(side).append(",LIMIT,GTC,").append(price).append(',').append(qty).append('\n');
            }
        }
        return sb.toString();
    }

    /** Runs a pipeline over its input file to the end. */
    public static Pipeline runToEnd(PipelineConfig config) throws InterruptedException {
        Pipeline pipeline = Pipeline.start(config);
        try {
            if (!pipeline.awaitFinished(120, TimeUnit.SECONDS))
                throw new AssertionError("pipeline did not finish in 120 s");
        } finally {
            pipeline.close();
        }
        return pipeline;
    }

    /** The queue index of the record equal to {@code record} (by its sourceIndex and seq), or -1. */
    public static long indexOf(Path queueDir, OrderInfo record) {
        try (ChronicleQueue q = Queues.openExisting(queueDir); ExcerptTailer tailer = q.createTailer()) {
            OrderInfo r = new OrderInfo();
            while (tailer.readBytes(r.reset()))
                if (r.sourceIndex() == record.sourceIndex() && r.seq() == record.seq() && r.orderId() == record.orderId())
                    return tailer.lastReadIndex();
        }
        return -1;
    }

    /** The executions queue as executions CSV lines (every business field, no timestamps), header excluded. */
    public static List<String> executionLines(Path queueDir) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        dev.orderpipe.pipeline.csv.AsciiOut out = dev.orderpipe.pipeline.csv.AsciiOut.to(bytes);
        for (OrderInfo r : readAll(queueDir))
            dev.orderpipe.pipeline.csv.ExecutionCsv.line(out, r);
        out.flush();
        String text = bytes.toString(java.nio.charset.StandardCharsets.US_ASCII);
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    /** Every record of a queue, copied. */
    public static List<OrderInfo> readAll(Path queueDir) {
        List<OrderInfo> records = new ArrayList<>();
        try (ChronicleQueue q = Queues.openExisting(queueDir); ExcerptTailer tailer = q.createTailer()) {
            OrderInfo r = new OrderInfo();
            while (tailer.readBytes(r.reset()))
                records.add(new OrderInfo().copyFrom(r));
        }
        return records;
    }

    /**
     * Every record of the queue in {@code dir}, of any kind, as its index (hex) and bytes (hex), one string each: what
     * two copies of a queue (a replica's and its primary's) compare byte for byte.
     */
    public static List<String> rawRecords(Path dir) {
        List<String> out = new ArrayList<>();
        try (ChronicleQueue q = SingleChronicleQueueBuilder.binary(dir).readOnly(true).build();
             ExcerptTailer t = q.createTailer()) {
            while (true) {
                try (net.openhft.chronicle.wire.DocumentContext dc = t.readingDocument()) {
                    if (!dc.isPresent())
                        break;
                    net.openhft.chronicle.bytes.Bytes<?> b = dc.wire().bytes();
                    byte[] bytes = new byte[(int) b.readRemaining()];
                    b.read(bytes);
                    out.add(Long.toHexString(dc.index()) + " " + java.util.HexFormat.of().formatHex(bytes));
                }
            }
        }
        return out;
    }
}
