package dev.orderpipe.tools;

import dev.orderpipe.pipeline.Prices;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.api.OrderEntry;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.codes.Side;
import dev.orderpipe.pipeline.codes.TimeInForce;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.config.SymbolConfig;

import java.util.SplittableRandom;

/**
 * A test's order-entry writer in a child JVM: {@code DATA ACKED_REPLICAS COUNT HOLD} writes COUNT orders (the same
 * ones for the same COUNT: a fixed seed) through {@link OrderEntry}, with {@code replication.ackedReplicas} as given
 * and a long {@code ackTimeoutMs}. After the last one returned (acknowledged, in acked mode) it prints
 * {@code acked COUNT}; with HOLD it then waits to be killed (the test's hook: a SIGKILL right after an ack), else it
 * exits.
 */
public final class AckedWriter {
    private AckedWriter() {
    }

    public static void main(String[] args) throws Exception {
        PipelineConfig config = PipelineConfig.loadDefault();
        config.dataDir = args[0];
        config.replication.ackedReplicas = Integer.parseInt(args[1]);
        config.replication.ackTimeoutMs = 60_000;
        int count = Integer.parseInt(args[2]);
        boolean hold = Boolean.parseBoolean(args[3]);
        int n = config.risk.symbols.size();
        long[] symbols = new long[n];
        long[] refCents = new long[n];
        for (int i = 0; i < n; i++) {
            SymbolConfig s = config.risk.symbols.get(i);
            symbols[i] = Symbols.encode(s.symbol);
            refCents[i] = Prices.parse(s.refPrice) / 100;
        }
        SplittableRandom random = new SplittableRandom(19);
        try (OrderEntry entry = OrderEntry.open(config, 1)) {
            for (int i = 1; i <= count; i++) {
                int sym = random.nextInt(n);
                long cents = refCents[sym] + random.nextInt(-20, 21);
                entry.newOrder(i, 1 + random.nextInt(20), symbols[sym], random.nextBoolean() ? Side.BUY : Side.SELL,
                        OrderType.LIMIT, TimeInForce.GTC, cents * 100, 100L * random.nextInt(1, 10));
            }
            System.out.println("acked " + count);
            System.out.flush();
            if (hold)
                Thread.sleep(Long.MAX_VALUE);
        }
    }
}
