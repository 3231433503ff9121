package dev.orderpipe.bench;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Prices;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.book.MatchingEngine;
import dev.orderpipe.pipeline.book.ReportSink;
import dev.orderpipe.pipeline.codes.Action;
import dev.orderpipe.pipeline.codes.OrderStatus;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.codes.Side;
import dev.orderpipe.pipeline.codes.TimeInForce;
import dev.orderpipe.pipeline.config.MatchingConfig;
import dev.orderpipe.pipeline.config.SymbolConfig;
import dev.orderpipe.pipeline.csv.OrderCsvParser;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a realistic synthetic order file (docs/formats.md format). Per symbol, a mid price walks around the configured
 * reference (mean-reverting, so it stays inside the risk band); limit orders are placed around the mid, a share of
 * them aggressive so they cross and trade; cancels and replaces target orders that are still open, which the
 * generator knows by running its own orders through a {@link MatchingEngine} as it writes them (and a small share
 * target orders that just filled or ended, as races do in real flow); arrivals alternate between bursts and quiet
 * periods. A small share of lines break the format on
 * purpose when asked, and a few orders break risk limits, so every path of the pipeline is exercised.
 * The same settings and seed give the same file, byte for byte.
 */
public final class OrderGenerator {
    /** Settings; defaults give a busy, realistic mix. */
    public static final class Settings {
        public long orders = 100_000;
        public long seed = 1;
        public int accounts = 50;
        public double cancelPercent = 12;
        public double replacePercent = 8;
        public double marketPercent = 4;
        public double iocPercent = 8;
        public double fokPercent = 3;
        /** Share of limit orders priced to cross the spread. */
        public double aggressivePercent = 25;
        /** Share of lines deliberately malformed. */
        public double malformedPercent = 0;
        /** Share of orders that break a risk limit (price band, quantity, unknown symbol, duplicate id). */
        public double riskBreakPercent = 0.5;
        /** Share of cancels and replaces that name an order which has just ended (an UNKNOWN_ORDER race). */
        public double stalePercent = 1;
        /** Epoch nanoseconds of the first order. */
        public long startNanos = 1_732_780_800_000_000_000L;
        /** Mean gap between orders in a burst, and in a quiet period, nanoseconds. */
        public long burstGapNanos = 20_000;
        public long quietGapNanos = 2_000_000;
    }

    private static final String[] MALFORMED = {
            "%d,NEW,%d,7,AAPL,BUY,LIMIT,GTC,12.345678,100",
            "%d,NEW,%d,7,AAPL,HOLD,LIMIT,GTC,189.25,100",
            "%d,NEW,%d,7,AAPL,BUY,LIMIT,GTC,189.25",
            "%d,NEW,%d,7,aapl,BUY,LIMIT,GTC,189.25,100",
            "%d,NEW,%d,7,AAPL,BUY,LIMIT,GTC,-189.25,100",
            "%d,NEW,%d,7,AAPL,BUY,LIMIT,GTC,189.25,99999999999999999999",
            "%d,BUY,%d,7,AAPL,BUY,LIMIT,GTC,189.25,100",
            "%d,NEW,%d,7,AAPL,BUY,MARKET,IOC,189.25,100",
            "%d,NEW,%d,0,AAPL,BUY,LIMIT,GTC,189.25,100",
            "%d,NEW,%d,7,AAPL,BUY,LIMIT,GTD,189.25,100",
    };

    private final Settings s;
    private final List<SymbolConfig> symbols;
    private final SplittableRandom random;
    private final double[] mid;
    private final double[] ref;
    private final long[] maxQty;
    /** Open orders by id: {orderId, account, side (1 buy, 2 sell), priceTicks, qty}. */
    private final Map<Long, long[]> liveById = new HashMap<>();
    /** Per symbol, ids that were open when added (checked against liveById when picked). */
    private final List<List<Long>> liveIds = new ArrayList<>();
    /** Ids of orders that ended recently, for stale cancels. */
    private final long[] ended = new long[1024];
    private int endedCount;
    private final OrderInfo order = new OrderInfo();
    private final OrderInfo report = new OrderInfo();
    private final MatchingEngine book;
    private long nextOrderId = 1;
    private long ts;
    private boolean burst;
    private long regimeLeft;

