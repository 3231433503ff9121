package dev.orderpipe.pipeline.book;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.codes.Action;
import dev.orderpipe.pipeline.codes.LineError;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.codes.RejectReason;
import dev.orderpipe.pipeline.codes.Side;
import dev.orderpipe.pipeline.codes.TimeInForce;
import dev.orderpipe.pipeline.config.AccountConfig;
import dev.orderpipe.pipeline.config.RiskConfig;
import dev.orderpipe.pipeline.config.SymbolConfig;
import dev.orderpipe.pipeline.config.TickSizeConfig;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A reproducible stream of order events that exercises every rule: limits that cross a lot (prices within a few
 * ticks), MARKET/IOC/FOK, cancels and replaces of live, dead and unknown ids (and of other accounts' orders), records
 * already rejected upstream and a few malformed ones. {@link #next(OrderInfo)} allocates nothing, so the allocation
 * test can use it inside its measured loop. For the risk rules, events can be spread over seconds (some late), with
 * prices off the 0.01 tick; for overflow, quantities can be huge (up to 2^62, so that two on one level pass 2^63).
 */
final class RandomOrders {
    /** Symbols used; the first {@code SYMBOLS.length - 1} are tradable, the last is not. */
    static final String[] SYMBOLS = {"AAPL", "MSFT", "BRK.B", "ZZZZ"};
    private static final long TICK = 100; // 0.01
    private static final long MID = 1_000_000; // 100.0000
    private static final int RECENT = 256;
    private static final int REASONS = RejectReason.values().length;
    private static final int LINE_ERRORS = LineError.values().length;

    private final SplittableRandom random;
    private final long[] symbols = new long[SYMBOLS.length];
    private final long[] recentIds = new long[RECENT];
    private final long[] recentAccounts = new long[RECENT];
    private final long[] recentSymbols = new long[RECENT];
    private final byte[] recentSides = new byte[RECENT];
    private final byte[] recentTifs = new byte[RECENT];
    private int recentCount;
    private int recentWrites;
    private long nextId = 1;
    private long time = 1_700_000_000_000_000_000L;

    private final int priceTicks;
    private final boolean spread;
    private final boolean huge;

    /** @param priceTicks how many distinct prices (0.01 apart): few cross a lot, many build deeper books */
    RandomOrders(long seed, int priceTicks) {
        this(seed, priceTicks, false, false);
    }

    /**
     * @param spread events about 30 ms apart on average (some up to a second late), 1 in 10 prices off the 0.01 tick
     * @param huge   quantities up to 2^62 instead of tens
     */
    RandomOrders(long seed, int priceTicks, boolean spread, boolean huge) {
        this.priceTicks = priceTicks;
        this.spread = spread;
        this.huge = huge;
        random = new SplittableRandom(seed);
        for (int i = 0; i < SYMBOLS.length; i++)
            symbols[i] = Symbols.encode(SYMBOLS[i]);
    }

    private long sessions;

    /** Fills {@code in} (reset first) with the next event. */
    OrderInfo next(OrderInfo in) {
        in.reset().eventTime(time += 1 + random.nextInt(spread ? 60_000_000 : 1000));
        if (spread && random.nextInt(50) == 0)
            in.eventTime(time - random.nextInt(1_000_000_000)); // a late event
        int r = random.nextInt(100);
        if (r < 62)
            newOrder(in, r);
        else if (r < 76)
            cancel(in);
        else if (r < 94)
            replace(in);
        else if (r < 97)
            rejectedUpstream(in);
        else if (r == 99 && random.nextInt(20) == 0)
            session(in);
        else
            odd(in);
        return in;
    }

    /** A session event (about one in 2,000 events): a close expires the resting DAY orders. */
    private void session(OrderInfo in) {
        if (random.nextBoolean())
            in.action(Action.SESSION_OPEN).tradingDate(20260101 + sessions++ % 28);
        else
            in.action(Action.SESSION_CLOSE).tradingDate(random.nextInt(3) == 0 ? 0 : 20260101 + sessions % 28);
    }

    private void newOrder(OrderInfo in, int r) {
        long id = nextId++;
        long account = 1 + random.nextInt(4);
        if (recentCount > 0 && random.nextInt(100) < 15) {
            // ids are per account: a recent id again, on another account (or, by chance, its own: a duplicate while
            // the first order rests)
            id = recentIds[random.nextInt(recentCount)];
            nextId--;
        }
        long symbol = symbols[random.nextInt(SYMBOLS.length - 1)];
        Side side = random.nextBoolean() ? Side.BUY : Side.SELL;
        in.action(Action.NEW).orderId(id).account(account).symbol(symbol).side(side);
        if (r < 54) {
            TimeInForce tif = r < 32 ? TimeInForce.GTC : r < 40 ? TimeInForce.DAY : r < 48 ? TimeInForce.IOC
                    : TimeInForce.FOK;
            in.orderType(OrderType.LIMIT).timeInForce(tif).price(price()).quantity(qty(20));
        } else {
            in.orderType(OrderType.MARKET).timeInForce(tif()).quantity(qty(40));
        }
        int slot = recentWrites++ % RECENT;
        recentIds[slot] = id;
        recentAccounts[slot] = account;
        recentSymbols[slot] = symbol;
        recentSides[slot] = side.code();
        recentTifs[slot] = in.timeInForce().code();
        recentCount = Math.min(RECENT, recentCount + 1);
    }

    private void cancel(OrderInfo in) {
        in.action(Action.CANCEL);
        int r = random.nextInt(100);
        if (r < 8 || recentCount == 0) {
            in.orderId(nextId + 1_000_000 + random.nextInt(1000)); // never issued
            return;
        }
        int slot = random.nextInt(recentCount);
        in.orderId(recentIds[slot]);
        if (r < 12)
            return; // id alone: names no order, ids being per account
        in.account(recentAccounts[slot]);
        if (r < 50)
            return; // account and id, as the order file allows
        in.symbol(recentSymbols[slot]).side(Side.of(recentSides[slot]));
        if (r >= 62) {
            // a CANCEL may repeat the order's type and time in force; another type or time in force names no order
            int t = random.nextInt(10);
            in.orderType(t == 0 ? OrderType.MARKET : OrderType.LIMIT);
            in.timeInForce(t == 1 ? TimeInForce.IOC : t == 2 ? TimeInForce.DAY : t == 3 ? TimeInForce.GTC
                    : TimeInForce.of(recentTifs[slot]));
        }
        if (r < 56)
            in.account(recentAccounts[slot] % 4 + 1); // someone else's order
        else if (r < 59)
            in.side(Side.of(recentSides[slot]) == Side.BUY ? Side.SELL : Side.BUY);
        else if (r < 62)
            in.symbol(symbols[random.nextInt(SYMBOLS.length)]);
    }

    private void replace(OrderInfo in) {
        in.action(Action.REPLACE).orderType(OrderType.LIMIT).timeInForce(TimeInForce.GTC);
        int r = random.nextInt(100);
        if (r < 5 || recentCount == 0) {
            in.orderId(nextId + 1_000_000 + random.nextInt(1000)).account(1).symbol(symbols[0]).side(Side.BUY)
                    .price(price()).quantity(1 + random.nextInt(20));
            return;
        }
        int slot = random.nextInt(recentCount);
        in.orderId(recentIds[slot]).account(recentAccounts[slot]).symbol(recentSymbols[slot])
                .side(Side.of(recentSides[slot])).timeInForce(TimeInForce.of(recentTifs[slot]));
        // same price a third of the time (priority kept when the quantity does not grow); the engine knows the
        // live price, the generator does not, so "same" is a guess that often hits in a narrow band
        in.price(price()).quantity(qty(r < 40 ? 8 : 25));
        if (r < 8)
            in.account(recentAccounts[slot] % 4 + 1);
        else if (r < 10)
            in.side(Side.of(recentSides[slot]) == Side.BUY ? Side.SELL : Side.BUY);
        else if (r < 12)
            in.timeInForce(random.nextBoolean() ? TimeInForce.IOC : TimeInForce.FOK);
        else if (r < 14)
            in.timeInForce(TimeInForce.of(recentTifs[slot]) == TimeInForce.DAY ? TimeInForce.GTC : TimeInForce.DAY);
        else if (r < 15)
            in.orderType(OrderType.MARKET).price(0);
    }

    private void rejectedUpstream(OrderInfo in) {
        in.action(Action.NEW).orderId(nextId++).account(1 + random.nextInt(4))
                .symbol(symbols[random.nextInt(SYMBOLS.length)]).side(Side.SELL).orderType(OrderType.LIMIT)
                .timeInForce(TimeInForce.GTC).price(price()).quantity(1 + random.nextInt(20));
        RejectReason reason = RejectReason.of(1 + random.nextInt(REASONS - 1));
        in.rejectReason(reason);
        if (reason == RejectReason.BAD_LINE)
            in.lineError(LineError.of(1 + random.nextInt(LINE_ERRORS - 1)));
    }

    /** Records risk would normally stop: unknown symbol, missing fields, a bad price. */
    private void odd(OrderInfo in) {
        in.action(Action.NEW).orderId(nextId++).account(1).symbol(symbols[random.nextInt(SYMBOLS.length)])
                .side(Side.BUY).orderType(OrderType.LIMIT).timeInForce(TimeInForce.GTC).price(price()).quantity(5);
        switch (random.nextInt(6)) {
            case 0: in.symbol(symbols[SYMBOLS.length - 1]); break;
            case 1: in.side(Side.NONE); break;
            case 2: in.quantity(0); break;
            case 3: in.orderType(OrderType.MARKET); break; // MARKET with a price
            case 4: in.action(Action.NONE); break;
            default: in.orderId(0); break;
        }
    }

    private long price() {
        long price = MID + TICK * (random.nextInt(priceTicks) - priceTicks / 2);
        return spread && random.nextInt(10) == 0 ? price + TICK / 2 : price;
    }

    private long qty(int most) {
        return huge ? 1 + random.nextLong(1L << 62) : 1 + random.nextInt(most);
    }

    private TimeInForce tif() {
        int r = random.nextInt(4);
        return r == 0 ? TimeInForce.GTC : r == 1 ? TimeInForce.IOC : r == 2 ? TimeInForce.FOK : TimeInForce.DAY;
    }

    /**
     * The rules for these streams, a risk config as the loader would give it: 100.00 reference prices, market
     * protection 0.05%, self-trade prevention per account (1 none, 2 CANCEL_RESTING, 3 CANCEL_INCOMING, 4 CANCEL_BOTH);
     * for the risk checks a 0.15% band, ticks of 0.0001 below 100.00 and 0.01 from it, quantities up to 30, account 1
     * limited to 1,500 notional, and 8 orders a second per account, per whole second ({@code risk} fixed) or rolling
     * with CANCELs counted ({@code rolling}).
     */
    static RiskConfig riskConfig(String risk) {
        RiskConfig config = new RiskConfig();
        config.priceBandPercent = 0.15;
        config.marketProtectionPercent = 0.05;
        for (int i = 0; i < SYMBOLS.length - 1; i++) {
            SymbolConfig symbol = new SymbolConfig();
            symbol.symbol = SYMBOLS[i];
            symbol.refPrice = "100.00";
            symbol.maxOrderQty = 30;
            symbol.tickSizes = List.of(TickSizeConfig.of("0", "0.0001"), TickSizeConfig.of("100.00", "0.01"));
            config.symbols.add(symbol);
        }
        String[] modes = {"NONE", "CANCEL_RESTING", "CANCEL_INCOMING", "CANCEL_BOTH"};
        for (int account = 1; account <= 4; account++) {
            AccountConfig a = new AccountConfig();
            a.account = account;
            a.maxNotional = account == 1 ? "1500" : "";
            a.selfTradePrevention = modes[account - 1];
            config.accounts.add(a);
        }
        config.maxOrdersPerSecond = 8;
        config.rateWindowRolling = risk.equals("rolling");
        config.rateCountsCancels = risk.equals("rolling");
        return config;
    }

}
