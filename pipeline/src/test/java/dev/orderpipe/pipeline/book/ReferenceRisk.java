package dev.orderpipe.pipeline.book;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Prices;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.codes.Action;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.codes.RejectReason;
import dev.orderpipe.pipeline.codes.Side;
import dev.orderpipe.pipeline.codes.TimeInForce;
import dev.orderpipe.pipeline.config.AccountConfig;
import dev.orderpipe.pipeline.config.RiskConfig;
import dev.orderpipe.pipeline.config.SymbolConfig;
import dev.orderpipe.pipeline.config.TickSizeConfig;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pre-trade checks of {@code RiskEngine}'s documentation written as plainly as possible, to check it against in
 * the randomized reference test: maps and lists, arbitrary precision, every accepted order time kept. Slow and
 * allocating on purpose.
 */
final class ReferenceRisk {
    private static final long SECOND = 1_000_000_000L;

    private static final class Symbol {
        long maxQty;
        long bandLow;
        long bandHigh;
        long marketLow;
        long marketHigh;
        final List<long[]> ticks = new ArrayList<>(); // {from, tick}, ascending
    }

    private final Map<Long, Symbol> symbols = new HashMap<>();
    private final Map<Long, Long> maxNotional = new HashMap<>();
    /** Accounts' self-trade prevention modes, by their position in the list of modes. */
    private final Map<Long, Integer> stpModes = new HashMap<>();
    private final long defaultMaxNotional;
    private final Set<List<Long>> seen = new HashSet<>();
    private final int orderIdCapacity;
    private final int maxOrdersPerSecond;
    private final boolean rolling;
    private final boolean countCancels;
    private final int accountCapacity;
    /** Per account: the latest event time seen, and the times of every order counted (as counted). */
    private final Map<Long, Long> latest = new HashMap<>();
    private final Map<Long, List<Long>> counted = new HashMap<>();
    /** The session: "implicit" until the first session event, then "open" or "closed"; the last session's date. */
    private String session = "implicit";
    private long sessionDate;

    ReferenceRisk(RiskConfig config) {
        double market = config.marketProtectionPercent > 0 ? config.marketProtectionPercent : config.priceBandPercent;
        for (SymbolConfig s : config.symbols) {
            Symbol sym = new Symbol();
            long ref = Prices.parse(s.refPrice);
            sym.maxQty = s.maxOrderQty;
            long band = percentOf(ref, config.priceBandPercent);
            long marketBand = percentOf(ref, market);
            sym.bandLow = ref - band;
            sym.bandHigh = ref + band;
            sym.marketLow = Math.max(1, ref - marketBand);
            sym.marketHigh = ref + marketBand;
            for (TickSizeConfig t : s.tickSizes)
                sym.ticks.add(new long[]{new BigDecimal(t.from).movePointRight(4).longValueExact(),
                        Prices.parse(t.tick)});
            symbols.put(Symbols.encode(s.symbol), sym);
        }
        defaultMaxNotional = Prices.parse(config.defaultMaxNotional);
        List<String> modes = List.of("NONE", "CANCEL_RESTING", "CANCEL_INCOMING", "CANCEL_BOTH");
        for (AccountConfig a : config.accounts) {
            maxNotional.put(a.account, a.maxNotional.isEmpty() ? defaultMaxNotional : Prices.parse(a.maxNotional));
            stpModes.put(a.account, modes.indexOf(a.selfTradePrevention));
        }
        orderIdCapacity = config.orderIdCapacity;
        maxOrdersPerSecond = config.maxOrdersPerSecond;
        rolling = config.rateWindowRolling;
        countCancels = config.rateCountsCancels;
        accountCapacity = config.accountCapacity;
    }

    private static long percentOf(long price, double percent) {
        return new BigDecimal(price).multiply(new BigDecimal(Double.toString(percent))).divide(BigDecimal.valueOf(100))
                .setScale(0, RoundingMode.FLOOR).longValueExact();
    }

