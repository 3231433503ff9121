package dev.orderpipe.tools.cli;

import dev.orderpipe.pipeline.ExitCodes;
import dev.orderpipe.pipeline.Prices;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.api.OrderEntry;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.codes.Side;
import dev.orderpipe.pipeline.codes.TimeInForce;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.config.SymbolConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code orderpipe submit}: an example feed handler. It submits random orders to a running pipeline through the
 * {@link OrderEntry} API - the code to copy when writing a gateway: encode symbols once, then one primitive call per
 * order, no allocation.
 */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"Example feed handler: submit random NEW, REPLACE and CANCEL orders to a pipeline's data "
                + "directory through the OrderEntry API (several submitters may run at once).",
                "Order ids are writerId * 1,000,000,000 + n, so writers never collide.",
                "File formats: docs/formats.md."})
public final class SubmitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;
    @Option(names = {"-d", "--data"}, paramLabel = "DIR", description = "Data directory (overrides dataDir).")
    Path data;
    @Option(names = {"-w", "--writer"}, required = true, description = "This writer's id, > 0.")
    long writerId;
    @Option(names = {"-n", "--orders"}, defaultValue = "1000", description = "Orders to submit (default ${DEFAULT-VALUE}).")
    long orders;
    @Option(names = "--rate", defaultValue = "0", description = "Orders per second (default: as fast as possible).")
    double rate;
    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        PipelineConfig cfg = config.load();
        if (data != null)
            cfg.dataDir = data.toString();
        if (writerId <= 0)
            throw UserException.usage("--writer must be > 0 (0 is the pipeline's file ingress), was " + writerId);
        if (orders < 0 || rate < 0)
            throw UserException.usage("--orders and --rate must be >= 0");
        int n = cfg.risk.symbols.size();
        long[] symbols = new long[n];
        long[] refTicks = new long[n];
        for (int i = 0; i < n; i++) {
            SymbolConfig s = cfg.risk.symbols.get(i);
            symbols[i] = Symbols.encode(s.symbol);
            refTicks[i] = Prices.parse(s.refPrice) / 100; // in cents
        }
        SplittableRandom random = new SplittableRandom(seed ^ writerId);
        long idBase = writerId * 1_000_000_000L;
        long[] liveIds = new long[256];
        int[] liveSym = new int[256];
        long[] liveAccount = new long[256];
        long[] liveSide = new long[256];
        int live = 0;
        long periodNanos = rate > 0 ? (long) (1e9 / rate) : 0;
        long start = System.nanoTime();
        try (OrderEntry entry = OrderEntry.open(cfg, writerId)) {
            for (long i = 0; i < orders; i++) {
                if (periodNanos > 0) {
                    long due = start + i * periodNanos; // keep the schedule: a late send does not shift the next
                    while (System.nanoTime() < due)
                        LockSupport.parkNanos(Math.min(100_000, due - System.nanoTime()));
                }
                double roll = random.nextDouble();
                if (live > 0 && roll < 0.10) {
                    int k = random.nextInt(live);
                    entry.cancel(liveIds[k], liveAccount[k]);
                    live--;
                    liveIds[k] = liveIds[live];
                    liveSym[k] = liveSym[live];
                    liveAccount[k] = liveAccount[live];
                    liveSide[k] = liveSide[live];
                    continue;
                }
                if (live > 0 && roll < 0.18) {
                    int k = random.nextInt(live);
                    long cents = refTicks[liveSym[k]] + random.nextInt(-20, 21);
                    entry.replace(liveIds[k], liveAccount[k], symbols[liveSym[k]], liveSide[k] == 1 ? Side.BUY : Side.SELL,
                            cents * 100, 100L * random.nextInt(1, 10));
                    continue;
                }
                int sym = random.nextInt(n);
                long account = 1 + random.nextInt(20);
                Side side = random.nextBoolean() ? Side.BUY : Side.SELL;
                long cents = refTicks[sym] + random.nextInt(-20, 21);
                long id = idBase + i + 1;
                entry.newOrder(id, account, symbols[sym], side, OrderType.LIMIT, TimeInForce.GTC, cents * 100,
                        100L * random.nextInt(1, 10));
                if (live < liveIds.length) {
                    liveIds[live] = id;
                    liveSym[live] = sym;
                    liveAccount[live] = account;
                    liveSide[live] = side == Side.BUY ? 1 : 2;
                    live++;
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            out.printf("writer %d submitted %,d orders to %s (last writerSeq %d)%n", writerId, orders,
                    cfg.dataPath().resolve(cfg.ingress.queue), entry.writerSeq());
            out.flush();
        }
        return ExitCodes.OK;
    }
}
