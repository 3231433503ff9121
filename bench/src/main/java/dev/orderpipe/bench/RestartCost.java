package dev.orderpipe.bench;

import dev.orderpipe.pipeline.Pipeline;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.api.OrderEntry;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.codes.Side;
import dev.orderpipe.pipeline.codes.TimeInForce;
import dev.orderpipe.pipeline.config.PipelineConfig;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.TimeUnit;

/**
 * The restart row: how long {@code run} (a fresh {@link Pipeline} on an existing data directory) takes to start and
 * process {@link #NEW_ORDERS} new orders after a history of orders already processed. The history is written through
 * the order-entry API by a pipeline that then stops: trading days of {@link #DAY} orders (a SESSION_CLOSE and the
 * next day's SESSION_OPEN between them, so risk's id table holds one day, as in production), orders that rest and
 * trade at two prices so the books stay small. With snapshots a restart restores the latest and re-feeds the inputs
 * after it, so the time should not grow with the history.
 */
final class RestartCost {
    /** Orders sent after the restart, the time for which is measured with the start. */
    static final int NEW_ORDERS = 1_000;
    /** Orders of one trading day of the history. */
    static final int DAY = 1_000_000;
    private static final long WRITER = 77;
    private static final long AAPL = Symbols.encode("AAPL");

    private RestartCost() {
    }

    /**
     * Builds a history of {@code history} orders in a new data directory under {@code base}, then measures the start
     * of a fresh pipeline on it and its processing of {@link #NEW_ORDERS} more; the directory is deleted after.
     *
     * @return seconds from {@link Pipeline#start} to the last new order accounted for
     */
    static double measure(Path base, PipelineConfig template, long history, PrintWriter log) {
        return measure(base, template, history, DAY, log);
    }

    /** {@link #measure(Path, PipelineConfig, long, PrintWriter)} with trading days of {@code day} orders. */
    static double measure(Path base, PipelineConfig template, long history, long day, PrintWriter log) {
        Path dir = base.resolve("restart-" + history);
        PipelineConfig config = template.deepCopy();
        config.dataDir = dir.toString();
        config.ingress.file = "";
        config.egress.csvFile = "";
        config.validate();
        try (Bench.Scratch restartDir = new Bench.Scratch(dir)) {
            long[] sent = {0};
            if (history > 0) {
                log.printf("%-10s %-20s writing a history of %,d orders...%n", "restart", "restart", history);
                log.flush();
                run(config, history, day, sent);
            }
            long start = System.nanoTime();
            boolean restored = run(config, NEW_ORDERS, day, sent);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (history > 0)
                log.printf("%-10s %-20s the restart %s%n", "restart", "restart", restored
                        ? "restored snapshots of risk and matching" : "restored no snapshot: it re-fed the history");
            return seconds;
        }
    }

    /**
     * Starts a pipeline, sends it {@code orders} orders (and session events every {@code day}), waits for them.
     *
     * @return whether risk and matching both started from a snapshot
     */
    private static boolean run(PipelineConfig config, long orders, long day, long[] sent) {
        try (Pipeline pipeline = Pipeline.start(config, Pipeline.FailureReport.CALLER);
             OrderEntry entry = OrderEntry.open(config, WRITER)) {
            if (!pipeline.awaitStarted(10, TimeUnit.MINUTES))
                throw new IllegalStateException("the restarted pipeline did not start in 10 minutes");
            long inputs = 0;
            for (long i = 0; i < orders; i++) {
                long n = sent[0]++;
                if (n % day == 0 && n > 0) {
                    entry.closeSession(0);
                    entry.openSession(date(n / day));
                    inputs += 2;
                }
                send(entry, n);
                inputs++;
            }
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
            while (pipeline.counts().inputsAccounted() < inputs) {
                if (pipeline.failure() != null)
                    throw pipeline.failure();
                if (System.nanoTime() > deadline)
                    throw new IllegalStateException("the pipeline accounted for " + pipeline.counts().inputsAccounted()
                            + " of " + inputs + " inputs in 30 minutes");
                Thread.onSpinWait();
            }
            return pipeline.risk().restoredAt() >= 0 && pipeline.matching().restoredAt() >= 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static long date(long day) {
        LocalDate d = LocalDate.of(2026, 1, 1).plusDays(day);
        return d.getYear() * 10_000L + d.getMonthValue() * 100L + d.getDayOfMonth();
    }

    /**
     * Order {@code n}: four accounts in turn, a bid and an ask resting at two prices and the orders that trade with
     * them, so the book holds a handful of orders however long the history.
     */
    private static void send(OrderEntry entry, long n) {
        long id = n + 1;
        long account = 1 + n % 4;
        switch ((int) (n % 4)) {
            case 0 -> entry.newOrder(id, account, AAPL, Side.BUY, OrderType.LIMIT, TimeInForce.GTC, 1_892_000, 100);
            case 1 -> entry.newOrder(id, account, AAPL, Side.SELL, OrderType.LIMIT, TimeInForce.GTC, 1_892_500, 100);
            case 2 -> entry.newOrder(id, account, AAPL, Side.SELL, OrderType.LIMIT, TimeInForce.GTC, 1_892_000, 100);
            default -> entry.newOrder(id, account, AAPL, Side.BUY, OrderType.LIMIT, TimeInForce.GTC, 1_892_500, 100);
        }
    }
}
