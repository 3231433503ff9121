package dev.orderpipe.pipeline.config;

import java.util.ArrayList;
import java.util.List;

/** The pre-trade risk stage and its limits. */
public final class RiskConfig extends StrictConfig {
    /** Queue it writes (matching reads it); it reads the ingress queue. */
    public String queue = "checked";
    /** A limit price more than this many percent away from the symbol's refPrice is rejected (PRICE_BAND). */
    public double priceBandPercent = 10.0;
    /**
     * How far from the symbol's refPrice a MARKET order may trade, in percent: matching never fills it beyond that
     * price (the rest EXPIRED, MARKET_PROTECTION) and risk sizes its notional at that price. 0: priceBandPercent.
     */
    public double marketProtectionPercent = 0;
    /** Largest price x quantity of one order for accounts not listed (decimal currency units). */
    public String defaultMaxNotional = "10000000";
    /** Most orders per second from one account (NEW and REPLACE count, CANCEL when configured); 0 disables it. */
    @Range(min = 0, max = 1_000_000_000, note = "0 disables it")
    public int maxOrdersPerSecond = 0;
    /**
     * With maxOrdersPerSecond: false counts orders per whole second of event time; true counts them over any rolling
     * second (at most maxOrdersPerSecond in any span of one second), keeping each tracked account's last
     * maxOrdersPerSecond order times (8 bytes each).
     */
    public boolean rateWindowRolling = false;
    /** With maxOrdersPerSecond: CANCELs count against the limit too (and are REJECTED RATE_LIMIT beyond it). */
    public boolean rateCountsCancels = false;
    /** Order ids remembered to reject duplicates; when full, new orders are REJECTED (ORDER_ID_TABLE_FULL). */
    @Range(min = 1, max = 1 << 28)
    public int orderIdCapacity = 4_194_304;
    /** Accounts tracked for rate limiting; when full, orders of new accounts are REJECTED (ACCOUNT_TABLE_FULL). */
    @Range(min = 1, max = 1 << 24)
    public int accountCapacity = 65_536;
    public List<SymbolConfig> symbols = new ArrayList<>();
    public List<AccountConfig> accounts = new ArrayList<>();

    @Override
    protected String renamedKey(String key) {
        return renamed(key, "output", "queue", "input", "");
    }
}
