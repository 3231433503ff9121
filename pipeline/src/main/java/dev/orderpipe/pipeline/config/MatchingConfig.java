package dev.orderpipe.pipeline.config;

/** The matching stage and the capacity of its books. */
public final class MatchingConfig extends StrictConfig {
    public String input = "checked";
    public String output = "executions";
    /** Resting orders across all books; a full pool rejects new orders (BOOK_FULL). */
    public int maxOpenOrders = 1_048_576;
    /** Price levels per side of one book; a full side rejects orders at new prices (BOOK_FULL). */
    public int maxPriceLevels = 4_096;

    @Override
    protected String section() {
        return "matching";
    }
}
