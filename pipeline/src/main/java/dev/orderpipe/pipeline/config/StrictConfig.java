package dev.orderpipe.pipeline.config;

import net.openhft.chronicle.wire.SelfDescribingMarshallable;
import net.openhft.chronicle.wire.ValueIn;

/**
 * Base of every config section: a Chronicle Wire marshallable that refuses keys it does not know, so a typo in a
 * YAML file is an error that names the key instead of a setting silently ignored.
 */
public abstract class StrictConfig extends SelfDescribingMarshallable {
    /** The section's path in the YAML file, for messages, e.g. {@code risk.symbols[2]}. */
    protected abstract String section();

    @Override
    public void unexpectedField(Object event, ValueIn valueIn) {
        throw new ConfigException("unknown key '" + event + "' in " + section() + " (check the spelling against conf/pipeline.yaml)");
    }
}
