package dev.orderpipe.pipeline.book;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.codes.Action;
import dev.orderpipe.pipeline.codes.LineError;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.codes.RejectReason;
import dev.orderpipe.pipeline.codes.Side;
import dev.orderpipe.pipeline.codes.TimeInForce;

import java.util.SplittableRandom;

/**
 * A reproducible stream of order events that exercises every rule: limits that cross a lot (prices within a few
 * ticks), MARKET/IOC/FOK, cancels and replaces of live, dead and unknown ids (and of other accounts' orders), records
 * already rejected upstream and a few malformed ones. {@link #next(OrderInfo)} allocates nothing, so the allocation
 * test can use it inside its measured loop.
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

    /** @param priceTicks how many distinct prices (0.01 apart): few cross a lot, many build deeper books */
    RandomOrders(long seed, int priceTicks) {
        this.priceTicks = priceTicks;
        random = new SplittableRandom(seed);
        for (int i = 0; i < SYMBOLS.length; i++)
            symbols[i] = Symbols.encode(SYMBOLS[i]);
    }

    private long sessions;

    /** Fills {@code in} (reset first) with the next event. */
    OrderInfo next(OrderInfo in) {
        in.reset().eventTime(time += 1 + random.nextInt(1000));
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
            in.orderType(OrderType.LIMIT).timeInForce(tif).price(price()).quantity(1 + random.nextInt(20));
        } else {
            in.orderType(OrderType.MARKET).timeInForce(tif()).quantity(1 + random.nextInt(40));
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
        in.price(price()).quantity(1 + random.nextInt(r < 40 ? 8 : 25));
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
        return MID + TICK * (random.nextInt(priceTicks) - priceTicks / 2);
    }

    private TimeInForce tif() {
        int r = random.nextInt(4);
        return r == 0 ? TimeInForce.GTC : r == 1 ? TimeInForce.IOC : r == 2 ? TimeInForce.FOK : TimeInForce.DAY;
    }
}