    public OrderGenerator(Settings settings, List<SymbolConfig> symbols) {
        if (symbols.isEmpty())
            throw new IllegalArgumentException("no symbols to generate orders for");
        this.s = settings;
        this.symbols = symbols;
        this.random = new SplittableRandom(settings.seed);
        this.mid = new double[symbols.size()];
        this.ref = new double[symbols.size()];
        this.maxQty = new long[symbols.size()];
        for (int i = 0; i < symbols.size(); i++) {
            ref[i] = Prices.parse(symbols.get(i).refPrice) / (double) Prices.SCALE;
            mid[i] = ref[i];
            maxQty[i] = symbols.get(i).maxOrderQty;
            liveIds.add(new ArrayList<>());
        }
        ts = settings.startNanos;
        MatchingConfig bookConfig = new MatchingConfig();
        bookConfig.maxOpenOrders = 1 << 18;
        book = new MatchingEngine(bookConfig, SymbolConfig.names(symbols), new ReportSink() {
            @Override
            public OrderInfo claim() {
                return report.reset();
            }

            @Override
            public void publish() {
                OrderStatus status = report.status();
                if (status == OrderStatus.FILLED || status == OrderStatus.CANCELED || status == OrderStatus.EXPIRED
                        || status == OrderStatus.REJECTED) {
                    if (liveById.remove(report.orderId()) != null)
                        ended[endedCount++ % ended.length] = report.orderId();
                }
            }
        });
    }

    /** An open order of the symbol, or null. */
    private long[] pickLive(int sym) {
        List<Long> ids = liveIds.get(sym);
        while (!ids.isEmpty()) {
            int k = random.nextInt(ids.size());
            long[] o = liveById.get(ids.get(k));
            if (o != null)
                return o;
            ids.set(k, ids.get(ids.size() - 1)); // ended since: drop it
            ids.remove(ids.size() - 1);
        }
        return null;
    }

    /** Runs a line the pipeline will accept through the generator's own book, to know what stays open. */
    private void feed(Action action, long id, long account, int sym, boolean buy, boolean market, String tif, long ticks,
                      long qty) {
        order.reset().action(action).orderId(id).account(account).symbol(Symbols.encode(symbols.get(sym).symbol))
                .eventTime(ts);
        if (action != Action.CANCEL) {
            order.side(buy ? Side.BUY : Side.SELL).orderType(market ? OrderType.MARKET : OrderType.LIMIT)
                    .timeInForce(TimeInForce.valueOf(tif)).price(market ? 0 : ticks * 100).quantity(qty);
        }
        book.onOrder(order);
    }

    /** Writes the header and {@link Settings#orders} lines. */
    public void write(Writer out) throws IOException {
        write(out, n -> { });
    }

    /** Writes the header and the lines, telling {@code progress} the lines written every 500,000. */
    public void write(Writer out, java.util.function.LongConsumer progress) throws IOException {
        BufferedWriter w = out instanceof BufferedWriter ? (BufferedWriter) out : new BufferedWriter(out, 1 << 16);
        w.write(OrderCsvParser.HEADER);
        w.write('\n');
        StringBuilder line = new StringBuilder(128);
        for (long n = 0; n < s.orders; n++) {
            line.setLength(0);
            next(line);
            w.append(line).append('\n');
            if ((n + 1) % 500_000 == 0)
                progress.accept(n + 1);
        }
        w.flush();
    }

    private void next(StringBuilder line) {
        advanceClock();
        int sym = random.nextInt(symbols.size());
        walk(sym);
        double roll = random.nextDouble() * 100;
        if (roll < s.malformedPercent) {
            String template = MALFORMED[random.nextInt(MALFORMED.length)];
            line.append(String.format(template, ts, nextOrderId++));
            return;
        }
        double action = random.nextDouble() * 100;
        if (action < s.cancelPercent + s.replacePercent) {
            boolean stale = endedCount > 0 && random.nextDouble() * 100 < s.stalePercent;
            long[] o = stale ? null : pickLive(sym);
            if (stale) {
                long id = ended[random.nextInt(Math.min(endedCount, ended.length))];
                line.append(ts).append(",CANCEL,").append(id).append(",,,,,,,");
                return;
            }
            if (o != null && action < s.cancelPercent) {
                line.append(ts).append(",CANCEL,").append(o[0]).append(',').append(o[1]).append(',')
                        .append(symbols.get(sym).symbol).append(",,,,,");
                feed(Action.CANCEL, o[0], o[1], sym, o[2] == 1, false, "GTC", 0, 0);
                return;
            }
            if (o != null) {
                long ticks = Math.max(1, o[3] + random.nextInt(-5, 6));
                long qty = Math.max(1, o[4] + 100L * random.nextInt(-3, 4));
                o[3] = ticks;
                o[4] = qty;
                line.append(ts).append(",REPLACE,").append(o[0]).append(',').append(o[1]).append(',')
                        .append(symbols.get(sym).symbol).append(',').append(o[2] == 1 ? "BUY" : "SELL")
                        .append(",LIMIT,GTC,");
                appendTicks(line, ticks).append(',').append(qty);
                feed(Action.REPLACE, o[0], o[1], sym, o[2] == 1, false, "GTC", ticks, qty);
                return;
            }
        }
        newOrder(line, sym);
    }

