package dev.orderpipe.bench;

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

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The pre-trade checks of {@code RiskEngine}, rule for rule and in the same order, written the way a first version
 * would be: {@code HashSet<String>} of seen account/id pairs, {@code HashMap<Long, ...>} per symbol and account,
 * notional in {@link BigDecimal}. It boxes and allocates per order; it never fills up (no capacity limits), which the
 * bench workload never reaches on the real engine either.
 */
final class NaiveRiskEngine {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private static final class SymbolLimits {
        final long refPrice;
        final long maxQty;
        final long bandLow;
        final long bandHigh;

        SymbolLimits(long refPrice, long maxQty, long bandLow, long bandHigh) {
            this.refPrice = refPrice;
            this.maxQty = maxQty;
            this.bandLow = bandLow;
            this.bandHigh = bandHigh;
        }
    }

    private final Map<Long, SymbolLimits> symbols = new HashMap<>();
    private final Map<Long, Long> accountMaxNotional = new HashMap<>();
    private final long defaultMaxNotional;
    private final Set<String> seenOrderIds = new HashSet<>(); // "account/id": ids are per account
    private final int maxOrdersPerSecond;
    private final Map<Long, long[]> rateWindows = new HashMap<>();

    NaiveRiskEngine(RiskConfig config) {
        BigDecimal band = BigDecimal.valueOf(config.priceBandPercent).movePointLeft(2);
        for (SymbolConfig s : config.symbols) {
            long ref = Prices.parse(s.refPrice);
            long deviation = BigDecimal.valueOf(ref).multiply(band).setScale(0, RoundingMode.FLOOR).longValueExact();
            symbols.put(Symbols.encode(s.symbol),
                    new SymbolLimits(ref, s.maxOrderQty, ref - deviation, ref + deviation));
        }
        for (AccountConfig a : config.accounts)
            accountMaxNotional.put(a.account, Prices.parse(a.maxNotional));
        defaultMaxNotional = Prices.parse(config.defaultMaxNotional);
        maxOrdersPerSecond = config.maxOrdersPerSecond;
    }

    RejectReason check(OrderInfo order) {
        Action action = order.action();
        if (order.orderId() <= 0 || action == Action.NONE)
            return RejectReason.MALFORMED;
        if (action == Action.CANCEL)
            return RejectReason.NONE;
        if (order.account() <= 0 || order.side() == Side.NONE || order.orderType() == OrderType.NONE
                || order.timeInForce() == TimeInForce.NONE || order.symbol() == 0
                || (order.orderType() == OrderType.LIMIT) != (order.price() > 0))
            return RejectReason.MALFORMED;
        if (action == Action.NEW && !seenOrderIds.add(order.account() + "/" + order.orderId()))
            return RejectReason.DUPLICATE_ORDER_ID;
        SymbolLimits limits = symbols.get(order.symbol());
        if (limits == null)
            return RejectReason.UNKNOWN_SYMBOL;
        long qty = order.quantity();
        if (qty < 1 || qty > limits.maxQty)
            return RejectReason.BAD_QTY;
        boolean limit = order.orderType() == OrderType.LIMIT;
        long price = order.price();
        if (limit && (price < limits.bandLow || price > limits.bandHigh))
            return RejectReason.PRICE_BAND;
        BigDecimal notional = BigDecimal.valueOf(limit ? price : limits.refPrice).multiply(BigDecimal.valueOf(qty));
        Long max = accountMaxNotional.getOrDefault(order.account(), defaultMaxNotional);
        if (notional.compareTo(BigDecimal.valueOf(max)) > 0)
            return RejectReason.MAX_NOTIONAL;
        if (maxOrdersPerSecond > 0)
            return rateCheck(order.account(), order.eventTime());
        return RejectReason.NONE;
    }

    private RejectReason rateCheck(long account, long eventTime) {
        long[] w = rateWindows.computeIfAbsent(account, a -> new long[2]); // {window, count}
        long window = Math.floorDiv(eventTime, NANOS_PER_SECOND);
        if (window > w[0] || w[1] == 0) {
            w[0] = window;
            w[1] = 0;
        }
        if (w[1] >= maxOrdersPerSecond)
            return RejectReason.RATE_LIMIT;
        w[1]++;
        return RejectReason.NONE;
    }
}
