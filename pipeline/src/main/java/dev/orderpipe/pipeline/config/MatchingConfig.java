package dev.orderpipe.pipeline.config;

/** The matching stage and the capacity of its books. */
public final class MatchingConfig extends StrictConfig {
    /** Queue it writes its execution reports to (egress reads it); it reads the risk queue. */
    public String queue = "executions";
    /**
     * Resting orders across all books, and the orders carried over from an earlier session that finished in this one
     * (their ids stay taken until it ends); a full pool rejects new orders (BOOK_FULL).
     */
    @Range(min = 1, max = 1 << 26)
    public int maxOpenOrders = 1_048_576;
    /** Price levels per side of one book; a full side rejects orders at new prices (BOOK_FULL). */
    @Range(min = 1, max = 1 << 20)
    public int maxPriceLevels = 4_096;

    @Override
    protected String renamedKey(String key) {
        return renamed(key, "output", "queue", "input", "");
    }
}
