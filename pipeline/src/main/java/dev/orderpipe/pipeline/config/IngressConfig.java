package dev.orderpipe.pipeline.config;

/** The ingress stage: decodes an order file into its queue. */
public final class IngressConfig extends StrictConfig {
    /** Queue it writes (risk reads it). */
    public String queue = "orders";
    /** Order file (CSV) to read; empty when orders come only from order-entry writers. */
    public String file = "";
    /** Keep reading the file as it grows, like {@code tail -f}. */
    public boolean follow = false;
    /** Longest accepted line in bytes; a longer line is REJECTED as BAD_LINE (TOO_LONG). */
    @Range(min = 64, max = 1 << 20)
    public int maxLineLength = 1024;
    /** Most lines decoded per call, bounding the work a stage does before its group's next stage runs. */
    @Range(min = 1, max = 65_536)
    public int linesPerCall = 64;

    @Override
    protected String renamedKey(String key) {
        return renamed(key, "output", "queue", "input", "file", "batchSize", "linesPerCall");
    }
}
