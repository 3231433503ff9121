package dev.orderpipe.pipeline.config;

/** The egress stage: reads execution reports off the executions queue and keeps the run's counts. */
public final class EgressConfig extends StrictConfig {
    /** Executions CSV (docs/formats.md format) to write as reports arrive; empty for none. */
    public String csvFile = "";

    @Override
    protected String renamedKey(String key) {
        return renamed(key, "output", "csvFile", "input", "");
    }
}
