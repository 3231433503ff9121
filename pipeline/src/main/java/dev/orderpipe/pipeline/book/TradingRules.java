package dev.orderpipe.pipeline.book;

import dev.orderpipe.pipeline.Prices;
import dev.orderpipe.pipeline.codes.Side;
import dev.orderpipe.pipeline.config.AccountConfig;
import dev.orderpipe.pipeline.config.RiskConfig;
import dev.orderpipe.pipeline.config.SymbolConfig;
import dev.orderpipe.pipeline.risk.PriceBands;
import dev.orderpipe.pipeline.util.FixedLongIndex;

/**
 * The configured rules the matching engine applies beyond price-time priority, read once from the risk section of the
 * config: the market protection limits of each book (a MARKET buy never trades above its symbol's limit, a sell never
 * below; {@link PriceBands}, the same limits risk sizes its notional at) and the accounts that opted into self-trade
 * prevention, with their mode. Read-only after construction; the lookups allocate nothing.
 */
public final class TradingRules {
    /** Per book (configuration order): the highest price a MARKET buy may trade at, 0 for any. */
    private final long[] marketBuyLimit;
    /** Per book: the lowest price a MARKET sell may trade at, 0 for any. */
    private final long[] marketSellLimit;
    private final FixedLongIndex stpAccounts;
    private final byte[] stpMode;

    private TradingRules(int books, int accounts) {
        marketBuyLimit = new long[books];
        marketSellLimit = new long[books];
        stpAccounts = new FixedLongIndex(Math.max(1, accounts));
        stpMode = new byte[Math.max(1, accounts)];
    }

    /** No market protection and no self-trade prevention, for {@code books} books. */
    public static TradingRules none(int books) {
        return new TradingRules(books, 0);
    }

    /** The rules of a validated risk config; its symbols are the books, in order. */
    public static TradingRules of(RiskConfig risk) {
        TradingRules rules = new TradingRules(risk.symbols.size(), stpAccounts(risk));
        double percent = PriceBands.marketPercent(risk.priceBandPercent, risk.marketProtectionPercent);
        for (int book = 0; book < risk.symbols.size(); book++) {
            SymbolConfig s = risk.symbols.get(book);
            long ref = Prices.parse(s.refPrice);
            rules.marketBuyLimit[book] = PriceBands.high(ref, percent);
            rules.marketSellLimit[book] = PriceBands.low(ref, percent);
        }
        for (AccountConfig a : risk.accounts) {
            SelfTradePrevention mode = SelfTradePrevention.named(a.selfTradePrevention);
            if (mode != SelfTradePrevention.NONE)
                rules.stpMode[rules.stpAccounts.slotOf(a.account, true)] = mode.code();
        }
        return rules;
    }

    private static int stpAccounts(RiskConfig risk) {
        int n = 0;
        for (AccountConfig a : risk.accounts)
            if (!SelfTradePrevention.NONE.name().equals(a.selfTradePrevention))
                n++;
        return n;
    }

    /** About the heap {@link #of} allocates for {@code risk}; counts the same arrays as the constructor. */
    public static long heapBytes(RiskConfig risk) {
        return heapBytes(risk.symbols.size(), stpAccounts(risk));
    }

    static long heapBytes(int books, int accounts) {
        int entries = Math.max(1, accounts);
        return 2L * Long.BYTES * books + FixedLongIndex.heapBytes(entries) + entries;
    }

    /** Books these rules were made for. */
    int books() {
        return marketBuyLimit.length;
    }

    /** The self-trade prevention mode of {@code account}. */
    SelfTradePrevention selfTradePrevention(long account) {
        int slot = account == 0 ? FixedLongIndex.ABSENT : stpAccounts.slotOf(account, false);
        return slot < 0 ? SelfTradePrevention.NONE : SelfTradePrevention.of(stpMode[slot]);
    }

    /**
     * The limit key ({@link OrderBooks#key}) on {@code opposite}, a side of {@code book}, that a MARKET order taking
     * from it may trade down to: its protection limit, or {@link OrderBooks#ANY_PRICE} without one.
     */
    long marketLimitKey(int book, int opposite) {
        long limit = OrderBooks.sideOf(opposite) == Side.SELL
                ? marketBuyLimit[book] : marketSellLimit[book];
        return limit == 0 ? OrderBooks.ANY_PRICE : OrderBooks.key(opposite, limit);
    }
}