    RejectReason check(OrderInfo in) {
        if (in.action() == Action.SESSION_OPEN || in.action() == Action.SESSION_CLOSE)
            return session(in);
        if (in.orderId() <= 0 || in.action() == Action.NONE)
            return RejectReason.MALFORMED;
        if (in.action() == Action.CANCEL) {
            if (countCancels && maxOrdersPerSecond > 0 && in.account() > 0)
                return rate(in.account(), in.eventTime());
            return RejectReason.NONE;
        }
        boolean limit = in.orderType() == OrderType.LIMIT;
        if (in.account() <= 0 || in.side() == Side.NONE || in.orderType() == OrderType.NONE
                || in.timeInForce() == TimeInForce.NONE || in.symbol() == 0 || limit != (in.price() > 0))
            return RejectReason.MALFORMED;
        if (session.equals("closed"))
            return RejectReason.SESSION_CLOSED;
        if (in.action() == Action.NEW) {
            List<Long> pair = List.of(in.account(), in.orderId());
            if (seen.contains(pair))
                return RejectReason.DUPLICATE_ORDER_ID;
            if (seen.size() == orderIdCapacity)
                return RejectReason.ORDER_ID_TABLE_FULL;
            seen.add(pair);
        }
        Symbol s = symbols.get(in.symbol());
        if (s == null)
            return RejectReason.UNKNOWN_SYMBOL;
        if (in.quantity() < 1 || in.quantity() > s.maxQty)
            return RejectReason.BAD_QTY;
        if (limit && (in.price() < s.bandLow || in.price() > s.bandHigh))
            return RejectReason.PRICE_BAND;
        if (limit && !onTick(s, in.price()))
            return RejectReason.TICK_SIZE;
        long price = limit ? in.price() : in.side() == Side.BUY ? s.marketHigh : s.marketLow;
        long max = maxNotional.getOrDefault(in.account(), defaultMaxNotional);
        BigInteger notional = BigInteger.valueOf(price).multiply(BigInteger.valueOf(in.quantity()));
        if (notional.compareTo(BigInteger.valueOf(max)) > 0)
            return RejectReason.MAX_NOTIONAL;
        if (maxOrdersPerSecond > 0)
            return rate(in.account(), in.eventTime());
        return RejectReason.NONE;
    }

    /**
     * An open is accepted with a date after the last session's while none is open, a close while one is open (of its
     * date, or none) or in the implicit session; a session's end forgets its order ids and every rate window.
     */
    private RejectReason session(OrderInfo in) {
        long date = in.tradingDate();
        boolean open = in.action() == Action.SESSION_OPEN;
        if (in.orderId() != 0 || in.account() != 0 || in.symbol() != 0 || (open && date == 0)
                || (date != 0 && !dev.orderpipe.pipeline.TradingDates.isValid(date)))
            return RejectReason.MALFORMED;
        if (open) {
            if (session.equals("open") || date <= sessionDate)
                return RejectReason.SESSION_STATE;
            if (session.equals("implicit"))
                endSession();
            session = "open";
            sessionDate = date;
            return RejectReason.NONE;
        }
        if (session.equals("closed") || (session.equals("open") && date != 0 && date != sessionDate))
            return RejectReason.SESSION_STATE;
        sessionDate = Math.max(sessionDate, date);
        session = "closed";
        endSession();
        return RejectReason.NONE;
    }

    private void endSession() {
        seen.clear();
        latest.clear();
        counted.clear();
    }

    /** The rules risk stamps into an order that passed: a MARKET order's protection limit, the account's STP mode. */
    void stamp(OrderInfo in) {
        if (in.action() != Action.NEW && in.action() != Action.REPLACE)
            return;
        Symbol s = symbols.get(in.symbol());
        if (s != null && in.orderType() == OrderType.MARKET)
            in.price(in.side() == Side.BUY ? s.marketHigh : s.marketLow);
        in.flags((in.flags() & ~6) | stpModes.getOrDefault(in.account(), 0) << 1);
    }

    private static boolean onTick(Symbol s, long price) {
        long tick = 1;
        for (long[] band : s.ticks)
            if (price >= band[0])
                tick = band[1];
        return price % tick == 0;
    }

    private RejectReason rate(long account, long eventTime) {
        if (!latest.containsKey(account)) {
            if (latest.size() == accountCapacity)
                return RejectReason.ACCOUNT_TABLE_FULL;
            latest.put(account, eventTime);
            counted.put(account, new ArrayList<>());
        }
        List<Long> times = counted.get(account);
        long t;
        if (rolling) {
            t = times.isEmpty() ? eventTime : Math.max(eventTime, latest.get(account));
        } else {
            // whole seconds: a late event counts in the latest second seen
            long second = Math.floorDiv(eventTime, SECOND);
            long latestSecond = Math.floorDiv(latest.get(account), SECOND);
            t = times.isEmpty() || second > latestSecond ? eventTime : latest.get(account);
        }
        latest.put(account, t);
        long n = 0;
        for (long time : times) {
            boolean within = rolling ? time > t - SECOND
                    : Math.floorDiv(time, SECOND) == Math.floorDiv(t, SECOND);
            if (within)
                n++;
        }
        if (n >= maxOrdersPerSecond)
            return RejectReason.RATE_LIMIT;
        times.add(t);
        return RejectReason.NONE;
    }
}