    private void newOrder(StringBuilder line, int sym) {
        long id = nextOrderId++;
        long account = 1 + random.nextInt(s.accounts);
        boolean buy = random.nextBoolean();
        long qty = 100L * (1 + random.nextInt(10)) + (random.nextInt(4) == 0 ? random.nextInt(1, 100) : 0);
        String symbol = symbols.get(sym).symbol;
        double typeRoll = random.nextDouble() * 100;
        boolean market = typeRoll < s.marketPercent;
        String tif = "GTC";
        double tifRoll = random.nextDouble() * 100;
        if (tifRoll < s.iocPercent)
            tif = "IOC";
        else if (tifRoll < s.iocPercent + s.fokPercent)
            tif = "FOK";
        if (market && "GTC".equals(tif))
            tif = "IOC";
        long ticks = 0;
        if (!market) {
            double offset = Math.abs(random.nextGaussian()) * 3 + 1;
            if (random.nextDouble() * 100 < s.aggressivePercent)
                offset = -random.nextInt(1, 4);
            double price = buy ? mid[sym] - offset * 0.01 : mid[sym] + offset * 0.01;
            ticks = Math.max(1, Math.round(price * 100));
        }
        boolean broken = random.nextDouble() * 100 < s.riskBreakPercent;
        if (broken) {
            switch (random.nextInt(4)) {
                case 0 -> ticks = market ? 0 : Math.round(ref[sym] * 100 * (random.nextBoolean() ? 1.25 : 0.75));
                case 1 -> qty = maxQty[sym] + 1 + random.nextInt(1000);
                case 2 -> symbol = "ZZZ" + random.nextInt(10);
                default -> id = Math.max(1, id - 1 - random.nextInt((int) Math.min(id, 1000)));
            }
        }
        line.append(ts).append(",NEW,").append(id).append(',').append(account).append(',').append(symbol).append(',')
                .append(buy ? "BUY" : "SELL").append(',').append(market ? "MARKET" : "LIMIT").append(',').append(tif)
                .append(',');
        if (!market)
            appendTicks(line, ticks);
        line.append(',').append(qty);
        if (broken)
            return; // risk rejects it: it never reaches the book
        if (!market && "GTC".equals(tif)) {
            liveById.put(id, new long[]{id, account, buy ? 1 : 2, ticks, qty});
            liveIds.get(sym).add(id);
        }
        feed(Action.NEW, id, account, sym, buy, market, tif, ticks, qty);
    }

    private static StringBuilder appendTicks(StringBuilder line, long ticks) {
        line.append(ticks / 100).append('.');
        long cents = ticks % 100;
        if (cents < 10)
            line.append('0');
        return line.append(cents);
    }

    /** Mean-reverting random walk in cents, kept well inside the reference band. */
    private void walk(int sym) {
        double step = (random.nextDouble() - 0.5) * 0.04;
        double pull = (ref[sym] - mid[sym]) * 0.01;
        mid[sym] = Math.max(0.05, Math.min(ref[sym] * 1.05, Math.max(ref[sym] * 0.95, mid[sym] + step + pull)));
    }

    private void advanceClock() {
        if (regimeLeft-- <= 0) {
            burst = !burst;
            regimeLeft = burst ? 50 + random.nextInt(500) : 5 + random.nextInt(50);
        }
        double mean = burst ? s.burstGapNanos : s.quietGapNanos;
        ts += 1 + (long) (-Math.log(1 - random.nextDouble()) * mean);
    }
}
